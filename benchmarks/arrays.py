"""Scalars at array speed: the tensor back end beside numpy, torch and jax on batched steps.

Each workload is one training step (forward, loss, backward, SGD update) of micrograd's demo
model on moons at 100, 1,000 and 10,000 points and of MLP(2, [64, 64, 1]) at 1,000, and one
epoch of softmax cross-entropy on the digits (MLP(64, [32, 10]), batches of 64). The
compiled engines keep the parameters as Values (``.data`` read, the update written back, as
``nn.fit`` does); numpy, torch (float64) and jax.jit (float64) hold arrays throughout.
"""

from __future__ import annotations

import itertools
import random
import time
from collections.abc import Callable
from typing import Any

import floors
import mlp

import autograd
import nn

Engine = tuple[Callable[[], Any], Callable[[Any], Any]]
MOONS = {  # workload: (points, layer sizes)
    "demo, 100 points": (100, (2, 16, 16, 1)),
    "demo, 1,000 points": (1000, (2, 16, 16, 1)),
    "demo, 10,000 points": (10_000, (2, 16, 16, 1)),
    "MLP(2, [64, 64, 1]), 1,000 points": (1000, (2, 64, 64, 1)),
}
DIGITS = "digits epoch, MLP(64, [32, 10]), batches of 64"
BOUNDS = {  # workload: (most times numpy's, faster than torch)
    "demo, 100 points": (2.0, True),
    "demo, 1,000 points": (2.5, False),
    "demo, 10,000 points": (2.5, False),
    "MLP(2, [64, 64, 1]), 1,000 points": (2.5, False),
    DIGITS: (5.0, True),
}


def weights_for(sizes: tuple[int, ...], seed: int = 1) -> list[mlp.Layer]:
    rng = random.Random(seed)
    return [([[rng.uniform(-1, 1) / nin**0.5 for _ in range(nin)] for _ in range(nout)],
             [rng.uniform(-0.1, 0.1) for _ in range(nout)])
            for nin, nout in itertools.pairwise(sizes)]  # fmt: skip


def compiled_prepare(sizes: tuple[int, ...], data: Any, exact: bool, backend: str) -> Any:
    import numpy as np

    model = nn.MLP(sizes[0], list(sizes[1:]), activation="relu", seed=0)
    params = model.parameters()
    for p, v in zip(params, mlp.flat(weights_for(sizes)), strict=True):
        p.data = v

    def fn(xb: Any, yb: Any) -> autograd.Value:
        scores = [model(x) for x in xb]
        losses = [(1.0 - y * s).relu() for y, s in zip(yb, scores, strict=True)]
        return autograd.vsum(losses) * (1.0 / len(losses)) + mlp.ALPHA * autograd.dot(
            params, params
        )

    step = autograd.compile_step(fn, params, backend=backend, exact=exact)
    xs, ys = (np.array(d) for d in data) if backend == "tensor" else data
    step(xs, ys)
    return step, params, xs, ys


def compiled_run(state: Any) -> tuple[float, list[float]]:
    step, params, xs, ys = state
    loss, grads, _ = step(xs, ys)
    sgd(params, grads)
    return loss, grads


def sgd(params: list[autograd.Value], grads: list[float]) -> None:
    """w <- w - eta g on one array, written back into the Values (as nn.fit updates)."""
    import numpy as np

    w = np.array([p.data for p in params])
    w -= mlp.ETA * np.array(grads)
    for p, v in zip(params, w.tolist(), strict=True):
        p.data = v


def moons_engines(points: int, sizes: tuple[int, ...], rolled: bool) -> dict[str, Engine]:
    weights, data = weights_for(sizes), mlp.moons(points)
    engines: dict[str, Engine] = {}
    for name, exact, backend in (("tensor", False, "tensor"), ("tensor exact", True, "tensor"),
                                 ("rolled", True, "rolled")):  # fmt: skip
        if backend == "rolled" and not rolled:
            continue
        engines[f"compiled {name}"] = (
            (lambda e=exact, b=backend: compiled_prepare(sizes, data, e, b)),  # type: ignore[misc]
            compiled_run,
        )
    engines["numpy"] = (lambda: floors.numpy_prepare(weights, data), floors.numpy_step)
    engines["torch float64"] = (lambda: floors.torch_prepare(weights, data), floors.torch_step)
    if jax_installed():
        engines["jax.jit float64"] = (lambda: jax_prepare(weights, data), jax_step)
    return engines


