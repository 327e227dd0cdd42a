"""The command under stress, in subprocesses: bounded options, a time limit on sympy, honest
gradient-check failures, signals, a closed pipe, and fuzzed expressions and options (every
outcome an exit status and at most one stderr line, never a traceback, never a hang)."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from chainrule.options import BOUNDS

pytestmark = pytest.mark.slow  # an integration test: pytest -m "not slow" leaves it out

PYTHON = [sys.executable, "-m", "chainrule"]
HANG = 120  # seconds: a run this long is a hang, not a slow machine
SMALL = ("--samples", "16", "--hidden", "3", "--epochs", "2", "--quiet")


def run(
    *args: str, cwd: Path, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [*PYTHON, *args], cwd=cwd, capture_output=True, text=True, timeout=HANG, check=False,
        env=None if env is None else {**os.environ, **env},
    )  # fmt: skip


def error_line(result: subprocess.CompletedProcess[str]) -> str:
    assert "Traceback" not in result.stderr
    lines = result.stderr.splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("chainrule: error: ")
    return lines[0]


OPTIONS = [
    (("train", "--samples", "100000000"), "--samples: 100,000,000 is more than 100,000"),
    (("train", "--hidden", "100000000"), "--hidden: 100,000,000 is more than 1,024"),
    (("train", "--hidden", ",".join(["4"] * 9)), "9 hidden layers: 9 is more than 8"),
    (("train", "--epochs", "0"), "--epochs: 0 is less than 1"),
    (("train", "--batch-size", "1e3"), "--batch-size: '1e3' is not a whole number"),
    (("train", "--lr", "nan"), "--lr: nan is not a finite number"),
    (("train", "--lr", "0"), "--lr: 0.0 is not above 0"),
    (("train", "--seed", "-1"), "--seed: -1 is less than 0"),
    (("train", "--seed", "9" * 5000), "--seed: '99999"),
    (("train", "--samples", "7"), "--samples: 7 is less than 8"),
    (("check", "x", "--at", "x=1", "--eps", "2"), "--eps: 2.0 is more than 1"),
    (("check", "x", "--at", "x=1", "--exact-timeout", "-1"), "--exact-timeout: -1.0 is less"),
    (("train", "--hidden", "1024,1024"), "makes a model of 1,053,697 parameters, more than 100,"),
    (
        ("train", "--samples", "100000", "--hidden", "300,300", "--batch-size", "full"),
        "a step on 100,000 examples with 91,501 parameters is 9,150,100,000 (parameter, "
        "example) pairs, more than 5,000,000",
    ),
]


@pytest.mark.parametrize(("args", "message"), OPTIONS, ids=[" ".join(a)[:40] for a, _ in OPTIONS])
def test_options_beyond_their_bounds_are_refused_at_once(
    tmp_path: Path, args: tuple[str, ...], message: str
) -> None:
    result = run(*args, cwd=tmp_path)
    assert result.returncode == 2
    assert message in error_line(result)
    assert list(tmp_path.iterdir()) == []


def test_every_bound_has_a_range_and_a_unit() -> None:
    for name, bound in BOUNDS.items():
        assert bound.low < bound.high, name
        assert bound.unit, name


NESTED_TANH = "tanh(x+" * 24 + "x" + ")" * 24  # sympy took more than 100 s on this


def test_sympy_is_stopped_at_its_time_limit_and_the_numeric_check_still_runs(
    tmp_path: Path,
) -> None:
    result = run("check", NESTED_TANH, "--at", "x=0.5", "--exact-timeout", "1", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[2].endswith("(too slow)")
    assert lines[3].startswith("sympy's exact check did not finish in 1 s and was stopped")
    assert lines[4].startswith("gradcheck passed")
    skipped = run("check", "x*y", "--at", "x=1,y=2", "--exact-timeout", "0", cwd=tmp_path)
    assert "(skipped)" in skipped.stdout


def test_a_step_outside_the_domain_blames_eps_and_a_kink_says_so(tmp_path: Path) -> None:
    result = run("check", "log(x)", "--at", "x=1e-9", cwd=tmp_path)
    assert result.returncode == 1
    line = error_line(result)
    assert "central differences leave the function's domain: x: at x=1e-09 - eps" in line
    assert "use an --eps smaller than its distance to the domain's edge" in line
    assert run("check", "log(x)", "--at", "x=1e-9", "--eps", "1e-12", cwd=tmp_path).returncode == 0
    kink = run("check", "relu(x)", "--at", "x=0", cwd=tmp_path)
    assert kink.returncode == 1
    line = error_line(kink)
    assert "the point is at a kink, where the derivative is not defined" in line
    assert "the gradient is wrong" not in line


@pytest.mark.parametrize("suffix", ["svg", "png", "pdf", "html"])
def test_a_picture_that_takes_too_long_to_lay_out_is_stopped(tmp_path: Path, suffix: str) -> None:
    hub = "*".join(["x"] * 300)  # 600 characters, one node feeding 300: minutes of layout
    env = None
    if suffix == "pdf" and not shutil.which("dot"):  # graphviz-pure writes no PDF: a renderer
        slow = tmp_path.parent / "slow-dot"  # that never finishes stands in for Graphviz's
        slow.write_text("#!/bin/sh\nexec sleep 600\n")
        slow.chmod(0o755)
        env = {"CHAINRULE_DOT": str(slow)}
    result = run(
        "graph", "--at", "x=1", "-o", f"hub.{suffix}", "--render-timeout", "1", hub,
        cwd=tmp_path, env=env,
    )  # fmt: skip
    assert result.returncode == 1
    line = error_line(result)
    assert "did not finish laying out the picture in 1 s and was stopped" in line
    if suffix == "html":  # a page is written whole or not at all, and has no DOT beside it
        assert list(tmp_path.iterdir()) == []
    else:
        assert "(the DOT source was written to hub.dot)" in line
        assert sorted(p.name for p in tmp_path.iterdir()) == ["hub.dot"]


def test_a_closed_pipe_is_not_an_error_and_the_picture_is_still_drawn(tmp_path: Path) -> None:
    args = ("graph", "tanh(x*w + b)", "--at", "x=2,w=-3,b=6.88", "-o", "g.svg", "--explain")
    reader = subprocess.Popen(
        [*PYTHON, *args], cwd=tmp_path, stdout=subprocess.PIPE, stderr=subprocess.PIPE
    )
    assert reader.stdout is not None
    reader.stdout.close()  # as `| head -0` would: every write meets a closed pipe
    _, stderr = reader.communicate(timeout=HANG)
    assert (reader.returncode, stderr) == (0, b"")
    assert (tmp_path / "g.svg").read_bytes().startswith(b"<?xml")


def test_ctrl_c_during_start_up_is_one_line_and_ends_by_the_signal(tmp_path: Path) -> None:
    # -X importtime reports each finished import on stderr: once the engine is imported the
    # program is starting up inside its entry point, importing the rest.
    command = [sys.executable, "-X", "importtime", "-m", "chainrule", "train", *SMALL]
    process = subprocess.Popen(command, cwd=tmp_path, stderr=subprocess.PIPE, text=True)
    assert process.stderr is not None
    for line in process.stderr:
        if line.split("|")[-1].strip() == "autograd":
            process.send_signal(signal.SIGINT)
            break
    rest = process.stderr.read()
    process.wait(timeout=HANG)
    lines = [line for line in rest.splitlines() if not line.startswith("import time:")]
    assert lines == ["chainrule: error: interrupted"]
    assert process.returncode == -signal.SIGINT  # a shell sees 130
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGINT])
def test_a_signal_during_training_is_one_line_and_writes_nothing(
    tmp_path: Path, signum: signal.Signals
) -> None:
    process = subprocess.Popen(
        [*PYTHON, "train", "--epochs", "10000", "--quiet", "--out", "out"],
        cwd=tmp_path, stderr=subprocess.PIPE, text=True,
    )  # fmt: skip
    deadline = time.monotonic() + HANG
    while not (tmp_path / "out").exists() and time.monotonic() < deadline:
        time.sleep(0.05)  # the folder is made once the options are checked: training starts
    time.sleep(0.5)
    process.send_signal(signum)
    _, stderr = process.communicate(timeout=HANG)
    what = "terminated (SIGTERM)" if signum == signal.SIGTERM else "interrupted"
    assert stderr == f"chainrule: error: {what}\n"
    assert process.returncode == -signum  # a shell sees 128 + signum
    assert list((tmp_path / "out").iterdir()) == []


# --- fuzzing the command: any expression, any option value

WORDS = st.sampled_from(["x", "y", "0.5", "2", "1e308", "exp", "log", "sqrt", "relu", "tanh",
                         "(", ")", "**", "*", "+", "-", "/", ",", ".", "[", "]", "'", "\0",
                         "lambda", ":", " ", "__import__", "leaky_relu", "9", "e9", "<", "abs",
                         "x" * 40, "-" * 150, "+x" * 160, "sin(" * 60])  # fmt: skip
AT = st.sampled_from(["x=0.5,y=2", "x=0,y=0", "x=-1,y=1e-9", "x=1e308,y=nan", "x=1", "", "y=",
                      "x=1,x=2", "x=1e-300,y=1e300"])  # fmt: skip
FUZZ = settings(
    max_examples=max(5, settings.default.max_examples // 5),
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)


def assert_clean(result: subprocess.CompletedProcess[str]) -> None:
    """An exit status of 0, 1 or 2; on failure exactly one error line, and no traceback."""
    assert result.returncode in (0, 1, 2), result.stderr
    if result.returncode:
        error_line(result)
    else:
        assert "Traceback" not in result.stderr


LEAVES = st.sampled_from(["x", "y", "0.5", "2", "1e308", "0", "1e-300"])
CALLS = st.sampled_from(["exp", "log", "sqrt", "tanh", "sigmoid", "relu", "softplus", "sin", "cos",
                         "abs", "leaky_relu"])  # fmt: skip
EXPRESSIONS = st.recursive(
    LEAVES,
    lambda inner: st.one_of(
        st.tuples(inner, st.sampled_from(["+", "-", "*", "/", "**"]), inner).map(
            lambda t: f"({t[0]}{t[1]}{t[2]})"
        ),
        st.tuples(CALLS, inner).map(lambda t: f"{t[0]}({t[1]})"),
        inner.map(lambda e: f"-{e}"),
    ),
    max_leaves=12,
)


@FUZZ
@given(text=st.lists(WORDS, min_size=1, max_size=12).map("".join) | EXPRESSIONS, at=AT)
def test_any_expression_gives_a_status_and_at_most_one_line(
    tmp_path: Path, text: str, at: str
) -> None:
    text = text.replace("\0", "")  # a NUL cannot pass through argv (the parser's own test)
    for command in (("graph", "-o", "g.dot"), ("check", "--exact-timeout", "2")):
        assert_clean(run(command[0], "--at", at, *command[1:], "--", text, cwd=tmp_path))


NUMBERS = st.sampled_from(["0", "-1", "1", "3", "8", "1e3", "1e400", "nan", "inf", "-inf",
                           "0.5", "abc", "", "9" * 30, "2,2", "1,,1", "full", "0x10"])  # fmt: skip
TRAIN_OPTIONS = ["--samples", "--hidden", "--epochs", "--batch-size", "--lr", "--seed"]


@FUZZ
@given(option=st.sampled_from(TRAIN_OPTIONS), value=NUMBERS)
def test_any_train_option_value_gives_a_status_and_at_most_one_line(
    tmp_path: Path, option: str, value: str
) -> None:
    args = [a for a in SMALL]
    if option in args:
        i = args.index(option)
        del args[i : i + 2]
    assert_clean(run("train", *args, f"{option}={value}", "--out", "o", cwd=tmp_path))
