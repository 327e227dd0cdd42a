"""chainrule's neural-network library, built on the ``autograd`` engine."""

import autograd as _autograd

if not hasattr(_autograd, "Value"):  # PyPI's unrelated `autograd` shadows chainrule's engine
    raise ImportError(
        f"'import autograd' found {_autograd.__file__}, which is not chainrule's engine: another "
        "package named 'autograd' is installed in this environment. Install chainrule in a "
        "dedicated virtual environment (or 'pip uninstall autograd')."
    )

from nn import data, init, losses, optim, schedules
from nn.batchnorm import BatchNorm
from nn.data import batches, train_test_split
from nn.divergence import DivergenceError
from nn.history import History
from nn.io import ModelFileError, load, save
from nn.layers import MLP, Dropout, Layer, Neuron
from nn.losses import (
    binary_cross_entropy,
    binary_cross_entropy_with_logits,
    cross_entropy,
    hinge_loss,
    l1_penalty,
    l2_penalty,
    mse_loss,
    squared_error,
)
from nn.metrics import evaluate
from nn.module import Module
from nn.optim import SGD, Adam, AdamW, RMSprop, clip_grad_norm, clip_grad_value
from nn.predict import predict
from nn.restarts import Restarts, Run, random_restarts
from nn.schedules import CosineAnnealingLR, ExponentialLR, LinearWarmup, StepLR
from nn.softmax import log_softmax, softmax
from nn.torch_bridge import to_torch
from nn.torch_import import from_torch
from nn.train import fit

__all__ = [
    "MLP",
    "SGD",
    "Adam",
    "AdamW",
    "BatchNorm",
    "CosineAnnealingLR",
    "DivergenceError",
    "Dropout",
    "ExponentialLR",
    "History",
    "Layer",
    "LinearWarmup",
    "ModelFileError",
    "Module",
    "Neuron",
    "RMSprop",
    "Restarts",
    "Run",
    "StepLR",
    "batches",
    "binary_cross_entropy",
    "binary_cross_entropy_with_logits",
    "clip_grad_norm",
    "clip_grad_value",
    "cross_entropy",
    "data",
    "evaluate",
    "fit",
    "from_torch",
    "hinge_loss",
    "init",
    "l1_penalty",
    "l2_penalty",
    "load",
    "log_softmax",
    "losses",
    "mse_loss",
    "optim",
    "predict",
    "random_restarts",
    "save",
    "schedules",
    "softmax",
    "squared_error",
    "to_torch",
    "train_test_split",
]
