"""Batch normalization (Ioffe and Szegedy, 2015) over a mini-batch of samples, with PyTorch's
``eps`` and ``momentum`` and their meaning.

In training mode each feature j is normalised with its statistics over the batch of m samples,
computed with Values so that the gradient flows through them (dL/dx_i gets a term through the
mean and one through the variance, as in the paper):

    mu_j = 1/m sum_i x_ij,   var_j = 1/m sum_i (x_ij - mu_j)^2   (biased)
    y_ij = gamma_j (x_ij - mu_j) / sqrt(var_j + eps) + beta_j

and the running statistics, used in eval mode instead of the batch's, move towards the batch's:

    running_mean_j = (1 - momentum) running_mean_j + momentum mu_j
    running_var_j  = (1 - momentum) running_var_j  + momentum var_j m / (m - 1)   (unbiased)

exactly as ``torch.nn.BatchNorm1d`` does: normalise with the biased variance, remember the
unbiased one (PyTorch's ``momentum=None``, a cumulative average, is not offered). ``gamma``
(starts at 1) and ``beta`` (at 0) are parameters; the running statistics are buffers: in
``state_dict()`` and model files, never updated by an optimizer. The weighted sums' biases b
before a BatchNorm get zero gradient: the mean subtracts them, and beta takes their role.
"""

from __future__ import annotations

from collections.abc import Sequence

from autograd import Value, vsum
from nn.module import Module

Sample = Sequence[Value | float]


class BatchNorm(Module):
    """Normalise ``num_features`` features over a batch (``forward_batch``), then scale and
    shift them: y = gamma x_hat + beta. A per-sample call works in eval mode only."""

    buffer_names = ("running_mean", "running_var")

    def __init__(self, num_features: int, eps: float = 1e-5, momentum: float = 0.1) -> None:
        if type(num_features) is not int or num_features < 1:
            raise ValueError(f"num_features must be a positive int, got {num_features!r}")
        if not (isinstance(eps, (int, float)) and eps > 0.0):
            raise ValueError(f"BatchNorm's eps must be positive, got {eps!r}")
        if not (isinstance(momentum, (int, float)) and 0.0 <= momentum <= 1.0):
            raise ValueError(f"BatchNorm's momentum must be in [0, 1], got {momentum!r}")
        self.num_features, self.eps, self.momentum = num_features, float(eps), float(momentum)
        self.gamma = [Value(1.0) for _ in range(num_features)]
        self.beta = [Value(0.0) for _ in range(num_features)]
        self.running_mean = [0.0] * num_features
        self.running_var = [1.0] * num_features
        self._label()

    def _where(self) -> str:
        return f"BatchNorm {self._name}" if self._name else "BatchNorm"

    def _check_width(self, sample: Sample) -> None:
        if len(sample) != self.num_features:
            raise ValueError(
                f"{self._where()} expects {self.num_features} features, got {len(sample)}"
            )

    def __call__(self, x: Sample) -> list[Value]:
        """One sample, normalised with the running statistics (eval mode only)."""
        if self.training:
            raise RuntimeError(
                f"{self._where()} needs the whole batch in training mode: call "
                "forward_batch(samples) (nn.fit does), or switch to eval() to use the running "
                "statistics"
            )
        self._check_width(x)
        return [self._affine(j, self._standardise(j, x[j])) for j in range(self.num_features)]

    def _standardise(self, j: int, x: Value | float) -> Value:
        """(x - running_mean_j) / sqrt(running_var_j + eps), the statistics as labelled
        leaves, so a picture or explain() of an eval-mode graph names them."""
        mean = Value(self.running_mean[j], label=self._label_of("running_mean", j))
        var = Value(self.running_var[j], label=self._label_of("running_var", j))
        return (x - mean) / (var + self.eps).sqrt()

    def _label_of(self, part: str, j: int) -> str:
        return f"{self._name}.{part}.{j}" if self._name else f"{part}.{j}"

    def forward_batch(self, xs: Sequence[Sample]) -> list[list[Value]]:
        """A batch of samples: normalised with the batch's statistics in training mode (which
        also updates the running ones), with the running statistics in eval mode."""
        if not self.training:
            return [self(x) for x in xs]
        if len(xs) < 2:
            raise ValueError(
                f"{self._where()}: expected more than 1 value per channel when training, got a "
                f"batch of {len(xs)} (use batches of at least 2, or eval() mode)"
            )
        for x in xs:
            self._check_width(x)
        columns = [self._normalise_feature(j, [x[j] for x in xs]) for j in range(self.num_features)]
        return [list(row) for row in zip(*columns, strict=True)]

    def _normalise_feature(self, j: int, column: list[Value | float]) -> list[Value]:
        """y_i = gamma_j (x_i - mu) / sqrt(var + eps) + beta_j over the batch's column j."""
        m = len(column)
        mean = vsum(column) * (1.0 / m)
        centred = [x - mean for x in column]
        var = vsum([d * d for d in centred]) * (1.0 / m)
        inv_std = (var + self.eps) ** -0.5
        mean.label, var.label = self._label_of("mean", j), self._label_of("var", j)
        keep = 1.0 - self.momentum
        self.running_mean[j] = keep * self.running_mean[j] + self.momentum * mean.data
        self.running_var[j] = keep * self.running_var[j] + self.momentum * var.data * m / (m - 1)
        return [self._affine(j, d * inv_std) for d in centred]

    def _affine(self, j: int, x_hat: Value) -> Value:
        y = self.gamma[j] * x_hat + self.beta[j]
        y.label = self._label_of("y", j)
        return y

    def _check_buffer(self, attr: str, value: float) -> str | None:
        if attr == "running_var" and value < 0.0:
            return f"a running variance cannot be negative, got {value!r}"
        return None

    def __repr__(self) -> str:
        return f"BatchNorm({self.num_features}, eps={self.eps}, momentum={self.momentum})"