def jax_installed() -> bool:
    try:
        import jax  # noqa: F401
    except ImportError:
        return False
    return True


def jax_prepare(weights: list[mlp.Layer], data: Any) -> Any:
    import jax
    import jax.numpy as jnp

    jax.config.update("jax_enable_x64", True)
    layers = [(jnp.array(rows), jnp.array(bs)) for rows, bs in weights]

    def loss(layers: Any, x: Any, y: Any) -> Any:
        a = x
        for i, (w, b) in enumerate(layers):
            a = a @ w.T + b
            if i < len(layers) - 1:
                a = jnp.maximum(a, 0.0)
        reg = sum((w * w).sum() + (b * b).sum() for w, b in layers)
        return jnp.maximum(1.0 - y * a[:, 0], 0.0).mean() + mlp.ALPHA * reg

    @jax.jit
    def update(layers: Any, x: Any, y: Any) -> Any:
        value, grads = jax.value_and_grad(loss)(layers, x, y)
        new = [
            (w - mlp.ETA * gw, b - mlp.ETA * gb)
            for (w, b), (gw, gb) in zip(layers, grads, strict=True)
        ]
        return value, grads, new

    state = [layers, jnp.array(data[0]), jnp.array(data[1]), update]
    update(*state[:3])  # compiled here, not in the timed steps
    return state


def jax_step(state: Any) -> tuple[float, list[float]]:
    import jax.numpy as jnp

    layers, x, y, update = state
    value, grads, state[0] = update(layers, x, y)
    out = jnp.concatenate([jnp.concatenate([gw, gb[:, None]], 1).ravel() for gw, gb in grads])
    return float(value), out.tolist()


def digits_data() -> tuple[list[list[float]], list[int]]:
    """scikit-learn's 1,797 digits, pixels scaled to [0, 1]."""
    from sklearn.datasets import load_digits

    digits = load_digits()
    return (digits.data / 16.0).tolist(), [int(t) for t in digits.target]


DIGIT_SIZES, BATCH = (64, 32, 10), 64


def _batches(n: int) -> list[slice]:
    return [slice(i, min(i + BATCH, n)) for i in range(0, n, BATCH)]


def digits_compiled_prepare(exact: bool) -> Any:
    import numpy as np

    X, y = digits_data()  # noqa: N806
    model = nn.MLP(64, [32, 10], activation="relu", seed=0)
    params = model.parameters()
    for p, v in zip(params, mlp.flat(weights_for(DIGIT_SIZES)), strict=True):
        p.data = v

    def fn(xb: Any, yb: Any) -> autograd.Value:
        return nn.cross_entropy([model(x) for x in xb], yb)  # type: ignore[no-any-return]

    step = autograd.compile_step(fn, params, backend="tensor", exact=exact)
    Xa, ya = np.array(X), np.array(y)  # noqa: N806
    state = step, params, [(Xa[s], ya[s]) for s in _batches(len(X))]
    for xb, yb in {len(b[0]): b for b in state[2]}.values():
        step(xb, yb)  # one trace per batch size, before the timing
    return state


def digits_compiled_epoch(state: Any) -> tuple[float, list[float]]:
    step, params, batches = state
    total = 0.0
    for xb, yb in batches:
        loss, grads, _ = step(xb, yb)
        sgd(params, grads)
        total += loss
    return total, []


def digits_numpy_prepare() -> Any:
    import numpy as np

    X, y = digits_data()  # noqa: N806
    layers = [(np.array(rows), np.array(bs)) for rows, bs in weights_for(DIGIT_SIZES)]
    X, y = np.array(X), np.array(y)  # noqa: N806
    return layers, [(X[s], y[s]) for s in _batches(len(X))]


