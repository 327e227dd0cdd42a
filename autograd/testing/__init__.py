"""Checking gradients: central differences and gradcheck (standard library only), and, in
``autograd.testing.strategies``, hypothesis strategies and a sympy oracle (the ``check`` extra).
"""

from autograd.testing.gradcheck import GradcheckError, gradcheck, gradgradcheck, numeric_grad

__all__ = ["GradcheckError", "gradcheck", "gradgradcheck", "numeric_grad"]
