"""Graph pictures: DOT text (snapshots), real SVG/PNG rendering, options, grouping, renderers."""

from __future__ import annotations

import os
import re
import shutil
import struct
import subprocess
import sys
import sysconfig
import venv
import xml.etree.ElementTree as ET
from pathlib import Path

import graphviz
import pytest
from neurons import micrograd_neuron

import nn
from autograd import Value, dot
from autograd.graph import topo_order
from autograd.viz import RendererNotFoundError, draw_graph, render, repr_mimebundle, svg, to_dot
from autograd.viz.renderer import ENV_VAR, RenderError, find_renderer

ROOT = Path(__file__).resolve().parent.parent
SNAPSHOTS = Path(__file__).parent / "snapshots"
SVG_NS = "{http://www.w3.org/2000/svg}"
NODE_STATEMENT = re.compile(r"^\t(n\d+(?:op)?|g\d+) \[", re.M)


def neuron() -> Value:
    """micrograd's neuron: o = tanh(x1 w1 + x2 w2 + b)."""
    return micrograd_neuron()[0]


def drawn_nodes(dot_text: str) -> list[str]:
    return NODE_STATEMENT.findall(dot_text)


def svg_nodes(svg_text: str) -> list[ET.Element]:
    tree = ET.fromstring(svg_text)
    return [g for g in tree.iter(f"{SVG_NS}g") if g.get("class") == "node"]


def mlp_loss(sizes: list[int]) -> Value:
    model = nn.MLP(2, sizes, activation="relu", seed=0)
    out = model([0.5, -1.0])
    loss = (out - 1.0) ** 2
    loss.label = "loss"
    loss.backward()
    return loss


# DOT text ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "options", "after_backward"),
    [
        ("neuron", {}, False),
        ("neuron_backward_edges", {"edge_labels": True}, True),
        ("neuron_folded_tb", {"ops": "folded", "rankdir": "TB", "color": False}, True),
    ],
)
def test_to_dot_matches_snapshot(name: str, options: dict[str, object], after_backward: bool):
    o = neuron()
    if after_backward:
        o.backward()
    text = to_dot(o, **options)  # type: ignore[arg-type]
    snapshot = SNAPSHOTS / f"{name}.dot"
    if os.environ.get("UPDATE_SNAPSHOTS"):
        snapshot.write_text(text)
    assert text == snapshot.read_text(), f"to_dot changed; UPDATE_SNAPSHOTS=1 rewrites {snapshot}"


def test_to_dot_is_deterministic_and_numbers_nodes_in_walk_order():
    first, second = neuron(), neuron()
    garbage = [Value(float(i)) for i in range(1000)]  # different addresses for the 2nd graph
    third = neuron()
    assert to_dot(first) == to_dot(second) == to_dot(third)
    assert len(garbage) == 1000
    order = topo_order(first)
    values = [s for s in drawn_nodes(to_dot(first)) if not s.endswith("op")]
    assert values == [f"n{i}" for i in range(len(order))]
    assert "id(" not in to_dot(first)
    assert str(id(first)) not in to_dot(first)


def test_reused_node_keeps_both_edges():
    x = Value(3.0, label="x")
    y = x * x
    y.backward()
    text = to_dot(y, edge_labels=True)
    assert text.count("n0 -> n1op") == 2
    assert text.count('label="3 x 1 = 3"') == 2  # d(x*x)/dx = 3 per edge, twice


def test_edge_labels_show_local_then_chain_rule_terms():
    a, b = Value(2.0, label="a"), Value(-4.0, label="b")
    c = a * b
    assert 'n0 -> n2op [label="local -4"]' in to_dot(c, edge_labels=True)
    c.backward(grad=0.5)
    text = to_dot(c, edge_labels=True)
    assert 'n0 -> n2op [label="-4 x 0.5 = -2"]' in text  # dc/da * upstream = contribution
    assert 'n1 -> n2op [label="2 x 0.5 = 1"]' in text
    assert "label=" not in to_dot(c).split("n0 -> n2op")[1].split("\n")[0]


def test_folded_ops_draw_no_op_nodes_and_name_the_op_inside():
    text = to_dot(neuron(), ops="folded")
    assert not [s for s in drawn_nodes(text) if s.endswith("op")]
    assert "<I>tanh</I>" in text
    assert "<I>+</I>" in text


