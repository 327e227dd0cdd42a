"""The notebooks: all six are there, and each is committed without outputs.

The test suite executes them (pytest's ``--nbmake`` collects ``notebooks/``); this file checks
what execution cannot: that nobody commits a notebook with stored outputs or execution counts,
which would bloat diffs and show numbers the code no longer produces.
"""

import json
from pathlib import Path

import pytest

NOTEBOOKS = Path(__file__).resolve().parent.parent / "notebooks"
EXPECTED = [
    "01_values_and_graphs.ipynb",
    "02_backpropagation_by_hand.ipynb",
    "03_training_an_mlp.ipynb",
    "04_checking_gradients.ipynb",
    "05_higher_order_derivatives.ipynb",
    "06_vanishing_gradients.ipynb",
]


def stored_state(notebook: Path) -> list[str]:
    """One line per code cell that carries outputs or an execution count."""
    cells = json.loads(notebook.read_text(encoding="utf-8"))["cells"]
    problems = []
    for index, cell in enumerate(cells):
        if cell["cell_type"] != "code":
            continue
        if cell.get("outputs"):
            problems.append(f"cell {index} has {len(cell['outputs'])} stored output(s)")
        if cell.get("execution_count") is not None:
            problems.append(f"cell {index} has execution_count {cell['execution_count']}")
    return problems


def test_all_six_notebooks_exist() -> None:
    present = sorted(p.name for p in NOTEBOOKS.glob("*.ipynb"))
    missing = [name for name in EXPECTED if name not in present]
    assert not missing, f"missing notebooks: {missing} (present: {present})"


@pytest.mark.parametrize("name", EXPECTED)
def test_notebook_is_committed_without_outputs(name: str) -> None:
    notebook = NOTEBOOKS / name
    if not notebook.exists():
        pytest.fail(f"{name} does not exist")
    problems = stored_state(notebook)
    assert not problems, f"{name}: clear outputs before committing: " + "; ".join(problems)


def test_the_check_catches_a_stored_output(tmp_path: Path) -> None:
    executed = {
        "cells": [
            {"cell_type": "markdown", "source": "# title", "metadata": {}},
            {
                "cell_type": "code",
                "source": "1 + 1",
                "metadata": {},
                "execution_count": 3,
                "outputs": [{"output_type": "execute_result", "data": {"text/plain": "2"}}],
            },
        ]
    }
    path = tmp_path / "executed.ipynb"
    path.write_text(json.dumps(executed), encoding="utf-8")
    assert stored_state(path) == ["cell 1 has 1 stored output(s)", "cell 1 has execution_count 3"]
