"""The ``chainrule`` command, run for real in a subprocess: ``train``, ``graph`` and ``check``,
their files, and every kind of bad input (one line on stderr, exit status 2 or 1, no
traceback, no file written)."""

from __future__ import annotations

import fcntl
import json
import math
import os
import re
import struct
import subprocess
import sys
import termios
import time
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any

import pytest

import nn
from nn.data import make_moons, train_test_split
from nn.losses import binary_cross_entropy_with_logits

pytestmark = pytest.mark.slow  # an integration test: pytest -m "not slow" leaves it out

SCRIPT = Path(sys.executable).parent / "chainrule"
PNG = b"\x89PNG\r\n\x1a\n"
NEURON = ("tanh(x*w + b)", "--at", "x=2,w=-3,b=6.88")
SHORT = ("--samples", "40", "--hidden", "4", "--epochs", "3", "--quiet")
FILES = {"curves.png", "boundary.png", "confusion.png", "model.json", "neuron.svg",
         "neuron.dot", "report.html", "metrics.json"}  # fmt: skip


def chainrule(*args: str, cwd: Path, script: bool = False) -> subprocess.CompletedProcess[str]:
    """Run the command as a user would: the installed script, or ``python -m chainrule``."""
    command = [str(SCRIPT)] if script else [sys.executable, "-m", "chainrule"]
    return subprocess.run(
        [*command, *args], cwd=cwd, capture_output=True, text=True, timeout=300, check=False
    )


def one_error_line(result: subprocess.CompletedProcess[str]) -> str:
    """The single stderr line of a failed run (and no traceback)."""
    assert "Traceback" not in result.stderr
    lines = result.stderr.splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("chainrule: error: ")
    return lines[0]


def metrics(folder: Path) -> dict[str, Any]:
    document: dict[str, Any] = json.loads((folder / "metrics.json").read_text())
    return document


@pytest.fixture(scope="module")
def default_run(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str]:
    """``chainrule train`` with no arguments, in an empty folder: (that folder, stdout)."""
    cwd = tmp_path_factory.mktemp("train")
    result = chainrule("train", cwd=cwd, script=True)
    assert result.returncode == 0, result.stderr
    assert result.stderr == ""  # no progress bar when stderr is not a terminal
    return cwd, result.stdout


def test_train_with_defaults_writes_every_file(default_run: tuple[Path, str]) -> None:
    cwd, stdout = default_run
    out = cwd / "chainrule-out"
    assert {p.name for p in out.iterdir()} == FILES  # no temporary files left behind
    for name in FILES - {"neuron.dot"}:
        assert name in stdout
    assert "wrote chainrule-out/" in stdout
    for picture in ("curves.png", "boundary.png"):
        assert (out / picture).read_bytes().startswith(PNG)


def test_train_reaches_a_good_accuracy_and_the_saved_model_has_it(
    default_run: tuple[Path, str],
) -> None:
    out = default_run[0] / "chainrule-out"
    numbers = metrics(out)
    assert numbers["test"]["accuracy"] >= 0.95
    assert numbers["training"]["loss"] < numbers["curves"]["training_loss"][0]
    assert numbers["settings"] | {"out": ""} == numbers["settings"] | {
        "dataset": "moons", "hidden": [16, 16], "optimizer": "adam", "lr": 0.01, "out": "",
        "epochs": 50, "seed": 0, "loss": "bce", "activation": "relu", "batch_size": 16,
    }  # fmt: skip
    X, y = make_moons(n=200, seed=0)  # noqa: N806 (the data the command trained on)
    _, X_test, _, y_test = train_test_split(X, y, test_size=0.25, seed=0)  # noqa: N806
    model = nn.load(out / "model.json")
    loss, accuracy = nn.evaluate(model, X_test, y_test, loss=binary_cross_entropy_with_logits)
    assert accuracy == numbers["test"]["accuracy"]
    assert loss == pytest.approx(numbers["test"]["loss"], rel=1e-12)