def test_colour_follows_gradient_sign_and_magnitude():
    a, b = Value(1.0, label="a"), Value(2.0, label="b")
    y = a * 3.0 - b * 0.5
    y.backward()
    text = to_dot(y)

    def fill(label: str) -> tuple[int, int, int]:
        hex_color = re.search(rf'BGCOLOR="#(\w+)"[^\n]*<B>{label}</B>', text)
        assert hex_color, label
        return struct.unpack("BBB", bytes.fromhex(hex_color.group(1)))

    assert fill("a")[2] > fill("a")[0]  # positive: blue
    assert fill("b")[0] > fill("b")[2]  # negative: red
    assert sum(fill("a")) < sum(fill("b"))  # |3| > |-0.5|: deeper
    assert "blue = positive" in text
    assert set(re.findall(r'BGCOLOR="(#\w+)"', to_dot(y, color=False))) == {"#ffffff"}


def test_highlight_outlines_the_inputs_of_a_node_and_fades_the_rest():
    o = neuron()
    product = o.parents[0].parents[0].parents[0]  # x1 * w1
    text = to_dot(o, highlight=product)
    lines = {s.split(" ", 1)[0].strip(): s for s in text.splitlines() if " [label=<" in s}
    lit = [k for k, s in lines.items() if 'COLOR="#e66101"' in s]
    assert sorted(lit) == ["n0", "n1", "n2"]  # x1, w1 and their product
    assert all('COLOR="#b0b0b0"' in s for k, s in lines.items() if k not in lit)


@pytest.mark.parametrize(
    ("options", "message"),
    [
        ({"rankdir": "XY"}, "rankdir"),
        ({"ops": "inline"}, "ops"),
        ({"max_nodes": 0}, "max_nodes"),
        ({"precision": 0}, "precision"),
        ({"group_by": 0}, "group_by"),
    ],
)
def test_bad_options_are_named(options: dict[str, object], message: str):
    with pytest.raises(ValueError, match=message):
        to_dot(neuron(), **options)  # type: ignore[arg-type]


def test_group_by_must_be_a_depth_or_a_function():
    with pytest.raises(TypeError, match="group_by"):
        to_dot(neuron(), group_by="layers")  # type: ignore[arg-type]


# Large graphs -------------------------------------------------------------------------------


def test_max_nodes_refuses_with_advice_and_grouping_gets_under_it():
    loss = mlp_loss([16, 16, 1])
    size = len(topo_order(loss))
    with pytest.raises(ValueError, match=rf"{size} nodes.*max_nodes=100.*group_by=4"):
        to_dot(loss, max_nodes=100)
    assert len(drawn_nodes(to_dot(loss, max_nodes=100, group_by=4))) <= 100
    assert len(drawn_nodes(to_dot(loss, max_nodes=None))) > size


def test_grouped_mlp_fits_one_screen_and_renders_one_box_per_neuron(tmp_path: Path):
    loss = mlp_loss([16, 16, 1])
    assert len(topo_order(loss)) > 350  # hundreds of nodes, drawn as 33 boxes
    text = to_dot(loss, group_by=4)
    boxes = drawn_nodes(text)
    assert len(boxes) <= 60
    assert len([b for b in boxes if b.startswith("g")]) == 16 + 16 + 1
    assert text.count("subgraph cluster_") == 3  # a frame per layer
    picture = render(loss, tmp_path / "mlp.svg", group_by=4)
    assert len(svg_nodes(picture.read_text())) == len(boxes)
    layers = drawn_nodes(to_dot(loss, group_by=2))
    assert len([b for b in layers if b.startswith("g")]) == 3


def hand_neuron(inputs: list[Value], name: str) -> Value:
    """A neuron written out by hand: unlabelled products and sums, then labelled z and a."""
    weights = [Value(0.5 - i, label=f"{name}.w.{i}") for i in range(len(inputs))]
    z = Value(0.1, label=f"{name}.b")
    for w, x in zip(weights, inputs, strict=True):
        z = z + w * x
    z.label = f"{name}.z"
    a = z.tanh()
    a.label = f"{name}.a"
    return a


