"""``chainrule train`` on many classes, run for real in a subprocess: digits with its
defaults (at least 95% on the test set), spirals and blobs with --classes, the confusion
matrix, the mistakes, per-class accuracy, and the options that do not fit together."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from test_cli import PNG, chainrule, metrics, one_error_line

import nn
from nn.metrics import confusion_matrix

pytestmark = pytest.mark.slow  # an integration test: pytest -m "not slow" leaves it out


@pytest.fixture(scope="module")
def digits_run(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """``chainrule train --dataset digits`` with its defaults: the output folder."""
    cwd = tmp_path_factory.mktemp("digits")
    result = chainrule("train", "--dataset", "digits", "--quiet", cwd=cwd)
    assert result.returncode == 0, result.stderr
    return cwd / "chainrule-out"


def test_digits_defaults_reach_95_percent_with_softmax_cross_entropy(digits_run: Path) -> None:
    numbers = metrics(digits_run)
    assert numbers["test"]["accuracy"] >= 0.95
    assert numbers["settings"] | {"out": ""} == numbers["settings"] | {
        "dataset": "digits", "classes": 10, "samples": 1797, "hidden": [32], "loss": "ce",
        "optimizer": "adam", "lr": 0.01, "epochs": 10, "batch_size": 32, "out": "",
    }  # fmt: skip
    assert numbers["model"].startswith("MLP(64, [32, 10], activation='relu'")
    assert numbers["points"] == {"training": 1348, "test": 449}


def test_digits_confusion_matrix_and_per_class_accuracy_are_the_saved_models(
    digits_run: Path,
) -> None:
    classes = metrics(digits_run)["classes"]
    matrix = classes["confusion_matrix"]
    X, y = nn.data.load_digits()  # noqa: N806 (what the command trained on)
    _, X_test, _, y_test = nn.train_test_split(X, y, test_size=0.25, seed=0)  # noqa: N806
    model = nn.load(digits_run / "model.json")
    assert matrix == confusion_matrix(y_test, nn.predict(model, X_test), 10)
    right = [row[k] for k, row in enumerate(matrix)]
    shares = [r / sum(row) for r, row in zip(right, matrix, strict=True)]
    assert classes["per_class_test_accuracy"] == shares
    assert sum(right) / len(y_test) == metrics(digits_run)["test"]["accuracy"]


def test_digits_pictures_are_written_and_inline_in_the_report(digits_run: Path) -> None:
    names = {p.name for p in digits_run.iterdir()}
    assert {"confusion.png", "mistakes.png", "curves.png", "report.html"} <= names
    assert "boundary.png" not in names  # 64 inputs: no plane to draw
    for picture in ("confusion.png", "mistakes.png"):
        assert (digits_run / picture).read_bytes().startswith(PNG)
    html = (digits_run / "report.html").read_text(encoding="utf-8")
    images = re.findall(r'<img src="data:image/png;base64,[^"]*" alt="([^"]*)"', html)
    assert images == [
        "loss and accuracy per epoch, training and test",
        "true against predicted classes on the test set",
        "the misclassified test images, true and predicted labels (digits)",
    ]
    assert "test accuracy per class" in html
    assert 'class="cr-stepper"' in html


@pytest.mark.parametrize(("dataset", "classes"), [("spirals", "3"), ("blobs", "4")])
def test_toys_with_several_classes_train_a_softmax_model(
    dataset: str, classes: str, tmp_path: Path
) -> None:
    options = ["--samples", "60", "--epochs", "3", "--hidden", "6", "--quiet"]
    result = chainrule("train", "--dataset", dataset, "--classes", classes, *options,
                       cwd=tmp_path)  # fmt: skip
    assert result.returncode == 0, result.stderr
    out = tmp_path / "chainrule-out"
    numbers: dict[str, Any] = metrics(out)
    assert numbers["settings"]["loss"] == "ce"
    assert numbers["model"].startswith(f"MLP(2, [6, {classes}]")
    assert len(numbers["classes"]["confusion_matrix"]) == int(classes)
    assert sum(map(sum, numbers["classes"]["confusion_matrix"])) == numbers["points"]["test"]
    assert {"boundary.png", "confusion.png"} <= {p.name for p in out.iterdir()}
    assert "mistakes.png" not in {p.name for p in out.iterdir()}


BAD = [
    (("--dataset", "moons", "--classes", "3"), 2, "--classes 3: moons has 2 classes; --classes "
     "works with spirals, blobs, digits"),
    (("--dataset", "blobs", "--classes", "4", "--loss", "bce"), 2, "--loss bce is for two "
     "classes and one output: with --classes 4 use --loss ce"),
    (("--dataset", "blobs", "--classes", "11"), 2, "11 is more than 10, the most classes"),
    (("--dataset", "digits", "--samples", "2000"), 2, "--samples 2,000: digits has 1,797 images"),
]  # fmt: skip


@pytest.mark.parametrize(("args", "status", "message"), BAD)
def test_options_that_do_not_fit_are_one_line(
    args: tuple[str, ...], status: int, message: str, tmp_path: Path
) -> None:
    result = chainrule("train", *args, "--quiet", cwd=tmp_path)
    assert result.returncode == status
    assert message in one_error_line(result)
    assert not (tmp_path / "chainrule-out" / "metrics.json").exists()


def test_digits_without_scikit_learn_names_the_extra(tmp_path: Path) -> None:
    blocked = "import sys; sys.modules['sklearn'] = None; from chainrule.cli import main; "
    code = blocked + "sys.exit(main(['train', '--dataset', 'digits', '--quiet']))"
    result = subprocess.run([sys.executable, "-c", code], cwd=tmp_path, capture_output=True,
                            text=True, timeout=120, check=False)  # fmt: skip
    assert result.returncode == 1
    assert "needs scikit-learn" in one_error_line(result)
    assert "pip install 'chainrule[data]'" in result.stderr
