"""explain(): the backward pass as a table in delta notation; the stepper's pictures."""

from __future__ import annotations

import math
import xml.etree.ElementTree as ET

import pytest
from hypothesis import given, settings

from autograd import Value, dot
from autograd.graph import topo_order
from autograd.testing.strategies import Expression, expressions
from autograd.viz import backward_steps, explain

SVG_NS = "{http://www.w3.org/2000/svg}"


def sigmoid(z: float) -> float:
    return 1.0 / (1.0 + math.exp(-z))


def two_two_one() -> dict[str, Value]:
    """The 2-2-1 sigmoid example of docs/backprop.md: x = [0.5, 0.8], weights chosen so that
    z_h = [0.1, 0.3], w_o = [0.4, 0.6], z_o = 0.2; target y = 1, L = (y - a_o)^2 / 2."""
    x = [Value(0.5, label="x0"), Value(0.8, label="x1")]
    w_h = [[Value(0.2, label="w_h00"), Value(0.0, label="w_h01")],
           [Value(0.2, label="w_h10"), Value(0.25, label="w_h11")]]  # fmt: skip
    b_h = [Value(0.0, label="b_h0"), Value(0.0, label="b_h1")]
    z_h = [dot(w_h[j], x, b_h[j]) for j in range(2)]
    a_h = [z.sigmoid() for z in z_h]
    w_o = [Value(0.4, label="w_o0"), Value(0.6, label="w_o1")]
    b_o = Value(0.2 - 0.4 * sigmoid(0.1) - 0.6 * sigmoid(0.3), label="b_o")
    z_o = dot(w_o, a_h, b_o)
    a_o = z_o.sigmoid()
    loss = 0.5 * (1.0 - a_o) ** 2
    for name, node in [("z_h0", z_h[0]), ("z_h1", z_h[1]), ("z_o", z_o), ("a_o", a_o)]:
        node.label = name
    loss.label = "L"
    nodes = {v.label: v for v in topo_order(loss) if v.label}
    return nodes


def test_reproduces_the_worked_example():
    net = two_two_one()
    assert round(net["z_h0"].data, 3) == 0.1
    assert round(net["z_h1"].data, 3) == 0.3
    assert round(net["z_o"].data, 3) == 0.2
    assert round(net["a_o"].data, 4) == 0.5498  # sigma(0.2)
    assert round(net["L"].data, 4) == 0.1013  # (1 - 0.5498)^2 / 2
    delta = explain(net["L"]).gradients
    assert round(delta[net["z_o"]], 3) == -0.111  # delta_o
    assert [round(delta[net[f"z_h{j}"]], 3) for j in range(2)] == [-0.011, -0.016]  # delta_h
    assert [round(delta[net[f"w_o{j}"]], 3) for j in range(2)] == [-0.058, -0.064]
    # dL/dw_h = delta_h x^T
    dw_h = [[-0.0056, -0.0089], [-0.0082, -0.0131]]
    for j in range(2):
        for i in range(2):
            assert round(delta[net[f"w_h{j}{i}"]], 4) == dw_h[j][i]


def test_rows_follow_the_chain_rule_and_leave_grads_alone():
    net = two_two_one()
    loss = net["L"]
    explanation = explain(loss)
    assert all(v.grad == 0.0 for v in topo_order(loss))
    last = {row.node: row.accumulated for row in explanation.rows}
    loss.backward()
    for node, delta in last.items():
        assert delta == pytest.approx(node.grad, rel=1e-12, abs=1e-15)
    assert explain(loss).gradients == explanation.gradients  # same after backward, unchanged
    for row in explanation.rows:
        assert row.contribution == row.local * row.upstream
    z_o_row = next(r for r in explanation.rows if r.node is net["z_o"])
    assert z_o_row.upstream == pytest.approx(explanation.gradients[net["a_o"]])
    assert z_o_row.local == pytest.approx(net["a_o"].data * (1 - net["a_o"].data))


