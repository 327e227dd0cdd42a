"""docs/design.md's layout names every Python file of the three packages, and no file that
is not there."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DESIGN = ROOT / "docs" / "design.md"
PACKAGES = ("autograd", "nn", "chainrule")


def layout_files() -> set[str]:
    """The paths the layout's tree names: two spaces of indentation per directory level."""
    text = DESIGN.read_text(encoding="utf-8").split("## The layout", 1)[1]
    block = text.split("```", 2)[1]
    folders: list[str] = []
    named = set()
    for line in block.splitlines():
        match = re.match(r"( *)(\S+)", line)
        if not match or not match.group(2).endswith(("/", ".py")):
            continue
        depth = len(match.group(1)) // 2
        folders = folders[:depth]
        name = match.group(2)
        if name.endswith("/"):
            folders.append(name.rstrip("/"))
        else:
            named.add("/".join([*folders, name]))
    return named


def test_the_layout_names_every_file() -> None:
    files = {
        path.relative_to(ROOT).as_posix()
        for package in PACKAGES
        for path in (ROOT / package).rglob("*.py")
    }
    named = layout_files()
    assert sorted(files - named) == [], "files the layout does not name"
    assert sorted(named - files) == [], "names in the layout with no file"
