"""A PyTorch network as an MLP: ``from_torch(module)``, the reverse of ``nn.to_torch``.

The module is read as a sequence of layers, each

    Linear [BatchNorm1d] [ReLU | LeakyReLU(0.01) | Tanh | Sigmoid]

optionally wrapped in ``nn.torch_modules.Residual``, with ``Dropout`` between layers; nested
``Sequential`` containers are read through and ``Identity`` (and ``Dropout(0)``) skipped.
What nn.MLP cannot express is refused with an error naming the module: another module type, a
leaky slope other than 0.01, hidden layers with different activations, BatchNorm on some
hidden layers only (or on the output layer, or without affine parameters or running
statistics, or with PyTorch's cumulative ``momentum=None``), residual connections anywhere
but on every hidden layer after the first, dropout with different probabilities. A Linear
without a bias becomes neurons whose bias starts at 0 (the same outputs; the bias then trains).
"""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from nn.layers import MLP
from nn.torch_bridge import ACTIVATION_MODULES, LEAKY_SLOPE, Names, key, layer_names, require_torch

if TYPE_CHECKING:
    import torch

MAPS = "Linear, BatchNorm1d, ReLU, LeakyReLU, Tanh, Sigmoid, Dropout, Identity and Residual"


@dataclass
class _Spec:
    """One layer read from the torch module: paths and modules of its parts."""

    path: str
    linear: Any
    bn_path: str | None = None
    bn: Any = None
    activation: str = "linear"
    residual: bool = False
    dropout: float = 0.0  # the dropout probability in front of it


def _children(module: torch.nn.Module, path: str) -> Iterator[tuple[str, torch.nn.Module]]:
    """``(path, module)`` of the layers' parts, Sequential containers read through."""
    import torch

    if isinstance(module, torch.nn.Sequential):
        for name, child in module.named_children():
            yield from _children(child, key(path, name))
    else:
        yield path, module


def _read_layers(module: torch.nn.Module, path: str = "") -> list[_Spec]:
    import torch

    from nn.torch_modules import Residual

    specs: list[_Spec] = []
    dropout: tuple[str, float] | None = None
    for where, part in _children(module, path):
        kind = type(part).__name__
        last = specs[-1] if specs else None
        if isinstance(part, (torch.nn.Linear, Residual)):
            if isinstance(part, Residual):
                inner = _read_layers(part.body, key(where, "body"))
                if len(inner) != 1 or inner[0].dropout:
                    raise ValueError(f"from_torch: {where} (Residual) must wrap exactly one layer")
                spec = inner[0]
                spec.residual = True
            else:
                spec = _Spec(where, part)
            spec.dropout = dropout[1] if dropout else 0.0
            specs.append(spec)
            dropout = None
        elif isinstance(part, torch.nn.BatchNorm1d):
            if last is None or last.bn is not None or last.activation != "linear" or dropout:
                raise ValueError(f"from_torch: {where} (BatchNorm1d) must follow a Linear directly")
            last.bn_path, last.bn = where, _check_batchnorm(part, where)
        elif kind in ACTIVATION_MODULES.values():
            if last is None or last.activation != "linear" or dropout:
                raise ValueError(f"from_torch: {where} ({kind}) must follow a Linear or BatchNorm")
            last.activation = _activation(part, where)
        elif isinstance(part, torch.nn.Dropout) and part.p == 0.0:
            continue  # the identity, wherever it is
        elif isinstance(part, torch.nn.Dropout):
            if last is None or dropout:
                raise ValueError(f"from_torch: {where} (Dropout) must stand between two layers")
            dropout = (where, float(part.p))
        elif not isinstance(part, torch.nn.Identity):
            raise ValueError(f"from_torch: {where or 'the module'} is a {kind}; nn maps {MAPS}")
    if dropout:
        raise ValueError(f"from_torch: {dropout[0]} (Dropout) must stand between two layers")
    return specs


