"""Benchmarks: plain floats, micrograd and chainrule side by side, in one process.

    python benchmarks/run.py            # the full run (a few minutes)
    python benchmarks/run.py --quick    # a smoke run (seconds)

Engines run interleaved (A B C A B C ...) so a slow phase of the machine hits all of them.
Each timed sample is a block of consecutive steps with the garbage collector on, as in a
training loop; each number is the median over the repeats of the time per step. Before any
timing, every engine must compute the same loss and gradients (to 1e-9). Ratios come last.
"""

from __future__ import annotations

import argparse
import gc
import math
import platform
import sys
from collections.abc import Callable
from importlib.metadata import version
from typing import Any

import chain
import dag
import digits
import floors
import measure
import mlp
import replay

Engines = dict[str, tuple[Callable[[], Any], Callable[[Any], Any]]]
Row = tuple[str, str, float, float, float]  # workload, engine, seconds, gc share, nodes


def check_same(workload: str, engines: Engines) -> None:
    """Every engine's loss, and every differentiating engine's gradients, agree to 1e-9."""
    results = {name: run(prepare()) for name, (prepare, run) in engines.items()}
    ref_loss, ref_grads = results["chainrule"]
    for name, (loss, grads) in results.items():
        pairs = [(loss, ref_loss)] + (list(zip(grads, ref_grads, strict=True)) if grads else [])
        bad = [(a, b) for a, b in pairs if not math.isclose(a, b, rel_tol=1e-9, abs_tol=1e-9)]
        if bad:
            raise SystemExit(f"{workload}: {name} disagrees with chainrule: {bad[:3]}")


def time_workload(
    workload: str, engines: Engines, repeats: int, nodes: int, steps: int = 5
) -> list[Row]:
    """The correctness check, then ``repeats`` interleaved blocks of ``steps`` steps each."""
    check_same(workload, engines)
    medians = measure.interleaved(engines, repeats, steps)
    return [(workload, name, sec, share, nodes) for name, (sec, share) in medians.items()]


def memory_rows(n_nodes: int) -> list[str]:
    engines, nodes = dag.engines(n_nodes), dag.node_count(n_nodes)
    lines = []
    for name in ("micrograd", "chainrule"):
        peak = measure.peak_bytes(*engines[name])
        lines.append(f"| random DAG, {nodes} nodes | {name} | {peak / nodes:.0f} bytes per node |")
    return lines


def print_table(rows: list[Row]) -> None:
    print("| workload | engine | median time | us per node | time in cyclic GC |")
    print("|---|---|---:|---:|---:|")
    for workload, name, sec, share, nodes in rows:
        per_node = f"{sec / nodes * 1e6:.3f}" if nodes else "-"
        print(f"| {workload} | {name} | {sec * 1e3:.2f} ms | {per_node} | {share:.1%} |")


