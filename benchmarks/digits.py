"""Real data: handwritten digits, ten classes, trained by ``nn.fit`` compiled and not.

The workload of the digits bound: MLP(64, [32, 10]), softmax cross-entropy on class
indices, batches of 64, SGD (eta = 0.1), on the 1,348 training images of the command's split.
Both runs start from the same weights and shuffle the same batches, so their losses and final
weights must agree bit for bit. The time per epoch is the process's CPU time (the machine is
shared: wall-clock time measures the other processes too), the fastest of the epochs after
the first (the compiled run's first epoch also traces and compiles its step).
The command's own defaults (``chainrule train --dataset digits``) are timed in a subprocess.
"""

from __future__ import annotations

import itertools
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import nn

TARGET = 7.0  # compiled at least this many times faster per epoch


def _fit(compile_: bool, epochs: int) -> tuple[nn.History, list[float], dict[str, float]]:
    """The history, the CPU seconds of each epoch and the final weights of one run."""
    X, y = nn.data.load_digits()  # noqa: N806
    X_train, _, y_train, _ = nn.train_test_split(X, y, test_size=0.25, seed=0)  # noqa: N806
    model = nn.MLP(64, [32, 10], seed=0)
    marks = [time.process_time()]
    history = nn.fit(model, X_train, y_train, loss=nn.cross_entropy,
                     optimizer=nn.SGD(model.parameters(), lr=0.1), epochs=epochs,
                     batch_size=64, seed=0, progress=False, compile=compile_,
                     callbacks=[lambda epoch, h: marks.append(time.process_time())])  # fmt: skip
    cpu = [b - a for a, b in itertools.pairwise(marks)]
    return history, cpu, model.state_dict()


def epochs(quick: bool) -> dict[str, Any]:
    """CPU seconds per epoch compiled and on the engine, and whether they agree bit for bit."""
    count = 2 if quick else 4
    (compiled, fast, weights), (engine, slow, engine_weights) = (
        _fit(c, count) for c in (True, False)
    )
    return {
        "compiled": min(fast[1:]),
        "compiled first epoch": fast[0],
        "engine": min(slow[1:]),
        "same bits": compiled.loss == engine.loss and weights == engine_weights,
    }


def command(quick: bool) -> dict[str, Any]:
    """``chainrule train --dataset digits`` with its defaults (2 epochs with --quick): the
    training seconds, the test accuracy and the wall time of the whole command."""
    with tempfile.TemporaryDirectory() as folder:
        out = Path(folder) / "digits"
        extra = ["--epochs", "2"] if quick else []
        start = time.perf_counter()
        subprocess.run([sys.executable, "-m", "chainrule", "train", "--dataset", "digits",
                        "--quiet", "--out", str(out), *extra], check=True)  # fmt: skip
        wall = time.perf_counter() - start
        numbers = json.loads((out / "metrics.json").read_text())
    return {"training": numbers["seconds"]["training"], "wall": wall,
            "test accuracy": numbers["test"]["accuracy"], "model": numbers["model"]}  # fmt: skip


def report(quick: bool) -> None:
    """Print the digits rows of a benchmark run."""
    run = epochs(quick)
    ratio = run["engine"] / run["compiled"]
    verdict = "met" if ratio >= TARGET and run["same bits"] else "missed"
    print(
        f"\ndigits, MLP(64, [32, 10]), softmax cross-entropy, batches of 64, SGD (target: "
        f"compiled >= {TARGET:g}x the engine per epoch, the same losses bit for bit)"
    )
    print(f"- CPU time per epoch: {run['compiled']:.3f} s compiled (first epoch, tracing included: "
          f"{run['compiled first epoch']:.3f} s), {run['engine']:.3f} s on the engine: "
          f"{ratio:.1f}x; same bits: {run['same bits']}; {verdict}")  # fmt: skip
    cli = command(quick)
    print(f"- chainrule train --dataset digits (defaults{', 2 epochs' if quick else ''}): "
          f"{cli['training']:.1f} s of training, {cli['wall']:.1f} s in all, test accuracy "
          f"{cli['test accuracy']:.1%} ({cli['model']})")  # fmt: skip


if __name__ == "__main__":
    report("--quick" in sys.argv)
