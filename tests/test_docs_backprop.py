"""docs/backprop.md runs: its Python blocks are executed in order, in one namespace, and each
block followed by a ``text`` block must print exactly that text. Numbers quoted in the prose
of the worked example must be among the numbers the engine printed there.

After a deliberate change to what the engine prints, refresh the outputs with
``python tests/test_docs_backprop.py --update`` and read the diff.
"""

from __future__ import annotations

import contextlib
import io
import re
import sys
from dataclasses import dataclass
from pathlib import Path

DOC = Path(__file__).resolve().parent.parent / "docs" / "backprop.md"
FENCE = re.compile(r"^```(\w*)\n(.*?)^```\n", re.MULTILINE | re.DOTALL)


@dataclass
class Block:
    language: str
    text: str
    start: int  # where the fenced block starts in the document
    end: int


def blocks(document: str) -> list[Block]:
    return [Block(m[1], m[2], m.start(), m.end()) for m in FENCE.finditer(document)]


def run(document: str) -> list[tuple[Block, Block | None, str]]:
    """Each Python block, the text block right after it (if any) and what the block printed."""
    found, namespace, results = blocks(document), {"__name__": "backprop_doc"}, []
    for k, block in enumerate(found):
        if block.language != "python":
            continue
        following = found[k + 1] if k + 1 < len(found) else None
        shown = following if following and following.language == "text" else None
        if shown is not None and document[block.end : shown.start].strip():
            shown = None  # prose between them: the text block is not this block's output
        out = io.StringIO()
        with contextlib.redirect_stdout(out):
            exec(compile(block.text, f"{DOC.name}:{block.start}", "exec"), namespace)
        results.append((block, shown, out.getvalue()))
    return results


def section(document: str, title: str) -> str:
    start = document.index(f"\n## {title}")
    end = document.find("\n## ", start + 1)
    return document[start : end if end != -1 else len(document)]


def test_every_block_runs_and_prints_what_the_page_shows() -> None:
    results = run(DOC.read_text(encoding="utf-8"))
    assert len(results) >= 8
    assert sum(shown is not None for _, shown, _ in results) >= 8
    for block, shown, printed in results:
        expected = shown.text if shown is not None else ""
        assert printed == expected, f"the block at {block.start} printed:\n{printed}"


def test_numbers_in_the_worked_example_come_from_the_engine() -> None:
    document = DOC.read_text(encoding="utf-8")
    text = section(document, "A worked example")
    printed = "".join(out for _, _, out in run(document))
    prose = FENCE.sub("", text)
    quoted = re.findall(r"\d+\.\d{3,}", prose)
    assert len(quoted) >= 10, quoted
    missing = [number for number in quoted if number not in printed]
    assert not missing, f"numbers in the prose that the engine did not print: {missing}"


def update() -> None:
    """Rewrite every output block with what its Python block prints now."""
    document = DOC.read_text(encoding="utf-8")
    for _, shown, printed in reversed(run(document)):
        if shown is not None:
            document = document[: shown.start] + f"```text\n{printed}```\n" + document[shown.end :]
    DOC.write_text(document, encoding="utf-8")


if __name__ == "__main__":
    if sys.argv[1:] != ["--update"]:
        sys.exit("usage: python tests/test_docs_backprop.py --update")
    update()
