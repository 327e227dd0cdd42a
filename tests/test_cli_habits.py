"""What a command-line user expects, run in subprocesses: ``--version``, ``python -m
chainrule``, an example in every sub-command's ``--help``, and every data set of ``nn.data``
behind ``--dataset``."""

from __future__ import annotations

import importlib.metadata
import inspect
import json
import re
import subprocess
import sys
from pathlib import Path

import pytest

import chainrule
from nn import data

pytestmark = pytest.mark.slow  # an integration test: pytest -m "not slow" leaves it out

SCRIPT = Path(sys.executable).parent / "chainrule"
WAYS = {"script": [str(SCRIPT)], "module": [sys.executable, "-m", "chainrule"]}


def run(way: str, *args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [*WAYS[way], *args], cwd=cwd, capture_output=True, text=True, timeout=300, check=False
    )


@pytest.mark.parametrize("way", WAYS)
def test_version_is_the_packages(way: str, tmp_path: Path) -> None:
    result = run(way, "--version", cwd=tmp_path)
    assert (result.returncode, result.stderr) == (0, "")
    assert result.stdout == f"chainrule {chainrule.__version__}\n"
    assert chainrule.__version__ == importlib.metadata.version("chainrule")


@pytest.mark.parametrize("command", ["train", "graph", "check"])
def test_every_subcommand_help_ends_with_an_example_that_runs(command: str, tmp_path: Path) -> None:
    result = run("module", command, "--help", cwd=tmp_path)
    assert result.returncode == 0
    example = result.stdout.rstrip().splitlines()[-1].strip()
    assert result.stdout.rstrip().splitlines()[-2] == "example:"
    assert example.startswith(f"chainrule {command} ")
    args = [a.strip('"') for a in re.findall(r'"[^"]*"|\S+', example)][2:]
    if command == "train":  # the example as printed, made quick
        args += ["--epochs", "2", "--samples", "40", "--quiet"]
    done = run("script", command, *args, cwd=tmp_path)
    assert done.returncode == 0, done.stderr


def generators() -> set[str]:
    functions = inspect.getmembers(data, inspect.isfunction)
    made = {name.removeprefix("make_") for name, _ in functions if name.startswith("make_")}
    return made | {name.removeprefix("load_") for name, _ in functions if name.startswith("load_")}


def test_every_data_set_of_nn_data_is_offered(tmp_path: Path) -> None:
    usage = run("module", "train", "--help", cwd=tmp_path).stdout
    offered = re.search(r"--dataset \{([^}]*)\}", usage)
    assert offered is not None, usage
    assert set(offered.group(1).split(",")) == generators() == {
        "moons", "circles", "spirals", "blobs", "xor", "digits"
    }  # fmt: skip


@pytest.mark.parametrize("dataset", ["xor", "blobs"])
def test_the_new_data_sets_train(dataset: str, tmp_path: Path) -> None:
    options = ["--samples", "40", "--epochs", "20", "--quiet", "--hidden", "8"]
    result = run("script", "train", "--dataset", dataset, *options, cwd=tmp_path)
    assert (result.returncode, result.stderr) == (0, "")
    metrics = json.loads((tmp_path / "chainrule-out/metrics.json").read_text())
    assert metrics["settings"]["dataset"] == dataset
    assert metrics["test"]["accuracy"] >= 0.9


def shell_commands(markdown: str) -> list[str]:
    """The commands of the ```bash blocks, split at ``&&``, comments dropped."""
    blocks = re.findall(r"```bash\n(.*?)```", markdown, flags=re.DOTALL)
    lines = [line.split("  #")[0].strip() for block in blocks for line in block.splitlines()]
    return [part.strip() for line in lines if line for part in line.split("&&")]


@pytest.mark.parametrize("readme", ["README.md", "benchmarks/README.md"])
def test_the_readmes_shell_examples_use_the_virtual_environment(readme: str) -> None:
    """Its set-up never activates the venv, so every command names .venv/bin/ (or activates)."""
    commands = shell_commands((Path(__file__).parent.parent / readme).read_text())
    assert commands
    active = False
    for command in commands:
        active = active or command.startswith("source .venv/bin/activate")
        fine = command.startswith((".venv/bin/", "python3 -m venv .venv", "source .venv/"))
        assert fine or active, f"{readme}: {command!r} runs outside the virtual environment"
