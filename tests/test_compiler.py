"""Compiled steps against the engine, bit for bit: every op, random graphs, each back end, at
the traced point and at new inputs (where a domain error must be the engine's own error)."""

from __future__ import annotations

import math
import struct
import warnings
from collections.abc import Callable, Sequence
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from autograd import Value, compile_step, dot, vsum
from autograd.compiler import CompiledStep, EagerFallbackWarning
from autograd.compiler.backends import has_numpy
from autograd.testing.strategies import Expression, expressions, floats_in, op_calls, op_cases

BACKENDS = ("straight", "interpreter")
CASES = list(op_cases())
IDS = [f"{name}-{arity}" + ("" if param is None else f"-{param}") for name, arity, param in CASES]
PER_OP = settings(max_examples=max(5, settings.default.max_examples // 10))
Outcome = tuple[Any, ...]


def bits(xs: Sequence[float]) -> list[Any]:
    return ["nan" if x != x else struct.pack("<d", x) for x in xs]


def engine(fn: Callable[[], Value], params: list[Value]) -> Outcome:
    """The engine's loss and the gradients backward() leaves in zeroed .grad, or its error."""
    for p in params:
        p.grad = 0.0
    try:
        out = fn()
        out.backward()
    except (ValueError, ArithmeticError) as err:
        return ("error", type(err), str(err))
    return ("ok", bits([out.data]), bits([p.grad for p in params]))


def compiled(step: CompiledStep, *args: Any) -> Outcome:
    try:
        loss, grads, _ = step(*args)
    except (ValueError, ArithmeticError) as err:
        return ("error", type(err), str(err))
    return ("ok", bits([loss]), bits(grads))


def check_expression(e: Expression, backend: str, elsewhere: Sequence[float]) -> None:
    """Compiled and engine agree at the traced point (replayed) and at ``elsewhere``."""
    params = [Value(x) for x in e.inputs]

    def fn() -> Value:
        return e.fn(*params)

    with warnings.catch_warnings():
        warnings.simplefilter("error", EagerFallbackWarning)  # the code must match at the trace
        step = compile_step(fn, params, backend=backend)
        assert compiled(step) == engine(fn, params)  # traced: the engine's numbers
        assert compiled(step) == engine(fn, params)  # replayed
        assert step.replays == 1
        assert step.eager_runs == 0
        for p, x in zip(params, elsewhere, strict=True):
            p.data = x
        assert compiled(step) == engine(fn, params)


@pytest.mark.parametrize("backend", BACKENDS)
@given(expressions(), st.tuples(floats_in((-3.0, 3.0)), floats_in((-3.0, 3.0))))
def test_compiled_steps_match_the_engine_on_random_graphs(
    backend: str, e: Expression, elsewhere: tuple[float, float]
) -> None:
    check_expression(e, backend, elsewhere)


@pytest.mark.parametrize("backend", BACKENDS)
@pytest.mark.parametrize(("name", "arity", "param"), CASES, ids=IDS)
def test_every_op_compiles_to_the_engine_s_numbers(
    backend: str, name: str, arity: int, param: Any
) -> None:
    @PER_OP
    @given(op_calls(name, arity, param), st.lists(floats_in((-3.0, 3.0)), min_size=5, max_size=5))
    def check(e: Expression, elsewhere: list[float]) -> None:
        check_expression(e, backend, elsewhere[:arity])

    check()


@given(expressions(), st.lists(floats_in((-3.0, 3.0)), min_size=3, max_size=3))
def test_a_batch_of_rows_rolls_and_matches_the_engine(e: Expression, xs: list[float]) -> None:
    """x0 a parameter, x1 one input per row: the rolled loop gives the engine's numbers."""
    p = Value(e.inputs[0])
    rows = [[e.inputs[1]], [xs[0]], [xs[1]]]

    def fn(batch: list[list[Value]]) -> Value:
        return vsum([e.fn(p, row[0]) for row in batch]) * 0.5 + p * p

    step = compile_step(fn, [p], backend="auto", exact=True)
    first = compiled(step, rows)
    on_row = {1}  # the nodes that depend on the row's input: all of them roll
    for k, s in enumerate(e.steps):
        if on_row & set(s.args):
            on_row.add(2 + k)
    if first[0] == "ok" and len(on_row) == len(e.steps) + 1:
        assert step.last is not None
        assert step.last.backend == ("tensor" if has_numpy() else "rolled")
    leaves = [[Value(r[0])] for r in rows]
    assert first == engine(lambda: fn(leaves), [p])
    p.data = xs[2]
    assert compiled(step, rows) == engine(lambda: fn(leaves), [p])


def mlp_batch(n: int) -> tuple[Callable[..., Any], list[Value], list[list[float]], list[float]]:
    import nn

    model = nn.MLP(2, [8, 8, 1], activation="relu", seed=3)
    params = model.parameters()
    X, labels = nn.data.make_moons(n, noise=0.1, seed=0)  # noqa: N806
    y = nn.data.signed(labels)

    def fn(xb: list[list[Value]], yb: list[Value]) -> tuple[Value, list[Any]]:
        scores = [model(x) for x in xb]
        losses = [(1.0 - t * s).relu() for t, s in zip(yb, scores, strict=True)]
        return vsum(losses) * (1.0 / len(losses)) + 1e-4 * dot(params, params), scores

    return fn, params, X, y


@pytest.mark.parametrize("backend", ["rolled", "straight", "interpreter"])
def test_an_mlp_step_is_bit_identical_to_the_engine_on_every_back_end(backend: str) -> None:
    fn, params, X, y = mlp_batch(24)  # noqa: N806
    step = compile_step(fn, params, backend=backend)
    for _ in range(3):
        got = step(X, y)
        assert step.last is not None
        assert step.last.backend == backend
        leaves = [[Value(a) for a in x] for x in X], [Value(t) for t in y]
        expected = engine(lambda leaves=leaves: fn(*leaves)[0], params)
        assert ("ok", bits([got[0]]), bits(got[1])) == expected
        for p, g in zip(params, got[1], strict=True):
            p.data -= 0.1 * g  # the parameters move: the replay reads them on every call
    assert step.traces == 1
    assert step.replays == 2


def random_dag(n: int, seed: int = 0) -> Callable[[list[Value]], Value]:
    import random

    rng = random.Random(seed)
    rows = []
    for k in range(n):
        op = rng.choice(("add", "mul", "tanh", "exp", "sin"))
        rows.append((op, rng.randrange(8 + k), rng.randrange(8 + k)))

    def fn(xs: list[Value]) -> Value:
        nodes = list(xs)
        for op, i, j in rows:
            a, b = nodes[i], nodes[j]
            if op in ("add", "mul"):
                nodes.append(a + b if op == "add" else (a * b).tanh())
            else:
                nodes.append(getattr(a, op)() if op != "exp" else (a.tanh()).exp())
        return vsum(nodes[-20:])

    return fn


@pytest.mark.parametrize("backend", BACKENDS)
def test_a_random_dag_is_bit_identical_to_the_engine(backend: str) -> None:
    params = [Value(0.1 * k - 0.35) for k in range(8)]
    dag = random_dag(1500)
    step = compile_step(lambda: dag(params), params, backend=backend)
    for shift in (0.0, 0.0, 0.3):
        for p in params:
            p.data += shift
        assert compiled(step) == engine(lambda: dag(params), params)
    assert step.replays == 2


def test_a_new_batch_size_or_shape_is_traced_again() -> None:
    fn, params, X, y = mlp_batch(12)  # noqa: N806
    step = compile_step(fn, params)
    step(X, y)
    step(X, y)
    step(X[:5], y[:5])  # a smaller last batch
    step(X[:5], y[:5])
    assert step.traces == 2
    assert step.replays == 2
    w = Value(2.0)
    rows = compile_step(lambda xs: vsum([w * x for row in xs for x in row]), [w])
    assert rows([[1.0, 2.0]])[0] == 6.0
    assert rows([[1.0, 2.0]])[0] == 6.0
    assert rows([[1.0, 2.0, 3.0]])[0] == 12.0  # same batch size, wider rows: traced anew
    assert rows([[1.0, 2.0, 3.0]])[0] == 12.0
    assert rows.traces == 2
    assert rows.replays == 2
    assert rows.eager_runs == 0


def test_a_branch_on_data_is_detected_and_the_engine_runs_instead() -> None:
    w = Value(1.5)

    def fn(x: Value) -> Value:
        return (w * x).relu() if x.data > 0 else (w * x).exp()  # the trace would freeze one

    step = compile_step(fn, [w])
    with pytest.warns(EagerFallbackWarning, match=r"reads \.data"):
        step(2.0)
    assert step.eager_only
    loss, grads, _ = step(-1.0)
    assert loss == math.exp(-1.5)
    assert grads == [-math.exp(-1.5)]


def test_a_domain_error_or_overflow_in_a_replay_is_the_engine_s_error() -> None:
    w = Value(1.0)
    step = compile_step(lambda x: (w * x).log(), [w])
    step(2.0)
    step(3.0)
    with pytest.raises(ValueError, match=r"log\(-2\.0\) is undefined"):
        step(-2.0)
    big = compile_step(lambda x: (w * x * x).tanh(), [w])  # tanh would hide the inf
    big(2.0)
    with pytest.raises(OverflowError, match="overflows"):
        big(1e300)
    assert big.replays == 0
    assert big.eager_runs == 1


def test_check_every_compares_with_the_engine_and_gives_up_on_a_difference() -> None:
    import random

    w, rng = Value(0.5), random.Random(0)
    step = compile_step(lambda x: w * x * rng.choice([1.0, 2.0, 3.0]), [w], check_every=2)
    with pytest.warns(EagerFallbackWarning, match="differs from the engine"):
        [step(1.0) for _ in range(20)]  # a random factor the trace froze
    assert step.eager_only


def test_the_source_is_the_chain_rule_one_line_per_edge() -> None:
    x, w, b = Value(2.0, label="x"), Value(-3.0, label="w"), Value(6.88, label="b")

    def neuron() -> Value:
        z = x * w + b
        z.label = "z"
        a = z.tanh()
        a.label = "a"
        return a

    step = compile_step(neuron, [x, w, b])
    step()
    source = step.source
    assert "a = tanh(z)" in source
    assert "d_z = (1.0 - (a * a)) * d_a  # z <- a (tanh, edge 0)" in source
    edges = [line for line in source.splitlines() if " <- " in line]
    assert len(edges) == 5  # mul: 2 edges, add: 2, tanh: 1


def test_a_function_that_cannot_take_value_inputs_runs_on_the_engine() -> None:
    w = Value(1.0)

    def pick(k: Any) -> Value:  # an index: a number, never a Value
        return w * [1.0, 2.0][int(k)]

    step = compile_step(pick, [w], warn=False, eager=pick)
    assert step(1)[0] == 2.0
    assert step.eager_only


def test_bad_options_are_refused() -> None:
    with pytest.raises(ValueError, match="backend"):
        compile_step(lambda: Value(1.0), [], backend="fast")
    with pytest.raises(ValueError, match="check_every"):
        compile_step(lambda: Value(1.0), [], check_every=-1)


@given(expressions(), st.tuples(floats_in((-3.0, 3.0)), floats_in((-3.0, 3.0))))
def test_the_code_for_large_graphs_matches_the_engine_too(
    e: Expression, elsewhere: tuple[float, float]
) -> None:
    """Past READABLE_LIMIT nodes the code has no comments and sets zeros up front."""
    from autograd.compiler import straight

    limit, straight.READABLE_LIMIT = straight.READABLE_LIMIT, 0
    try:
        check_expression(e, "straight", elsewhere)
    finally:
        straight.READABLE_LIMIT = limit


def test_a_first_call_at_an_edge_gives_the_engine_s_numbers_and_keeps_compiling() -> None:
    """inf given as an input passes through (x * w - inf).exp() as 0; tanh(inf) is 1. The
    first call's check of the fresh code must not break on them (it once packed an error
    message as a float), nor give up compiling."""
    w = Value(0.5)
    for fn, edge, later in (
        (lambda x: (x * w - math.inf).exp() + x * w, 1.0, 3.0),
        (lambda x: (x * w).tanh(), math.inf, 2.0),
    ):
        step = compile_step(fn, [w])
        with warnings.catch_warnings():
            warnings.simplefilter("error")
            assert step(edge) == step.eager(edge)
            assert step(later) == step.eager(later)
        assert step.cache
        assert not step.eager_only
