"""The bytes of a model file: read safely, parsed as JSON with limits, and checksummed.

Reading takes only a regular file of at most ``MAX_FILE_BYTES`` (a FIFO would block, a device
such as ``/dev/zero`` never ends); text must be UTF-8 JSON whose integers have at most
``MAX_DIGITS`` digits and whose objects have no repeated key. Every problem is a
``ModelFileError`` naming the file and what is wrong.

The checksum is SHA-256 over the document's canonical JSON (keys sorted, no spaces, floats
as Python's shortest exact repr), without the ``checksum`` field itself: a changed digit
anywhere gives another checksum, while re-indenting the file does not.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import reprlib
import stat
from collections.abc import Collection, Iterator
from pathlib import Path
from typing import Any

MAX_PARAMETERS = 1_000_000  # weights and buffers together: beyond a scalar engine's reach
BYTES_PER_PARAMETER = 100  # in a file: a saved weight takes about 50 bytes
MAX_FILE_BYTES = BYTES_PER_PARAMETER * MAX_PARAMETERS
MAX_DIGITS = 20  # of an integer in the file (sizes, versions)
CHECKSUM_PREFIX = "sha256:"
HEAD_BYTES = 1 << 16  # the fields before the weights (format, version, module, architecture)
BULK = ("buffers", "weights")  # the fields that may be large
_KINDS = {stat.S_IFDIR: "a folder", stat.S_IFCHR: "a character device", stat.S_IFBLK: "a block "
          "device", stat.S_IFIFO: "a FIFO", stat.S_IFSOCK: "a socket"}  # fmt: skip


class ModelFileError(ValueError):
    """A model file that cannot be loaded: the message names the file and the problem."""


def read_document(path: Path) -> dict[str, Any]:
    """The JSON object in ``path``; ModelFileError if it is not one (an OSError if the file
    cannot be opened at all: missing, or no permission)."""
    text = _decode(path, read_bounded(path))
    try:
        document = json.loads(text, object_pairs_hook=_unique_keys, parse_int=_bounded_int)
    except _FileProblemError as problem:
        raise ModelFileError(f"{path}: {problem}") from None
    except json.JSONDecodeError as err:
        raise ModelFileError(
            f"{path}: not valid JSON (truncated or not a model file?): {err}"
        ) from None
    except RecursionError:
        raise ModelFileError(f"{path}: not a model file (JSON nested too deeply)") from None
    if not isinstance(document, dict):
        raise ModelFileError(
            f"{path}: not a chainrule model file (a JSON {type(document).__name__}, expected an "
            "object)"
        )
    return document


def read_bounded(path: Path) -> bytes:
    """The bytes of ``path``, a regular file of at most ``MAX_FILE_BYTES``."""
    with _regular_file(path) as handle:
        chunks, size = [], 0
        while chunk := os.read(handle, 1 << 20):
            chunks.append(chunk)
            size += len(chunk)
            _check_size(path, size)  # the file may grow while it is read
        return b"".join(chunks)


def read_head(path: Path, known: Collection[str]) -> tuple[dict[str, Any] | None, int]:
    """The top-level fields before the first of ``BULK`` (the weights and buffers), parsed
    from the file's first ``HEAD_BYTES`` alone, and the file's size: enough to refuse a file
    whose architecture claims too much, or whose size its architecture cannot explain,
    before the rest is read. A field not in ``known`` is refused here. None where no bulk
    field follows a well-formed head: ``read_document`` then names the problem."""
    with _regular_file(path) as handle:
        size = os.fstat(handle).st_size
        text = os.read(handle, HEAD_BYTES).decode("utf-8", errors="replace")
    decoder = json.JSONDecoder(object_pairs_hook=_unique_keys, parse_int=_bounded_int)
    head: dict[str, Any] = {}
    try:
        at = _skip(text, 0, "{")
        while text.startswith('"', at):
            key, at = decoder.raw_decode(text, at)
            if key not in known or key in BULK:
                break
            head[key], at = decoder.raw_decode(text, _skip(text, at, ":"))
            at = _skip(text, at, ",")
        else:
            return None, size
    except (ValueError, IndexError, _FileProblemError, RecursionError):
        return None, size  # cut short by HEAD_BYTES, or not JSON at all
    if key not in known:
        raise ModelFileError(f"{path}: unexpected field {reprlib.repr(key)}")
    return head, size


def _skip(text: str, at: int, expected: str) -> int:
    """The position after the whitespace at ``at`` and then ``expected`` (and whitespace)."""
    at = len(text) - len(text[at:].lstrip())
    if not text.startswith(expected, at):
        raise ValueError(f"expected {expected!r} at {at}")
    at += len(expected)
    return len(text) - len(text[at:].lstrip())


@contextlib.contextmanager
def _regular_file(path: Path) -> Iterator[int]:
    """An open handle on ``path``, a regular file of at most ``MAX_FILE_BYTES``."""
    # O_NONBLOCK: opening a FIFO must not wait for a writer (fstat then refuses it)
    handle = os.open(path, os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0))
    try:
        info = os.fstat(handle)
        kind = stat.S_IFMT(info.st_mode)
        if kind != stat.S_IFREG:
            what = _KINDS.get(kind, "not a regular file")
            raise ModelFileError(f"{path}: is {what}: a model file is a regular file")
        _check_size(path, info.st_size)
        yield handle
    finally:
        os.close(handle)


def _check_size(path: Path, size: int) -> None:
    if size > MAX_FILE_BYTES:
        raise ModelFileError(
            f"{path}: too large for a model file: {size:,} bytes, at most {MAX_FILE_BYTES:,} "
            f"(models have at most {MAX_PARAMETERS:,} parameters)"
        )


def _decode(path: Path, data: bytes) -> str:
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as err:
        raise ModelFileError(
            f"{path}: not UTF-8 text (byte 0x{data[err.start]:02x} at offset {err.start}): not a "
            "model file, or damaged"
        ) from None


class _FileProblemError(Exception):
    """Raised inside the JSON parser's hooks; becomes a ModelFileError naming the file."""


