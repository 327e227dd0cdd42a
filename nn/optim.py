"""Optimizers and gradient clipping.

An optimizer reads each parameter's ``grad`` (g = dL/dw) and changes its ``data`` in place,
with plain float arithmetic, so an update builds no graph. Per-parameter state (momentum,
running averages) lives in lists parallel to the parameter list and round-trips through
``state_dict()`` / ``load_state_dict()``.

The same update also runs on arrays (``step_arrays``: every parameter at once, as compiled
training does with numpy): each ``_update`` is written once and reads the same on a float
with its index or on an array with ``slice(None)``, so both give the same numbers bit for
bit (IEEE arithmetic and a correctly rounded square root, element by element).
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from typing import Any

from autograd import Value


class Optimizer:
    """Base class: holds the parameters, the learning rate ``lr`` (eta) and the step count."""

    buffers: tuple[str, ...] = ()

    def __init__(self, params: Iterable[Value], lr: float) -> None:
        self.params = list(params)
        if not self.params:
            raise ValueError(f"{type(self).__name__} got an empty parameter list")
        if not lr > 0.0:
            raise ValueError(f"learning rate must be positive, got {lr!r}")
        self.lr = float(lr)
        self.steps = 0
        self.state: dict[str, list[float]] = {k: [0.0] * len(self.params) for k in self.buffers}

    def zero_grad(self) -> None:
        """Set every parameter's ``grad`` to 0."""
        for p in self.params:
            p.grad = 0.0

    def step(self) -> None:
        """Apply one update from the current gradients."""
        for i, p in enumerate(self.params):
            if not math.isfinite(p.grad):
                name = p.label or f"parameter {i}"
                raise ValueError(f"{type(self).__name__}.step: the gradient of {name} is {p.grad}")
        self.steps += 1
        for i, p in enumerate(self.params):
            p.data -= self._update(i, p.data, p.grad)

    def step_arrays(self, w: Any, g: Any) -> None:
        """``step()`` on the parameters' numbers ``w`` and gradients ``g`` as float arrays
        (``w`` updated in place; the buffers stay lists between steps)."""
        import numpy as np

        bad = np.flatnonzero(~np.isfinite(g))
        if bad.size:
            i = int(bad[0])
            name = self.params[i].label or f"parameter {i}"
            raise ValueError(f"{type(self).__name__}.step: the gradient of {name} is {g[i]}")
        self.steps += 1
        self.state = {k: np.array(v, dtype=float) for k, v in self.state.items()}  # type: ignore[misc]
        try:
            w -= self._update(slice(None), w, g)  # type: ignore[arg-type]
        finally:
            self.state = {k: v.tolist() for k, v in self.state.items()}  # type: ignore[attr-defined]

    def _update(self, i: int, w: float, g: float) -> float:
        """The amount to subtract from parameter ``i`` (value ``w``, gradient ``g``)."""
        raise NotImplementedError

    def state_dict(self) -> dict[str, Any]:
        """The learning rate, step count and per-parameter buffers, as plain data."""
        state = {k: list(v) for k, v in self.state.items()}
        return {"type": type(self).__name__, "lr": self.lr, "steps": self.steps, "state": state}

    def load_state_dict(self, state: Mapping[str, Any]) -> None:
        """Restore what ``state_dict()`` returned, checking it fits these parameters."""
        if state.get("type") != type(self).__name__:
            raise ValueError(f"state is for {state.get('type')!r}, not {type(self).__name__}")
        buffers = state["state"]
        for key in self.buffers:
            if len(buffers.get(key, ())) != len(self.params):
                raise ValueError(f"state buffer {key!r} does not have {len(self.params)} entries")
        self.lr, self.steps = float(state["lr"]), int(state["steps"])
        self.state = {k: [float(x) for x in buffers[k]] for k in self.buffers}


class SGD(Optimizer):
    """w <- w - eta g, with optional momentum (v <- mu v + g; w <- w - eta v), Nesterov
    momentum (w <- w - eta (g + mu v)) and weight decay (g <- g + lambda w), as in PyTorch."""

    buffers = ("momentum",)

    def __init__(
        self,
        params: Iterable[Value],
        lr: float = 0.01,
        momentum: float = 0.0,
        nesterov: bool = False,
        weight_decay: float = 0.0,
    ) -> None:
        if nesterov and momentum <= 0.0:
            raise ValueError("Nesterov momentum needs momentum > 0")
        super().__init__(params, lr)
        self.momentum, self.nesterov, self.weight_decay = momentum, nesterov, weight_decay

    def _update(self, i: int, w: float, g: float) -> float:
        g = g + self.weight_decay * w
        if self.momentum:
            v = self.state["momentum"]
            v[i] = self.momentum * v[i] + g
            g = g + self.momentum * v[i] if self.nesterov else v[i]
        return self.lr * g


