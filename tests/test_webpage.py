"""The backward pass as a page: what autograd.viz.page writes, read without a browser (the
browser tests are in test_pages_in_browser.py)."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from neurons import micrograd_neuron

import nn
from autograd import Value
from autograd.graph import topo_order
from autograd.viz import explain, page
from autograd.viz.webpage import stepper_section


def neuron() -> Value:
    return micrograd_neuron()[0]


def boxes(root: Value) -> dict[str, str]:
    """The SVG id of each labelled node's box: ``n`` and its number in the walk."""
    return {node.label: f"n{i}" for i, node in enumerate(topo_order(root)) if node.label}


def data_of(html: str) -> dict[str, Any]:
    found = re.search(r'<script type="application/json" class="cr-data">(.*?)</script>', html, re.S)
    assert found is not None
    data: dict[str, Any] = json.loads(found[1])
    return data


def test_the_page_is_one_self_contained_file(tmp_path: Path) -> None:
    path = page(neuron(), tmp_path / "o.html")
    html = path.read_text(encoding="utf-8")
    assert html.startswith("<!DOCTYPE html>")
    assert html.rstrip().endswith("</html>")
    assert "<svg" in html
    assert "<?xml" not in html
    assert "<!DOCTYPE svg" not in html
    # the only URLs are the SVG namespace names, which are never fetched
    urls = set(re.findall(r"https?://[^\s\"'<>]+", html))
    assert urls <= {"http://www.w3.org/2000/svg", "http://www.w3.org/1999/xlink"}, urls
    assert not re.search(r"<(link|img|iframe)\b|\bsrc=|@import|url\(", html)
    assert "default-src 'none'" in html  # and the browser refuses any request it would make
    assert sorted(p.name for p in tmp_path.iterdir()) == ["o.html"]


def test_steps_hold_explain_rows_and_the_gradients_filling_in() -> None:
    o = neuron()
    data = data_of(stepper_section(o))
    explanation = explain(o)
    steps = data["steps"]
    assert [len(s["rows"]) for s in steps[1:]] == [1, 2, 2, 2, 2]  # tanh, +, +, *, *
    assert [row for s in steps for row in s["rows"]] == [
        list(explanation.cells(r)) for r in explanation.rows
    ]
    assert all(change[2].startswith("grad ?") for change in data["initial"] if change[0] == "n")
    assert {c[2] for c in data["initial"] if c[0] == "e"} >= {"local -3", "local 2"}
    box = boxes(o)
    assert [c[:3] for c in steps[0]["changes"]] == [["n", box["o"], "grad 1"]]  # the seed
    last = [c for s in steps for c in s["changes"] if c[1] == box["w1"]]
    assert last[-1][2] == "grad 1"  # dL/dw1 = x1 * (1 - o^2) = 2 * 0.5
    assert steps[1]["active"] == box["o"]
    assert steps[1]["op"] == box["o"] + "op"


def test_a_reused_node_receives_two_contributions() -> None:
    x, y = Value(3.0, label="x"), Value(-2.0, label="y")
    f = x * y + x
    f.label = "f"
    data = data_of(stepper_section(f))
    box = boxes(f)["x"]
    assert data["nodes"][box] == "grad -1"
    shown = [c[2] for s in data["steps"] for c in s["changes"] if c[1] == box]
    assert shown == ["grad 1", "grad -1"]  # 1 from +, then 1 + y = -1 from *


def test_an_mlp_grouped_by_neuron_steps_through_its_boxes() -> None:
    model = nn.MLP(2, [3, 1], activation="tanh", seed=0)
    out = model([Value(0.5, label="x1"), Value(-1.0, label="x2")])
    data = data_of(stepper_section(out, group_by=4))
    actives = [s["active"] for s in data["steps"]]
    assert {a for a in actives if a.startswith("g")} == {"g0", "g1", "g2", "g3"}
    group_texts = [c[2] for s in data["steps"] for c in s["changes"] if c[1].startswith("g")]
    assert any(text.startswith("a = ") and "grad ?" not in text for text in group_texts)


def test_page_names_a_missing_folder(tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError, match=r"the folder .* does not exist"):
        page(neuron(), tmp_path / "nowhere" / "o.html")


@pytest.mark.slow  # a subprocess
def test_the_command_writes_a_page(tmp_path: Path) -> None:
    path = tmp_path / "neuron.html"
    done = subprocess.run(
        [sys.executable, "-m", "chainrule", "graph", "tanh(x*w + b)", "--at",
         "x=2,w=-3,b=6.88", "-o", str(path)],
        capture_output=True, text=True, check=False,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert f"wrote {path}" in done.stdout
    assert "Backward pass of tanh(x * w + b)" in path.read_text(encoding="utf-8")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["neuron.html"]


def test_page_steps_and_explain_rows_share_one_numbering() -> None:
    o, _ = micrograd_neuron()
    data = data_of(stepper_section(o))
    for k, step in enumerate(data["steps"]):
        assert {row[0] for row in step["rows"]} <= {str(k)}  # step k shows rows numbered k
        assert step["caption"].startswith(f"Step {k}: ")
        assert step["caption"].endswith(".")
    assert sum(len(step["rows"]) for step in data["steps"]) == len(explain(o).rows)
