"""Every notebook runs after the install it names.

The README installs the notebooks with ``pip install -e '.[notebooks]'``. A notebook that needs
more says so in its first cell with the exact command (``pip install -e '.[notebooks,torch]'``),
and the README's list of notebooks says the same. These tests run each notebook's imports in a
fresh interpreter that sees only the standard library and the distributions the named install
brings (the extras' requirements and everything they depend on): every other installed package
is hidden, as if it were not there, so an optional import falls back as it would after that
install. (nbmake runs the notebooks themselves, in the development install that has all.)
"""

from __future__ import annotations

import ast
import importlib.metadata as metadata
import json
import re
import subprocess
import sys
from pathlib import Path

import pytest
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

pytestmark = pytest.mark.slow  # an integration test: pytest -m "not slow" leaves it out

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOKS = sorted((ROOT / "notebooks").glob("*.ipynb"))
DEFAULT = ("notebooks",)
INSTALL = re.compile(r"pip install -e '\.\[([a-z,]+)\]'")


def cells(path: Path) -> list[dict[str, object]]:
    notebook = json.loads(path.read_text(encoding="utf-8"))
    return list(notebook["cells"])


def named_extras(path: Path) -> tuple[str, ...]:
    """The extras the notebook's first cell asks for, or the README's notebooks install."""
    found = INSTALL.search("".join(cells(path)[0]["source"]))  # type: ignore[arg-type]
    return tuple(found.group(1).split(",")) if found else DEFAULT


def imports(path: Path) -> list[str]:
    """Every import statement of the notebook's code cells (IPython's % and ! lines left out)."""
    statements = []
    for cell in cells(path):
        if cell["cell_type"] != "code":
            continue
        lines = "".join(cell["source"]).splitlines()  # type: ignore[arg-type]
        code = "\n".join(line for line in lines if not line.lstrip().startswith(("%", "!")))
        for node in ast.walk(ast.parse(code)):
            if isinstance(node, ast.Import | ast.ImportFrom) and not getattr(node, "level", 0):
                statements.append(ast.unparse(node))
    return statements


def brought_by(extras: tuple[str, ...]) -> set[str]:
    """The distributions ``pip install -e '.[extras]'`` installs: the project, its requirements
    for those extras (as installed here) and everything they depend on."""
    pending = [Requirement(f"chainrule[{','.join(extras)}]")]
    seen: set[str] = set()
    while pending:
        requirement = pending.pop()
        name = canonicalize_name(requirement.name)
        for extra in sorted(requirement.extras) or [""]:
            if (key := f"{name}[{extra}]") in seen:
                continue
            seen.add(key)
            for text in metadata.requires(name) or []:
                needed = Requirement(text)
                if needed.marker is None or needed.marker.evaluate({"extra": extra}):
                    pending.append(needed)
    return {key.split("[")[0] for key in seen}


def not_brought_by(extras: tuple[str, ...]) -> list[str]:
    """The top-level modules installed here whose distributions that install would not bring."""
    brought = brought_by(extras)
    return sorted(
        module
        for module, dists in metadata.packages_distributions().items()
        if not {canonicalize_name(d) for d in dists} & brought
    )


# runs import statements with the given top-level modules hidden, as if not installed, and
# prints each statement that fails with the module it did not find
WITHOUT = """
import json, sys
statements, hidden = json.loads(sys.argv[1]), set(json.loads(sys.argv[2]))
class Hide:
    @staticmethod
    def find_spec(name, path=None, target=None):
        if name.partition(".")[0] in hidden:
            raise ModuleNotFoundError(f"No module named {name!r}", name=name)
sys.meta_path.insert(0, Hide)
failed = []
for statement in statements:
    try:
        exec(statement, {})
    except ModuleNotFoundError as err:
        failed.append(f"{statement} (no {err.name})")
print(json.dumps(failed))
"""


def missing(statements: list[str], extras: tuple[str, ...]) -> list[str]:
    """The statements that fail, in a fresh interpreter that sees only what
    ``pip install -e '.[extras]'`` brings (and the standard library)."""
    hidden = json.dumps(not_brought_by(extras))
    run = subprocess.run(
        [sys.executable, "-c", WITHOUT, json.dumps(statements), hidden],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert run.returncode == 0, run.stderr
    failed: list[str] = json.loads(run.stdout)
    return failed


@pytest.mark.parametrize("path", NOTEBOOKS, ids=[p.stem for p in NOTEBOOKS])
def test_the_install_a_notebook_names_brings_what_it_imports(path: Path) -> None:
    extras = named_extras(path)
    problems = missing(imports(path), extras)
    assert not problems, (
        f"{path.name}: with only what pip install -e '.[{','.join(extras)}]' brings, these "
        f"imports fail: {'; '.join(problems)}. Add the package to an extra, or name the extra "
        "the notebook needs in its first cell and in README.md's list of notebooks."
    )


@pytest.mark.parametrize("path", NOTEBOOKS, ids=[p.stem for p in NOTEBOOKS])
def test_the_readme_names_the_install_of_a_notebook_that_needs_more(path: Path) -> None:
    extras = named_extras(path)
    entry = [line for line in (ROOT / "README.md").read_text().splitlines() if path.stem in line]
    assert entry, f"README.md's list of notebooks does not mention {path.stem}"
    if extras != DEFAULT:
        assert f"pip install -e '.[{','.join(extras)}]'" in entry[0], (path.stem, entry[0])


def test_an_import_the_extras_do_not_bring_is_named() -> None:
    statements = ["import torch", "import matplotlib.pyplot", "import math"]
    assert missing(statements, ("notebooks", "torch")) == []
    assert missing(statements, DEFAULT) == ["import torch (no torch)"]
