"""What a model file says about each module type nn has (MLP, Layer, Neuron, BatchNorm,
Dropout): the architecture's fields and their checks, how many parameters and buffers they
make, computed from the numbers alone before anything is built, and the module itself.

The counts, for a layer of n_in inputs and n_out neurons: n_out (n_in + 1) weights and biases,
plus 2 n_out parameters (gamma, beta) and 2 n_out buffers (running mean and variance) with
BatchNorm; an MLP adds up its layers, with BatchNorm in the hidden ones only.
"""

from __future__ import annotations

import math
import random
import reprlib
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from nn.batchnorm import BatchNorm
from nn.layers import ACTIVATIONS, MLP, Dropout, Layer, Neuron
from nn.module import Module

Architecture = dict[str, Any]
_REQUIRED = object()


@dataclass(frozen=True)
class Field:
    """An architecture field: its check, what it must be (for messages), and the value a file
    written before version 3 may leave it out for."""

    check: Callable[[Any], bool]
    wants: str
    default: Any = _REQUIRED


def _number(v: Any) -> bool:
    return isinstance(v, (int, float)) and not isinstance(v, bool) and math.isfinite(v)


POSITIVE_INT = Field(lambda v: type(v) is int and v >= 1, "a positive int")
SIZES = Field(
    lambda v: isinstance(v, list) and len(v) > 0 and all(POSITIVE_INT.check(n) for n in v),
    "a non-empty list of positive ints",
)
ACTIVATION = Field(lambda v: isinstance(v, str) and v in ACTIVATIONS, f"one of {list(ACTIVATIONS)}")
FLAG = Field(lambda v: isinstance(v, bool), "true or false", default=False)
DROP = Field(lambda v: _number(v) and 0.0 <= v < 1.0, "a number in [0, 1)", default=0.0)


@dataclass(frozen=True)
class Kind:
    """One module type in files: its fields, ``describe(module) -> architecture``,
    ``counts(architecture) -> (parameters, buffers)`` and ``build(architecture)``."""

    name: str
    cls: type[Module]
    fields: dict[str, Field]
    describe: Callable[[Any], Architecture]
    counts: Callable[[Architecture], tuple[int, int]]
    build: Callable[[Architecture], Module]


def _layer_counts(n_in: int, n_out: int, batchnorm: bool) -> tuple[int, int]:
    extra = 2 * n_out if batchnorm else 0
    return n_out * (n_in + 1) + extra, extra


def _mlp_counts(a: Architecture) -> tuple[int, int]:
    sizes, last = [a["nin"], *a["nouts"]], len(a["nouts"]) - 1
    layers = [_layer_counts(sizes[i], sizes[i + 1], a["batchnorm"] and i < last)
              for i in range(len(a["nouts"]))]  # fmt: skip
    return sum(p for p, _ in layers), sum(b for _, b in layers)


def _mlp(a: Architecture) -> Module:
    options = {key: a[key] for key in ("dropout", "batchnorm", "residual")}
    return MLP(
        a["nin"], a["nouts"], a["activation"], a["output_activation"], "uniform", 0, **options
    )


def _describe_mlp(m: MLP) -> Architecture:
    return {"nin": m.nin, "nouts": m.nouts, "activation": m.activation,
            "output_activation": m.output_activation, "dropout": m.dropout.p,
            "batchnorm": m.batchnorm, "residual": m.residual}  # fmt: skip


KINDS: dict[str, Kind] = {kind.name: kind for kind in (
    Kind("MLP", MLP,
         {"nin": POSITIVE_INT, "nouts": SIZES, "activation": ACTIVATION,
          "output_activation": ACTIVATION, "dropout": DROP, "batchnorm": FLAG, "residual": FLAG},
         _describe_mlp, _mlp_counts, _mlp),
    Kind("Layer", Layer,
         {"nin": POSITIVE_INT, "nout": POSITIVE_INT, "activation": ACTIVATION,
          "batchnorm": FLAG, "residual": FLAG},
         lambda m: {"nin": m.nin, "nout": len(m.neurons), "activation": m.activation,
                    "batchnorm": m.bn is not None, "residual": m.residual},
         lambda a: _layer_counts(a["nin"], a["nout"], a["batchnorm"]),
         lambda a: Layer(a["nin"], a["nout"], a["activation"], "uniform", random.Random(0),
                         a["batchnorm"], a["residual"])),
    Kind("Neuron", Neuron, {"nin": POSITIVE_INT, "activation": ACTIVATION},
         lambda m: {"nin": len(m.w), "activation": m.activation},
         lambda a: (a["nin"] + 1, 0),
         lambda a: Neuron(a["nin"], a["activation"], "uniform", random.Random(0))),
    Kind("BatchNorm", BatchNorm,
         {"num_features": POSITIVE_INT,
          "eps": Field(lambda v: _number(v) and v > 0.0, "a positive number"),
          "momentum": Field(lambda v: _number(v) and 0.0 <= v <= 1.0, "a number in [0, 1]")},
         lambda m: {"num_features": m.num_features, "eps": m.eps, "momentum": m.momentum},
         lambda a: (2 * a["num_features"], 2 * a["num_features"]),
         lambda a: BatchNorm(a["num_features"], a["eps"], a["momentum"])),
    Kind("Dropout", Dropout, {"p": Field(DROP.check, DROP.wants)},
         lambda m: {"p": m.p}, lambda a: (0, 0), lambda a: Dropout(a["p"])),
)}  # fmt: skip


def kind_of(module: Module) -> Kind:
    """The Kind of ``module``'s exact type; TypeError for any other (a subclass may hold
    more than its architecture says)."""
    for kind in KINDS.values():
        if type(module) is kind.cls:
            return kind
    raise TypeError(
        f"save writes nn's own modules ({', '.join(KINDS)}), got {type(module).__name__}: for a "
        "module of your own, save its state_dict() and rebuild it in code"
    )


def check_architecture(kind: Kind, found: Any, version: int) -> Architecture:
    """The architecture's fields, each checked (defaults for fields older files leave out);
    ValueError naming the first that is missing, unknown or wrong."""
    if not isinstance(found, dict):
        raise ValueError(f"field 'architecture' must be an object, got {reprlib.repr(found)}")
    unknown = [key for key in found if key not in kind.fields]
    if unknown:
        raise ValueError(
            f"unexpected architecture field {reprlib.repr(unknown[0])} for a {kind.name}"
        )
    architecture = {}
    for key, field in kind.fields.items():
        if key not in found and (version >= 3 or field.default is _REQUIRED):
            raise ValueError(f"missing field {key!r}")
        value = found.get(key, field.default)
        if not field.check(value):
            raise ValueError(f"field {key!r} must be {field.wants}, got {reprlib.repr(value)}")
        architecture[key] = value
    return architecture
