"""The engine's fast paths agree with the op table they shortcut.

Hot ops build their nodes directly and backward() writes their partials inline; grad() and
``.partials`` still go through each op's rule. Both routes must give the same numbers, and
the fused ``neuron`` node must match ``dot(...).leaky_relu(slope)`` to every order.
"""

import math

import pytest

from autograd import OPS, Value, dot, grad, no_grad, vsum
from autograd.backprop import local_partials
from autograd.graph import interior_order, topo_order
from autograd.sums import neuron

UNARY = {"neg": Value.__neg__, "tanh": Value.tanh, "exp": Value.exp, "relu": Value.relu}
BINARY = {"add": lambda a, b: a + b, "sub": lambda a, b: a - b, "mul": lambda a, b: a * b}


def rule_partials(node: Value) -> tuple[float, ...]:
    xs = [p.data for p in node.parents]
    op = OPS[node.op]
    return op.rule(node.data, *xs) if node.param is None else op.rule(node.data, *xs, node.param)


@pytest.mark.parametrize("x", [-1.3, 0.0, 0.7])
@pytest.mark.parametrize("name", sorted(UNARY))
def test_fast_unary_ops_match_the_table(name: str, x: float) -> None:
    a = Value(x)
    out = UNARY[name](a)
    assert (out.op, out.parents, out.data) == (name, (a,), OPS[name].forward(x))
    out.backward(grad=0.5)
    assert a.grad == 0.5 * rule_partials(out)[0]


def forward_of(node: Value) -> float:
    xs = [p.data for p in node.parents]
    op = OPS[node.op]
    return op.forward(*xs) if node.param is None else op.forward(*xs, node.param)


@pytest.mark.parametrize("name", sorted(BINARY))
def test_fast_binary_ops_match_the_table_with_numbers_on_either_side(name: str) -> None:
    a, b = Value(1.5), Value(-0.25)
    f, with_number = BINARY[name], f"{name}c"
    on_the_left = "sub" if name == "sub" else with_number  # c - x lifts c into a leaf
    for out, op in [(f(a, b), name), (f(a, 2.0), with_number), (f(3, b), on_the_left)]:
        assert out.op == op
        assert all(type(p) is Value for p in out.parents)
        assert out.data == forward_of(out)
        assert out.partials == rule_partials(out)
        out.backward()
        grads = [p.grad for p in out.parents]
        assert grads == list(rule_partials(out))
        for p in out.parents:
            p.grad = 0.0


@pytest.mark.parametrize("c", [2.0, -0.5, 3, 1e-300])
def test_a_number_operand_is_the_nodes_param_not_a_leaf(c: float) -> None:
    x = Value(0.7)
    nodes = {"addc": [x + c, c + x], "subc": [x - c], "mulc": [x * c, c * x], "divc": [x / c]}
    plain = {"addc": 0.7 + c, "subc": 0.7 - c, "mulc": 0.7 * c, "divc": 0.7 / c}
    for op, outs in nodes.items():
        for out in outs:
            assert (out.op, out.parents, out.param, out.data) == (op, (x,), c, plain[op])
            assert type(out.param) is float
            assert forward_of(out) == out.data
    assert (x / 3).data == 0.7 / 3  # a division, not a multiply by 1/3
    assert [(n.op, len(n.parents)) for n in (c - x, c / x)] == [("sub", 2), ("div", 2)]


def test_a_number_operand_is_checked_and_named() -> None:
    x = Value(1.0)
    with pytest.raises(TypeError, match="bool"):
        x + True
    with pytest.raises(TypeError, match="str"):
        x * "2"  # type: ignore[operator]
    with pytest.raises(ZeroDivisionError, match=r"1.0 / 0.0 is undefined.*nonzero divisor"):
        x / 0


def test_backward_equals_grad_which_uses_the_rules_on_a_mixed_graph() -> None:
    x, y, w = Value(0.4), Value(-1.1), [Value(0.3), Value(-0.8)]
    h = neuron(w, [x, y], Value(0.05), slope=0.1)
    out = vsum([(x * y).tanh() * 2, (y - x).exp(), dot(w, [h, x]), h.relu(), -x, 3 - y])
    out = (out + 0.5) * (0.25 - out) / 3.0 - 1.5
    expected = grad(out, [x, y, *w])
    out.backward()
    assert [v.grad for v in (x, y, *w)] == pytest.approx(expected, rel=1e-15, abs=1e-15)


@pytest.mark.parametrize("slope", [0.0, 0.01, 0.5, 1.0])
@pytest.mark.parametrize("sign", [1.0, -1.0])
def test_neuron_is_dot_then_leaky_relu_in_one_node(slope: float, sign: float) -> None:
    ws, xs, b = [0.5 * sign, -0.2], [1.5, 0.3], 0.1 * sign
    w1, x1, b1 = [Value(v) for v in ws], [Value(v) for v in xs], Value(b)
    w2, x2, b2 = [Value(v) for v in ws], [Value(v) for v in xs], Value(b)
    fused, plain = neuron(w1, x1, b1, slope), dot(w2, x2, b2).leaky_relu(slope)
    assert (fused.op, fused.param, len(fused.parents)) == ("neuron", slope, 5)
    assert fused.data == pytest.approx(plain.data, rel=1e-15, abs=1e-300)
    assert fused.partials == pytest.approx(grad(plain, [*w2, *x2, b2]), rel=1e-15)
    fused.backward()
    plain.backward()
    assert [v.grad for v in (*w1, *x1, b1)] == pytest.approx([v.grad for v in (*w2, *x2, b2)])


