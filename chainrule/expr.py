"""Safe arithmetic expressions for the ``chainrule`` command: text in, Values out, never eval.

``parse`` reads an expression with Python's ``ast`` and accepts only a whitelist: numbers,
variable names, ``+ - * / **``, unary ``-`` and ``+``, and calls by name of the op table's
functions (``exp log sqrt tanh sigmoid relu softplus sin cos abs`` and ``leaky_relu(x[,
slope])``). Everything else (attributes, subscripts, lambdas, comprehensions, strings, other
calls) is refused with an ``ExpressionError`` naming it and its column. Limits on the
length, the nesting depth, the length of a chain of operations and constant exponents keep
input such as ``9**9**9**9`` from hanging or exhausting anything: a constant exponent is
computed, and checked, before the power it raises to. Both depths are measured without
recursion before anything else walks the tree, so no input reaches Python's recursion limit.

``build`` turns a parsed expression into Values (one leaf per variable, labelled with its
name, inner nodes labelled with their sub-expression); ``to_sympy`` gives the same function
as a sympy expression, an exact oracle for its derivatives.
"""

from __future__ import annotations

import ast
import math
from collections.abc import Callable, Collection, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from autograd import OPS, Value, apply, no_grad
from chainrule.expr_depth import MAX_CHAIN, MAX_DEPTH, DepthError, check_depths

FUNCTIONS = ("exp", "log", "sqrt", "tanh", "sigmoid", "relu", "softplus", "sin", "cos", "abs")
CALLABLE = (*FUNCTIONS, "leaky_relu")
MAX_LENGTH = 1000  # characters
UNPARSE_HEIGHT = 40  # ast.unparse recurses several frames per level: taller texts are sliced
MAX_EXPONENT = 1024.0  # |k| of a constant exponent: x**1024 is already beyond most floats
MAX_LABEL = 24  # longer sub-expressions are drawn unlabelled
__all__ = ["MAX_CHAIN", "MAX_DEPTH", "ExpressionError", "Node", "build", "parse", "to_function",
           "to_sympy"]  # fmt: skip
SYMBOLS = {ast.FloorDiv: "//", ast.Mod: "%", ast.MatMult: "@", ast.BitAnd: "&",
           ast.BitOr: "|", ast.BitXor: "^", ast.LShift: "<<", ast.RShift: ">>",
           ast.Invert: "~", ast.Not: "not"}  # fmt: skip
BINARY = {ast.Add: "add", ast.Sub: "sub", ast.Mult: "mul", ast.Div: "div", ast.Pow: "pow"}
REFUSED = {ast.Attribute: "attribute access", ast.Subscript: "a subscript", ast.Lambda: "lambda",
           ast.ListComp: "a comprehension", ast.SetComp: "a comprehension",
           ast.DictComp: "a comprehension", ast.GeneratorExp: "a comprehension",
           ast.Compare: "a comparison", ast.BoolOp: "and/or", ast.IfExp: "if/else",
           ast.NamedExpr: "an assignment", ast.JoinedStr: "a string"}  # fmt: skip


class ExpressionError(ValueError):
    """An expression that is not allowed: bad syntax, a construct outside the whitelist, an
    unknown name, or input beyond the size limits."""


@dataclass(frozen=True)
class Node:
    """One checked operation: ``op`` is ``"num"``, ``"var"``, an op table name, or ``"pos"``
    (unary ``+``); ``name`` is a variable's name, ``number`` a constant, ``text`` the source."""

    op: str
    args: tuple[Node, ...] = ()
    name: str = ""
    number: float = 0.0
    text: str = ""

    @property
    def constant(self) -> bool:
        """True when no variable occurs below this node."""
        return self.op != "var" and all(arg.constant for arg in self.args)


def parse(text: str, variables: Collection[str]) -> Node:
    """Check ``text`` against the whitelist; every name must be one of ``variables``."""
    source = text.strip()
    if not source:
        raise ExpressionError("the expression is empty")
    if len(source) > MAX_LENGTH:
        raise ExpressionError(
            f"the expression is too long: {len(source)} characters, at most {MAX_LENGTH}"
        )
    if "\0" in source:
        raise ExpressionError(
            f"the expression contains a NUL byte (\\0) at column {source.index(chr(0)) + 1}"
        )
    try:
        tree = ast.parse(source, mode="eval")
    except SyntaxError as err:
        column = f" at column {err.offset}" if err.offset else ""
        raise ExpressionError(f"syntax error{column}: {err.msg}") from None
    except (RecursionError, MemoryError, ValueError):  # the parser's own limits
        raise ExpressionError("the expression cannot be parsed (too deeply nested?)") from None
    try:
        heights = check_depths(tree.body)
    except DepthError as err:
        raise ExpressionError(str(err)) from None
    return _Checker(frozenset(variables), source, heights).node(tree.body)


