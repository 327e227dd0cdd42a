"""Behaviour of Value and backward(): edges, reuse, repeated passes, depth, memory, no_grad."""

import gc
import math
import sys
import traceback
from collections.abc import Iterator

import pytest

from autograd import OPS, Value, dot, grad, is_grad_enabled, no_grad, vsum


def test_a_value_records_data_parents_op_and_partials() -> None:
    x, y = Value(2.0, label="x"), Value(-3.0, label="y")
    z = x * y
    assert (z.data, z.grad, z.op, z.parents, z.partials) == (
        -6.0,
        0.0,
        OPS["mul"],
        (x, y),
        (-3.0, 2.0),
    )
    assert (x.op, x.parents, x.partials, x.label) == (None, (), (), "x")
    assert type(Value(3).data) is float


def test_reuse_keeps_both_edges_and_sums_them() -> None:
    x = Value(3.0)
    y = x + x
    assert y.parents == (x, x)
    y.backward()
    assert x.grad == 2.0


def test_diamond_adds_the_gradient_of_every_path() -> None:
    x = Value(0.7)
    a, b = x.tanh(), x.exp()
    y = a * b  # y = tanh(x) e^x
    y.backward()
    expected = (1 - math.tanh(0.7) ** 2) * math.exp(0.7) + math.tanh(0.7) * math.exp(0.7)
    assert x.grad == pytest.approx(expected, rel=1e-15)


def test_second_backward_adds_what_a_fresh_pass_would() -> None:
    a = Value(3.0)
    b = a * a
    c = b + b  # dc/da = 4a = 12
    c.backward()
    c.backward()
    assert a.grad == 24.0  # micrograd gives 36: it double-counts the interior node b
    assert b.grad == 2.0  # interior gradients are fresh each pass


def test_backward_takes_a_seed_gradient() -> None:
    x = Value(2.0)
    (x * x).backward(grad=0.5)
    assert x.grad == 2.0


def test_numbers_work_on_either_side_of_every_operator() -> None:
    x = Value(2.0)
    results = [x + 1, 1 + x, x - 1, 1 - x, x * 3, 3 * x, x / 4, 4 / x, x**3, 2**x, -x, abs(-x)]
    assert [r.data for r in results] == [
        3.0,
        3.0,
        1.0,
        -1.0,
        6.0,
        6.0,
        0.5,
        2.0,
        8.0,
        4.0,
        -2.0,
        2.0,
    ]
    vsum(results).backward()
    assert x.grad == pytest.approx(1 + 1 + 1 - 1 + 3 + 3 + 0.25 - 1 + 12 + 4 * math.log(2) - 1 + 1)


@pytest.mark.parametrize("y", [0.0, 0.5, 2.0])
def test_zero_to_the_power_y_has_gradient_zero_in_y(y: float) -> None:
    """d/dy 0**y is 0 for y >= 0, as torch and HIPS autograd take it (c**y log c is 0 * -inf
    at c = 0); the base is the node's number, not a leaf."""
    x = Value(y)
    out = 0.0**x
    out.backward()
    assert (out.data, x.grad, out.parents, out.param) == (math.pow(0.0, y), 0.0, (x,), 0.0)
    assert grad(grad(0.0**x, [x], create_graph=True)[0], [x]) == [0.0]


def test_vsum_and_dot_are_one_node_each() -> None:
    w, x, b = [Value(1.0), Value(2.0)], [Value(3.0), Value(4.0)], Value(0.5)
    s, z = vsum(w), dot(w, x, b)
    assert (s.op, len(s.parents), s.data) == (OPS["sum"], 2, 3.0)
    assert (z.op, len(z.parents), z.data) == (OPS["dot"], 5, 11.5)
    z.backward()
    assert [v.grad for v in (*w, *x, b)] == [3.0, 4.0, 1.0, 2.0, 1.0]
    with pytest.raises(ValueError, match="as many weights as inputs"):
        dot(w, x[:1])


def test_a_deep_chain_backpropagates_without_recursion() -> None:
    """10^4 nodes with the recursion limit 50 frames above this test: a traversal that
    recursed once per node would fail here (the benchmarks run a 10^6-node chain)."""
    x = Value(1.0)
    y = x
    for _ in range(10_000):
        y = y * 1.0
    limit, depth = sys.getrecursionlimit(), len(traceback.extract_stack())
    sys.setrecursionlimit(depth + 50)
    try:
        y.backward()
        (dx,) = grad(y, [x], create_graph=True)
    finally:
        sys.setrecursionlimit(limit)
    assert (x.grad, dx.data) == (1.0, 1.0)


def test_a_dropped_graph_is_freed_by_reference_counting_alone() -> None:
    gc.collect()
    gc.disable()
    try:
        before = sum(type(o) is Value for o in gc.get_objects())
        x = Value(0.3)
        y = x
        for _ in range(1000):
            y = (y * x + 1.0).tanh()
        y.backward()
        del x, y
        after = sum(type(o) is Value for o in gc.get_objects())
        assert after == before  # freed at once, no collection needed
        assert gc.collect() == 0  # and there was nothing cyclic to collect
    finally:
        gc.enable()


