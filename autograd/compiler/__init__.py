"""Compiled training steps: trace a step once with Values, replay it as generated Python.

>>> from autograd import Value, compile_step
>>> w = Value(0.5, label="w")
>>> step = compile_step(lambda x: (w * x).tanh(), [w])
>>> loss, grads, outputs = step(2.0)     # traced (the engine's numbers), then compiled
>>> loss, grads, outputs = step(3.0)     # replayed: no Value is made
>>> print(step.source)                   # the chain rule of this function, as Python

Back ends: ``straight`` (one statement per node and per edge), ``rolled`` (one example's
code in a loop over a batch's rows) and ``interpreter`` (a flat program, for graphs too big
to compile); ``auto`` picks. Every op comes from the op table: its forward and its rule are
read on source expressions (``autograd.compiler.source``), so a new row compiles unchanged.
"""

from autograd.compiler.step import CompiledStep, EagerFallbackWarning, compile_step
from autograd.compiler.trace import DataDependentTraceError

__all__ = ["CompiledStep", "DataDependentTraceError", "EagerFallbackWarning", "compile_step"]
