"""``chainrule graph`` and ``chainrule check``: an expression typed in the shell, its graph
with gradients, and its gradient checked against finite differences (and sympy).

The expression is parsed by ``chainrule.expr`` (a whitelist over Python's ``ast``, never eval);
``--at x=2,w=-3`` gives each variable its value.
"""

from __future__ import annotations

import argparse
import keyword
import math
import unicodedata
from pathlib import Path
from typing import Any

from autograd import GradcheckError, Value, gradcheck, numeric_grad
from autograd.functional import grad
from autograd.viz import explain, page, render
from chainrule.exact import exact_derivatives
from chainrule.expr import CALLABLE, Node, build, parse, to_function
from chainrule.options import (
    CHECK_EXAMPLE,
    GRAPH_EXAMPLE,
    CommandError,
    UsageError,
    bounded_float,
    with_example,
    writable_file,
)

PICTURES = (".svg", ".png", ".pdf", ".dot", ".html")
AT_HELP = "the variables' values, as x=2,w=-3,b=6.88"


def add_graph_command(commands: Any) -> None:
    """Register ``graph`` on the sub-command parsers."""
    graph = commands.add_parser(
        "graph",
        help="draw an expression's graph with its gradients",
        description="Draw the graph of EXPR after backward, each edge with its local derivative.",
        **with_example(GRAPH_EXAMPLE),
    )
    graph.add_argument("expression", metavar="EXPR", help='for example "tanh(x*w + b)"')
    graph.add_argument("--at", default="", help=AT_HELP)
    picture = (
        "the picture: .svg (default graph.svg), .png, .pdf or .dot; .html writes a page that "
        "steps through the backward pass in a browser"
    )
    graph.add_argument("-o", "--output", type=Path, default=Path("graph.svg"), help=picture)
    graph.add_argument(
        "--explain", action="store_true", help="print the backward pass, step by step"
    )
    graph.add_argument(
        "--practice", action="store_true",
        help="with -o page.html: each step asks for the gradients before it shows them",
    )  # fmt: skip
    graph.add_argument(
        "--render-timeout", type=bounded_float("--render-timeout"), default=60.0,
        metavar="SECONDS", help="stop laying out the picture after this long (60)",
    )  # fmt: skip
    graph.set_defaults(run=run_graph)


def add_check_command(commands: Any) -> None:
    """Register ``check`` on the sub-command parsers."""
    check = commands.add_parser(
        "check",
        help="check an expression's gradient against finite differences",
        description="Compare d EXPR / d v from backward with central differences\n"
        "(and sympy's exact derivative, when sympy is installed).",
        **with_example(CHECK_EXAMPLE),
    )
    check.add_argument("expression", metavar="EXPR")
    check.add_argument("--at", default="", help=AT_HELP)
    check.add_argument("--eps", type=bounded_float("--eps"), default=1e-6, help="the step (1e-6)")
    check.add_argument("--atol", type=bounded_float("--atol"), default=1e-5, help="(1e-5)")
    check.add_argument("--rtol", type=bounded_float("--rtol"), default=1e-3, help="(1e-3)")
    check.add_argument(
        "--exact-timeout", type=bounded_float("--exact-timeout"), default=5.0, metavar="SECONDS",
        help="time for sympy's exact derivatives (5; 0 skips them)",
    )  # fmt: skip
    check.set_defaults(run=run_check)


def parse_bindings(text: str) -> dict[str, float]:
    """``"x=2,w=-3"`` as ``{"x": 2.0, "w": -3.0}``; a UsageError names a bad entry."""
    bindings: dict[str, float] = {}
    for entry in filter(None, (part.strip() for part in text.split(","))):
        name, sign, number = (s.strip() for s in entry.partition("="))
        name = unicodedata.normalize("NFKC", name)  # as Python reads the expression's names
        if not sign or not name:
            raise UsageError(f"--at wants name=value pairs separated by commas, got {entry!r}")
        if not name.isidentifier() or keyword.iskeyword(name) or name in CALLABLE:
            raise UsageError(f"--at: {name!r} cannot be a variable name")
        if name in bindings:
            raise UsageError(f"--at gives {name} twice")
        try:
            bindings[name] = float(number)
        except ValueError:
            raise UsageError(f"--at: {name}={number!r} is not a number") from None
        if not math.isfinite(bindings[name]):
            raise UsageError(f"--at: {name}={number} is not a finite number")
    return bindings


