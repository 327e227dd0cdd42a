"""The engine under test is this checkout's, not PyPI's unrelated ``autograd`` or ``nn``."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

import autograd
import nn

pytestmark = pytest.mark.slow  # an integration test: pytest -m "not slow" leaves it out

ROOT = Path(__file__).resolve().parent.parent


def test_packages_come_from_this_checkout() -> None:
    for package in (autograd, nn):
        assert Path(package.__file__).resolve().parent.parent == ROOT, (
            f"imported {package.__name__} from {package.__file__}, not from {ROOT}: another "
            "package of that name is installed; use a dedicated virtual environment"
        )
    assert hasattr(autograd, "Value")


def test_a_foreign_autograd_is_refused_with_a_clear_message(tmp_path: Path) -> None:
    """PyPI's unrelated `autograd` shadowing ours must not go unnoticed."""
    fake = tmp_path / "autograd"
    fake.mkdir()
    (fake / "__init__.py").write_text("grad = None\n")
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(tmp_path), str(ROOT)])}
    result = subprocess.run(
        [sys.executable, "-c", "import nn"],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode != 0
    assert "not chainrule's engine" in result.stderr
    assert str(fake) in result.stderr
