"""Module: the base of every network piece, with PyTorch's names.

A Module finds its parameters (Values) and sub-modules among its attributes, lists included,
and names them with dotted paths (``layers.0.neurons.3.w.1``) used by ``named_parameters()``,
``state_dict()`` and the parameters' labels, so a picture of the graph or an error names them.
"""

from __future__ import annotations

import math
from collections.abc import Iterator, Mapping
from typing import Any, TypeVar

from autograd import Value

M = TypeVar("M", bound="Module")


class Module:
    """Base class: finds parameters and sub-modules among the attributes (lists included)."""

    training = True
    _name = ""

    def __call__(self, x: Any) -> Any:
        raise NotImplementedError(f"{type(self).__name__} does not define __call__")

    def _children(self) -> Iterator[tuple[str, Value | Module]]:
        for attr, item in vars(self).items():
            if attr.startswith("_"):
                continue
            items = enumerate(item) if isinstance(item, list) else [(None, item)]
            for i, child in items:
                if isinstance(child, (Value, Module)):
                    yield (attr if i is None else f"{attr}.{i}"), child

    def named_modules(self, prefix: str = "") -> Iterator[tuple[str, Module]]:
        """``(dotted name, module)`` for this module (name ``prefix``) and every sub-module."""
        yield prefix, self
        for name, child in self._children():
            if isinstance(child, Module):
                yield from child.named_modules(f"{prefix}.{name}" if prefix else name)

    def named_parameters(self) -> Iterator[tuple[str, Value]]:
        """``(dotted name, parameter)`` in a stable order, e.g. ``layers.0.neurons.3.w.1``."""
        for prefix, module in self.named_modules():
            for name, child in module._children():
                if isinstance(child, Value):
                    yield (f"{prefix}.{name}" if prefix else name), child

    def parameters(self) -> list[Value]:
        """Every trainable Value, in the order of ``named_parameters()``."""
        return [p for _, p in self.named_parameters()]

    def zero_grad(self) -> None:
        """Set every parameter's ``grad`` to 0 (gradients accumulate across ``backward()``)."""
        for p in self.parameters():
            p.grad = 0.0

    def train(self: M, mode: bool = True) -> M:
        """Switch this module and its sub-modules to training mode (dropout active)."""
        for _, module in self.named_modules():
            module.training = mode
        return self

    def eval(self: M) -> M:
        """Switch to evaluation mode (dropout off)."""
        return self.train(False)

    def state_dict(self) -> dict[str, float]:
        """``{dotted name: weight}`` for every parameter."""
        return {name: p.data for name, p in self.named_parameters()}

    def load_state_dict(self, state: Mapping[str, float]) -> None:
        """Copy weights from ``state``; its names must match ``state_dict()``'s exactly."""
        params = dict(self.named_parameters())
        missing = [n for n in params if n not in state]
        unexpected = [n for n in state if n not in params]
        if missing or unexpected:
            raise KeyError(
                f"state_dict mismatch: missing {missing[:5]}, unexpected {unexpected[:5]}"
            )
        for name, p in params.items():
            w = state[name]
            if isinstance(w, bool) or not isinstance(w, (int, float)) or not math.isfinite(w):
                raise ValueError(f"state_dict[{name!r}] must be a finite number, got {w!r}")
            p.data = float(w)

    def _label(self) -> None:
        """Label parameters with their dotted names and tell each sub-module its name."""
        for name, module in self.named_modules():
            module._name = name
            module._on_named()
        for name, p in self.named_parameters():
            p.label = name

    def _on_named(self) -> None:
        """Hook run after ``_name`` is set."""
