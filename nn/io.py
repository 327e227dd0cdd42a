"""Saving and loading models as JSON (never pickle: loading a file runs no code).

A file holds a format name and version, the module's type (``MLP``, ``Layer``, ``Neuron``,
``BatchNorm`` or ``Dropout``) and architecture, its buffers (BatchNorm's running statistics)
and weights by dotted name, and a checksum of all that. The versions:

1. an MLP's architecture and weights;
2. adds the MLP's ``batchnorm`` and ``residual`` options and the ``buffers`` field;
3. (written now) adds ``module``, so every module type can be saved, and ``checksum``
   (SHA-256 of the content, see ``nn.model_file``), so a changed digit is caught.

All three load; files of versions 1 and 2 carry no checksum and are taken as they are. The
format name stays ``chainrule.mlp`` for every module type, so an older chainrule refuses a
version 3 file as a version it does not know, rather than as no model file at all.

``save`` writes atomically (``autograd.files.write_atomically``: the previous file stays
intact if anything fails). ``load`` reads only a regular file of bounded size, checks every
field, size and count against the file's own contents before it builds anything (a file
claiming a million inputs but holding ten weights is refused at once), and raises
``ModelFileError`` naming the file and what is wrong. Before the whole file is read, the
fields ahead of the weights (from its first 64 KiB) are checked: an unknown field, an
architecture making more than a million parameters, or a file larger than that
architecture's weights could fill is refused in milliseconds.
"""

from __future__ import annotations

import json
import math
import os
import reprlib
from pathlib import Path
from typing import Any

from autograd.files import write_atomically
from nn.architectures import KINDS, Kind, check_architecture, kind_of
from nn.model_file import (
    BYTES_PER_PARAMETER,
    HEAD_BYTES,
    MAX_PARAMETERS,
    ModelFileError,
    check_checksum,
    read_document,
    read_head,
    signed,
)
from nn.module import Module

FORMAT = "chainrule.mlp"
VERSION = 3
READABLE = (1, 2, 3)
FIELDS = {  # version -> (required top-level fields, optional ones)
    1: ({"format", "version", "architecture", "weights"}, set()),
    2: ({"format", "version", "architecture", "weights"}, {"buffers"}),
    3: ({"format", "version", "module", "architecture", "buffers", "weights", "checksum"}, set()),
}
PathLike = str | os.PathLike[str]

__all__ = ["FORMAT", "VERSION", "ModelFileError", "load", "save"]


def save(model: Module, path: PathLike) -> Path:
    """Write ``model`` (an MLP, Layer, Neuron, BatchNorm or Dropout) to ``path`` as JSON, the
    weights as exact decimal floats; returns the path."""
    kind = kind_of(model)
    weights = {name: p.data for name, p in model.named_parameters()}
    buffers = dict(model.named_buffers())
    bad = [name for name, w in {**weights, **buffers}.items() if not math.isfinite(w)]
    if bad:
        w = weights.get(bad[0], buffers.get(bad[0]))
        raise ValueError(f"cannot save a model with non-finite weights: {bad[0]} = {w}")
    architecture = kind.describe(model)
    if kind.counts(architecture) != (len(weights), len(buffers)):
        raise ValueError(
            f"cannot save this {kind.name}: its parameters no longer match its architecture "
            f"{architecture} (was it changed after it was built?)"
        )
    document = signed(
        {"format": FORMAT, "version": VERSION, "module": kind.name, "architecture": architecture,
         "buffers": buffers, "weights": weights}
    )  # fmt: skip
    path = Path(path)
    write_atomically(path, (json.dumps(document, indent=1) + "\n").encode("utf-8"))
    return path


def load(path: PathLike) -> Module:
    """Read a model written by ``save`` (any version): an MLP, Layer, Neuron, BatchNorm or
    Dropout, as saved. Raises ``ModelFileError`` for anything but such a file: not a regular
    file, too large, not UTF-8 JSON, an unknown format or version, a checksum that does not
    match, a field missing, unknown or of the wrong type, sizes that do not match the weights,
    weights that are not finite numbers. A file that cannot be opened raises ``OSError``."""
    path = Path(path)
    _check_head(path)
    document = read_document(path)
    version = _version(path, document)
    if version >= 3:
        check_checksum(path, document)
    _check_fields(path, document, version)
    kind, architecture = _architecture(path, document, version)
    weights = _mapping(path, document, "weights")
    buffers = _mapping(path, document, "buffers")
    _check_counts(path, kind, architecture, weights, buffers)
    try:
        model = kind.build(architecture)
    except (ValueError, TypeError) as err:
        raise ModelFileError(f"{path}: bad architecture: {err}") from None
    _check_numbers(path, "weights", weights, [n for n, _ in model.named_parameters()])
    _check_numbers(path, "buffers", buffers, [n for n, _ in model.named_buffers()])
    try:
        model.load_state_dict({**weights, **buffers})
    except ValueError as err:
        raise ModelFileError(f"{path}: {err}") from None
    return model