def _variables(node: Node) -> set[str]:
    found, stack = set(), [node]
    while stack:
        node = stack.pop()
        found.update([node.name] if node.op == "var" else [])
        stack.extend(node.args)
    return found


def _parse(args: argparse.Namespace) -> tuple[Node, dict[str, float]]:
    """The checked expression and the values of its variables, in --at order."""
    bindings = parse_bindings(args.at)
    node = parse(args.expression, bindings)
    unused = [name for name in bindings if name not in _variables(node)]
    if unused:
        raise UsageError(f"--at gives {', '.join(unused)}, which the expression does not use")
    return node, bindings


def _point(bindings: dict[str, float]) -> str:
    return ", ".join(f"{name}={value:.12g}" for name, value in bindings.items())


def _finite(what: str, number: float) -> float:
    if not math.isfinite(number):
        raise CommandError(f"{what} is {number}, not a finite number")
    return number


def run_graph(args: argparse.Namespace) -> int:
    """Build, backward, print the gradients (and the steps), draw the picture."""
    node, bindings = _parse(args)
    path = args.output
    if path.suffix.lower() not in PICTURES:
        raise UsageError(f"-o {path}: name the picture .svg, .png, .pdf, .dot or .html")
    html = path.suffix.lower() == ".html"
    if args.practice and not html:
        raise UsageError(f"--practice is for a page: name the output .html, not {path}")
    writable_file(path)
    leaves = {name: Value(value, label=name) for name, value in bindings.items()}
    root = build(node, leaves)
    if root.parents and not root.label:
        root.label = "f"  # a long expression: its own text would not fit in the picture
    root.backward()
    name = root.label or node.text
    print(f"{name} = {_finite(name, root.data):.10g} at {_point(bindings) or 'no variables'}")
    for variable, leaf in leaves.items():
        print(f"  d/d{variable} = {_finite(f'd/d{variable}', leaf.grad):.10g}")
    if args.explain:
        print(explain(root))
    if html:
        title = f"Backward pass of {node.text}"
        page(root, path, title=title, practice=args.practice, timeout=args.render_timeout)
        print(f"wrote {path} (open it in a browser to step through the backward pass)")
        return 0
    render(root, path, timeout=args.render_timeout, edge_labels=True)
    beside = (
        "" if path.suffix.lower() == ".dot" else f" (and its DOT source {path.with_suffix('.dot')})"
    )
    print(f"wrote {path}{beside}")
    return 0


def run_check(args: argparse.Namespace) -> int:
    """Print analytic, numeric (and exact) d EXPR / d v per variable; exit 1 if they differ."""
    node, bindings = _parse(args)
    if not bindings:
        raise UsageError("check needs at least one variable: give their values with --at")
    names, point = list(bindings), list(bindings.values())
    f = to_function(node, names)
    f.__qualname__ = node.text
    leaves = [Value(x, label=n) for n, x in bindings.items()]
    out = f(*leaves)
    analytic = grad(out, leaves)
    try:
        numeric = numeric_grad(f, point, eps=args.eps)
    except GradcheckError as err:  # the step, not the point, left the domain
        raise CommandError(_named(str(err), names).replace("an eps", "an --eps")) from None
    title, exact, note = exact_derivatives(node, bindings, args.exact_timeout)
    print(f"{node.text} = {_finite(node.text, out.data):.10g} at {_point(bindings)}")
    print(f"  {'variable':<10} {'analytic':>20} {'numeric':>20} {title:>20}")
    for i, name in enumerate(names):
        print(f"  {name:<10} {analytic[i]:>20.12g} {numeric[i]:>20.12g} {exact[i]:>20}")
    if note:
        print(note)
    tolerances = f"eps={args.eps:g}, atol={args.atol:g}, rtol={args.rtol:g}"
    try:
        gradcheck(f, point, eps=args.eps, atol=args.atol, rtol=args.rtol)
    except GradcheckError as err:
        raise CommandError(f"gradcheck failed: {_named(str(err), names)}") from None
    print(f"gradcheck passed ({tolerances})")
    return 0


def _named(message: str, names: list[str]) -> str:
    """gradcheck's message with its inputs ``x0, x1, ...`` called by their variable names."""
    for i in reversed(range(len(names))):  # x12 before x1
        message = message.replace(f"input {i}:", f"{names[i]}:").replace(f"x{i}=", f"{names[i]}=")
    return message
