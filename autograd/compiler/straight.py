"""The straight-line back end: the whole traced step as one Python function.

One statement per node forward, one per edge backward, every value in a local variable:
the fastest form Python runs, at a compile cost that grows faster than the graph (CPython's
compiler is superlinear in a function's size), so it is used up to ``STRAIGHT_LIMIT`` nodes.
Small graphs name their variables after the nodes' labels and carry a comment per line.
"""

from __future__ import annotations

from typing import Any

from autograd.compiler.emit import emit, identifier, rule_names
from autograd.compiler.source import literal, namespace
from autograd.compiler.trace import Tape
from autograd.value import Value

STRAIGHT_LIMIT = 50_000  # nodes: compiling takes about 30 us a node (1.5 s here), more beyond
READABLE_LIMIT = 2_000  # nodes up to which the source is labelled and commented


class NonFiniteError(ArithmeticError):
    """A value the engine would have refused (an overflow squashed further on) or a
    non-finite loss: the step is re-run by the engine, which names the op or agrees."""


def pattern(shape: Any, names: list[str]) -> str:
    """An unpacking target for an argument of ``shape``, taking leaf names in order."""
    if shape is None:
        return names.pop(0)
    return "[" + "".join(pattern(s, names) + ", " for s in shape) + "]"


def globals_for_generated_code() -> dict[str, Any]:
    """What generated code may call: each row's forward and rule, inf, nan, NonFiniteError
    and the builtin sum."""
    # builtin_sum: the row "sum" takes the name sum
    scope = {**namespace(), **rule_names(), "NonFiniteError": NonFiniteError}
    return {**scope, "builtin_sum": sum}


def namer(tape: Tape, readable: bool) -> tuple[dict[Value, str], dict[Value, str]]:
    """Variable names for every param, input and node: labels when ``readable``."""
    values: dict[Value, str] = {}
    taken: set[str] = set()

    def name(v: Value, fallback: str) -> str:
        label = identifier(v.label, taken) if readable and v.label else None
        chosen = label or fallback
        taken.add(chosen)
        taken.add(f"d_{chosen}" if label else "d" + chosen)
        return chosen

    for i, p in enumerate(tape.params):
        values[p] = name(p, f"p{i}")
    for i, x in enumerate(tape.inputs):
        values[x] = name(x, f"x{i}")
    for k, n in enumerate(tape.nodes):
        values[n] = name(n, f"v{k}")
    deltas = {v: (f"d_{s}" if not s[1:].isdigit() else "d" + s) for v, s in values.items()}
    return values, deltas


def check_lines(checks: list[str], loss: str) -> list[str]:
    """Lines testing that every checked value and the loss are finite: their sum is finite
    only if all are (a sum of finite values that overflows only sends the step to the engine,
    which agrees); in sums of 50 terms, as longer ones nest deeper than Python compiles."""
    names = list(dict.fromkeys(c for c in checks if c.isidentifier()))
    lines = ["_c = 0.0"] if names else []
    for i in range(0, len(names), 50):
        lines.append("_c += " + " + ".join(names[i : i + 50]))
    total = f"_c + {loss}" if names else loss
    return [*lines, f"if not -inf < {total} < inf:", "    raise NonFiniteError"]


def straight_source(tape: Tape, readable: bool | None = None) -> str:
    """The source of ``step(P, *args)``: ``P`` the parameters' floats, ``args`` shaped as at
    the trace; it returns ``(loss, gradients, outputs)``."""
    readable = len(tape.nodes) <= READABLE_LIMIT if readable is None else readable
    values, deltas = namer(tape, readable)
    args = [f"A{k}" for k in range(len(tape.shape))]
    lines = [f"def step(P, {', '.join(args)}):"] if args else ["def step(P):"]
    if tape.params:
        lines.append(f"    [{', '.join(values[p] for p in tape.params)},] = P")
    names = [values[x] for x in tape.inputs]
    lines += [f"    {pattern(s, names)} = {a}" for s, a in zip(tape.shape, args, strict=True)]
    wanted = set(tape.params)
    root = tape.root
    code = emit(tape.nodes, values, deltas.__getitem__, {root: "1.0"}, wanted, set(), readable,
                zeros_first=not readable)  # fmt: skip
    loss = values.get(root) or literal(root.data)
    lines += ["    " + line for line in code.forward]
    lines += ["    " + line for line in check_lines(code.checks, loss)]
    if readable and code.backward:
        lines.append("    # backward: delta(parent) += local * delta(node), last node first")
    for i in range(0, len(code.zeros), 100):
        lines.append("    " + " = ".join(code.zeros[i : i + 100]) + " = -0.0")
    if root in tape.param_index:  # the loss is a parameter itself
        lines.append(f"    {deltas[root]} = 1.0")
    lines += ["    " + line for line in code.backward]
    reached = code.assigned | ({deltas[root]} if root in wanted else set())
    grads = [f"{deltas[p]} + 0.0" if deltas[p] in reached else "0.0" for p in tape.params]
    outs = [values.get(v) or literal(v.data) for v in tape.output_values()]
    lines += ["    " + line for line in return_lines(loss, grads, outs)]
    return "\n".join(lines) + "\n"


def return_lines(loss: str, grads: list[str], outs: list[str]) -> list[str]:
    """The step's last lines: the gradients checked finite as the engine checks them (a
    gradient that overflows is its named error there, so the step goes to the engine), then
    ``return loss, gradients, outputs``."""
    return [f"G = [{', '.join(grads)}]", "if not -inf < builtin_sum(G) < inf:",
            "    raise NonFiniteError", f"return {loss}, G, [{', '.join(outs)}]"]  # fmt: skip


def build(source: str, name: str = "<compiled step>") -> Any:
    """Compile generated source into its ``step`` function."""
    scope = globals_for_generated_code()
    exec(compile(source, name, "exec"), scope)
    return scope["step"]
