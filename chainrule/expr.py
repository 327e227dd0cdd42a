"""Safe arithmetic expressions for the ``chainrule`` command: text in, Values out, never eval.

``parse`` reads an expression with Python's ``ast`` and accepts only a whitelist: numbers,
variable names, ``+ - * / **``, unary ``-`` and ``+``, and calls by name of the op table's
functions (every row with a ``syntax`` name: ``exp(x)``, ``atan2(y, x)``, ``max(x, y)``,
``leaky_relu(x[, slope])``, ``clamp(x, lo, hi)``, ...). Everything else (attributes,
subscripts, lambdas, comprehensions, strings, other calls) is refused with an
``ExpressionError`` naming it and its column. Limits on the length, the nesting depth, the
length of a chain of operations and constant exponents keep input such as ``9**9**9**9``
from hanging or exhausting anything: a constant exponent is computed, and checked, before the
power it raises to. Both depths are measured without recursion before anything else walks
the tree, so no input reaches Python's recursion limit.

``build`` turns a parsed expression into the graph the same expression written in Python with
Values builds (one leaf per variable, labelled with its name, inner nodes labelled with their
sub-expression): a constant sub-expression is a number, so ``3 * x`` keeps 3 in its op as
``x * 3`` does, never a leaf with a gradient. ``to_sympy`` gives the same function as a
sympy expression, an exact oracle for its derivatives.
"""

from __future__ import annotations

import ast
import math
import warnings
from collections.abc import Callable, Collection, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from autograd import OPS, Op, Value, apply, no_grad
from autograd.ops import ROWS
from chainrule.expr_depth import MAX_CHAIN, MAX_DEPTH, DepthError, check_depths

FUNCTIONS: dict[str, Op] = {op.syntax: op for op in ROWS if op.syntax}  # name -> row
CALLABLE = tuple(FUNCTIONS)
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
PYTHON = {"add": lambda a, b: a + b, "sub": lambda a, b: a - b, "mul": lambda a, b: a * b,
          "div": lambda a, b: a / b, "pow": lambda a, b: a**b}  # fmt: skip
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
        with warnings.catch_warnings():  # "3in" warns, then fails: one error, with its column
            warnings.simplefilter("error", SyntaxWarning)
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
        if name not in FUNCTIONS:
            raise ExpressionError(f"unknown function {name!r}: use one of {', '.join(CALLABLE)}")
        op = FUNCTIONS[name]
        values, most = op.arity or 1, (op.arity or 1) + _constant_count(op)
        least = values if op.default is not None else most
        if tree.keywords or not least <= len(tree.args) <= most:
            raise ExpressionError(f"{name} takes its arguments as {usage(op)}, got {text}")
        args = tuple(self.node(arg) for arg in tree.args)
        for arg in args[values:]:
            if not arg.constant:
                what = _param_name(op)
                raise ExpressionError(f"{name}'s {what} must be a number, got {arg.text}")
        return Node(name, args, text=text)


def _constant_count(op: Op) -> int:
    """How many numbers a call gives after its Values: one per entry of the parameter."""
    if not op.params:
        return 0
    return len(op.params[0]) if type(op.params[0]) is tuple else 1


def _param_name(op: Op) -> str:
    return {"leaky_relu": "slope", "clamp": "bounds"}.get(op.name, "parameter")


def param_names(op: Op) -> list[str]:
    """The names of the numbers a call gives after its Values (none for most rows)."""
    return {"clamp": ["lo", "hi"]}.get(op.name, [_param_name(op)])[: _constant_count(op)]


def usage(op: Op) -> str:
    """How the command's expressions call a row: ``atan2(x, y)``, ``leaky_relu(x[, slope])``."""
    values, names = ["x", "y", "z"][: op.arity or 1], param_names(op)
    if op.default is not None:
        return f"{op.syntax}({', '.join(values)}[, {', '.join(names)}])"
    return f"{op.syntax}({', '.join(values + names)})"


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
    """The Value of ``node`` with each variable bound to its leaf in ``leaves``: the graph
    Python builds for the same expression written with Values and numbers.

    Raises the engine's ValueError or ArithmeticError for a value outside an op's domain, and
    ExpressionError for a constant exponent beyond ``MAX_EXPONENT``."""
    out = _evaluate(node, leaves)
    if not isinstance(out, Value):  # a constant expression: one leaf holding its value
        out = Value(out)
    return out


def _evaluate(node: Node, leaves: Mapping[str, Value]) -> Value | float:
    """A Value where a variable occurs below ``node``, otherwise its number (computed by the
    engine, so a domain error is named the same way)."""
    if node.op == "var":
        return leaves[node.name]
    if node.op == "num":
        return node.number
    if node.constant:
        with no_grad():
            number = _operation(node, {})
        return number.data if isinstance(number, Value) else number
    out = _operation(node, leaves)
    if isinstance(out, Value) and out.parents and len(node.text) <= MAX_LABEL:
        out.label = node.text
    return out


def _operation(node: Node, leaves: Mapping[str, Value]) -> Value | float:
    if node.op == "pos":
        return _evaluate(node.args[0], leaves)
    if node.op == "neg":
        return -_evaluate(node.args[0], leaves)
    if node.op in PYTHON:
        left = _evaluate(node.args[0], leaves)
        exponent = node.op == "pow" and node.args[1].constant  # checked before it is used
        right = _exponent(node.args[1]) if exponent else _evaluate(node.args[1], leaves)
        if not isinstance(left, Value) and not isinstance(right, Value):
            left = Value(left)  # two numbers: computed by the engine, which names any error
        result: Value | float = PYTHON[node.op](left, right)
        return result
    op = FUNCTIONS[node.op]
    values = [_evaluate(arg, leaves) for arg in node.args[: op.arity or 1]]
    constants = [_constant(arg) for arg in node.args[op.arity or 1 :]]
    param = None if not op.params else constants[0] if len(constants) == 1 else tuple(constants)
    return apply(op, *values, param=op.default if param == () else param)


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
    op = OPS[node.op] if node.op in OPS else FUNCTIONS[node.op]
    values, constants = args[: op.arity or 1], args[op.arity or 1 :]
    if op.params and not constants:
        constants = [sp.Rational(op.default)]
    param = [] if not constants else [constants[0] if len(constants) == 1 else tuple(constants)]
    return op.symbolic(sp, *values, *param)
