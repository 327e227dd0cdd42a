"""Checking gradients: central differences and gradcheck (standard library only); in
``autograd.testing.strategies``, hypothesis strategies and a sympy oracle (the ``check`` extra);
in ``autograd.testing.torch``, PyTorch's gradients against this engine's (the ``torch`` extra).
"""

from autograd.testing.gradcheck import GradcheckError, gradcheck, gradgradcheck, numeric_grad

__all__ = ["GradcheckError", "gradcheck", "gradgradcheck", "numeric_grad"]