def test_train_draws_one_neuron_with_the_gradients_the_loss_sends(
    default_run: tuple[Path, str],
) -> None:
    svg = ET.parse(default_run[0] / "chainrule-out" / "neuron.svg").getroot()
    texts = [t.text or "" for t in svg.iter("{http://www.w3.org/2000/svg}text")]
    assert {"x1", "x2", "layers.0.neurons.0.b", "layers.0.neurons.0.a"} <= set(texts)
    after = {texts[i]: texts[i + 1 : i + 3] for i in range(len(texts) - 2)}
    dl_da = float(after["layers.0.neurons.0.a"][1].split()[1])  # what the loss sends back
    assert dl_da not in (0.0, 1.0)
    # dL/db = dL/da for an active ReLU neuron; dL/dw_0 = x_1 dL/da, for this one example
    assert after["layers.0.neurons.0.b"][1] == after["layers.0.neurons.0.a"][1]
    x1 = float(after["x1"][0].split()[1])
    w0_grad = float(after["layers.0.neurons.0.w.0"][1].split()[1])
    assert w0_grad == pytest.approx(x1 * dl_da, rel=2e-3)


def drawn_gradients(dot: str) -> tuple[dict[str, tuple[str, float]], dict[str, list[float]]]:
    """From a picture's DOT text: each box's (name, gradient shown), and the contributions its
    drawn edges carry (``local x upstream = contribution``), by box id."""
    boxes = {
        box: (name, float(grad))
        for box, name, grad in re.findall(r"(n\d+) \[label=<.*?<B>(.*?)</B>.*?grad (\S+?)<", dot)
    }
    sent: dict[str, list[float]] = {box: [] for box in boxes}
    for box, contribution in re.findall(r"(n\d+) -> n\d+op \[label=\".* = (\S+)\"", dot):
        sent[box].append(float(contribution))
    return boxes, sent


def test_train_neuron_picture_adds_up_and_agrees_with_the_report(
    default_run: tuple[Path, str],
) -> None:
    out = default_run[0] / "chainrule-out"
    dot = (out / "neuron.dot").read_text()
    boxes, sent = drawn_gradients(dot)
    lines = dot.split('label="')[1].split('"')[0].split("\\l")  # the caption's lines
    caption = dict(line.split(": ", 1) for line in lines if "through nodes not drawn" in line)
    assert set(caption) == {"x1", "x2"}  # the inputs feed the other neurons too
    for box, (name, grad) in boxes.items():
        if sent[box]:  # every number on a node is the sum of its drawn edges...
            assert grad == pytest.approx(math.fsum(sent[box]), rel=2e-3, abs=1e-12), name
        if name in caption:  # ...plus what the caption says comes from elsewhere
            words = caption[name].split()  # "P here + R through nodes not drawn = W"
            here, rest, whole = float(words[0]), float(words[3]), float(words[-1])
            assert here == grad
            assert here + rest == pytest.approx(whole, rel=2e-3, abs=1e-12)
            assert rest != 0.0
    html = (out / "report.html").read_text(encoding="utf-8")
    data = json.loads(html.split('class="cr-data">')[1].split("</script>")[0])
    shown = {box: float(text.split()[1]) for box, text in data["nodes"].items()}
    assert shown == {box: grad for box, (_, grad) in boxes.items()}  # the report's last step


def test_outputs_have_ordinary_permissions(default_run: tuple[Path, str]) -> None:
    out = default_run[0] / "chainrule-out"
    modes = {p.name: p.stat().st_mode & 0o777 for p in out.iterdir()}
    assert set(modes.values()) == {modes["model.json"]}  # what the umask allows, not 0600


def run_on_a_terminal(*args: str, cwd: Path) -> str:
    """Run the command with stderr on a pseudo-terminal 100 columns wide; its stderr."""
    leader, follower = os.openpty()
    fcntl.ioctl(follower, termios.TIOCSWINSZ, struct.pack("HHHH", 30, 100, 0, 0))
    try:
        command = [sys.executable, "-m", "chainrule", *args]
        done = subprocess.run(command, cwd=cwd, stdout=subprocess.PIPE, stderr=follower,
                              timeout=300, check=False)  # fmt: skip
    finally:
        os.close(follower)
    assert done.returncode == 0
    chunks = []
    while True:
        try:
            chunk = os.read(leader, 4096)
        except OSError:  # EIO: everything written has been read
            break
        if not chunk:
            break
        chunks.append(chunk)
    os.close(leader)
    return b"".join(chunks).decode("utf-8", "replace")


