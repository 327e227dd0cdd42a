"""Draw the pictures in docs/: python docs/images/make_images.py (needs chainrule[viz])."""

from pathlib import Path

from PIL import Image  # pillow comes with matplotlib in the viz extra

import nn
from autograd import Value
from autograd.graph import topo_order
from autograd.viz import render

HERE = Path(__file__).parent


def neuron() -> Value:
    """micrograd's neuron o = tanh(x1 w1 + x2 w2 + b), every node labelled."""
    x1, x2 = Value(2.0, label="x1"), Value(0.0, label="x2")
    w1, w2 = Value(-3.0, label="w1"), Value(1.0, label="w2")
    b = Value(6.8813735870195432, label="b")
    x1w1, x2w2 = x1 * w1, x2 * w2
    x1w1.label, x2w2.label = "x1*w1", "x2*w2"
    s = x1w1 + x2w2
    s.label = "x1*w1 + x2*w2"
    n = s + b
    n.label = "n"
    o = n.tanh()
    o.label = "o"
    return o


def mlp_loss() -> Value:
    model = nn.MLP(2, [16, 16, 1], activation="relu", seed=0)
    out = model([Value(0.5, label="x0"), Value(-1.0, label="x1")])
    loss = (out - 1.0) ** 2
    loss.label = "loss"
    return loss


def neuron_in(loss: Value) -> Value:
    """The first active neuron of the first layer that the loss sends a gradient back to."""
    outputs = [
        n for n in topo_order(loss) if n.label.startswith("layers.0.") and n.label[-2:] == ".a"
    ]
    return next(a for a in outputs if a.grad and a.data > 0)  # active, so gradients flow


def digits_mistakes() -> Path:
    """The test digits ``chainrule train --dataset digits`` gets wrong (README's picture)."""
    import shutil
    import tempfile

    from chainrule.cli import main

    with tempfile.TemporaryDirectory() as folder:
        assert main(["train", "--dataset", "digits", "--quiet", "--out", folder]) == 0
        target = HERE / "digits_mistakes.png"
        shutil.copyfile(Path(folder) / "mistakes.png", target)
    return shrink(target)


def shrink(path: Path) -> Path:
    """Rewrite a PNG with a 128-colour palette: a third of the size, no visible change for
    flat-coloured diagrams."""
    image = Image.open(path).convert("RGB")
    palette = image.quantize(128, Image.Quantize.MEDIANCUT, dither=Image.Dither.NONE)
    palette.save(path, optimize=True)
    return path


if __name__ == "__main__":
    o = neuron()
    o.backward()
    print(shrink(render(o, HERE / "neuron_backward.png", edge_labels=True)))
    loss = mlp_loss()
    loss.backward()
    print(shrink(render(loss, HERE / "mlp_grouped.png", group_by=4)))
    a = neuron_in(loss)  # drawn alone: what flows through it, the caption gives the rest
    print(shrink(render(a, HERE / "neuron_cut_out.png", edge_labels=True, seed=a.grad)))
    print(digits_mistakes())