def test_unlabelled_nodes_join_the_group_they_feed_and_shared_ones_stay_alone():
    xs = [Value(1.0, label="x0"), Value(-2.0)]  # the second input is unlabelled
    hidden = [hand_neuron(xs, f"layers.0.neurons.{j}") for j in range(3)]
    out = dot([Value(1.0, label="layers.1.neurons.0.w.0")] * 3, hidden)
    out.label = "layers.1.neurons.0.z"
    total = out * 2.0  # unlabelled, feeds nothing: the output stays alone
    text = to_dot(total, group_by=4)
    groups = sorted(re.findall(r"<B>(layers[^<]*)</B>", text))
    assert groups == [f"layers.0.neurons.{j}" for j in range(3)] + ["layers.1.neurons.0"]
    assert text.count("8 nodes") == 3  # 2 weights, b, 2 products, a sum, z and a
    number = topo_order(total).index(xs[1])
    assert f'<FONT COLOR="#6e6e6e">#{number}</FONT>' in text  # it feeds 3 neurons: alone
    assert len(drawn_nodes(text)) == 4 + 2 + 1 + 1  # groups, inputs, total + its op "* 2"
    assert 'label="* 2"' in text  # the number is shown on the op, not as a leaf


def test_group_by_function():
    o = neuron()
    text = to_dot(o, group_by=lambda v: "weights" if v.label.startswith("w") else None)
    assert "<B>weights</B>" in text
    assert "2 nodes" in text


# Rendering ---------------------------------------------------------------------------------


def test_svg_parses_with_one_element_per_node(tmp_path: Path):
    o = neuron()
    o.backward()
    path = render(o, tmp_path / "neuron.svg", edge_labels=True)
    assert path == tmp_path / "neuron.svg"
    nodes = svg_nodes(path.read_text())
    dot_text = (tmp_path / "neuron.dot").read_text()
    assert dot_text == to_dot(o, edge_labels=True)
    titles = sorted(n.find(f"{SVG_NS}title").text or "" for n in nodes)  # type: ignore[union-attr]
    assert titles == sorted(drawn_nodes(dot_text))
    assert "0.7071" in path.read_text()  # o = tanh(0.8814)


def test_png_has_signature_and_sane_size(tmp_path: Path):
    path = render(neuron(), tmp_path / "neuron.png")
    data = path.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    assert data[12:16] == b"IHDR"
    width, height = struct.unpack(">II", data[16:24])
    assert 300 < width < 5000
    assert 50 < height < 2000


def test_pdf_is_written_by_graphviz_dot_or_refused_clearly(tmp_path: Path):
    target = tmp_path / "neuron.pdf"
    if shutil.which("dot"):  # Graphviz's own dot writes PDF
        assert render(neuron(), target).read_bytes().startswith(b"%PDF")
    else:  # graphviz-pure, the pip renderer, has no PDF
        with pytest.raises(RendererNotFoundError, match=r"cannot write PDF.*svg or \.png"):
            render(neuron(), target)
        assert not target.exists()
    assert (tmp_path / "neuron.dot").read_text() == to_dot(neuron())


def test_render_refuses_unknown_suffix_and_missing_folder(tmp_path: Path):
    with pytest.raises(ValueError, match=r"name it \.svg, \.png, \.pdf or \.dot"):
        render(neuron(), tmp_path / "neuron.jpg")
    with pytest.raises(FileNotFoundError, match="does not exist"):
        render(neuron(), tmp_path / "missing" / "neuron.svg")
    assert render(neuron(), tmp_path / "plain", format="dot").read_text() == to_dot(neuron())
    assert sorted(p.name for p in tmp_path.iterdir()) == ["plain"]  # no temporary files left


def test_draw_graph_is_a_digraph_that_graphviz_itself_can_render():
    picture = draw_graph(neuron(), rankdir="TB")
    assert isinstance(picture, graphviz.Digraph)
    assert picture.source == to_dot(neuron(), rankdir="TB")
    assert find_renderer() == graphviz.backend.dot_command.DOT_BINARY
    assert picture.pipe(format="svg").startswith(b"<?xml")
    bundle = picture._repr_mimebundle_()
    assert len(svg_nodes(bundle["image/svg+xml"])) == len(drawn_nodes(picture.source))
    assert picture._repr_svg_() == bundle["image/svg+xml"]


