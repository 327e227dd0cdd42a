"""Every notebook runs after the install it names.

The README installs the notebooks with ``pip install -e '.[notebooks]'``. A notebook that needs
more says so in its first cell with the exact command (``pip install -e '.[notebooks,torch]'``),
and the README's list of notebooks says the same. These tests import what each notebook
imports, in a fresh interpreter, and check that every third-party module loaded comes from a
distribution that the named extras bring, directly or through their dependencies. (nbmake runs
the notebooks themselves, in the development install that has everything.)
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

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOKS = sorted((ROOT / "notebooks").glob("*.ipynb"))
PROJECT = {"autograd", "nn", "chainrule"}
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


# prints the top-level modules that the statements load from outside the standard library
LOADED = """
import json, sys, sysconfig
before = set(sys.modules)
for statement in json.loads(sys.argv[1]):
    exec(statement, {})
stdlib = sysconfig.get_paths()["stdlib"]
def outside(name):
    where = getattr(sys.modules[name], "__file__", None) or stdlib
    return name not in sys.stdlib_module_names and not where.startswith(stdlib)
print(json.dumps(sorted({n.split(".")[0] for n in set(sys.modules) - before if outside(n)})))
"""


def loaded_by(statements: list[str]) -> list[str]:
    """The top-level modules from outside the standard library that running ``statements``
    loads, in a fresh interpreter."""
    run = subprocess.run(
        [sys.executable, "-c", LOADED, json.dumps(statements)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert run.returncode == 0, run.stderr
    names: list[str] = json.loads(run.stdout)
    return names


def brought_by(extras: tuple[str, ...]) -> set[str]:
    """The distributions ``pip install -e '.[extras]'`` installs here: the project's
    requirements for those extras (as installed) and everything they depend on."""
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
    return {key.split("[")[0] for key in seen} - {"chainrule"}


def missing(modules: list[str], extras: tuple[str, ...]) -> list[str]:
    """One line per loaded module that no distribution of ``extras`` provides."""
    installed = brought_by(extras)
    providers = metadata.packages_distributions()
    problems = []
    for module in modules:
        if module in PROJECT:
            continue
        dists = {canonicalize_name(d) for d in providers.get(module, [])}
        if not dists & installed:
            problems.append(f"{module} (from {', '.join(sorted(dists)) or 'no distribution'})")
    return problems


@pytest.mark.parametrize("path", NOTEBOOKS, ids=[p.stem for p in NOTEBOOKS])
def test_the_install_a_notebook_names_brings_what_it_imports(path: Path) -> None:
    extras = named_extras(path)
    problems = missing(loaded_by(imports(path)), extras)
    assert not problems, (
        f"{path.name} imports modules that pip install -e '.[{','.join(extras)}]' does not "
        f"bring: {'; '.join(problems)}. Add them to an extra, or name the extra it needs in "
        "the notebook's first cell and in README.md's list of notebooks."
    )


@pytest.mark.parametrize("path", NOTEBOOKS, ids=[p.stem for p in NOTEBOOKS])
def test_the_readme_names_the_install_of_a_notebook_that_needs_more(path: Path) -> None:
    extras = named_extras(path)
    entry = [line for line in (ROOT / "README.md").read_text().splitlines() if path.stem in line]
    assert entry, f"README.md's list of notebooks does not mention {path.stem}"
    if extras != DEFAULT:
        assert f"pip install -e '.[{','.join(extras)}]'" in entry[0], (path.stem, entry[0])


def test_a_module_the_extras_do_not_bring_is_named() -> None:
    modules = loaded_by(["import torch", "import matplotlib.pyplot", "import math"])
    assert missing(modules, ("notebooks", "torch")) == []
    problems = missing(modules, DEFAULT)
    assert "torch (from torch)" in problems, problems
    assert all(problem.endswith("(from torch)") for problem in problems), problems