def test_progress_bar_on_a_terminal_unless_quiet(tmp_path: Path) -> None:
    short = [a for a in SHORT if a != "--quiet"]
    assert "3/3 [" in run_on_a_terminal("train", *short, "--out", "a", cwd=tmp_path)
    assert run_on_a_terminal("train", *short, "--quiet", "--out", "b", cwd=tmp_path) == ""


def test_same_seed_same_numbers_other_seed_other_numbers(tmp_path: Path) -> None:
    for out, seed in (("a", "1"), ("b", "1"), ("c", "2")):
        assert (
            chainrule("train", *SHORT, "--seed", seed, "--out", out, cwd=tmp_path).returncode == 0
        )
    a, b, c = (metrics(tmp_path / out) for out in "abc")
    for run in (a, b, c):
        run.pop("seconds")
        run["settings"].pop("out")
    assert a == b
    assert (tmp_path / "a/model.json").read_bytes() == (tmp_path / "b/model.json").read_bytes()
    assert a["curves"] != c["curves"]


def test_no_compile_runs_the_engine_with_the_same_numbers_and_files(tmp_path: Path) -> None:
    for out, flags in (("compiled", ("--exact",)), ("engine", ("--no-compile",))):
        assert chainrule("train", *SHORT, *flags, "--out", out, cwd=tmp_path).returncode == 0
    compiled, engine = (metrics(tmp_path / out) for out in ("compiled", "engine"))
    assert (compiled["settings"]["compile"], engine["settings"]["compile"]) == (True, False)
    assert (compiled["backend"], engine["backend"]) == ("tensor", "engine")
    for run in (compiled, engine):
        run.pop("seconds")
        run.pop("settings")
        run.pop("backend")
    assert compiled == engine
    model = "model.json"
    assert (tmp_path / "compiled" / model).read_bytes() == (
        tmp_path / "engine" / model
    ).read_bytes()


def test_train_options_reach_the_model_and_quiet_prints_nothing(tmp_path: Path) -> None:
    options = ["--dataset", "circles", "--activation", "tanh", "--loss", "hinge"]
    options += ["--optimizer", "sgd", "--batch-size", "full", "--hidden", "3,5", "--out", "o"]
    result = chainrule("train", *SHORT, *options, cwd=tmp_path)
    assert (result.returncode, result.stdout, result.stderr) == (0, "", "")
    model = nn.load(tmp_path / "o/model.json")
    assert (model.nouts, model.activation) == ([3, 5, 1], "tanh")
    numbers = metrics(tmp_path / "o")
    assert numbers["settings"]["lr"] == 0.1  # SGD's default step
    assert numbers["epochs"] == 3
    assert len(numbers["curves"]["test_accuracy"]) == 3


def test_graph_prints_gradients_and_draws_them(tmp_path: Path) -> None:
    result = chainrule("graph", *NEURON, "-o", "neuron.svg", cwd=tmp_path, script=True)
    assert result.returncode == 0, result.stderr
    local = 1.0 - math.tanh(2.0 * -3.0 + 6.88) ** 2  # d tanh(z) / dz
    for name, gradient in (("x", local * -3.0), ("w", local * 2.0), ("b", local)):
        assert f"d/d{name} = {gradient:.10g}" in result.stdout
    svg = ET.parse(tmp_path / "neuron.svg").getroot()
    texts = {t.text for t in svg.iter("{http://www.w3.org/2000/svg}text")}
    assert {"x", "w", "b", "x * w", "tanh", "grad -1.503"} <= texts
    assert (tmp_path / "neuron.dot").read_text().startswith("digraph")