def digits_numpy_epoch(state: Any) -> tuple[float, list[float]]:
    import numpy as np

    (w1, b1), (w2, b2) = state[0]
    total = 0.0
    for x, y in state[1]:
        z = x @ w1.T + b1
        a = np.maximum(z, 0.0)
        logits = a @ w2.T + b2
        shifted = logits - logits.max(axis=1, keepdims=True)
        e = np.exp(shifted)
        p = e / e.sum(axis=1, keepdims=True)
        n = len(y)
        total += float(-np.log(p[np.arange(n), y]).mean())
        d2 = p
        d2[np.arange(n), y] -= 1.0
        d2 /= n
        d1 = (d2 @ w2) * (z > 0.0)
        for w, b, d, inp in ((w2, b2, d2, a), (w1, b1, d1, x)):
            w -= mlp.ETA * (d.T @ inp)
            b -= mlp.ETA * d.sum(axis=0)
    return total, []


def digits_torch_prepare() -> Any:
    import torch

    X, y = digits_data()  # noqa: N806
    layers = [(torch.tensor(rows, dtype=torch.float64, requires_grad=True),
               torch.tensor(bs, dtype=torch.float64, requires_grad=True))
              for rows, bs in weights_for(DIGIT_SIZES)]  # fmt: skip
    X, y = torch.tensor(X, dtype=torch.float64), torch.tensor(y)  # noqa: N806
    return layers, [(X[s], y[s]) for s in _batches(len(X))]


def digits_torch_epoch(state: Any) -> tuple[float, list[float]]:
    import torch

    (w1, b1), (w2, b2) = layers = state[0]
    total = 0.0
    for x, y in state[1]:
        logits = torch.relu(x @ w1.T + b1) @ w2.T + b2
        loss = torch.nn.functional.cross_entropy(logits, y)
        for w, b in layers:
            w.grad = b.grad = None
        loss.backward()
        with torch.no_grad():
            for w, b in layers:
                w -= mlp.ETA * w.grad
                b -= mlp.ETA * b.grad
        total += loss.item()
    return total, []


def digits_jax_prepare() -> Any:
    import jax
    import jax.numpy as jnp

    jax.config.update("jax_enable_x64", True)
    X, y = digits_data()  # noqa: N806
    layers = [(jnp.array(rows), jnp.array(bs)) for rows, bs in weights_for(DIGIT_SIZES)]
    X, y = jnp.array(X), jnp.array(y)  # noqa: N806

    def loss(layers: Any, x: Any, y: Any) -> Any:
        (w1, b1), (w2, b2) = layers
        logits = jnp.maximum(x @ w1.T + b1, 0.0) @ w2.T + b2
        logp = logits - jax.scipy.special.logsumexp(logits, axis=1, keepdims=True)
        return -logp[jnp.arange(len(y)), y].mean()

    @jax.jit
    def update(layers: Any, x: Any, y: Any) -> Any:
        value, grads = jax.value_and_grad(loss)(layers, x, y)
        return value, [(w - mlp.ETA * gw, b - mlp.ETA * gb)
                       for (w, b), (gw, gb) in zip(layers, grads, strict=True)]  # fmt: skip

    state = [layers, [(X[s], y[s]) for s in _batches(len(X))], update]
    for x, y in {len(b[1]): b for b in state[1]}.values():
        update(layers, x, y)  # compiled once per batch size here, not in the timed epochs
    return state


def digits_jax_epoch(state: Any) -> tuple[float, list[float]]:
    total = 0.0
    for x, y in state[1]:
        value, state[0] = state[2](state[0], x, y)
        total += float(value)
    return total, []


