"""Pictures of strange labels and of huge graphs: every label renders as written (or is a
clear error), a huge picture needs an explicit huge=True, and no layout runs unbounded."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from autograd import Value
from autograd.viz import HUGE_NODES, render, svg, to_dot
from autograd.viz.renderer import RenderError
from autograd.viz.style import visible

SVG_NS = "{http://www.w3.org/2000/svg}"


def labelled(label: object) -> Value:
    x = Value(2.0, label=label)  # type: ignore[arg-type]
    y = x * 3.0
    y.label = "y"
    return y


def first_box_text(svg_text: str) -> str:
    """The text of the first value box's first cell (its label), spans joined."""
    tree = ET.fromstring(svg_text)
    node = next(g for g in tree.iter(f"{SVG_NS}g") if g.get("class") == "node")
    texts = [t.text or "" for t in node.iter(f"{SVG_NS}text")]
    return "".join(texts[:-2])  # the last two cells are data and grad


LABELS = {
    "control character": ("a\x07b", "a\\x07b"),
    "newline only": ("\n", "\\n"),
    "newlines and tab": ("\n\nx\ty", "\\n\\nx\\ty"),
    "NUL": ("\x00", "\\x00"),
    "lone surrogate": ("x\ud800", "x\\ud800"),
    "not a character": ("\ufffe", "\\ufffe"),
    "node name escape": ("\\N", "\\N"),
    "graph name escape": ("\\G", "\\G"),
    "backslashes": ("a\\\\b\\", "a\\\\b\\"),
    "markup": ("<b>&amp;</b>", "<b>&amp;</b>"),
    "right to left": ("\u202eabc", "\u202eabc"),
}


@pytest.mark.parametrize("case", LABELS)
def test_labels_are_drawn_as_written(tmp_path: Path, case: str) -> None:
    label, shown = LABELS[case]
    path = render(labelled(label), tmp_path / "g.svg")
    assert first_box_text(path.read_text(encoding="utf-8")) == shown


def test_a_label_that_is_not_text_is_named() -> None:
    with pytest.raises(TypeError, match=r"node #0 \(data 2.0\) has the label 123 of type int"):
        to_dot(labelled(123))
    assert "<B>" not in to_dot(labelled(None)).split("\n")[4]  # None: no label, as ""


FUZZ = settings(suppress_health_check=[HealthCheck.function_scoped_fixture])
ANY_TEXT = st.text(st.characters(exclude_categories=()), max_size=30)


@FUZZ
@given(label=ANY_TEXT)
def test_any_text_label_gives_valid_dot(label: str) -> None:
    text = to_dot(labelled(label))
    text.encode("utf-8")  # a lone surrogate would make this fail
    assert "\\N" not in text.replace("\\\\", "")


@settings(max_examples=max(3, settings.default.max_examples // 10), parent=FUZZ)
@given(label=ANY_TEXT)
def test_any_text_label_renders(label: str) -> None:
    assert first_box_text(svg(labelled(label))) == (visible(label) or "#0")


def chain(n: int) -> Value:
    y = Value(1.0, label="x")
    for i in range(n):
        y = y * 1.0001 if i % 2 else y + 0.5
    return y


def test_a_huge_picture_needs_huge_true_whatever_max_nodes_says() -> None:
    root = chain(HUGE_NODES)  # one more value than HUGE_NODES (ops are not counted)
    for max_nodes in (None, 10**9):
        with pytest.raises(ValueError, match=r"more than 5,000.*group_by.*pass huge=True"):
            to_dot(root, max_nodes=max_nodes)
    assert to_dot(root, huge=True).count("->") > HUGE_NODES


def test_a_huge_picture_says_while_it_is_drawn(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    render(chain(HUGE_NODES), tmp_path / "huge.svg", huge=True)
    assert "autograd.viz: drawing 5,001 boxes (huge=True): laying out" in capsys.readouterr().err
    assert (tmp_path / "huge.svg").stat().st_size > 100_000


def test_a_layout_that_takes_too_long_is_stopped(tmp_path: Path) -> None:
    x = Value(1.0, label="x")
    y = x
    for _ in range(300):  # one node feeding 300 others: a layout of many minutes
        y = y * x
    with pytest.raises(RenderError, match=r"did not finish laying out the picture in 1 s"):
        render(y, tmp_path / "hub.svg", timeout=1)
    assert (tmp_path / "hub.dot").exists()
    assert not (tmp_path / "hub.svg").exists()
