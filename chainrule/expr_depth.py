"""How deep an expression is, measured without recursion before anything walks its tree.

Two measures, each with its limit:

- the nesting depth: operations inside operations, where the left operand of ``+``/``-`` that
  is itself a ``+``/``-`` (and likewise ``*``/``/``) continues the same chain: ``x + y + z``
  is ``(x + y) + z`` to the parser and one level to a reader; at most ``MAX_DEPTH``;
- the height: operations on the longest path from the result to a leaf, a chain counted in
  full; at most ``MAX_CHAIN``, since the tree walkers (``build``, ``to_sympy``) recurse once or
  twice per operation and stay far below Python's 1,000 frames.
"""

from __future__ import annotations

import ast

MAX_DEPTH = 100  # nested operations; a chain such as x + y + z (or x * y / z) is one level
MAX_CHAIN = 300  # operations on one path from the result to a leaf


class DepthError(ValueError):
    """An expression nested too deeply or chaining too many operations."""


# parts of a node that are no operation: ``Load``, the operator of ``+``, ``not``, ``<``
_MARKERS = (ast.expr_context, ast.operator, ast.unaryop, ast.boolop, ast.cmpop)
_CHAINS = {ast.Add: "+", ast.Sub: "+", ast.Mult: "*", ast.Div: "*"}  # left-associative groups


def check_depths(root: ast.expr) -> dict[int, int]:
    """Refuse a tree nested deeper than ``MAX_DEPTH`` or with a chain longer than
    ``MAX_CHAIN``; returns each node's height (by ``id``). Iterative, so any tree the parser
    builds is measured without recursion.

    The nesting depth counts operations inside operations, but the left operand of ``+``/``-``
    that is itself a ``+``/``-`` (and likewise ``*``/``/``) continues the same chain: ``x + y
    + z`` is ``(x + y) + z`` to the parser and one level to a reader."""
    depth: dict[int, int] = {}
    height: dict[int, int] = {}
    stack: list[tuple[ast.AST, bool]] = [(root, False)]
    while stack:
        node, children_done = stack.pop()
        children = [c for c in ast.iter_child_nodes(node) if not isinstance(c, _MARKERS)]
        if not children_done:
            stack.append((node, True))
            stack.extend((child, False) for child in children)
            continue
        height[id(node)] = 1 + max((height[id(c)] for c in children), default=-1)
        levels = [depth[id(c)] + 1 for c in children]
        if isinstance(node, ast.BinOp) and _continues_chain(node):
            levels[0] -= 1  # the chain's left part is the same level
        depth[id(node)] = max(levels, default=0)
        if depth[id(node)] > MAX_DEPTH:
            raise DepthError(
                f"the expression is nested too deeply: at most {MAX_DEPTH} levels (a chain such "
                "as x + y + z counts as one)"
            )
        if height[id(node)] > MAX_CHAIN:
            raise DepthError(
                f"the expression chains too many operations: at most {MAX_CHAIN} from the result "
                "to a variable (split a long sum with parentheses: (a + b) + (c + d))"
            )
    return height


def _continues_chain(node: ast.BinOp) -> bool:
    left = node.left
    group = _CHAINS.get(type(node.op))
    return group is not None and isinstance(left, ast.BinOp) and _CHAINS.get(type(left.op)) == group