def test_no_grad_builds_no_graph_and_restores_on_exit() -> None:
    x = Value(2.0)
    with no_grad():
        y = x * x + 1
        with pytest.raises(RuntimeError), no_grad():
            raise RuntimeError
        z = x * 2  # still inside the outer block
    assert (y.data, y.parents, y.op, z.parents) == (5.0, (), None, ())
    assert (x * x).parents == (x, x)


def test_no_grad_works_as_a_decorator() -> None:
    @no_grad()
    def update(p: Value) -> Value:
        return p - 0.1 * p

    assert update(Value(1.0)).parents == ()


def test_grad_returns_gradients_without_touching_dot_grad() -> None:
    x, y = Value(2.0), Value(3.0)
    f = x * y + x.sin()
    assert grad(f, [x, y]) == [3.0 + math.cos(2.0), 2.0]
    assert (x.grad, y.grad, f.grad) == (0.0, 0.0, 0.0)
    assert grad(f, [Value(1.0)]) == [0.0]  # an unused input has gradient 0


@pytest.mark.parametrize(
    ("build", "derivatives"),
    [
        (lambda x: x**3, lambda x: (3 * x**2, 6 * x, 6.0)),
        (lambda x: x.sin(), lambda x: (math.cos(x), -math.sin(x), -math.cos(x))),
        (lambda x: x.exp(), lambda x: (math.exp(x),) * 3),
        (
            lambda x: x.tanh(),
            lambda x: (
                1 - math.tanh(x) ** 2,
                -2 * math.tanh(x) * (1 - math.tanh(x) ** 2),
                (1 - math.tanh(x) ** 2) * (6 * math.tanh(x) ** 2 - 2),
            ),
        ),
    ],
    ids=["cube", "sin", "exp", "tanh"],
)
def test_first_second_and_third_derivatives(build, derivatives) -> None:
    x = Value(0.8)
    d1 = grad(build(x), [x], create_graph=True)[0]
    d2 = grad(d1, [x], create_graph=True)[0]
    d3 = grad(d2, [x])[0]
    assert [d1.data, d2.data, d3] == pytest.approx(derivatives(0.8), rel=1e-12)


def test_mixed_partial_and_hessian_vector_product() -> None:
    x, y = Value(1.5), Value(-0.5)
    f = x * x * y + (x * y).exp()  # f_x = 2xy + y e^{xy}
    fx, fy = grad(f, [x, y], create_graph=True)
    fxy = grad(fx, [y])[0]  # 2x + e^{xy} + xy e^{xy}
    assert fxy == pytest.approx(2 * 1.5 + math.exp(-0.75) * (1 - 0.75), rel=1e-14)
    v = (0.3, -2.0)  # H v = grad(grad f . v)
    hv = grad(fx * v[0] + fy * v[1], [x, y])
    fxx, fyy = 2 * -0.5 + 0.25 * math.exp(-0.75), 1.5**2 * math.exp(-0.75)
    assert hv == pytest.approx([fxx * v[0] + fxy * v[1], fxy * v[0] + fyy * v[1]], rel=1e-13)


def test_second_derivative_through_backward_of_a_gradient() -> None:
    x = Value(2.0)
    (dx,) = grad(x**4, [x], create_graph=True)
    dx.backward()
    assert x.grad == 48.0  # d2/dx2 x^4 = 12 x^2


def test_stable_forms_do_not_overflow_at_a_thousand() -> None:
    for a in (1000.0, -1000.0):
        x = Value(a)
        outs = [x.tanh(), x.sigmoid(), x.softplus()]
        vsum(outs).backward()
        assert all(math.isfinite(o.data) for o in outs)
        assert math.isfinite(x.grad)
    assert Value(1000.0).softplus().data == 1000.0
    assert Value(-1000.0).sigmoid().data == 0.0


def test_a_value_subclass_is_a_value_operand() -> None:
    class Named(Value):
        __slots__ = ()

    x, w = Value(2.0), Named(3.0)
    y = x * w + x - w
    y.backward()
    assert (y.data, x.grad, w.grad) == (5.0, 4.0, 1.0)


def test_no_grad_covers_a_generator_s_body_and_only_it() -> None:
    x = Value(2.0)

    @no_grad()
    def doubled(n: int) -> Iterator[Value]:
        for _ in range(n):
            received = yield x * 2.0
            assert received is None or received.parents  # the caller's Value keeps its graph
        return "done"

    steps = doubled(2)
    assert next(steps).parents == ()  # computed without a graph
    assert is_grad_enabled()  # between the yields, the caller's setting holds
    assert steps.send(x * 3.0).parents == ()
    with pytest.raises(StopIteration) as end:
        next(steps)
    assert end.value.value == "done"
    with pytest.raises(TypeError, match="cannot cover the awaits of async"):

        @no_grad()
        async def later() -> None: ...
