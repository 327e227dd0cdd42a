"""Context rows for the MLP step: the best plain-Python code by hand, numpy and torch.

``float_backprop_step`` is the pure-Python floor: forward and backward (the delta rule) on
float lists, written for speed, no graph. ``numpy_step`` and ``torch_step`` do the whole
batch at once (numpy with a hand-derived backward, torch with its autograd, float64). All
compute micrograd's demo loss and gradients, in micrograd's parameter order, then update.
"""

from __future__ import annotations

from operator import mul
from typing import Any

from mlp import ALPHA, ETA, Layer, flat


def float_prepare(weights: list[Layer], data: Any) -> Any:
    layers = [([list(row) for row in rows], list(bs)) for rows, bs in weights]
    return layers, *data


def float_backprop_step(state: Any) -> tuple[float, list[float]]:
    layers, xs, ys = state
    n, last = len(xs), len(layers) - 1
    grads = [([[0.0] * len(row) for row in rows], [0.0] * len(bs)) for rows, bs in layers]
    total = 0.0
    for x, y in zip(xs, ys, strict=True):
        acts, a = [x], x
        for i, (rows, bs) in enumerate(layers):
            z = [sum(map(mul, row, a), b) for row, b in zip(rows, bs, strict=True)]
            a = z if i == last else [v if v > 0.0 else 0.0 for v in z]
            acts.append(a)
        margin = 1.0 - y * a[0]
        if margin <= 0.0:
            continue
        total += margin
        delta = [-y / n]
        for i in range(last, -1, -1):
            rows, _ = layers[i]
            gw, gb = grads[i]
            inputs = acts[i]
            for j, d in enumerate(delta):
                if d:
                    gb[j] += d
                    row = gw[j]
                    for k, v in enumerate(inputs):
                        row[k] += d * v
            if i:
                below = acts[i]
                delta = [
                    sum([rows[j][k] * delta[j] for j in range(len(delta))])
                    if below[k] > 0.0
                    else 0.0
                    for k in range(len(below))
                ]
    params = flat(layers)
    loss = total / n + ALPHA * sum([p * p for p in params])
    out = []
    for (rows, bs), (gw, gb) in zip(layers, grads, strict=True):
        for j, (row, b) in enumerate(zip(rows, bs, strict=True)):
            for k, w in enumerate(row):
                g = gw[j][k] + 2 * ALPHA * w
                out.append(g)
                row[k] = w - ETA * g
            g = gb[j] + 2 * ALPHA * b
            out.append(g)
            bs[j] = b - ETA * g
    return loss, out


def numpy_prepare(weights: list[Layer], data: Any) -> Any:
    import numpy as np

    layers = [(np.array(rows), np.array(bs)) for rows, bs in weights]
    return layers, np.array(data[0]), np.array(data[1])


def numpy_step(state: Any) -> tuple[float, list[float]]:
    import numpy as np

    layers, X, y = state  # noqa: N806
    acts, zs, a = [X], [], X
    for i, (w, b) in enumerate(layers):
        z = a @ w.T + b
        zs.append(z)
        a = z if i == len(layers) - 1 else np.maximum(z, 0.0)
        acts.append(a)
    margins = 1.0 - y * a[:, 0]
    n = len(y)
    reg = sum(float((w * w).sum() + (b * b).sum()) for w, b in layers)
    loss = float(np.maximum(margins, 0.0).sum() / n + ALPHA * reg)
    delta = np.where(margins > 0.0, -y / n, 0.0)[:, None]
    grads = []
    for i in range(len(layers) - 1, -1, -1):
        w, b = layers[i]
        gw, gb = delta.T @ acts[i] + 2 * ALPHA * w, delta.sum(axis=0) + 2 * ALPHA * b
        grads.append((gw, gb))
        if i:
            delta = (delta @ w) * (zs[i - 1] > 0.0)
    grads.reverse()
    out = []
    for (w, b), (gw, gb) in zip(layers, grads, strict=True):
        out += np.concatenate([gw, gb[:, None]], axis=1).ravel().tolist()
        w -= ETA * gw
        b -= ETA * gb
    return loss, out


def torch_prepare(weights: list[Layer], data: Any) -> Any:
    import torch

    layers = [
        (torch.tensor(rows, dtype=torch.float64, requires_grad=True),
         torch.tensor(bs, dtype=torch.float64, requires_grad=True))
        for rows, bs in weights
    ]  # fmt: skip
    x = torch.tensor(data[0], dtype=torch.float64)
    return layers, x, torch.tensor(data[1], dtype=torch.float64)


def torch_step(state: Any) -> tuple[float, list[float]]:
    import torch

    layers, X, y = state  # noqa: N806
    a = X
    for i, (w, b) in enumerate(layers):
        a = a @ w.T + b
        if i < len(layers) - 1:
            a = torch.relu(a)
    loss = torch.relu(1.0 - y * a[:, 0]).mean()
    loss = loss + ALPHA * sum((w * w).sum() + (b * b).sum() for w, b in layers)
    for w, b in layers:
        w.grad = b.grad = None
    loss.backward()
    out = []
    with torch.no_grad():
        for w, b in layers:
            out += torch.cat([w.grad, b.grad[:, None]], dim=1).flatten().tolist()
            w -= ETA * w.grad
            b -= ETA * b.grad
    return loss.item(), out