def digits_engines() -> dict[str, Engine]:
    engines: dict[str, Engine] = {
        "compiled tensor": (lambda: digits_compiled_prepare(False), digits_compiled_epoch),
        "compiled tensor exact": (lambda: digits_compiled_prepare(True), digits_compiled_epoch),
        "numpy": (digits_numpy_prepare, digits_numpy_epoch),
        "torch float64": (digits_torch_prepare, digits_torch_epoch),
    }
    if jax_installed():
        engines["jax.jit float64"] = (digits_jax_prepare, digits_jax_epoch)
    return engines


def fit_ratio(workload: str) -> tuple[float, float]:
    """``nn.fit``'s seconds per epoch (the median after the first, which compiles) and the
    raw compiled step plus the optimizer's array update over the same batches."""
    import numpy as np

    if workload == DIGITS:
        X, y = digits_data()  # noqa: N806
        model, loss, batch, make = nn.MLP(64, [32, 10], seed=0), nn.cross_entropy, BATCH, nn.Adam
    else:
        X, y = mlp.moons(MOONS[workload][0])  # noqa: N806
        model, loss, batch, make = nn.MLP(2, [16, 16, 1], seed=0), nn.hinge_loss, None, nn.SGD
    optimizer = make(model.parameters(), lr=0.01)
    history = nn.fit(model, X, y, loss=loss, optimizer=optimizer, epochs=12, batch_size=batch,
                     progress=False)  # fmt: skip
    per_epoch = sorted(history.seconds[1:])[len(history.seconds) // 2]
    params = model.parameters()
    step = autograd.compile_step(lambda xb, yb: loss(model.forward_batch(xb), yb), params)
    Xa, ya = np.array(X), np.array(y)  # noqa: N806
    size = batch or len(X)
    batches = [(Xa[i : i + size], ya[i : i + size]) for i in range(0, len(X), size)]
    for xb, yb in batches:
        step(xb, yb)

    def epoch() -> float:
        start = time.perf_counter()
        for xb, yb in batches:
            _, grads, _ = step(xb, yb)
            w = np.array([p.data for p in params])
            optimizer.step_arrays(w, np.array(grads))
            for p, v in zip(params, w.tolist(), strict=True):
                p.data = v
        return time.perf_counter() - start

    raw = sorted(epoch() for _ in range(11))[5]
    return per_epoch, raw


def first_call() -> float:
    """Seconds of the demo step's first call on the tensor back end (trace and build), in a
    fresh process (nothing of an earlier build cached)."""
    import subprocess
    import sys

    code = ("import time, numpy, arrays, mlp; data = mlp.moons(100); t = time.perf_counter(); "
            "arrays.compiled_prepare((2, 16, 16, 1), data, False, 'tensor'); "
            "print(time.perf_counter() - t)")  # fmt: skip
    here = __file__.rsplit("/", 1)[0]
    out = subprocess.run([sys.executable, "-c", code], cwd=here, capture_output=True, text=True,
                         check=True)  # fmt: skip
    return float(out.stdout)


def timed(engines: dict[str, Engine], repeats: int) -> dict[str, float]:
    """Median seconds of one run per engine, each prepared once (a trace of 10,000 examples
    takes the engine half a minute), the runs interleaved A B C A B C ... after one check
    that every loss (and gradient, where given) agrees with numpy's to 1e-9."""
    import gc
    import math
    import statistics

    states = {name: prepare() for name, (prepare, _) in engines.items()}
    results = {name: engines[name][1](state) for name, state in states.items()}
    ref_loss, ref_grads = results["numpy"]
    for name, (loss, grads) in results.items():
        pairs = [(loss, ref_loss), *zip(grads, ref_grads if grads else [], strict=False)]
        if not all(math.isclose(a, b, rel_tol=1e-9, abs_tol=1e-9) for a, b in pairs):
            raise SystemExit(f"{name} disagrees with numpy")
    times: dict[str, list[float]] = {name: [] for name in engines}
    for _ in range(repeats):
        for name, (_, run) in engines.items():
            gc.collect()
            start = time.perf_counter()
            run(states[name])
            times[name].append(time.perf_counter() - start)
    return {name: statistics.median(ts) for name, ts in times.items()}