def print_ratios(rows: list[Row], chain_sizes: list[int]) -> None:
    sec = {(w, n): s for w, n, s, _, _ in rows}
    mlp_w, dag_w = "MLP step", "random DAG"
    print("\nratios (from this run)")
    for w in (mlp_w, dag_w):
        print(f"- {w}: micrograd / chainrule = {sec[w, 'micrograd'] / sec[w, 'chainrule']:.1f}x; "
              f"chainrule / floats = {sec[w, 'chainrule'] / sec[w, 'floats']:.1f}x")  # fmt: skip
    per_node = {n: sec[f"chain {n:.0e}", "chainrule"] / n for n in chain_sizes}
    small, large = chain_sizes[1] if len(chain_sizes) > 1 else chain_sizes[0], chain_sizes[-1]
    print(f"- chain: time per node at {large:.0e} / at {small:.0e} = "
          f"{per_node[large] / per_node[small]:.2f}x")  # fmt: skip


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--quick", action="store_true", help="small sizes, few repeats")
    parser.add_argument("--repeats", type=int, help="timed runs per engine (median taken)")
    args = parser.parse_args(argv)
    repeats = args.repeats or (3 if args.quick else 15)
    dag_nodes = 2_000 if args.quick else 20_000
    chain_sizes = [1_000, 10_000] if args.quick else [1_000, 10_000, 100_000, 1_000_000]
    sys.setrecursionlimit(100_000)  # micrograd's topological sort recurses once per level
    # The libraries imported for the context rows (torch, numpy) hold hundreds of thousands of
    # objects; frozen, the collector never scans them, so no engine pays for what it did not
    # make (unfrozen they tripled chainrule's and raised micrograd's time in the collector).
    gc.freeze()
    python = f"{platform.python_implementation()} {platform.python_version()}"
    print(f"{python}, micrograd {version('micrograd')}, chainrule {version('chainrule')}, {_cpu()}")
    rows = time_workload("MLP step", mlp_engines(), repeats, 0)
    dag_engines = {**dag.engines(dag_nodes), **replay.dag_engines(dag_nodes)}
    rows += time_workload("random DAG", dag_engines, repeats, dag.node_count(dag_nodes))
    for n in chain_sizes:
        engines = chain.engines(n)
        del engines["micrograd"]  # beyond its depth limit (below)
        chain_repeats = max(3, repeats // (n // 10_000 or 1))
        rows += time_workload(f"chain {n:.0e}", engines, chain_repeats, n, max(1, 100_000 // n))
    print_table(rows)
    print("\n| workload | engine | tracemalloc peak over forward + backward |\n|---|---|---:|")
    print("\n".join(memory_rows(dag_nodes)))
    sys.setrecursionlimit(1_000)
    print(f"\nmicrograd's deepest chain: {chain.micrograd_depth_limit()} nodes "
          "(RecursionError beyond, at the default recursion limit)")  # fmt: skip
    print_ratios(rows, chain_sizes)
    print_compiled(rows, replay.first_calls(dag_nodes), train_seconds(args.quick))
    digits.report(args.quick)


def mlp_engines() -> Engines:
    """micrograd's demo step: the engines of mlp.py, the hand-written and batched floors
    (numpy and torch when installed) and the compiled back ends."""
    weights, data = mlp.initial_weights(), mlp.moons()
    engines: Engines = {**mlp.engines()}
    engines["floats fwd+bwd"] = (lambda: floors.float_prepare(weights, data),
                                 floors.float_backprop_step)  # fmt: skip
    for name, module in (("numpy", "numpy"), ("torch", "torch")):
        try:
            __import__(module)
        except ImportError:
            print(
                f"({name} is not installed: its context row is skipped; pip install -e '.[bench]')"
            )
            continue
        prepare, step = getattr(floors, f"{name}_prepare"), getattr(floors, f"{name}_step")
        engines[f"{name} batched"] = ((lambda p=prepare: p(weights, data)), step)
    return {**engines, **replay.mlp_engines()}


def train_seconds(quick: bool) -> tuple[float, float]:
    """``chainrule train`` (defaults; fewer epochs with --quick): seconds of training with
    the compiled step and with --no-compile, from metrics.json."""
    import json
    import subprocess
    import tempfile
    from pathlib import Path

    seconds = []
    with tempfile.TemporaryDirectory() as folder:
        for flags in ([], ["--no-compile"]):
            out = Path(folder) / ("engine" if flags else "compiled")
            extra = ["--epochs", "5"] if quick else []
            command = [sys.executable, "-m", "chainrule", "train", "--quiet", "--out", str(out)]
            subprocess.run([*command, *extra, *flags], check=True)
            seconds.append(json.loads((out / "metrics.json").read_text())["seconds"]["training"])
    return seconds[0], seconds[1]


def print_compiled(
    rows: list[Row], first: list[tuple[str, float, float]], train: tuple[float, float]
) -> None:
    sec = {(w, n): s for w, n, s, _, _ in rows}

    def ratio(workload: str, slow: str, fast: str) -> float:
        return sec[workload, slow] / sec[workload, fast]

    best = min(("rolled", "straight"), key=lambda b: sec["MLP step", f"compiled {b}"])
    mlp_c, dag_c = f"compiled {best}", "compiled straight"
    print("\ncompiled (targets: MLP >= 750x micrograd, >= 12x eager, <= 0.5x floats fwd+bwd; "
          "DAG >= 100x micrograd, >= 15x eager)")  # fmt: skip
    print(f"- MLP step, {mlp_c}: {ratio('MLP step', 'micrograd', mlp_c):.0f}x micrograd, "
          f"{ratio('MLP step', 'chainrule', mlp_c):.1f}x eager, "
          f"{ratio('MLP step', mlp_c, 'floats fwd+bwd'):.2f}x the hand-written floats")  # fmt: skip
    for b in ("rolled", "straight", "interpreter"):
        print(f"  - compiled {b}: {ratio('MLP step', 'chainrule', f'compiled {b}'):.1f}x eager")
    print(f"- random DAG, {dag_c}: {ratio('random DAG', 'micrograd', dag_c):.0f}x micrograd, "
          f"{ratio('random DAG', 'chainrule', dag_c):.1f}x eager; interpreter "
          f"{ratio('random DAG', 'chainrule', 'compiled interpreter'):.1f}x eager")  # fmt: skip
    print("\n| first call (one engine step as the trace, then compiling) | total | compiling |")
    print("|---|---:|---:|")
    for what, total, compiling in first:
        print(f"| {what} | {total * 1e3:.0f} ms | {compiling * 1e3:.0f} ms |")
    print(f"\nchainrule train (defaults): {train[0]:.2f} s compiled, "
          f"{train[1]:.2f} s with --no-compile ({train[1] / train[0]:.1f}x)")  # fmt: skip


def _cpu() -> str:
    try:
        with open("/proc/cpuinfo") as f:
            models = [line.split(":", 1)[1].strip() for line in f if line.startswith("model name")]
        return f"{models[0]} x {len(models)}"
    except (OSError, IndexError):
        return platform.processor() or "unknown CPU"


if __name__ == "__main__":
    main()
