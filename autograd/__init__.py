"""chainrule's engine: scalar reverse-mode automatic differentiation.

>>> from autograd import Value
>>> x = Value(2.0, label="x")
>>> y = (x * x + 3).tanh()
>>> y.backward()
"""

from autograd.functional import grad
from autograd.ops import OPS, Op
from autograd.sums import dot, neuron, vsum
from autograd.testing.gradcheck import GradcheckError, gradcheck, gradgradcheck, numeric_grad
from autograd.value import Value, apply, is_grad_enabled, no_grad

__all__ = [
    "OPS",
    "GradcheckError",
    "Op",
    "Value",
    "apply",
    "dot",
    "grad",
    "gradcheck",
    "gradgradcheck",
    "is_grad_enabled",
    "neuron",
    "no_grad",
    "numeric_grad",
    "vsum",
]
