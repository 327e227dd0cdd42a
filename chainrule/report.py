"""``chainrule train``'s report: one self-contained HTML page with the curves, the decision
boundary, the metrics, the model, and the backward pass through one real neuron of the trained
model, stepped through as on :func:`autograd.viz.page`.

The neuron is seen from the loss: one training example goes through the whole model, the loss
is computed and backpropagated, and the neuron's part of that pass is replayed starting from
``delta(a) = dL/da``, the gradient the rest of the network sends back to the neuron's output.
"""

from __future__ import annotations

import base64
from pathlib import Path
from typing import TYPE_CHECKING

from autograd import Value, no_grad
from autograd.files import write_atomically
from autograd.graph import topo_order
from autograd.viz import render
from autograd.viz.style import html_escape
from autograd.viz.webpage import html_document, stepper_section
from chainrule.classes import classes
from chainrule.options import percent

if TYPE_CHECKING:
    from chainrule.run import Run


def neuron_output(root: Value, prefix: str) -> Value:
    """The node a neuron hands on, in the graph of ``root``: the last node it computes (its
    label starts with ``prefix.``, and it is not one of its parameters), whatever op made it:
    ``<prefix>.a``, or ``<prefix>.z`` for a linear neuron."""
    made = [
        node for node in topo_order(root) if node.parents and node.label.startswith(prefix + ".")
    ]
    if not made:
        raise ValueError(f"no node computed by the neuron {prefix!r} in this graph")
    return made[-1]


def neuron_in_the_loss(run: Run) -> tuple[Value, list[float]]:
    """The first hidden neuron's output after backward of the loss of one training example
    (the first one where the neuron's output is positive, so its gradients are not all zero):
    its ``.grad`` is dL/da and its weights' ``.grad`` are dL/dw for that example. Returns it
    and the example's input."""
    neuron = run.model.layers[0].neurons[0]
    prefix = neuron.b.label.rpartition(".")[0]
    with no_grad():
        active = [k for k, x in enumerate(run.X_train) if neuron(x).data > 0.0]
    k = (active or [0])[0]
    point = run.X_train[k]
    inputs = [Value(x, label=f"x{i + 1}") for i, x in enumerate(point)]
    loss = run.loss([run.model(inputs)], [run.y_train[k]])
    loss.label = "L"
    run.model.zero_grad()  # the weights still hold the last batch's dL/dw
    loss.backward()
    return neuron_output(loss, prefix), list(point)


def write_neuron_picture(a: Value, path: Path) -> Path:
    """``neuron.svg`` (and ``neuron.dot``): the neuron ``a`` of :func:`neuron_in_the_loss` with
    the gradients the report's stepper ends with, what flows back through the neuron from
    ``delta(a) = dL/da``; the caption names the inputs whose whole gradient is more."""
    return render(a, path, edge_labels=True, seed=a.grad)


def _png(path: Path, alt: str) -> str:
    data = base64.b64encode(path.read_bytes()).decode("ascii")
    return f'<figure><img src="data:image/png;base64,{data}" alt="{html_escape(alt)}"></figure>'


def _table(rows: list[tuple[str, str]]) -> str:
    cells = "".join(f"<tr><th>{html_escape(k)}</th><td>{html_escape(v)}</td></tr>" for k, v in rows)
    return f'<table class="cr-metrics">{cells}</table>'


def _numbers(run: Run) -> list[tuple[str, str]]:
    history = run.history
    return [
        ("training loss", f"{history.loss[-1]:.4g}"),
        ("training accuracy", percent(history.accuracy[-1])),
        ("test loss", f"{run.test_loss[-1]:.4g}"),
        ("test accuracy", percent(run.test_accuracy[-1])),
        *_per_class(run),
        ("epochs", f"{history.epochs} (stopped: {history.stopped})"),
        ("points", f"{len(run.X_train)} training, {len(run.X_test)} test"),
        ("training time", f"{run.seconds:.1f} s"),
    ]


def _per_class(run: Run) -> list[tuple[str, str]]:
    shares = classes(run).per_class
    if len(shares) <= 2:
        return []
    return [
        ("test accuracy per class", ", ".join(f"{k}: {percent(a)}" for k, a in enumerate(shares)))
    ]


def _model(run: Run) -> str:
    model, args = run.model, run.args
    layers = [
        (f"layer {i}", f"{layer.nin} -> {len(layer.neurons)}, {layer.activation}, "
         f"{len(layer.parameters())} parameters")
        for i, layer in enumerate(model.layers)
    ]  # fmt: skip
    names = ("dataset", "samples", "loss", "optimizer", "batch_size", "seed")
    settings = [(name, str(getattr(args, name))) for name in names]
    settings.append(("learning rate", f"{run.lr:g}"))
    return (f'<pre class="cr-model">{html_escape(repr(model))}: '
            f"{len(model.parameters())} parameters</pre>\n{_table(layers + settings)}")  # fmt: skip


def write_report(
    run: Run, neuron: tuple[Value, list[float]], out: Path, path: Path, pictures: dict[str, str]
) -> Path:
    """The report page at ``path``, with the PNGs already written into ``out`` inlined
    (``pictures``: file name -> what it shows) and the stepper on ``neuron``, what
    :func:`neuron_in_the_loss` returned."""
    a, point = neuron
    where = ", ".join(f"x{i + 1} = {x:.4g}" for i, x in enumerate(point[:4]))
    where += f", ... ({len(point)} inputs)" if len(point) > 4 else ""
    name = a.label.rpartition(".")[0]
    title = f"{run.model!r} on {run.args.dataset}"
    body = f"""<h1>chainrule train: {html_escape(title)}</h1>
<h2>How it went</h2>
{_table(_numbers(run))}
<div class="cr-report-grid">
{"".join(_png(out / name, alt) for name, alt in pictures.items())}
</div>
<h2>The model</h2>
{_model(run)}
<h2>One neuron's backward pass: {html_escape(name)}</h2>
<p class="cr-intro">One training example, {where}, went through the
trained model, and the loss L was backpropagated. The neuron's output {html_escape(a.label)}
received &delta; = dL/d{html_escape(a.label.rpartition(".")[2])} = {a.grad:.4g} from the layers
after it; the steps below replay the chain rule inside the neuron from there, down to its
weights, its bias and the inputs (an input's gradient here is only the part that flows through
this neuron, as in neuron.svg, whose caption gives the rest).</p>
{stepper_section(a, seed=a.grad)}"""
    write_atomically(path, html_document(f"chainrule train: {title}", body).encode("utf-8"))
    return path
