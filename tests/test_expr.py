"""chainrule.expr: the whitelist parser behind ``chainrule graph`` and ``check``.

Parsed expressions must compute what the same expression written with Values computes,
differentiate as sympy says, refuse everything off the whitelist (never evaluating it), and
turn any text at all into a Node or an ExpressionError, nothing else."""

from __future__ import annotations

import math
from pathlib import Path

import pytest
import sympy as sp
from hypothesis import given, settings
from hypothesis import strategies as st

from autograd import OPS, Value, grad
from autograd.testing.oracle import exact_values
from chainrule.expr import (
    MAX_CHAIN,
    MAX_DEPTH,
    ExpressionError,
    build,
    parse,
    to_function,
    to_sympy,
)
from chainrule.expr_commands import parse_bindings

AT = {"x": 0.7, "y": -1.3, "z": 2.1}


def leaves() -> dict[str, Value]:
    return {name: Value(value, label=name) for name, value in AT.items()}


def run(text: str) -> tuple[Value, dict[str, Value]]:
    bound = leaves()
    out = build(parse(text, AT), bound)
    out.backward()
    return out, bound


SAME_AS_VALUES = [
    ("tanh(x*y + z)", lambda x, y, z: (x * y + z).tanh()),
    ("x**2 - 3/z + -y", lambda x, y, z: x**2 - 3 / z + -y),
    ("z**x + +x", lambda x, y, z: z**x + x),
    ("x**(1/2) * z**-2", lambda x, y, z: x**0.5 * z**-2.0),
    ("leaky_relu(y) + leaky_relu(y, 0.2)", lambda x, y, z: y.leaky_relu() + y.leaky_relu(0.2)),
    ("exp(x) + log(z) + sqrt(z) + abs(y)", lambda x, y, z: x.exp() + z.log() + z.sqrt() + abs(y)),
    ("sigmoid(y) * relu(x) - softplus(y)", lambda x, y, z: y.sigmoid() * x.relu() - y.softplus()),
    ("sin(x) / cos(y)", lambda x, y, z: x.sin() / y.cos()),
]


@pytest.mark.parametrize(("text", "by_hand"), SAME_AS_VALUES, ids=[c[0] for c in SAME_AS_VALUES])
def test_parsed_expressions_compute_what_values_compute(text: str, by_hand: object) -> None:
    out, bound = run(text)
    expected = leaves()
    reference = by_hand(*expected.values())  # type: ignore[operator]
    reference.backward()
    assert out.data == reference.data
    assert [v.grad for v in bound.values()] == [v.grad for v in expected.values()]


def test_constant_exponents_use_powc_and_constant_bases_rpowc() -> None:
    assert run("x**2")[0].op is OPS["powc"]
    assert run("x**(1 + 1)")[0].param == 2.0
    assert run("2**x")[0].op is OPS["rpowc"]
    assert run("z**x")[0].op is OPS["pow"]


def test_inner_nodes_are_labelled_with_their_text_and_long_ones_are_not() -> None:
    out, _ = run("tanh(x*y + z)")
    assert [out.label, out.parents[0].label, out.parents[0].parents[0].label] == [
        "tanh(x * y + z)", "x * y + z", "x * y",
    ]  # fmt: skip
    long_one, _ = run("x + y + z + x * y * z + x + y + z")
    assert long_one.label == ""


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("__import__('os').system('touch pwned')", "calling __import__('os').system"),
        ("__import__('os')", "unknown function '__import__'"),
        ("x.real", "attribute access at column 1"),
        ("x[0]", "a subscript"),
        ("lambda: x", "lambda"),
        ("[x for x in y]", "a comprehension"),
        ("x if y else z", "if/else"),
        ("x < y", "a comparison"),
        ("x and y", "and/or"),
        ("'x'", "str constant"),
        ("True", "bool constant"),
        ("1j", "complex constant"),
        ("x % 2", "the operator %"),
        ("~x", "the operator ~"),
        ("print(x)", "unknown function 'print'"),
        ("exp(x, y)", "exp takes its arguments as exp(x)"),
        ("exp(x=1)", "exp takes its arguments as exp(x)"),
        ("leaky_relu(x, y)", "leaky_relu's slope must be a number"),
        ("exp", "exp is a function"),
        ("w", "unknown variable 'w'"),
        ("x +", "syntax error"),
        ("", "empty"),
        ("1e999", "too large for a float"),
        ("x" + "+x" * 600, "too long"),
        ("-" * (MAX_DEPTH + 1) + "x", "nested too deeply"),
    ],
)
def test_off_the_whitelist_is_refused_by_name(text: str, message: str) -> None:
    with pytest.raises(ExpressionError) as refused:
        parse(text, AT)
    assert message in str(refused.value)
    assert not Path("pwned").exists()  # nothing was evaluated


