"""The engine under test is this checkout's, not PyPI's unrelated ``autograd`` or ``nn``."""

from pathlib import Path

import autograd
import nn

ROOT = Path(__file__).resolve().parent.parent


def test_packages_come_from_this_checkout() -> None:
    for package in (autograd, nn):
        assert Path(package.__file__).resolve().parent.parent == ROOT, (
            f"imported {package.__name__} from {package.__file__}, not from {ROOT}: another "
            "package of that name is installed; use a dedicated virtual environment"
        )
    assert hasattr(autograd, "Value")