class _Checker:
    """Converts a parsed tree to Nodes, refusing what is not on the whitelist."""

    def __init__(self, variables: frozenset[str], source: str, heights: dict[int, int]) -> None:
        self.variables, self.source, self.heights = variables, source, heights

    def text(self, tree: ast.AST) -> str:
        """The sub-expression's text: as ``ast.unparse`` spells it, or for a tall one (whose
        text is too long to be a label anyway) the source itself, spaces collapsed."""
        if self.heights.get(id(tree), 0) <= UNPARSE_HEIGHT:
            return ast.unparse(tree)
        return " ".join((ast.get_source_segment(self.source, tree) or "").split())

    def node(self, tree: ast.expr) -> Node:
        text = self.text(tree)
        if isinstance(tree, ast.Constant):
            return Node("num", number=_number(tree), text=text)
        if isinstance(tree, ast.Name):
            return Node("var", name=self._variable(tree), text=text)
        if isinstance(tree, ast.BinOp) and type(tree.op) in BINARY:
            args = (self.node(tree.left), self.node(tree.right))
            return Node(BINARY[type(tree.op)], args, text=text)
        if isinstance(tree, ast.UnaryOp) and isinstance(tree.op, (ast.USub, ast.UAdd)):
            op = "neg" if isinstance(tree.op, ast.USub) else "pos"
            return Node(op, (self.node(tree.operand),), text=text)
        if isinstance(tree, ast.Call):
            return self.call(tree, text)
        raise ExpressionError(
            f"{_describe(tree, text)} at column {tree.col_offset + 1} is not allowed"
        )

    def _variable(self, tree: ast.Name) -> str:
        if tree.id in self.variables:
            return tree.id
        if tree.id in CALLABLE:
            raise ExpressionError(f"{tree.id} is a function: call it, as in {tree.id}(x)")
        given = ", ".join(sorted(self.variables)) or "none"
        raise ExpressionError(
            f"unknown variable {tree.id!r}: give its value with --at {tree.id}=... "
            f"(variables given: {given})"
        )

    def call(self, tree: ast.Call, text: str) -> Node:
        name = tree.func.id if isinstance(tree.func, ast.Name) else ""
        if not name:
            raise ExpressionError(
                f"calling {self.text(tree.func)[:30]} at column {tree.col_offset + 1} is not "
                f"allowed: only {', '.join(CALLABLE)} can be called, by name"
            )
        arity = (1, 2) if name == "leaky_relu" else (1,)
        if name not in CALLABLE:
            raise ExpressionError(f"unknown function {name!r}: use one of {', '.join(CALLABLE)}")
        if tree.keywords or len(tree.args) not in arity:
            usage = (
                "leaky_relu(x) or leaky_relu(x, slope)" if name == "leaky_relu" else f"{name}(x)"
            )
            raise ExpressionError(f"{name} takes its arguments as {usage}, got {text}")
        args = tuple(self.node(arg) for arg in tree.args)
        if len(args) == 2 and not args[1].constant:
            raise ExpressionError(f"leaky_relu's slope must be a number, got {args[1].text}")
        return Node(name, args, text=text)


def _number(tree: ast.Constant) -> float:
    value = tree.value
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise ExpressionError(
            f"{type(value).__name__} constant {ast.unparse(tree)[:20]} at column "
            f"{tree.col_offset + 1} is not allowed: only real numbers"
        )
    try:
        number = float(value)
    except OverflowError:  # an int beyond the largest float
        number = math.inf
    if not math.isfinite(number):
        raise ExpressionError(f"the number {ast.unparse(tree)[:20]} is too large for a float")
    return number


def _describe(tree: ast.AST, text: str) -> str:
    if isinstance(tree, (ast.BinOp, ast.UnaryOp)):
        return f"the operator {SYMBOLS.get(type(tree.op), type(tree.op).__name__)}"
    return REFUSED.get(type(tree), f"{type(tree).__name__} ({text[:30]})")


def build(node: Node, leaves: Mapping[str, Value]) -> Value:
    """The Value of ``node`` with each variable bound to its leaf in ``leaves``.

    Raises the engine's ValueError or ArithmeticError for a value outside an op's domain, and
    ExpressionError for a constant exponent beyond ``MAX_EXPONENT``."""
    if node.op == "var":
        return leaves[node.name]
    if node.op == "num":
        return Value(node.number)
    if node.op == "pos":
        return build(node.args[0], leaves)
    out = _operation(node, leaves)
    if len(node.text) <= MAX_LABEL:
        out.label = node.text
    return out


def _operation(node: Node, leaves: Mapping[str, Value]) -> Value:
    first = build(node.args[0], leaves)
    if node.op == "leaky_relu":
        slope = _constant(node.args[1]) if len(node.args) == 2 else 0.01
        return apply(OPS["leaky_relu"], first, param=slope)
    if node.op == "pow" and node.args[1].constant:  # x**k: the exponent is checked first
        return apply(OPS["powc"], first, param=_exponent(node.args[1]))
    return apply(OPS[node.op], first, *(build(arg, leaves) for arg in node.args[1:]))


def _constant(node: Node) -> float:
    with no_grad():
        return build(node, {}).data


def _exponent(node: Node) -> float:
    k = _constant(node)
    if not abs(k) <= MAX_EXPONENT:
        raise ExpressionError(
            f"the exponent {node.text} = {k:.6g} is too large: constant exponents are at most "
            f"{MAX_EXPONENT:g} in size"
        )
    return k


def to_function(node: Node, names: Sequence[str]) -> Callable[..., Value]:
    """``f(*values)``: the expression with ``names[i]`` bound to the i-th argument (for
    ``autograd.gradcheck`` and ``numeric_grad``)."""

    def f(*values: Value) -> Value:
        return build(node, dict(zip(names, values, strict=True)))

    return f


def to_sympy(node: Node, symbols: Mapping[str, Any]) -> Any:
    """The expression in sympy, built from the op table's ``symbolic`` column; numbers are
    exact rationals equal to their floats."""
    import sympy as sp

    if node.op == "var":
        return symbols[node.name]
    if node.op == "num":
        return sp.Rational(node.number)
    args = [to_sympy(arg, symbols) for arg in node.args]
    if node.op == "pos":
        return args[0]
    if node.op == "leaky_relu" and len(args) == 1:
        args.append(sp.Rational(0.01))
    return OPS[node.op].symbolic(sp, *args)