def test_constant_exponents_are_checked_before_the_power_is_computed() -> None:
    with pytest.raises(ExpressionError, match=r"the exponent 9 \*\* 9 = 3\.8742e\+08 is too"):
        build(parse("9**9**9**9", AT), {})
    with pytest.raises(ExpressionError, match="exponent 2000"):
        build(parse("x**2000", AT), leaves())
    assert build(parse("x**1024", AT), leaves()).data == 0.7**1024


def test_domain_errors_come_from_the_engine_naming_the_op() -> None:
    with pytest.raises(ValueError, match=r"log\(-1\.3\) is undefined"):
        build(parse("log(y)", AT), leaves())
    with pytest.raises(ValueError, match=r"needs a base > 0, or an integer exponent"):
        build(parse("y**x", AT), leaves())


def test_to_function_binds_arguments_in_order() -> None:
    f = to_function(parse("x - 2*y", AT), ["y", "x"])
    assert f(Value(1.0), Value(5.0)).data == 3.0


WORDS = st.sampled_from(["x", "y", "z", "0.5", "2", "exp", "log", "(", ")", "**", "*", "+",
                         "-", "/", ",", ".", "[", "]", "'", "lambda", ":", "=", " ", "__import__",
                         "relu", "leaky_relu", "9", "e9", "if", "not", "<"])  # fmt: skip


def outcome(text: str) -> str:
    """``ok``, or the kind of error and its message."""
    try:
        build(parse(text, AT), leaves())
    except ExpressionError as err:
        return f"refused: {err}"
    except (ValueError, ArithmeticError) as err:  # the engine's domain errors
        return f"undefined: {err}"
    return "ok"


@settings(max_examples=300)
@given(st.lists(WORDS, max_size=20).map("".join))
def test_any_text_is_a_node_or_a_clear_error(text: str) -> None:
    result = outcome(text)  # anything else (TypeError, RecursionError, ...) fails the test
    assert result == "ok" or result.split(": ", 1)[1]


SMOOTH = ["tanh", "sin", "cos", "sigmoid", "softplus", "exp"]


@st.composite
def smooth_expressions(draw: st.DrawFn, depth: int = 3) -> str:
    """Random expressions that stay finite and smooth at ``AT``."""
    if depth == 0 or draw(st.booleans()):
        return draw(st.sampled_from(["x", "y", "z", "0.5", "3"]))
    kind = draw(st.sampled_from(["call", "+", "-", "*", "**2"]))
    left = draw(smooth_expressions(depth - 1))
    if kind == "call":
        name = draw(st.sampled_from(SMOOTH))
        return f"{name}(tanh({left}))" if name == "exp" else f"{name}({left})"
    if kind == "**2":
        return f"({left})**2"
    return f"({left} {kind} {draw(smooth_expressions(depth - 1))})"


@settings(max_examples=40)
@given(smooth_expressions())
def test_gradients_match_sympy(text: str) -> None:
    node = parse(text, AT)
    symbols = {name: sp.Symbol(name, real=True) for name in AT}
    expression = to_sympy(node, symbols)
    at = {symbols[name]: value for name, value in AT.items()}
    bound = leaves()
    analytic = grad(build(node, bound), list(bound.values()))
    exact = exact_values([(expression, s) for s in symbols.values()], at)
    for name, value, expected in zip(AT, analytic, exact, strict=True):
        assert math.isclose(value, expected, rel_tol=1e-9, abs_tol=1e-12), (text, name)