def _activation(part: torch.nn.Module, where: str) -> str:
    kind = type(part).__name__
    slope = getattr(part, "negative_slope", LEAKY_SLOPE)
    if slope != LEAKY_SLOPE:
        raise ValueError(
            f"from_torch: {where} is LeakyReLU({slope}); nn's leaky_relu has slope {LEAKY_SLOPE}"
        )
    return next(name for name, module in ACTIVATION_MODULES.items() if module == kind)


def _check_batchnorm(bn: Any, where: str) -> Any:
    problem = (
        "has no affine weight and bias (nn's BatchNorm learns gamma and beta)"
        if not bn.affine
        else "keeps no running statistics"
        if not bn.track_running_stats
        else "has momentum=None (a cumulative average, which nn's BatchNorm does not offer)"
        if bn.momentum is None
        else ""
    )
    if problem:
        raise ValueError(f"from_torch: {where} (BatchNorm1d) {problem}")
    return bn


def _architecture(specs: list[_Spec]) -> dict[str, Any]:
    """nn.MLP's arguments for these layers, or a ValueError naming what it cannot express."""
    if not specs:
        raise ValueError("from_torch: the module has no Linear layer")
    for before, spec in itertools.pairwise(specs):
        if spec.linear.in_features != before.linear.out_features:
            raise ValueError(
                f"from_torch: {spec.path} takes {spec.linear.in_features} inputs but "
                f"{before.path} gives {before.linear.out_features}"
            )
    hidden, last = specs[:-1], specs[-1]
    activations = sorted({spec.activation for spec in hidden})
    dropouts = sorted({spec.dropout for spec in specs[1:]})
    residual = [spec.residual for spec in specs]
    batchnorm = bool(hidden) and all(spec.bn is not None for spec in hidden)
    problems = [
        (len(activations) > 1, f"hidden layers use different activations {activations}"),
        (len(dropouts) > 1, f"dropout differs between layers {dropouts}"),
        (last.bn is not None, f"the output layer {last.path} has BatchNorm"),
        (
            not batchnorm and any(spec.bn is not None for spec in hidden),
            "some hidden layers have BatchNorm and some do not",
        ),
        (
            any(residual) and residual != [False, *[True] * (len(hidden) - 1), False],
            "residual layers must be every hidden layer after the first, and only those",
        ),
    ]
    for failed, problem in problems:
        if failed:
            raise ValueError(f"from_torch: nn.MLP cannot express this: {problem}")
    return {
        "nin": specs[0].linear.in_features,
        "nouts": [spec.linear.out_features for spec in specs],
        "activation": activations[0] if activations else "relu",
        "output_activation": last.activation,
        "dropout": dropouts[0] if dropouts else 0.0,
        "batchnorm": batchnorm,
        "residual": any(residual),
    }


def _names(model: MLP, specs: list[_Spec]) -> Names:
    names: Names = {}
    for i, spec in enumerate(specs):
        nin, nout = spec.linear.in_features, spec.linear.out_features
        names.update(layer_names(f"layers.{i}", nin, nout, spec.path, spec.bn_path))
        bn = model.layers[i].bn
        if bn is not None:
            bn.eps, bn.momentum = float(spec.bn.eps), float(spec.bn.momentum)
    return names


def from_torch(module: torch.nn.Module) -> MLP:
    """An nn.MLP computing what ``module`` computes (a Sequential of the modules listed in
    this module's docstring, or one Linear), with copies of its weights and BatchNorm
    running statistics, in its mode (train or eval)."""
    require_torch("nn.from_torch")
    import torch

    if not isinstance(module, torch.nn.Module):
        raise TypeError(f"from_torch converts a torch.nn.Module, got {type(module).__name__}")
    specs = _read_layers(module)
    model = MLP(**_architecture(specs))
    state = {k: v.detach().double().tolist() for k, v in module.state_dict().items()}
    values = {}
    for name, (tensor_key, index) in _names(model, specs).items():
        value: Any = state.get(tensor_key, 0.0)  # a Linear without bias: b = 0
        for i in index if tensor_key in state else ():
            value = value[i]
        values[name] = value
    model.load_state_dict(values)
    return model.train(module.training)