def _check_head(path: Path) -> None:
    """The fields before the weights, read from the file's first ``HEAD_BYTES`` alone, so
    that a file which cannot be a model is refused before the rest is parsed: an unknown
    field, an architecture making more than ``MAX_PARAMETERS``, or more bytes than that
    architecture's weights could fill (``BYTES_PER_PARAMETER`` each, twice what save writes)."""
    head, size = read_head(path, set().union(*(a | b for a, b in FIELDS.values())))
    if head is None:
        return
    if "architecture" not in head:
        if size > HEAD_BYTES:
            raise ModelFileError(
                f"{path}: the weights come before the architecture: a model file holds its "
                "architecture first (as nn.save writes it)"
            )
        return
    kind, architecture = _architecture(path, head, _version(path, head))
    count = _check_limit(path, kind, architecture)
    most = HEAD_BYTES + BYTES_PER_PARAMETER * count
    if size > most:
        raise ModelFileError(
            f"{path}: {size:,} bytes, more than a {kind.name} of {count:,} parameters and "
            f"buffers takes (at most {most:,}): not a file nn.save wrote"
        )


def _architecture(path: Path, document: dict[str, Any], version: int) -> tuple[Kind, Any]:
    kind = _kind(path, document.get("module", "MLP"))
    try:
        return kind, check_architecture(kind, document["architecture"], version)
    except ValueError as err:
        raise ModelFileError(f"{path}: bad architecture: {err}") from None


def _check_limit(path: Path, kind: Kind, architecture: Any) -> int:
    """The architecture's parameter and buffer count, from its numbers alone, refused
    beyond ``MAX_PARAMETERS``."""
    count = sum(kind.counts(architecture))
    if count > MAX_PARAMETERS:
        raise ModelFileError(
            f"{path}: the architecture makes {count:,} parameters and buffers, "
            f"more than the {MAX_PARAMETERS:,} a model file may hold"
        )
    return count


def _version(path: Path, document: dict[str, Any]) -> int:
    if document.get("format") != FORMAT:
        raise ModelFileError(
            f"{path}: not a chainrule model file (format {reprlib.repr(document.get('format'))}, "
            f"expected {FORMAT!r})"
        )
    version = document.get("version")
    if isinstance(version, bool) or version not in READABLE:
        raise ModelFileError(
            f"{path}: unknown format version {reprlib.repr(version)} "
            f"(this chainrule reads versions {', '.join(map(str, READABLE))})"
        )
    return int(version)


def _check_fields(path: Path, document: dict[str, Any], version: int) -> None:
    required, optional = FIELDS[version]
    missing = sorted(required - document.keys())
    if missing:
        raise ModelFileError(f"{path}: missing field {missing[0]!r}")
    unknown = [key for key in document if key not in required | optional]
    if unknown:
        raise ModelFileError(
            f"{path}: unexpected field {reprlib.repr(unknown[0])} in a version {version} file"
        )


def _kind(path: Path, name: Any) -> Kind:
    if not isinstance(name, str) or name not in KINDS:
        raise ModelFileError(
            f"{path}: unknown module type {reprlib.repr(name)} (files hold one of "
            f"{', '.join(KINDS)})"
        )
    return KINDS[name]


def _mapping(path: Path, document: dict[str, Any], key: str) -> dict[str, Any]:
    found = document.get(key, {})
    if not isinstance(found, dict):
        raise ModelFileError(f"{path}: field {key!r} must be an object, got {reprlib.repr(found)}")
    return found


def _check_counts(
    path: Path, kind: Kind, arch: dict[str, Any], weights: dict[str, Any], buffers: dict[str, Any]
) -> None:
    """The architecture's parameter and buffer counts, from its numbers alone, against the
    limit and against what the file holds: nothing is built for a file that cannot match."""
    _check_limit(path, kind, arch)
    n_weights, n_buffers = kind.counts(arch)
    for what, needed, found in (("weights", n_weights, weights), ("buffers", n_buffers, buffers)):
        if needed != len(found):
            raise ModelFileError(
                f"{path}: the architecture needs {needed} {what}, the file has {len(found)}"
            )


def _check_numbers(path: Path, what: str, found: dict[str, Any], expected: list[str]) -> None:
    """``found`` holds exactly the ``expected`` names, each a finite number."""
    names = set(expected)
    missing = [n for n in expected if n not in found]
    extra = [n for n in found if n not in names]
    if missing or extra:
        detail = f"missing {missing[0]!r}" if missing else f"unexpected {reprlib.repr(extra[0])}"
        raise ModelFileError(f"{path}: the {what} do not match the architecture ({detail})")
    for name, w in found.items():
        if isinstance(w, bool) or not isinstance(w, (int, float)) or not math.isfinite(w):
            kind = what[:-1]
            raise ModelFileError(
                f"{path}: {kind} {name!r} must be a finite number, got {reprlib.repr(w)}"
            )
