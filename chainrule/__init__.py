"""The ``chainrule`` command: ``train``, ``graph`` and ``check`` (``python -m chainrule``).

It sits above both libraries: it uses the engine (``autograd``) and the networks (``nn``),
and neither imports it. Its expression language (``chainrule.expr``) and its plots
(``chainrule.plots``) live here too.
"""

__version__ = "0.1.0"