SAME_GRAPH = [
    ("x**2 + 3*x", lambda x, y, z: x**2 + 3 * x),
    ("1 - x / 2", lambda x, y, z: 1 - x / 2),
    ("2 / (x - y) + -z", lambda x, y, z: 2 / (x - y) + -z),
    ("exp(2) * x + log(3)", lambda x, y, z: math.exp(2) * x + math.log(3)),
    ("2**x * (1 + 1)", lambda x, y, z: 2**x * 2),
    (
        "atan2(x, z) + max(x, y) + min(y, 0.5)",
        lambda x, y, z: x.atan2(z) + x.maximum(y) + y.minimum(0.5),
    ),
    ("clamp(x, -1, 1) * leaky_relu(y, 0.2)", lambda x, y, z: x.clamp(-1, 1) * y.leaky_relu(0.2)),
    ("tanh(x * y + z) - 4", lambda x, y, z: (x * y + z).tanh() - 4),
]


@pytest.mark.parametrize(("text", "by_hand"), SAME_GRAPH, ids=[c[0] for c in SAME_GRAPH])
def test_the_command_draws_the_graph_python_builds(text: str, by_hand: object) -> None:
    """Constants are folded as Python folds them: ``3*x`` keeps 3 in its op, like ``3 * x``;
    ``exp(2)`` is a number, like ``math.exp(2)``. Only the command's sub-expression labels
    differ, so they are cleared before the DOT texts are compared."""
    from autograd.graph import topo_order
    from autograd.viz import to_dot

    parsed, _ = run(text)
    built = by_hand(*leaves().values())  # type: ignore[operator]
    built.backward()
    for node in topo_order(parsed):
        if node.parents:
            node.label = ""
    assert to_dot(parsed) == to_dot(built)


def test_a_constant_is_kept_in_its_op_not_drawn_as_a_leaf_with_a_gradient() -> None:
    from autograd.graph import topo_order

    out, _ = run("x**2 + 3*x")
    assert [n.label for n in topo_order(out) if not n.parents] == ["x"]
    assert [n.op for n in topo_order(out) if n.parents] == [OPS[n] for n in ("powc", "mulc", "add")]


def test_a_long_flat_sum_is_one_level_not_deep_nesting() -> None:
    for n in (150, MAX_CHAIN):
        text = "+".join(["x", "y"] * (n // 2)) + "+z" * (n % 2)
        node = parse(text, AT)
        out = build(node, leaves())  # recursion stays far from Python's limit
        assert out.data == pytest.approx(n // 2 * (AT["x"] + AT["y"]) + n % 2 * AT["z"])
        assert to_sympy(node, {name: sp.Symbol(name) for name in AT}).is_Add
    assert node.text == text  # a tall node's text is its source, not ast.unparse's
    mixed = "x*y/z*x + " * 49 + "x"  # chains of * and / inside a chain of +: two levels
    assert parse(mixed, AT).op == "add"
    parse("+".join(["x"] * (MAX_CHAIN + 1)), AT)  # MAX_CHAIN operations
    with pytest.raises(ExpressionError, match="chains too many operations"):
        parse("+".join(["x"] * (MAX_CHAIN + 2)), AT)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("-" * 330 + "x", f"nested too deeply: at most {MAX_DEPTH} levels"),
        ("+".join(["x"] * 332), f"chains too many operations: at most {MAX_CHAIN}"),
        ("(" * 250 + "x" + ")" * 250, "too many nested parentheses"),
        ("sin(" * 101 + "x" + ")" * 101, "nested too deeply"),
        ("x**" * 101 + "x", "nested too deeply"),
        ("x[" + "+".join(["x"] * 250) + "]", "a subscript at column 1 is not allowed"),
        ("x\0+1", r"contains a NUL byte \(\\0\) at column 2"),
    ],
    ids=["330 minus signs", "332 terms", "parentheses", "calls", "powers", "subscript", "NUL"],
)
def test_deep_or_long_input_is_one_clear_error(text: str, message: str) -> None:
    with pytest.raises(ExpressionError, match=message):
        parse(text, AT)


def test_at_names_are_read_as_python_reads_the_expression_s_names() -> None:
    """Python reads identifiers NFKC-normalised (fullwidth x is x): --at names too."""
    node = parse("\uff58 * 2", ["x"])
    assert node.text == "x * 2"
    assert parse_bindings("\uff58=1, \uff57=2") == {"x": 1.0, "w": 2.0}
