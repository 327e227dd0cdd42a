"""The project explains itself: no sentence refers to documents a reader does not have, and
the README and every notebook point to docs/backprop.md, where backpropagation is derived.

"Seed" meaning a random seed (``seed=0``, ``--seed``) or the gradient a backward pass starts
from is fine; what is caught is "the seeds", "seed 001", "the seed's notation" and the like.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SEARCHED = ["README.md", "docs", "notebooks", "autograd", "nn", "chainrule", "tests", "benchmarks"]
SUFFIXES = {".md", ".py", ".ipynb", ".toml", ".txt", ".js", ".css", ".html"}
MISSING_DOCUMENTS = re.compile(
    r"seed 00|the seeds|seeds'|seed documents?|the seed's"
    r"|\bthe seed (gives|names|prints|writes|defines|describes|truncates|rounds|multiplies)\b"
    r"|\bseed (example|network|notation|formulas?)\b",
    re.IGNORECASE,
)


def searched_files() -> list[Path]:
    files = []
    for name in SEARCHED:
        path = ROOT / name
        found = [path] if path.is_file() else sorted(path.rglob("*"))
        files += [f for f in found if f.suffix in SUFFIXES and f.is_file()]
    return [f for f in files if f.resolve() != Path(__file__).resolve()]


def references(text: str) -> list[str]:
    """Each line of ``text`` that refers to documents the reader does not have."""
    return [line.strip() for line in text.splitlines() if MISSING_DOCUMENTS.search(line)]


def test_the_search_catches_such_references() -> None:
    caught = [
        "the seeds' squared error",
        "in seed 001's notation",
        "the seed document",
        "where the seed's rounding differs",
        "The seed gives z_h",
        "the seed network",
    ]
    kept = ["make_moons(100, seed=0)", "--seed 3", "the seed delta(L) = 1", "random seeds",
            "a seeded generator", "final loss per seed"]  # fmt: skip
    assert all(references(line) for line in caught)
    assert [references(line) for line in kept] == [[]] * len(kept)


def test_no_reference_to_documents_the_reader_does_not_have() -> None:
    files = searched_files()
    assert len(files) > 50, [str(f) for f in files]  # the search really looks somewhere
    found = [f"{f.relative_to(ROOT)}: {line}" for f in files for line in references(f.read_text())]
    assert not found, "\n".join(found)


@pytest.mark.parametrize(
    "path", ["README.md", *sorted(p.name for p in (ROOT / "notebooks").glob("*.ipynb"))]
)
def test_points_to_the_backpropagation_document(path: str) -> None:
    file = ROOT / path if path == "README.md" else ROOT / "notebooks" / path
    target = "docs/backprop.md" if path == "README.md" else "../docs/backprop.md"
    assert f"]({target})" in file.read_text(), f"{path} does not link {target}"
    assert (ROOT / "docs" / "backprop.md").is_file()
