"""The notebooks: all are there, valid, and committed without outputs.

The test suite executes them (pytest's ``--nbmake`` collects ``notebooks/``); this file checks
what execution cannot: that nobody commits a notebook with stored outputs, execution counts or
widget state, which bloat diffs and show numbers the code may no longer produce, and that each
asks for the standard ``python3`` kernel (a custom kernel name fails on other machines).
"""

import json
from pathlib import Path
from typing import Any

import nbformat
import pytest

NOTEBOOKS = Path(__file__).resolve().parent.parent / "notebooks"
EXPECTED = [
    "01_values_and_graphs.ipynb",
    "02_backpropagation_by_hand.ipynb",
    "03_training_an_mlp.ipynb",
    "04_checking_gradients.ipynb",
    "05_higher_order_derivatives.ipynb",
    "06_vanishing_gradients.ipynb",
    "07_your_models_chain_rule.ipynb",
    "08_when_you_outgrow_scalars.ipynb",
    "09_handwritten_digits_from_scalars.ipynb",
    "10_backprop_by_hand_then_by_the_engine.ipynb",
]


def stored_state(notebook: dict[str, Any]) -> list[str]:
    """One line per piece of execution state the notebook carries."""
    problems = []
    if "widgets" in notebook.get("metadata", {}):
        problems.append("the notebook metadata holds widget state")
    for index, cell in enumerate(notebook["cells"]):
        if cell["cell_type"] != "code":
            continue
        if cell.get("outputs"):
            problems.append(f"cell {index} has {len(cell['outputs'])} stored output(s)")
        if cell.get("execution_count") is not None:
            problems.append(f"cell {index} has execution_count {cell['execution_count']}")
        if "execution" in cell.get("metadata", {}):
            problems.append(f"cell {index} has execution timings in its metadata")
    return problems


def read(name: str) -> dict[str, Any]:
    path = NOTEBOOKS / name
    if not path.exists():
        pytest.fail(f"{name} does not exist in {NOTEBOOKS.name}/")
    notebook: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    return notebook


def test_all_the_notebooks_exist() -> None:
    present = sorted(p.name for p in NOTEBOOKS.glob("*.ipynb"))
    missing = [name for name in EXPECTED if name not in present]
    assert not missing, f"missing notebooks: {missing} (present: {present})"


@pytest.mark.parametrize("name", EXPECTED)
def test_notebook_is_committed_without_outputs(name: str) -> None:
    problems = stored_state(read(name))
    assert not problems, f"{name}: clear outputs before committing: " + "; ".join(problems)


@pytest.mark.parametrize("name", EXPECTED)
def test_notebook_is_valid_and_uses_the_standard_kernel(name: str) -> None:
    notebook = read(name)
    nbformat.validate(nbformat.from_dict(notebook))
    assert notebook["metadata"]["kernelspec"]["name"] == "python3", name
    kinds = {cell["cell_type"] for cell in notebook["cells"]}
    assert kinds == {"markdown", "code"}, f"{name} should mix prose and code, has {kinds}"


def test_the_check_catches_stored_state() -> None:
    executed = {
        "metadata": {"widgets": {"application/vnd.jupyter.widget-state+json": {}}},
        "cells": [
            {"cell_type": "markdown", "source": "# title", "metadata": {}},
            {
                "cell_type": "code",
                "source": "1 + 1",
                "metadata": {"execution": {"shell.execute_reply": "2025-01-01T00:00:00Z"}},
                "execution_count": 3,
                "outputs": [{"output_type": "execute_result", "data": {"text/plain": "2"}}],
            },
        ],
    }
    assert stored_state(executed) == [
        "the notebook metadata holds widget state",
        "cell 1 has 1 stored output(s)",
        "cell 1 has execution_count 3",
        "cell 1 has execution timings in its metadata",
    ]