def test_a_reused_node_shows_the_running_sum():
    x = Value(1.5, label="x")
    y = x * 2.0 + x * 3.0 + x
    rows = [r for r in explain(y).rows if r.node is x]
    assert [r.contribution for r in rows] == [1.0, 3.0, 2.0]  # walked from the output back
    assert [r.accumulated for r in rows] == [1.0, 4.0, 6.0]
    # one number per node passing its gradient on, as the page's steps count them
    steps = [(r.step, r.out) for r in explain(y).rows]
    assert [k for k, _ in steps] == [1, 1, 2, 2, 3, 4]
    assert len({out for _, out in steps}) == 4


@settings(max_examples=40)
@given(expressions(max_leaves=6))
def test_final_deltas_equal_backward_on_random_graphs(expr: Expression):
    inputs = [Value(x) for x in expr.inputs]
    out = expr.fn(*inputs)
    deltas = explain(out, seed=0.75).gradients
    out.backward(grad=0.75)
    for v in inputs:
        assert math.isclose(deltas.get(v, 0.0), v.grad, rel_tol=1e-12, abs_tol=1e-12)


def test_text_and_html_tables():
    net = two_two_one()
    explanation = explain(net["L"])
    text = str(explanation).splitlines()
    assert text[0].startswith("Backward pass from L = 0.1013, seeded with delta = 1")
    assert text[1].split() == ["step", "node", "v", "data", "into", "out", "(op)", "local",
                               "dout/dv", "upstream", "delta(out)", "contribution", "delta(v)",
                               "so", "far"]  # fmt: skip
    assert len(text) == 2 + len(explanation.rows)
    z_o_line = next(line for line in text if line.split()[1] == "z_o")
    assert z_o_line.split()[3:] == ["a_o", "(sigmoid)", "0.2475", "-0.4502", "-0.1114", "-0.1114"]
    table = ET.fromstring(explanation._repr_html_())
    assert table.tag == "table"
    assert len(table.findall("./tbody/tr")) == len(explanation.rows)
    assert "\u03b4(v) so far" in explanation._repr_html_()  # delta written as the letter


def test_undefined_derivative_names_the_node():
    y = Value(0.0, label="x").sqrt()
    with pytest.raises(ZeroDivisionError, match=r"backward through sqrt\(0\.0\)"):
        explain(y)


# The stepper ------------------------------------------------------------------------------


def active_strokes(svg: str) -> int:
    return svg.count('stroke="#e66101"')


def texts(svg: str) -> list[str]:
    return [t.text or "" for t in ET.fromstring(svg).iter(f"{SVG_NS}text")]


def test_one_picture_per_backward_step_with_gradients_so_far():
    x, w = Value(2.0, label="x"), Value(-3.0, label="w")
    y = (x * w + x).tanh()
    y.label = "y"
    steps = backward_steps(y)
    interior = [v for v in topo_order(y) if v.parents]
    assert len(steps) == 1 + len(interior)
    for picture in steps:
        ET.fromstring(picture)  # each is a whole SVG document
    assert "grad ?" in texts(steps[0])
    assert active_strokes(steps[0]) == 0
    assert all(active_strokes(p) > 0 for p in steps[1:])
    assert "grad ?" not in texts(steps[-1])
    y.backward()
    assert f"grad {x.grad:.4g}" in texts(steps[-1])
    assert steps.captions[0] == "Step 0: the seed, delta(y) = 1 (dy/dy = 1)."
    assert steps.captions[1] == "Step 1: y, made by tanh, passes delta(y) = 1 to its input."
    assert x.grad != 0.0  # (from the backward above) the stepper itself changed nothing


def test_stepper_leaves_grads_alone_and_guards_size():
    x = Value(2.0, label="x")
    y = x * x
    backward_steps(y)
    assert x.grad == 0.0
    big = Value(0.0)
    for _ in range(70):  # 70 nodes: + i keeps i in the node, not in a leaf of its own
        big = big + big
    with pytest.raises(ValueError, match="max_nodes=60"):
        backward_steps(big)


def test_slider_shows_the_chosen_step():
    x = Value(2.0, label="x")
    steps = backward_steps(x * x + x)
    box = steps.widget()
    slider, caption, picture = box.children
    assert (slider.min, slider.max) == (0, len(steps) - 1)
    slider.value = 2
    assert picture.value == steps[2]
    assert caption.value == steps.captions[2]
    bundle = steps._repr_mimebundle_()
    assert "application/vnd.jupyter.widget-view+json" in bundle
    assert steps._repr_html_().count("<svg") == len(steps)
