"""The pictures package stays shallow and its public face is the package: no module chains more
than three imports inside it, and nothing outside it reaches a private module."""

from __future__ import annotations

import ast
import functools
from pathlib import Path

import autograd.viz

ROOT = Path(__file__).resolve().parent.parent
VIZ = ROOT / "autograd" / "viz"


def imported(path: Path) -> set[str]:
    """Every module ``path`` imports, at its top, in a function or for types alike."""
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
        elif isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
    return names


def inside(module: str) -> Path | None:
    parts = module.split(".")
    if parts[:2] != ["autograd", "viz"]:
        return None
    return VIZ / "__init__.py" if len(parts) == 2 else VIZ / f"{parts[2]}.py"


@functools.cache
def depth(path: Path) -> int:
    """How many imports deep ``path`` reaches inside the package (a leaf: 0)."""
    below = [p for m in imported(path) if (p := inside(m)) is not None and p != VIZ / "__init__.py"]
    return max((1 + depth(p) for p in below), default=0)


def test_no_chain_of_imports_inside_the_package_is_longer_than_three() -> None:
    modules = sorted(VIZ.glob("*.py"))
    assert len(modules) <= 8
    assert depth(VIZ / "__init__.py") <= 3
    assert not [p.name for p in modules if p.name.startswith("_") and p.name != "__init__.py"]


def test_nothing_outside_the_package_imports_a_private_name_of_it() -> None:
    offenders = []
    for path in ROOT.glob("*/**/*.py"):
        if ".venv" in path.parts or VIZ in path.parents:
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("autograd.viz"):
                private = [a.name for a in node.names if a.name.startswith("_")]
                if "._" in (node.module or "") or private:
                    offenders.append(f"{path.relative_to(ROOT)}:{node.lineno}")
    assert offenders == []


def test_the_package_exports_pictures_and_explanations_alike() -> None:
    for name in ("to_dot", "render", "svg", "draw_graph", "explain", "backward_steps", "page"):
        assert callable(getattr(autograd.viz, name)), name
    from autograd.viz.explain import explain  # the older spelling still works

    assert explain is autograd.viz.explain
