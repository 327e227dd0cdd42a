"""chainrule's engine: scalar reverse-mode automatic differentiation.

>>> from autograd import Value
>>> x = Value(2.0, label="x")
>>> y = (x * x + 3).tanh()
>>> y.backward()
"""

from autograd.compiler import compile_step
from autograd.functional import grad, hessian, hvp, jacobian, jvp, value_and_grad
from autograd.grad_mode import is_grad_enabled, no_grad
from autograd.ops import OPS, Op
from autograd.testing.gradcheck import GradcheckError, gradcheck, gradgradcheck, numeric_grad
from autograd.value import Value, apply, dot, logsumexp, vsum

__all__ = [
    "OPS",
    "GradcheckError",
    "Op",
    "Value",
    "apply",
    "compile_step",
    "dot",
    "grad",
    "gradcheck",
    "gradgradcheck",
    "hessian",
    "hvp",
    "is_grad_enabled",
    "jacobian",
    "jvp",
    "logsumexp",
    "no_grad",
    "numeric_grad",
    "value_and_grad",
    "vsum",
]