def _unique_keys(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    seen: set[str] = set()
    for key, _ in pairs:
        if key in seen:
            raise _FileProblemError(f"the key {key!r} appears twice in one object")
        seen.add(key)
    return dict(pairs)


def _bounded_int(text: str) -> int:
    if len(text.lstrip("-")) > MAX_DIGITS:
        raise _FileProblemError(
            f"an integer of {len(text.lstrip('-'))} digits ({text[:12]}...): at most "
            f"{MAX_DIGITS} digits"
        )
    return int(text)


def checksum(document: dict[str, Any]) -> str:
    """``sha256:<hex>`` of ``document`` without its ``checksum`` field, in canonical JSON."""
    content = {key: value for key, value in document.items() if key != "checksum"}
    canonical = json.dumps(content, sort_keys=True, separators=(",", ":"), ensure_ascii=True)
    return CHECKSUM_PREFIX + hashlib.sha256(canonical.encode("ascii")).hexdigest()


def signed(document: dict[str, Any]) -> dict[str, Any]:
    """``document`` with its ``checksum`` field (last, so the file reads top down)."""
    content = {key: value for key, value in document.items() if key != "checksum"}
    return {**content, "checksum": checksum(content)}


def check_checksum(path: Path, document: dict[str, Any]) -> None:
    """ModelFileError unless ``document``'s ``checksum`` field matches its content."""
    found = document.get("checksum")
    if found is None:
        raise ModelFileError(f"{path}: missing field 'checksum'")
    if found != checksum(document):
        raise ModelFileError(
            f"{path}: the content does not match its checksum: the file was changed or damaged "
            "after it was saved (save the model again)"
        )