def test_value_displays_as_svg_and_large_graphs_as_text():
    bundle = repr_mimebundle(neuron())
    assert bundle["text/plain"].startswith("Value(data=0.7071")
    assert len(svg_nodes(bundle["image/svg+xml"])) == len(drawn_nodes(to_dot(neuron())))
    big = repr_mimebundle(mlp_loss([16, 16, 1]))
    assert list(big) == ["text/plain"]


def test_renderer_from_environment_variable(monkeypatch: pytest.MonkeyPatch, tmp_path: Path):
    pure = find_renderer()
    monkeypatch.setenv(ENV_VAR, str(pure))
    assert find_renderer() == pure
    not_a_program = tmp_path / "dot"
    not_a_program.write_text("")
    monkeypatch.setenv(ENV_VAR, str(not_a_program))
    with pytest.raises(RendererNotFoundError, match=f"{ENV_VAR}=.*not an executable"):
        svg(neuron())


@pytest.mark.slow  # a subprocess
def test_renderer_failure_reports_its_error(monkeypatch: pytest.MonkeyPatch, tmp_path: Path):
    failing = tmp_path / "broken-dot"
    failing.write_text("#!/bin/sh\necho 'out of ink' >&2\nexit 3\n")
    failing.chmod(0o755)
    monkeypatch.setenv(ENV_VAR, str(failing))
    with pytest.raises(RenderError, match=r"exit 3.*out of ink.*DOT source was written"):
        render(neuron(), tmp_path / "g.svg")
    assert not (tmp_path / "g.svg").exists()
    assert (tmp_path / "g.dot").exists()


RENDER_SCRIPT = """
import sys
from autograd import Value
from autograd.viz import render
try:
    render(Value(1.0, label="x") * 2, sys.argv[1])
except Exception as err:
    print(type(err).__name__, err)
"""


def run_isolated(python: Path, tmp_path: Path, env: dict[str, str]) -> str:
    paths = os.pathsep.join([str(ROOT), sysconfig.get_paths()["purelib"]])
    done = subprocess.run(
        [str(python), "-c", RENDER_SCRIPT, str(tmp_path / "g.png")],
        env={"PYTHONPATH": paths, **env},
        capture_output=True,
        text=True,
        check=True,
        timeout=60,
    )
    return done.stdout


def test_missing_renderer_is_a_clear_error_and_the_dot_is_still_written(tmp_path: Path):
    out = run_isolated(Path(sys.executable), tmp_path, {ENV_VAR: str(tmp_path / "nope")})
    assert out.startswith("RendererNotFoundError CHAINRULE_DOT=")
    assert "not an executable" in out
    assert (tmp_path / "g.dot").read_text().startswith("digraph chainrule {")
    (tmp_path / "g.dot").unlink()
    bare = tmp_path / "bare"  # a Python with no graphviz-pure beside it, and an empty PATH
    venv.create(bare, with_pip=False)
    python = bare / ("Scripts" if os.name == "nt" else "bin") / "python"
    out = run_isolated(python, tmp_path, {"PATH": ""})
    assert out.startswith("RendererNotFoundError no Graphviz renderer found: install")
    assert "(the DOT source was written to" in out
    assert (tmp_path / "g.dot").exists()
    assert not (tmp_path / "g.png").exists()


def test_a_part_cut_out_of_a_larger_graph_adds_up_and_says_what_is_elsewhere() -> None:
    x = Value(2.0, label="x")
    a, c = x * 3.0, x * -1.0  # x feeds two parts; a is drawn alone
    a.label, c.label = "a", "c"
    loss = a + c
    loss.backward()
    plain = to_dot(a, edge_labels=True)
    assert f"grad {x.grad:.4g}" in plain  # the whole dL/dx, though one edge is drawn
    dot = to_dot(a, edge_labels=True, seed=a.grad)
    here = 3.0 * a.grad  # what flows to x through a
    assert f"grad {here:.4g}<" in dot
    assert f'= {here:.4g}"' in dot  # x's only drawn edge carries all of it
    assert f"grad: only what flows back from a (its delta = {a.grad:.4g})" in dot
    assert f"x: {here:.4g} here + {x.grad - here:.4g} through nodes not drawn = {x.grad:.4g}" in dot
    assert f"grad {x.grad:.4g}<" not in dot
