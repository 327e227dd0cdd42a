"""Module: the base of every network piece, with PyTorch's names.

A Module finds its parameters (Values) and sub-modules among its attributes, lists included,
and names them with dotted paths (``layers.0.neurons.3.w.1``) used by ``named_parameters()``,
``state_dict()`` and the parameters' labels, so a picture of the graph or an error names them.
"""

from __future__ import annotations

import math
from collections.abc import Iterator, Mapping, Sequence
from typing import Any, TypeVar

from autograd import Value

M = TypeVar("M", bound="Module")


class Module:
    """Base class: finds parameters and sub-modules among the attributes (lists included)."""

    training = True
    _name = ""
    buffer_names: tuple[str, ...] = ()  # attributes holding lists of floats saved as buffers

    def __call__(self, x: Any) -> Any:
        raise NotImplementedError(f"{type(self).__name__} does not define __call__")

    def forward_batch(self, xs: Sequence[Any]) -> list[Any]:
        """A list of samples in, a list of outputs out. By default the module is called on each
        sample; modules that need the whole batch at once (BatchNorm, and the MLP or Layer
        holding one) override it. ``nn.fit`` trains through this call."""
        return [self(x) for x in xs]

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
        """Switch this module and its sub-modules to training mode (dropout active, BatchNorm
        normalising with batch statistics)."""
        for _, module in self.named_modules():
            module.training = mode
        return self

    def eval(self: M) -> M:
        """Switch to evaluation mode (dropout off, BatchNorm using its running statistics)."""
        return self.train(False)

    def named_buffers(self) -> Iterator[tuple[str, float]]:
        """``(dotted name, value)`` for every buffer: numbers a module keeps that are not
        parameters (BatchNorm's running statistics, ``layers.0.bn.running_mean.3``)."""
        for name, (module, attr, i) in self._buffer_slots().items():
            yield name, getattr(module, attr)[i]

    def _buffer_slots(self) -> dict[str, tuple[Module, str, int]]:
        slots = {}
        for prefix, module in self.named_modules():
            for attr in module.buffer_names:
                for i in range(len(getattr(module, attr))):
                    name = f"{prefix}.{attr}.{i}" if prefix else f"{attr}.{i}"
                    slots[name] = (module, attr, i)
        return slots

    def state_dict(self) -> dict[str, float]:
        """``{dotted name: number}`` for every parameter, then every buffer."""
        return {
            **{name: p.data for name, p in self.named_parameters()},
            **dict(self.named_buffers()),
        }

    def load_state_dict(self, state: Mapping[str, float]) -> None:
        """Copy weights and buffers from ``state``; its names must match ``state_dict()``'s
        exactly. Everything is checked before anything is copied."""
        params, slots = dict(self.named_parameters()), self._buffer_slots()
        missing = [n for n in [*params, *slots] if n not in state]
        unexpected = [n for n in state if n not in params and n not in slots]
        if missing or unexpected:
            raise KeyError(
                f"state_dict mismatch: missing {missing[:5]}, unexpected {unexpected[:5]}"
            )
        for name, w in state.items():
            if isinstance(w, bool) or not isinstance(w, (int, float)) or not math.isfinite(w):
                raise ValueError(f"state_dict[{name!r}] must be a finite number, got {w!r}")
            module, attr, _ = slots.get(name, (self, "", 0))
            problem = module._check_buffer(attr, float(w))
            if problem:
                raise ValueError(f"state_dict[{name!r}]: {problem}")
        for name, p in params.items():
            p.data = float(state[name])
        for name, (module, attr, i) in slots.items():
            getattr(module, attr)[i] = float(state[name])

    def _check_buffer(self, attr: str, value: float) -> str | None:
        """What is wrong with ``value`` for buffer list ``attr``, or None (hook)."""
        return None

    def _label(self) -> None:
        """Label parameters with their dotted names and tell each sub-module its name."""
        for name, module in self.named_modules():
            module._name = name
            module._on_named()
        for name, p in self.named_parameters():
            p.label = name

    def _on_named(self) -> None:
        """Hook run after ``_name`` is set."""
