"""Saving and loading models as JSON (never pickle: loading a file runs no code).

A file holds a format name and version, the MLP's architecture and its weights by dotted
name. Version 2 adds the architecture's ``batchnorm`` and ``residual`` options and a
``buffers`` field (BatchNorm's running statistics, by dotted name); a model without those
options is still written as version 1, and both versions load.

``save`` writes atomically (a temporary file in the same folder, then ``os.replace``),
so a crash mid-write leaves the previous file intact. ``load`` checks everything and raises
``ModelFileError`` naming the file and what is wrong.
"""

from __future__ import annotations

import json
import math
import os
from pathlib import Path
from typing import Any

from autograd.files import write_atomically
from nn.layers import MLP

FORMAT = "chainrule.mlp"
VERSION = 2
READABLE = (1, 2)
PathLike = str | os.PathLike[str]


class ModelFileError(ValueError):
    """A model file that cannot be loaded: the message names the file and the problem."""


def save(model: MLP, path: PathLike) -> Path:
    """Write ``model`` to ``path`` as JSON (weights as exact decimal floats); returns the path."""
    if not isinstance(model, MLP):
        raise TypeError(f"save writes an MLP, got {type(model).__name__}")
    weights = {name: p.data for name, p in model.named_parameters()}
    buffers = dict(model.named_buffers())
    bad = [name for name, w in {**weights, **buffers}.items() if not math.isfinite(w)]
    if bad:
        w = weights.get(bad[0], buffers.get(bad[0]))
        raise ValueError(f"cannot save a model with non-finite weights: {bad[0]} = {w}")
    architecture = _architecture(model)
    document: dict[str, Any] = {"format": FORMAT, "version": 1, "architecture": architecture}
    if model.batchnorm or model.residual:  # readers of version 1 refuse these clearly
        document["version"] = VERSION
        architecture.update(batchnorm=model.batchnorm, residual=model.residual)
        document["buffers"] = buffers
    document["weights"] = weights
    path = Path(path)
    write_atomically(path, (json.dumps(document, indent=1) + "\n").encode("utf-8"))
    return path


def _architecture(model: MLP) -> dict[str, Any]:
    return {
        "nin": model.nin,
        "nouts": model.nouts,
        "activation": model.activation,
        "output_activation": model.output_activation,
        "dropout": model.dropout.p,
    }


def load(path: PathLike) -> MLP:
    """Read a model written by ``save``. Raises ``ModelFileError`` for a file that is not
    valid JSON, has an unknown format or version, lacks a field, or whose weights are missing,
    extra, not numbers or not finite."""
    path = Path(path)
    document = _read_json(path)
    model = _build(path, _field(path, document, "architecture", dict))
    weights = _field(path, document, "weights", dict)
    buffers = _field(path, document, "buffers", dict) if "buffers" in document else {}
    _check_numbers(path, "weights", weights, [n for n, _ in model.named_parameters()])
    _check_numbers(path, "buffers", buffers, [n for n, _ in model.named_buffers()])
    try:
        model.load_state_dict({**weights, **buffers})
    except ValueError as err:
        raise ModelFileError(f"{path}: {err}") from None
    return model


def _check_numbers(path: Path, what: str, found: dict[str, Any], expected: list[str]) -> None:
    """``found`` holds exactly the ``expected`` names, each a finite number."""
    missing = [n for n in expected if n not in found]
    extra = [n for n in found if n not in expected]
    if missing or extra:
        detail = f"missing {missing[0]!r}" if missing else f"unexpected {extra[0]!r}"
        raise ModelFileError(
            f"{path}: the architecture needs {len(expected)} {what}, "
            f"the file has {len(found)} ({detail})"
        )
    for name, w in found.items():
        if isinstance(w, bool) or not isinstance(w, (int, float)) or not math.isfinite(w):
            kind = what[:-1]
            raise ModelFileError(f"{path}: {kind} {name!r} must be a finite number, got {w!r}")


def _read_json(path: Path) -> dict[str, Any]:
    text = path.read_text(encoding="utf-8")
    try:
        # Python's json reads the non-standard NaN and Infinity; the weight check names them.
        document = json.loads(text)
    except json.JSONDecodeError as err:
        raise ModelFileError(
            f"{path}: not valid JSON (truncated or not a model file?): {err}"
        ) from None
    if not isinstance(document, dict) or document.get("format") != FORMAT:
        found = document.get("format") if isinstance(document, dict) else type(document).__name__
        raise ModelFileError(
            f"{path}: not a chainrule model file (format {found!r}, expected {FORMAT!r})"
        )
    version = document.get("version")
    if version not in READABLE or isinstance(version, bool):
        raise ModelFileError(
            f"{path}: unknown format version {version!r} "
            f"(this chainrule reads versions {', '.join(map(str, READABLE))})"
        )
    return document


def _field(path: Path, mapping: dict[str, Any], key: str, kind: type | tuple[type, ...]) -> Any:
    if key not in mapping:
        raise ModelFileError(f"{path}: missing field {key!r}")
    if not isinstance(mapping[key], kind) or isinstance(mapping[key], bool):
        kinds = " or ".join(t.__name__ for t in (kind if isinstance(kind, tuple) else (kind,)))
        raise ModelFileError(f"{path}: field {key!r} must be {kinds}, got {mapping[key]!r}")
    return mapping[key]


def _build(path: Path, arch: dict[str, Any]) -> MLP:
    kinds = {"nin": int, "nouts": list, "activation": str, "output_activation": str}
    fields = {key: _field(path, arch, key, kind) for key, kind in kinds.items()}
    dropout = _field(path, arch, "dropout", (int, float)) if "dropout" in arch else 0.0
    batchnorm, residual = _flag(path, arch, "batchnorm"), _flag(path, arch, "residual")
    try:
        return MLP(
            **fields,
            dropout=dropout,
            init="uniform",
            seed=0,
            batchnorm=batchnorm,
            residual=residual,
        )
    except (ValueError, TypeError) as err:
        raise ModelFileError(f"{path}: bad architecture: {err}") from None


def _flag(path: Path, arch: dict[str, Any], key: str) -> bool:
    """An optional true/false architecture field (absent in version 1: False)."""
    value = arch.get(key, False)
    if not isinstance(value, bool):
        raise ModelFileError(f"{path}: field {key!r} must be true or false, got {value!r}")
    return value
