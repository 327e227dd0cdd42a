"""The code base stays lint-clean, formatted and strictly typed (configured in pyproject.toml)."""

import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow  # an integration test: pytest -m "not slow" leaves it out

ROOT = Path(__file__).resolve().parent.parent


@pytest.mark.parametrize(
    "command",
    [["ruff", "check", "."], ["ruff", "format", "--check", "."], ["mypy"]],
    ids=["ruff-check", "ruff-format", "mypy-strict"],
)
def test_tool_is_clean(command: list[str]) -> None:
    result = subprocess.run(
        [sys.executable, "-m", *command], cwd=ROOT, capture_output=True, text=True, check=False
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_the_type_checker_knows_the_table_s_methods(tmp_path: Path) -> None:
    snippet = tmp_path / "snippet.py"
    snippet.write_text(
        "from autograd import Value\n\n"
        "x = Value(1.0)\n"
        "reveal_type(x.tanh())\n"
        "reveal_type(x.atan2(2.0))\n"
        "reveal_type(x.clamp(0, 1))\n"
        "x.tahn()\n"
        "x.tanh(2.0)\n",
        encoding="utf-8",
    )
    result = subprocess.run(
        [sys.executable, "-m", "mypy", "--strict", str(snippet)],
        cwd=ROOT, capture_output=True, text=True, check=False,
    )  # fmt: skip
    lines = result.stdout.splitlines()
    assert [line.split(": note: ")[1] for line in lines if "Revealed type" in line] == [
        'Revealed type is "autograd.value.Value"'
    ] * 3
    assert any(':7: error: "Value" has no attribute "tahn"' in line for line in lines), lines
    assert any(":8: error: Too many arguments" in line for line in lines), lines
    assert result.returncode == 1
