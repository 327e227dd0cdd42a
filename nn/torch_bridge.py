"""An MLP as a PyTorch module: ``to_torch(model)``, and the names that tie the two together.

``to_torch`` builds the same network from ``torch.nn``'s modules, in float64, as one flat
``torch.nn.Sequential``. Each of the MLP's layers becomes

    Linear(nin, nout) [BatchNorm1d(nout)] [ReLU | LeakyReLU(0.01) | Tanh | Sigmoid]

(no activation module for a linear layer), wrapped as ``Residual(Sequential(...))`` when the
layer outputs a + x, with ``Dropout(p)`` between layers when the MLP has dropout. The
numbers map one to one (``torch_names`` lists them):

    layers.i.neurons.j.w.k  -> <Linear>.weight[j, k]
    layers.i.neurons.j.b    -> <Linear>.bias[j]
    layers.i.bn.gamma.j     -> <BatchNorm1d>.weight[j]
    layers.i.bn.beta.j      -> <BatchNorm1d>.bias[j]
    layers.i.bn.running_mean.j, running_var.j -> the BatchNorm1d buffers of the same names

Both compute in float64 with the same formulas (BatchNorm's biased batch variance, its
unbiased running one, PyTorch's eps and momentum), so outputs and gradients agree up to the
rounding of sums added in another order (on random networks: outputs within 3e-15, gradients
within 4e-14, relative to max(1, |value|); the tests demand 1e-12). The module's mode (train or
eval) is the model's. ``nn.torch_import.from_torch`` goes the other way. torch is imported
when called (``pip install 'chainrule[torch]'``), never by ``import nn``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from nn.layers import MLP, Layer

if TYPE_CHECKING:
    import torch

# (torch state_dict key, index into that tensor) for each of the MLP's dotted names
Names = dict[str, tuple[str, tuple[int, ...]]]
ACTIVATION_MODULES = {
    "relu": "ReLU",
    "leaky_relu": "LeakyReLU",
    "tanh": "Tanh",
    "sigmoid": "Sigmoid",
}
LEAKY_SLOPE = 0.01  # Value.leaky_relu's default, which nn's leaky_relu neurons use


def require_torch(what: str) -> None:
    """Nothing if torch can be imported, else an ImportError saying that ``what`` needs it
    and how to install it. Callers then ``import torch`` themselves (typed)."""
    try:
        import torch  # noqa: F401 (only its presence is checked here)
    except ImportError:
        raise ImportError(
            f"{what} needs PyTorch, which is not installed: pip install 'chainrule[torch]'"
        ) from None


def key(path: str, attr: str) -> str:
    """The state_dict key of attribute ``attr`` of the sub-module at ``path``."""
    return f"{path}.{attr}" if path else attr


def layer_names(prefix: str, nin: int, nout: int, linear: str, bn: str | None) -> Names:
    """The names of one layer's numbers: ``prefix`` is the layer's dotted name in the MLP
    (``layers.2``), ``linear`` and ``bn`` the paths of its Linear and BatchNorm1d in torch."""
    names: Names = {}
    for j in range(nout):
        for k in range(nin):
            names[f"{prefix}.neurons.{j}.w.{k}"] = (key(linear, "weight"), (j, k))
        names[f"{prefix}.neurons.{j}.b"] = (key(linear, "bias"), (j,))
    if bn is not None:
        parts = {"gamma": "weight", "beta": "bias", "running_mean": "running_mean"}
        parts["running_var"] = "running_var"
        for ours, theirs in parts.items():
            names.update({f"{prefix}.bn.{ours}.{j}": (key(bn, theirs), (j,)) for j in range(nout)})
    return names


def layer_activation(layer: Layer, where: str) -> str:
    """The activation all of ``layer``'s neurons share (one torch module applies it)."""
    kinds = sorted({neuron.activation for neuron in layer.neurons})
    if len(kinds) != 1:
        raise ValueError(f"{where}: its neurons use different activations {kinds}")
    return kinds[0]


def activation_module(activation: str) -> torch.nn.Module:
    """The torch module applying nn's ``activation`` (not ``linear``: that is no module)."""
    import torch

    cls = getattr(torch.nn, ACTIVATION_MODULES[activation])
    module: torch.nn.Module = cls(LEAKY_SLOPE) if activation == "leaky_relu" else cls()
    return module


def _build(model: MLP) -> tuple[torch.nn.Sequential, Names]:
    """The torch network with PyTorch's initial weights, and the names tying it to ``model``."""
    if not isinstance(model, MLP):
        raise TypeError(f"to_torch converts an nn.MLP, got {type(model).__name__}")
    require_torch("nn.to_torch")
    import torch

    from nn.torch_modules import Residual

    f64, p = torch.float64, model.dropout.p
    modules: list[torch.nn.Module] = []
    names: Names = {}
    for i, layer in enumerate(model.layers):
        if i and p:
            modules.append(torch.nn.Dropout(p))
        nin, nout = len(layer.neurons[0].w), len(layer.neurons)
        block: list[torch.nn.Module] = [torch.nn.Linear(nin, nout, dtype=f64)]
        if layer.bn is not None:
            bn = layer.bn
            block.append(torch.nn.BatchNorm1d(nout, bn.eps, bn.momentum, dtype=f64))
        activation = layer_activation(layer, f"layer layers.{i}")
        if activation != "linear":
            block.append(activation_module(activation))
        first = f"{len(modules)}.body." if layer.residual else ""
        start = 0 if layer.residual else len(modules)
        if layer.residual:
            modules.append(Residual(torch.nn.Sequential(*block)))
        else:
            modules.extend(block)
        bn_path = f"{first}{start + 1}" if layer.bn is not None else None
        names.update(layer_names(f"layers.{i}", nin, nout, f"{first}{start}", bn_path))
    unmapped = sorted(set(model.state_dict()) - set(names))
    if unmapped:
        raise ValueError(
            f"to_torch: {len(unmapped)} numbers have no place in torch: {unmapped[:3]}"
        )
    return torch.nn.Sequential(*modules), names


def torch_names(model: MLP) -> Names:
    """For each of ``model.state_dict()``'s dotted names, the key of ``to_torch(model)``'s
    state_dict and the index into that tensor: ``"layers.0.neurons.3.w.1"`` ->
    ``("0.weight", (3, 1))``. Use it to compare gradients, or to copy numbers either way."""
    return _build(model)[1]


def to_torch(model: MLP) -> torch.nn.Sequential:
    """The same network as a float64 ``torch.nn.Sequential`` holding copies of the model's
    weights and BatchNorm running statistics, in the model's mode (train or eval)."""
    module, names = _build(model)
    import torch

    tensors = module.state_dict()  # shares storage with the module's parameters and buffers
    with torch.no_grad():
        for name, value in model.state_dict().items():
            tensor_key, index = names[name]
            tensors[tensor_key][index] = value
    return module.train(model.training)
