"""The one PyTorch module nn's networks need that ``torch.nn`` lacks: ``Residual``.

Imported by ``nn.torch_bridge`` only when a model goes to or comes from PyTorch, so ``import
nn`` never needs torch. It lives in a module of its own (not inside a function) so that a
network holding it can be pickled with ``torch.save``.
"""

from __future__ import annotations

import torch


class Residual(torch.nn.Module):
    """y = body(x) + x: nn's residual layer (``Layer(..., residual=True)``, a + x) as a torch
    module. ``body`` must keep the input's width."""

    def __init__(self, body: torch.nn.Module) -> None:
        super().__init__()
        self.body = body

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        out: torch.Tensor = self.body(x) + x
        return out
