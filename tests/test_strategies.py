"""The hypothesis strategies of autograd.testing.strategies: where they draw, what they hold."""

from __future__ import annotations

import re
import subprocess
import sys
from collections import Counter

import pytest
from hypothesis import Phase, find, given, settings

from autograd import OPS, Value
from autograd.graph import edges, topo_order
from autograd.testing.oracle import exact_values
from autograd.testing.strategies import (
    KINK_MARGIN,
    Expression,
    boxes,
    expressions,
    floats_in,
    symbolic,
)

# the ops as plain functions of floats, to evaluate an expression's text independently
FUNCTIONS = {op.label: op.forward for op in OPS.values() if op.label.isidentifier()}
FUNCTIONS["dot"] = lambda w, x, *bias: OPS["dot"].forward(*w, *x, *bias)
# finding an example with a property, not the smallest one: no shrinking
FIND = settings(database=None, max_examples=1000, derandomize=True, phases=[Phase.generate])


@given(floats_in((-3.0, 3.0), avoid=(0.0, 1.0)))
def test_floats_in_stays_inside_and_away_from_kinks(x: float) -> None:
    assert -3.0 <= x <= 3.0
    nearest_kink = min(abs(x), abs(x - 1.0))
    assert nearest_kink >= KINK_MARGIN * (1 - 1e-12)  # k + margin, rounded
    assert abs(x) >= sys.float_info.min  # normal, never subnormal (nor NaN)


@given(floats_in((0.0, 1.0), avoid=(0.0,)))
def test_a_kink_on_the_domain_edge_is_avoided(x: float) -> None:
    assert KINK_MARGIN <= x <= 1.0


@given(expressions(n_inputs=3, max_leaves=6))
def test_every_op_sees_arguments_in_its_box_away_from_kinks(e: Expression) -> None:
    assert len(e.inputs) == 3
    out = e.fn(*e.inputs)
    for node in topo_order(out):
        if node.op is not None:
            op, xs = node.op, [p.data for p in node.parents]
            assert all(lo <= x <= hi for x, (lo, hi) in zip(xs, boxes(op, len(xs)), strict=True))
            assert all(abs(x - k) >= KINK_MARGIN for x in xs for k in op.kinks)


@given(expressions(n_inputs=3, max_leaves=6))
def test_text_fn_and_symbolic_are_the_same_function(e: Expression) -> None:
    assert len(re.findall(r"\bx\d\b", e.text)) <= 6  # leaves of the written-out tree
    names = {f"x{i}": x for i, x in enumerate(e.inputs)}
    value = e.fn(*e.inputs).data
    assert eval(e.text, {"__builtins__": {}}, FUNCTIONS | names) == pytest.approx(value, rel=1e-12)
    assert exact_values([symbolic(e)], e.inputs) == pytest.approx([value], rel=1e-9)
    assert e.fn.__name__ == e.text
    assert e.text in repr(e)


@given(expressions(ops=["sin", "mul"]))
def test_only_the_chosen_ops_appear(e: Expression) -> None:
    assert {step.op for step in e.steps} <= {"sin", "mul"}


def most_used(e: Expression, interior: bool) -> int:
    """The most edges leaving one node of the built graph (interior nodes or inputs)."""
    out = e.fn(*[Value(x) for x in e.inputs])
    uses = Counter(
        parent for parent, _, _ in edges(topo_order(out)) if bool(parent.parents) == interior
    )
    return max(uses.values(), default=0)


def test_graphs_share_subexpressions_and_reuse_inputs() -> None:
    assert most_used(find(expressions(), lambda e: most_used(e, True) > 1, settings=FIND), True)
    assert most_used(find(expressions(), lambda e: most_used(e, False) > 2, settings=FIND), False)


def test_the_output_uses_every_step_once() -> None:
    e = find(expressions(), lambda e: len(e.steps) >= 6, settings=FIND)
    out = e.fn(*e.inputs)
    assert sum(1 for node in topo_order(out) if node.op is not None) == len(e.steps)


def test_bad_arguments_are_named() -> None:
    with pytest.raises(ValueError, match=r"unknown op\(s\) \['sine'\]"):
        expressions(ops=["sine"])
    with pytest.raises(ValueError, match="max_leaves >= 1 and n_inputs >= 1, got 0 and 2"):
        expressions(max_leaves=0)
    with pytest.raises(ValueError, match=r"no float in \(3.0, 1.0\)"):
        floats_in((3.0, 1.0))
    with pytest.raises(
        ValueError, match=r"no float in \(0.0, 0.0005\) is 0.001 away from \(0.0,\)"
    ):
        floats_in((0.0, 0.0005), avoid=(0.0,))


@pytest.mark.slow  # a subprocess
def test_a_missing_hypothesis_is_a_clear_import_error() -> None:
    code = "import sys; sys.modules['hypothesis'] = None; import autograd.testing.strategies"
    run = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=False)
    assert run.returncode == 1
    assert "autograd.testing.strategies needs hypothesis" in run.stderr
    assert "pip install 'chainrule[check]'" in run.stderr
