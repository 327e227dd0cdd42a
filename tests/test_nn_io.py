"""save/load: exact round trips, atomic writes, and clear errors for bad files."""

# ruff: noqa: N806 (X: the usual name for a batch of inputs)
import json
import math
import os
import re

import pytest

import nn
from autograd.files import write_atomically
from nn import data
from nn.model_file import signed


@pytest.fixture
def model():
    m = nn.MLP(2, [5, 3, 2], activation="tanh", output_activation="sigmoid", seed=0, dropout=0.2)
    X, y = data.make_blobs(12, centers=2, seed=0)
    nn.fit(m, X, y, loss=nn.cross_entropy, epochs=2)
    return m


def test_round_trip_gives_identical_outputs(tmp_path, model):
    path = nn.save(model, tmp_path / "model.json")
    loaded = nn.load(path)
    assert loaded.state_dict() == model.state_dict()
    assert (loaded.nin, loaded.nouts, loaded.activation, loaded.output_activation) == (
        2,
        [5, 3, 2],
        "tanh",
        "sigmoid",
    )
    assert loaded.dropout.p == 0.2
    model.eval(), loaded.eval()
    for x in ([0.1, -0.3], [2.0, 5.0]):
        assert [v.data for v in loaded(x)] == [v.data for v in model(x)]
    assert all(p.label == name for name, p in loaded.named_parameters())


def test_file_is_plain_json_with_version(tmp_path, model):
    document = json.loads(nn.save(model, tmp_path / "m.json").read_text())
    assert document["format"] == "chainrule.mlp"
    assert document["version"] == 3
    assert document["module"] == "MLP"
    assert len(document["weights"]) == len(model.parameters())
    assert re.fullmatch("sha256:[0-9a-f]{64}", document["checksum"])


def test_atomic_write_leaves_no_temporary_and_keeps_old_file_on_failure(tmp_path, model):
    path = nn.save(model, tmp_path / "m.json")
    old = path.read_text()
    bad = nn.MLP(2, [1], seed=0)
    bad.layers[0].neurons[0].w[0].data = float("nan")
    with pytest.raises(ValueError, match=r"non-finite weights: layers\.0\.neurons\.0\.w\.0 = nan"):
        nn.save(bad, path)
    with pytest.raises(FileNotFoundError):
        write_atomically(tmp_path / "missing-folder" / "m.json", b"{}")
    assert path.read_text() == old
    assert os.listdir(tmp_path) == ["m.json"]
    assert (path.stat().st_mode & 0o777) != 0o600  # ordinary permissions, not mkstemp's


def edit(path, change):
    """Change the document and sign it again: a file made by hand, with a valid checksum."""
    document = json.loads(path.read_text())
    change(document)
    path.write_text(json.dumps(signed(document)))


CORRUPTIONS = {
    "truncated": (lambda p: p.write_text(p.read_text()[:200]), "not valid JSON"),
    "not a model": (lambda p: p.write_text("[1, 2]"), "not a chainrule model file"),
    "unknown version": (
        lambda p: edit(p, lambda d: d.update(version=99)),
        "unknown format version 99",
    ),
    "no version": (lambda p: edit(p, lambda d: d.pop("version")), "unknown format version None"),
    "no weights": (lambda p: edit(p, lambda d: d.pop("weights")), "missing field 'weights'"),
    "no nouts": (
        lambda p: edit(p, lambda d: d["architecture"].pop("nouts")),
        "missing field 'nouts'",
    ),
    "bad activation": (
        lambda p: edit(p, lambda d: d["architecture"].update(activation="swish")),
        "bad architecture: field 'activation' must be one of .* got 'swish'",
    ),
    "wrong shape": (
        lambda p: edit(p, lambda d: d["architecture"].update(nouts=[5, 4, 2])),
        r"the architecture needs 49 weights, the file has 41",
    ),
    "missing weight": (
        lambda p: edit(p, lambda d: d["weights"].pop("layers.2.neurons.1.b")),
        r"the architecture needs 41 weights, the file has 40",
    ),
    "extra weight": (
        lambda p: edit(p, lambda d: d["weights"].update({"layers.9.x": 1.0})),
        r"the architecture needs 41 weights, the file has 42",
    ),
    "string weight": (
        lambda p: edit(p, lambda d: d["weights"].update({"layers.0.neurons.0.b": "0.5"})),
        "weight 'layers.0.neurons.0.b' must be a finite number, got '0.5'",
    ),
    "renamed weight": (
        lambda p: edit(
            p, lambda d: d["weights"].update({"x": d["weights"].pop("layers.0.neurons.0.b")})
        ),
        r"the weights do not match the architecture \(missing 'layers.0.neurons.0.b'\)",
    ),
    "changed digit": (
        lambda p: p.write_text(
            re.sub(
                r'("layers.0.neurons.0.w.0": -?\d\.)(\d)',
                lambda m: m[1] + str((int(m[2]) + 1) % 10),
                p.read_text(),
            )
        ),
        "the content does not match its checksum",
    ),
    "nan weight": (
        lambda p: edit(p, lambda d: d["weights"].update({"layers.0.neurons.0.b": math.nan})),
        "weight 'layers.0.neurons.0.b' must be a finite number, got nan",
    ),
    "infinite weight": (
        lambda p: edit(p, lambda d: d["weights"].update({"layers.1.neurons.0.w.2": 1e999})),
        "weight 'layers.1.neurons.0.w.2' must be a finite number, got inf",
    ),
}


@pytest.mark.parametrize("case", CORRUPTIONS)
def test_corrupt_files_are_rejected_with_the_file_and_the_problem(tmp_path, model, case):
    path = nn.save(model, tmp_path / "model.json")
    corrupt, message = CORRUPTIONS[case]
    corrupt(path)
    with pytest.raises(nn.ModelFileError, match=message) as info:
        nn.load(path)
    assert str(info.value).startswith(str(path))


def test_save_names_the_file_it_could_not_write(tmp_path, model):
    target = tmp_path / "nope" / "m.json"
    with pytest.raises(FileNotFoundError) as info:
        nn.save(model, target)
    assert info.value.filename == str(target)
    assert ".tmp" not in str(info.value)


def test_missing_file_and_modules_of_other_types():
    with pytest.raises(FileNotFoundError):
        nn.load("no-such-model.json")

    class Custom(nn.MLP):
        pass

    with pytest.raises(TypeError, match=r"save writes nn's own modules .*got Custom"):
        nn.save(Custom(2, [2]), "unused.json")