def test_graph_explain_prints_the_backward_steps(tmp_path: Path) -> None:
    result = chainrule("graph", *NEURON, "--explain", "-o", "g.png", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert (tmp_path / "g.png").read_bytes().startswith(PNG)
    rows = [line.split() for line in result.stdout.splitlines() if line[:4].strip().isdigit()]
    assert [row[1] for row in rows] == ["x", "x", "b", "x", "w"]  # "x * w + b", "x * w", ...
    assert rows[-2][-1] == "-1.503"  # delta(x)


def test_graph_to_dot_writes_only_the_dot_file(tmp_path: Path) -> None:
    assert chainrule("graph", "x**2", "--at", "x=3", "-o", "g.dot", cwd=tmp_path).returncode == 0
    assert [p.name for p in tmp_path.iterdir()] == ["g.dot"]


def test_check_prints_analytic_numeric_and_exact(tmp_path: Path) -> None:
    result = chainrule("check", "x**y + sigmoid(x)/softplus(y)", "--at", "x=1.5,y=0.7",
                       cwd=tmp_path)  # fmt: skip
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert "exact (sympy)" in lines[1]
    for line, name in zip(lines[2:4], "xy", strict=True):
        variable, analytic, numeric, exact = line.split()
        assert variable == name
        assert float(analytic) == pytest.approx(float(exact), rel=1e-10)
        assert float(numeric) == pytest.approx(float(exact), rel=1e-6)
    assert lines[-1].startswith("gradcheck passed")


def test_check_fails_at_a_kink_naming_the_variable(tmp_path: Path) -> None:
    result = chainrule("check", "relu(x) + y", "--at", "x=0,y=1", cwd=tmp_path)
    assert result.returncode == 1
    line = one_error_line(result)
    assert "gradcheck failed" in line
    assert "x: analytic 0 vs numeric 0.5" in line


BAD_EXPRESSIONS = [
    ("x*y", "x=1", 2, "unknown variable 'y'"),
    ("foo(x)", "x=1", 2, "unknown function 'foo'"),
    ("x*(", "x=1", 2, "syntax error"),
    ("__import__('os')", "", 2, "unknown function '__import__'"),
    ("x.real", "x=1", 2, "attribute access"),
    ("(lambda: x)()", "x=1", 2, "lambda"),
    ("lambda: 1", "", 2, "lambda"),
    ("x[0]", "x=1", 2, "subscript"),
    ("[x for x in x]", "x=1", 2, "comprehension"),
    ("x // 2", "x=1", 2, "the operator //"),
    ("x + 9**9**9**9", "x=1", 2, "too large"),
    ("x" + "+x" * 600, "x=1", 2, "too long"),
    ("sin(" * 120 + "x" + ")" * 120, "x=1", 2, "nested too deeply"),
    ("x", "x=1,z=2", 2, "z, which the expression does not use"),
    ("x", "x=abc", 2, "x='abc' is not a number"),
    ("log(x)", "x=-1", 1, "log(-1.0) is undefined"),
    ("1/x", "x=0", 1, "is undefined"),
    ("exp(x)", "x=1000", 1, "overflows"),
    ("3in", "", 2, "syntax error at column 1: invalid decimal literal"),  # no SyntaxWarning line
]


@pytest.mark.parametrize(("expression", "at", "status", "message"), BAD_EXPRESSIONS)
def test_a_bad_expression_is_one_line_and_draws_nothing(
    tmp_path: Path, expression: str, at: str, status: int, message: str
) -> None:
    result = chainrule("graph", expression, "--at", at, "-o", "g.svg", cwd=tmp_path)
    assert result.returncode == status, result.stderr
    assert message in one_error_line(result)
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("case", [0, 4, 10, 15], ids=lambda i: BAD_EXPRESSIONS[i][0])
def test_check_refuses_bad_expressions_the_same_way(tmp_path: Path, case: int) -> None:
    expression, at, status, message = BAD_EXPRESSIONS[case]
    result = chainrule("check", expression, "--at", at, cwd=tmp_path)
    assert result.returncode == status, result.stderr
    assert message in one_error_line(result)


BAD_OPTIONS = [
    ("train", "--epochs", "0"),
    ("train", "--lr", "-1"),
    ("train", "--hidden", "16,x"),
    ("train", "--dataset", "mnist"),
    ("train", "--batch-size", "0"),
    ("train", "--samples", "3"),
    ("train", "--frobnicate"),
    ("graph", *NEURON, "-o", "g.txt"),
    ("graph", "x", "--at", "x"),
    ("graph", "x", "--at", "x=1,x=2"),
    ("graph", "x", "--at", "x=inf"),
    ("check", "2 + 3"),
    ("graph", "-x*y", "--at", "x=1,y=2"),
    ("check", "x", "--at", "x=1", "--eps", "0"),
    ("frobnicate",),
    (),
]


@pytest.mark.parametrize("args", BAD_OPTIONS, ids=" ".join)
def test_a_bad_option_is_a_usage_error(tmp_path: Path, args: tuple[str, ...]) -> None:
    quiet = ("--quiet",) if args[:1] == ("train",) else ()
    result = chainrule(*args, *quiet, cwd=tmp_path)
    if args:
        one_error_line(result)
    assert result.returncode == 2
    assert "Traceback" not in result.stderr
    assert list(tmp_path.iterdir()) == []


def test_an_expression_read_as_an_option_gets_a_hint(tmp_path: Path) -> None:
    result = chainrule("check", "-x", "--at", "x=1", cwd=tmp_path)
    assert result.returncode == 2
    assert 'write it "(-x)*y"' in one_error_line(result)
    assert chainrule("check", "(-x)", "--at", "x=1", cwd=tmp_path).returncode == 0


def test_an_unwritable_output_is_refused_before_any_work(tmp_path: Path) -> None:
    (tmp_path / "file").write_text("not a folder")
    (tmp_path / "folder.svg").mkdir()
    for args, message in (
        (("graph", *NEURON, "-o", "missing/g.svg"), "the folder missing does not exist"),
        (("graph", *NEURON, "-o", "file/g.svg"), "the folder file does not exist"),
        (("graph", *NEURON, "-o", "folder.svg"), "it is a folder"),
        (("train", "--out", "file/out"), "cannot create the output folder file/out"),
    ):
        result = chainrule(*args, cwd=tmp_path)
        assert result.returncode == 1
        assert message in one_error_line(result)
        assert sorted(p.name for p in tmp_path.rglob("*")) == ["file", "folder.svg"]


def test_a_diverging_run_fails_clearly_and_writes_no_file(tmp_path: Path) -> None:
    options = ("--loss", "mse", "--optimizer", "sgd", "--lr", "1e6", "--out", "o")
    result = chainrule("train", *SHORT, *options, cwd=tmp_path)
    assert result.returncode == 1
    assert "training diverged at epoch 0: the loss grew to" in one_error_line(result)
    assert "try a smaller --lr than 1e+06" in one_error_line(result)
    assert list((tmp_path / "o").iterdir()) == []


def test_help_works_both_ways(tmp_path: Path) -> None:
    for script in (True, False):
        result = chainrule("--help", cwd=tmp_path, script=script)
        assert result.returncode == 0
        assert "train" in result.stdout
        assert "graph" in result.stdout


def test_plots_draw_several_classes_and_histories_without_accuracy(tmp_path: Path) -> None:
    from chainrule.plots import plot_decision_boundary, plot_history, save_png
    from nn.data import make_blobs

    X, y = make_blobs(n=30, centers=3, seed=0)  # noqa: N806
    model = nn.MLP(2, [4, 3], seed=0)  # three outputs: the argmax is the class
    figure = plot_decision_boundary(model, X, y, steps=10)
    assert figure.axes[0].collections  # filled regions and points
    assert save_png(figure, tmp_path / "blobs.png").read_bytes().startswith(PNG)
    history = nn.History(loss=[1.0, 0.5], accuracy=[None, None])  # regression: no accuracy
    figure = plot_history(history, test_loss=[1.2, 0.7])
    assert [len(ax.lines) for ax in figure.axes] == [2, 0]
    assert save_png(figure, tmp_path / "curves.png").read_bytes().startswith(PNG)


def test_a_run_killed_while_writing_leaves_no_old_metrics_json(tmp_path: Path) -> None:
    """metrics.json means the run finished: an earlier run's goes before anything is
    written, so a run killed after its first file leaves none (or, killed too late, its own)."""
    out = tmp_path / "run"
    out.mkdir()
    (out / "metrics.json").write_text('{"old": true}\n')
    command = [sys.executable, "-m", "chainrule", "train", *SHORT, "--out", "run"]
    with subprocess.Popen(command, cwd=tmp_path, stdout=subprocess.DEVNULL) as run:
        while run.poll() is None and not (out / "curves.png").exists():
            time.sleep(0.001)
        run.kill()
    assert (out / "curves.png").exists()
    metrics = out / "metrics.json"
    assert not metrics.exists() or "old" not in json.loads(metrics.read_text())
