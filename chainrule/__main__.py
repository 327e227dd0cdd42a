"""``python -m chainrule``: the ``chainrule`` command."""

from chainrule.launch import run

run()
