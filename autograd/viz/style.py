r"""How one node of a picture looks: numbers, colours and Graphviz HTML-like labels.

Text in pictures is ASCII on purpose: renderers measure non-ASCII glyphs badly. A label is
user text and is drawn as written, whatever it holds: what a picture cannot show (control
characters, a lone surrogate, characters XML forbids) appears as its escape (``\n``,
``\x07``, ``\udc80``), and a backslash stays a backslash (``\N`` is not the node's name).
"""

from __future__ import annotations

import json
import math
from html import escape

from autograd.value import Value

FONT = "Helvetica"
INK = "#333333"
FADED = "#b0b0b0"
NAMELESS = "#6e6e6e"  # the #i name of an unlabelled node
ACCENT = "#e66101"  # highlighted and active nodes
POSITIVE_RGB = (33, 102, 172)  # blue: increasing this node increases the output
NEGATIVE_RGB = (202, 0, 32)  # red: increasing it decreases the output


_ESCAPES = {"\n": "\\n", "\r": "\\r", "\t": "\\t"}


def visible(text: str) -> str:
    r"""``text`` with what a picture cannot show written as escapes: control characters
    (``\n``, ``\x07``), lone surrogates (``\udc80``) and U+FFFE, U+FFFF."""
    return "".join(_visible_char(c) for c in text)


def _visible_char(c: str) -> str:
    code = ord(c)
    if c in _ESCAPES:
        return _ESCAPES[c]
    if code < 0x20 or 0x7F <= code < 0xA0:
        return f"\\x{code:02x}"
    if 0xD800 <= code < 0xE000 or code in (0xFFFE, 0xFFFF):
        return f"\\u{code:04x}"
    return c


def names(order: list[Value]) -> dict[Value, str]:
    """Each node's name in pictures, tables and pages: its label (made visible), or ``#i``
    (its number in the walk ``order``)."""
    return {node: visible(node.label or "") or f"#{i}" for i, node in enumerate(order)}


def html_escape(text: str) -> str:
    """``text`` for a web page's element text or attribute value: visible (as above), with
    ``& < > " '`` escaped, so no label is read as markup and none fails to encode."""
    return escape(visible(text), quote=True)


def script_json(data: object) -> str:
    r"""``data`` as JSON to put inside ``<script type="application/json">``: ASCII, with ``<``,
    ``>`` and ``&`` written ``\u003c`` ..., so no text in it (``</script>``, ``<!--``) can end
    or change the script element; JSON.parse reads it back unchanged."""
    text = json.dumps(data, separators=(",", ":"), ensure_ascii=True)
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


def html_text(text: str) -> str:
    r"""``text`` for an HTML-like label: visible, escaped, and each backslash in a span of its
    own, so no renderer reads ``\N`` or ``\G`` as the node's or the graph's name."""
    return escape(visible(text)).replace("\\", "<FONT>\\</FONT>")


def number(x: float, precision: int) -> str:
    """``x`` with ``precision`` significant digits, without a trailing exponent for common sizes."""
    text = f"{x:.{precision}g}"
    return "0" if text == "-0" else text


def gradient_fill(grad: float | None, scale: float) -> str:
    """A fill colour: blue for a positive gradient, red for a negative one, deeper for a larger
    ``|grad| / scale`` (square root, so small gradients still show); white for zero or unknown."""
    if grad is None or not scale or not grad or math.isnan(grad):
        return "#ffffff"
    depth = 0.1 + 0.45 * math.sqrt(min(abs(grad) / scale, 1.0))
    rgb = POSITIVE_RGB if grad > 0 else NEGATIVE_RGB
    return "#" + "".join(f"{round(255 + (c - 255) * depth):02x}" for c in rgb)


def op_text(node: Value, precision: int) -> str:
    """The op as a learner writes it: ``+``, ``tanh``, ``**2``, ``+ 0.5``, ``1 -`` (for
    ``1 - x``), ``leaky_relu(0.01)``, ``clamp(0, 1)``."""
    if node.op is None:
        return ""
    label = node.op.label
    if node.param is None:
        return label
    params = node.param if isinstance(node.param, tuple) else (node.param,)
    text = ", ".join(number(p, precision) for p in params)
    if node.op.reflected:  # c - x, c / x: the number comes first
        return f"{text} {label}"
    if label == "**":
        return f"**{text}"
    return f"{label}({text})" if label.isidentifier() else f"{label} {text}"


def _font(text: str, color: str | None, size: int | None = None) -> str:
    attrs = (f' COLOR="{color}"' if color else "") + (f' POINT-SIZE="{size}"' if size else "")
    return f"<FONT{attrs}>{text}</FONT>" if attrs else text


def table(cells: list[str], fill: str, border: str, width: int, vertical: bool = False) -> str:
    """An HTML-like label: a rounded box of cells separated by thin rules."""
    rule = "<HR/>" if vertical else "<VR/>"
    if vertical:
        body = rule.join(f"<TR><TD>{cell}</TD></TR>" for cell in cells)
    else:
        body = "<TR>" + rule.join(f"<TD>{cell}</TD>" for cell in cells) + "</TR>"
    return (
        f'<<TABLE BORDER="{width}" CELLBORDER="0" CELLSPACING="0" CELLPADDING="5" '
        f'STYLE="rounded" BGCOLOR="{fill}" COLOR="{border}">{body}</TABLE>>'
    )


def value_cells(
    node: Value, name: str, grad: float | None, precision: int, op: bool, faded: bool
) -> list[str]:
    """Cells of a value node: its name (bold; ``#i`` in grey when unlabelled), the op when
    folded in, ``data`` and ``grad`` (``?`` while not yet computed)."""
    ink = FADED if faded else None
    title = _font(f"<B>{html_text(node.label)}</B>", ink) if node.label else _font(name, NAMELESS)
    cells = [title]
    if op and node.op is not None:
        cells.append(_font(f"<I>{escape(op_text(node, precision))}</I>", ink))
    cells.append(_font(f"data {number(node.data, precision)}", ink))
    cells.append(_font(grad_text(grad, precision), ink))
    return cells


def grad_text(grad: float | None, precision: int) -> str:
    """A value's gradient cell: ``grad 0.25``, or ``grad ?`` while not yet computed."""
    return f"grad {'?' if grad is None else number(grad, precision)}"


def group_value_text(exit_node: Value, grad: float | None, precision: int) -> str:
    """A group's middle cell: the value and gradient of the node it hands on (its output)."""
    exit_name = html_text(exit_node.label.rsplit(".", 1)[-1]) if exit_node.label else "out"
    return f"{exit_name} = {number(exit_node.data, precision)}   {grad_text(grad, precision)}"


def group_cells(
    name: str, exit_node: Value, size: int, grad: float | None, precision: int
) -> list[str]:
    """Cells of a collapsed group: its name, the value and gradient of the node it hands on
    (its output), and how many nodes it holds."""
    return [
        f"<B>{html_text(name)}</B>",
        group_value_text(exit_node, grad, precision),
        _font(f"{size} nodes", "#666666", 9),
    ]
