"""chainrule train's report page, read without a browser; and finding a neuron's output node
in a network's graph whatever op computes it."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

import nn
from autograd import Value
from chainrule.cli import main
from chainrule.report import neuron_output

SHORT = ["--samples", "40", "--hidden", "4", "--epochs", "3", "--quiet"]


@pytest.mark.parametrize(("activation", "last"), [("relu", "a"), ("tanh", "a"), ("linear", "z")])
def test_neuron_output_is_the_last_node_the_neuron_computes(activation: str, last: str) -> None:
    model = nn.MLP(2, [3, 1], activation=activation, seed=0)
    loss = nn.mse_loss([model([Value(0.5), Value(-1.0)])], [1.0])
    out = neuron_output(loss, "layers.0.neurons.1")
    assert out.label == f"layers.0.neurons.1.{last}"
    assert out.parents  # computed, not a parameter
    with pytest.raises(ValueError, match=r"no node computed by the neuron 'layers\.5'"):
        neuron_output(loss, "layers.5")


def test_the_report_is_one_self_contained_page(tmp_path: Path) -> None:
    assert main(["train", *SHORT, "--out", str(tmp_path)]) == 0
    html = (tmp_path / "report.html").read_text(encoding="utf-8")
    assert len(re.findall(r'<img src="data:image/png;base64,', html)) == 3  # curves, boundary,
    # and the confusion matrix
    assert not re.search(r"\b(src|href)=\"(?!data:)", html)
    urls = set(re.findall(r"https?://[^\s\"'<>]+", html))
    assert urls <= {"http://www.w3.org/2000/svg", "http://www.w3.org/1999/xlink"}, urls
    for text in (
        "test accuracy",
        "MLP(2, [4, 1], activation=&#x27;relu&#x27;, output_activation=&#x27;linear&#x27;",
        "layer 0",
        "One neuron's backward pass: layers.0.neurons.0",
        'class="cr-stepper"',
    ):
        assert text in html, text  # fmt: skip