@pytest.mark.parametrize("slope", [0.0, 0.3, 1.0])
@pytest.mark.parametrize("sign", [1.0, -1.0])
def test_higher_order_gradients_flow_through_the_fused_neuron(slope: float, sign: float) -> None:
    def build(fused: bool) -> tuple[list[Value], Value]:
        w, x, b = [Value(0.7 * sign), Value(-0.4)], [Value(1.2), Value(0.9)], Value(0.2 * sign)
        z = neuron(w, x, b, slope) if fused else dot(w, x, b).leaky_relu(slope)
        return [*w, *x, b], (z * z).tanh()  # curved on top, so second derivatives are rich

    results = []
    for fused in (True, False):
        leaves, out = build(fused)
        first = grad(out, leaves, create_graph=True)
        hessian = [grad(d, leaves) for d in first]
        results.append(([d.data for d in first], hessian))
    (first_f, hess_f), (first_p, hess_p) = results
    assert first_f == pytest.approx(first_p, rel=1e-12)
    for row_f, row_p in zip(hess_f, hess_p, strict=True):
        assert row_f == pytest.approx(row_p, rel=1e-12, abs=1e-15)
    assert any(v != 0.0 for row in hess_f for v in row) or (slope == 0.0 and sign < 0)


def test_neuron_rule_on_values_gives_the_mixed_partial() -> None:
    w, x = Value(0.5), Value(2.0)
    (dw,) = grad(neuron([w], [x], slope=0.25), [w], create_graph=True)
    assert dw.data == 2.0  # z > 0: da/dw = x
    assert grad(dw, [x]) == [1.0]  # d2a / dw dx = f'(z)
    (dw,) = grad(neuron([w], [Value(-2.0)], slope=0.25), [w], create_graph=True)
    assert dw.data == -0.5  # z < 0: da/dw = slope * x


def test_neuron_names_a_bad_slope_and_lifts_numbers() -> None:
    with pytest.raises(ValueError, match=r"neuron\(.*slope >= 0"):
        neuron([Value(1.0)], [2.0], slope=-0.5)
    with pytest.raises(TypeError, match="bool"):
        neuron([Value(1.0)], [True])
    with pytest.raises(ValueError, match="neuron needs as many weights as inputs"):
        neuron([Value(1.0)], [])
    a = neuron([2, Value(1.0)], [3.0, 4.0], 1)
    assert a.data == 11.0
    assert all(type(p) is Value for p in a.parents)


def test_fast_paths_build_leaves_under_no_grad() -> None:
    x = Value(0.5)
    with no_grad():
        outs = [x + x, 1 + x, x - 1, 2 - x, x * 3, 3 * x, x / 2, -x, x.tanh(), x.exp(), x.relu()]
        outs += [dot([x], [x], 1.0), neuron([x], [x], 1.0, 0.1)]
    assert all((o.parents, o.op, o.param) == ((), "", None) for o in outs)


def test_parents_are_rebuilt_from_the_slots_for_every_arity() -> None:
    x, y = Value(1.0), Value(2.0)
    assert [n.parents for n in (x, x.tanh(), x * 2, x * y, x + x)] == [
        (), (x,), (x,), (x, y), (x, x)
    ]  # fmt: skip
    assert vsum([x]).parents == (x,)  # n-ary, even with one term
    assert dot([x], [y], x).parents == (x, y, x)
    assert vsum([]).parents == ()
    assert interior_order(vsum([])) == []
    with no_grad():
        assert (x * y).parents == ()


def test_exp_beyond_the_fast_range_still_names_the_overflow() -> None:
    assert Value(709.5).exp().data == math.exp(709.5)
    with pytest.raises(OverflowError, match=r"exp\(710.0\) overflows"):
        Value(710.0).exp()


def test_interior_order_is_topo_order_without_leaves_and_resets_grads() -> None:
    x, y = Value(1.0), Value(2.0)
    a = x * y
    out = (a + a.tanh()) * (a - x)
    out.backward()
    order = interior_order(out)
    assert order == [n for n in topo_order(out) if n.parents]
    assert all(n.grad == 0.0 for n in order)
    assert x.grad != 0.0
    assert interior_order(x) == []
    assert x.grad != 0.0


def test_repeated_backward_and_a_leaf_as_root() -> None:
    x = Value(3.0)
    x.backward()
    x.backward()
    assert x.grad == 2.0
    y = x * x
    y.backward()
    first = x.grad
    y.backward()
    assert x.grad - first == 6.0
    assert y.grad == 1.0


def test_local_partials_is_the_rule_for_every_fast_op() -> None:
    x, y = Value(0.3), Value(-0.6)
    nodes = [x + y, x - y, x * y, -x, x.tanh(), x.exp(), x.relu(), vsum([x, y, x])]
    nodes += [x + 0.5, 0.5 + x, x - 0.5, x * -2.0, -2.0 * x, x / 3.0]
    nodes += [dot([x], [y], 0.5), neuron([x], [y], 0.5, 0.2), neuron([x], [y], 0.5, 0.0)]
    for node in nodes:
        assert local_partials(node) == rule_partials(node)