class RMSprop(Optimizer):
    """s <- alpha s + (1 - alpha) g^2; w <- w - eta g / (sqrt(s) + eps): each weight's step is
    scaled by its recent gradient size."""

    buffers = ("square_avg",)

    def __init__(
        self,
        params: Iterable[Value],
        lr: float = 0.01,
        alpha: float = 0.99,
        eps: float = 1e-8,
        weight_decay: float = 0.0,
    ) -> None:
        super().__init__(params, lr)
        self.alpha, self.eps, self.weight_decay = alpha, eps, weight_decay

    def _update(self, i: int, w: float, g: float) -> float:
        g = g + self.weight_decay * w
        s = self.state["square_avg"]
        s[i] = self.alpha * s[i] + (1.0 - self.alpha) * g * g
        return self.lr * g / (_sqrt(s[i]) + self.eps)  # type: ignore[no-any-return]


RMSProp = RMSprop


class Adam(Optimizer):
    """Momentum plus RMSprop with bias correction, at step t:
    m <- b1 m + (1 - b1) g, v <- b2 v + (1 - b2) g^2,
    w <- w - eta m_hat / (sqrt(v_hat) + eps), m_hat = m / (1 - b1^t), v_hat = v / (1 - b2^t).
    ``weight_decay`` adds lambda w to g (L2 regularisation, as torch.optim.Adam)."""

    buffers = ("exp_avg", "exp_avg_sq")
    decoupled = False

    def __init__(
        self,
        params: Iterable[Value],
        lr: float = 0.001,
        betas: tuple[float, float] = (0.9, 0.999),
        eps: float = 1e-8,
        weight_decay: float = 0.0,
    ) -> None:
        super().__init__(params, lr)
        self.betas, self.eps, self.weight_decay = betas, eps, weight_decay

    def _update(self, i: int, w: float, g: float) -> float:
        decay = self.weight_decay * w
        if not self.decoupled:
            g = g + decay
        b1, b2 = self.betas
        m, v = self.state["exp_avg"], self.state["exp_avg_sq"]
        m[i] = b1 * m[i] + (1.0 - b1) * g
        v[i] = b2 * v[i] + (1.0 - b2) * g * g
        m_hat, v_hat = m[i] / (1.0 - b1**self.steps), v[i] / (1.0 - b2**self.steps)
        step: float = self.lr * m_hat / (_sqrt(v_hat) + self.eps)
        return step + self.lr * decay if self.decoupled else step


class AdamW(Adam):
    """Adam with decoupled weight decay: w <- w - eta lambda w - eta m_hat / (sqrt(v_hat) + eps),
    the decay kept out of the running averages (Loshchilov and Hutter)."""

    decoupled = True

    def __init__(
        self,
        params: Iterable[Value],
        lr: float = 0.001,
        betas: tuple[float, float] = (0.9, 0.999),
        eps: float = 1e-8,
        weight_decay: float = 0.01,
    ) -> None:
        super().__init__(params, lr, betas, eps, weight_decay)


def _sqrt(x: Any) -> Any:
    """The square root of a float (math) or of an array (numpy): both correctly rounded."""
    if isinstance(x, float):
        return math.sqrt(x)
    import numpy as np

    return np.sqrt(x)


def grad_norm(params: Iterable[Value]) -> float:
    """||g||_2 = sqrt(sum of squared gradients)."""
    return root_sum(p.grad * p.grad for p in params)


def root_sum(squares: Iterable[float]) -> float:
    """sqrt(sum of squares), the sum correctly rounded (so its order does not matter)."""
    return math.sqrt(math.fsum(squares))


def clip_scale(norm: float, max_norm: float) -> float | None:
    """The factor that brings a gradient of norm ``norm`` down to ``max_norm``, or None."""
    return max_norm / (norm + 1e-6) if norm > max_norm else None


def clip_grad_norm(params: Iterable[Value], max_norm: float) -> float:
    """Scale all gradients together so ||g||_2 <= max_norm (against exploding gradients);
    returns the norm before clipping."""
    params = list(params)
    norm = grad_norm(params)
    scale = clip_scale(norm, max_norm)
    if scale is not None:
        for p in params:
            p.grad *= scale
    return norm


def clip_grad_value(params: Iterable[Value], clip_value: float) -> None:
    """Clamp each gradient to [-clip_value, clip_value]."""
    for p in params:
        p.grad = min(max(p.grad, -clip_value), clip_value)
