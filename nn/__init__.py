"""chainrule's neural-network library, built on the ``autograd`` engine."""

import autograd as _autograd

if not hasattr(_autograd, "Value"):  # PyPI's unrelated `autograd` shadows chainrule's engine
    raise ImportError(
        f"'import autograd' found {_autograd.__file__}, which is not chainrule's engine: another "
        "package named 'autograd' is installed in this environment. Install chainrule in a "
        "dedicated virtual environment (or 'pip uninstall autograd')."
    )
