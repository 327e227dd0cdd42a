"""Model files that cannot hurt: every module type round-trips, and every damaged, hostile or
strange file gives a ModelFileError naming it (or, for a harmless change, the same model)."""

import json
import os
import random
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import nn
from nn.architectures import kind_of
from nn.model_file import MAX_DIGITS, MAX_FILE_BYTES, MAX_PARAMETERS, signed

X = [[0.5, -1.0, 2.0], [1.0, 0.25, -0.5], [-2.0, 1.5, 0.0]]


def _trained_bn() -> nn.BatchNorm:
    bn = nn.BatchNorm(3, eps=1e-3, momentum=0.3)
    bn.forward_batch(X)  # moves the running statistics away from 0 and 1
    return bn


MODELS: dict[str, nn.Module] = {
    "mlp": nn.MLP(3, [4, 2], activation="tanh", seed=1),
    "mlp batchnorm residual dropout": nn.MLP(
        3, [4, 4, 1], activation="sigmoid", output_activation="sigmoid", seed=2, dropout=0.25,
        batchnorm=True, residual=True,
    ),
    "layer": nn.Layer(3, 3, activation="leaky_relu", rng=random.Random(3), batchnorm=True,
                      residual=True),
    "neuron": nn.Neuron(3, activation="linear", rng=random.Random(4)),
    "batchnorm": _trained_bn(),
    "dropout": nn.Dropout(0.4),
}  # fmt: skip
MODELS["mlp batchnorm residual dropout"].forward_batch(X)


def _same(a: nn.Module, b: nn.Module) -> bool:
    """Same type, architecture, weights and buffers."""
    kind = kind_of(a)
    return (
        type(a) is type(b)
        and kind.describe(a) == kind.describe(b)
        and (a.state_dict() == b.state_dict())
    )


@pytest.mark.parametrize("name", MODELS)
def test_every_module_type_round_trips(tmp_path: Path, name: str) -> None:
    model = MODELS[name]
    loaded = nn.load(nn.save(model, tmp_path / "m.json"))
    assert _same(loaded, model)
    model.eval(), loaded.eval()
    outputs = [loaded.forward_batch(X), model.forward_batch(X)]
    as_numbers = [json.dumps(o, default=lambda v: v.data) for o in outputs]
    assert as_numbers[0] == as_numbers[1]
    model.train()


def _saved(tmp_path: Path, name: str = "mlp") -> Path:
    return nn.save(MODELS[name], tmp_path / "m.json")


def _load_error(path: Path) -> str:
    with pytest.raises(nn.ModelFileError) as info:
        nn.load(path)
    message = str(info.value)
    assert message.startswith(f"{path}: ")
    return message


def test_only_regular_files_are_read(tmp_path: Path) -> None:
    fifo = tmp_path / "fifo.json"
    os.mkfifo(fifo)  # opening it for reading would wait for a writer forever
    assert "is a FIFO: a model file is a regular file" in _load_error(fifo)
    zero = tmp_path / "zero.json"
    zero.symlink_to("/dev/zero")  # endless
    assert "is a character device" in _load_error(zero)
    assert "is a folder" in _load_error(tmp_path)


def test_a_file_beyond_the_size_limit_is_not_read(tmp_path: Path) -> None:
    path = tmp_path / "big.json"
    with path.open("wb") as file:
        file.truncate(MAX_FILE_BYTES + 1)  # sparse: no disk space used
    assert f"too large for a model file: {MAX_FILE_BYTES + 1:,} bytes" in _load_error(path)


HOSTILE = {
    "not UTF-8": (b'{"format": "chainrule.\xff"}', r"not UTF-8 text \(byte 0xff at offset 22\)"),
    "brackets": (b"[" * 100_000, r"not a model file \(JSON nested too deeply\)"),
    "huge integer": (
        b'{"version": ' + b"9" * 5000 + b"}",
        rf"an integer of 5000 digits \(999999999999\.\.\.\): at most {MAX_DIGITS} digits",
    ),
    "repeated key": (b'{"version": 3, "version": 3}', "the key 'version' appears twice"),
    "a list": (b"[1, 2]", r"not a chainrule model file \(a JSON list"),
    "empty": (b"", "not valid JSON"),
    "NUL bytes": (b"\0" * 64, "not valid JSON"),
}


@pytest.mark.parametrize("case", HOSTILE)
def test_hostile_bytes_are_refused_naming_the_problem(tmp_path: Path, case: str) -> None:
    content, message = HOSTILE[case]
    path = tmp_path / "m.json"
    path.write_bytes(content)
    with pytest.raises(nn.ModelFileError, match=message):
        nn.load(path)


def _claim(tmp_path: Path, name: str, change: dict[str, Any]) -> str:
    path = _saved(tmp_path, name)
    document = json.loads(path.read_text())
    document["architecture"].update(change)
    path.write_text(json.dumps(signed(document)))
    return _load_error(path)


def test_huge_claims_are_refused_before_anything_is_built(tmp_path: Path) -> None:
    # each would take gigabytes (or forever) if the model were built before counting
    assert f"more than the {MAX_PARAMETERS:,}" in _claim(tmp_path, "mlp", {"nin": 1_000_000})
    assert f"more than the {MAX_PARAMETERS:,}" in _claim(tmp_path, "mlp", {"nouts": [2**63, 1]})
    assert "needs 42 weights, the file has 26" in _claim(tmp_path, "mlp", {"nin": 7})
    assert f"more than the {MAX_PARAMETERS:,}" in _claim(
        tmp_path, "batchnorm", {"num_features": 10**19}
    )
    assert "must be a positive int, got 1000000.0" in _claim(tmp_path, "neuron", {"nin": 1e6})
    assert "must be a positive int, got True" in _claim(tmp_path, "layer", {"nout": True})


def test_a_changed_module_type_or_unknown_field_is_refused(tmp_path: Path) -> None:
    path = _saved(tmp_path, "neuron")
    document = json.loads(path.read_text())
    for change, message in (
        ({"module": "Transformer"}, "unknown module type 'Transformer'"),
        ({"module": "Layer"}, "bad architecture: unexpected architecture field|missing field"),
        ({"extra": 1}, "unexpected field 'extra' in a version 3 file"),
        ({"version": 2}, "unexpected field 'module' in a version 2 file"),
    ):
        path.write_text(json.dumps(signed({**document, **change})))
        with pytest.raises(nn.ModelFileError, match=message):
            nn.load(path)


# --- fuzzing: every outcome is a clean ModelFileError naming the file, or the model itself


def _outcome(path: Path, expected: nn.Module | None) -> None:
    """Loading ``path`` gives a ModelFileError naming it, or a model equal to ``expected``
    (None: the one the file describes, for files signed again after a change)."""
    try:
        loaded = nn.load(path)
    except nn.ModelFileError as err:
        message = str(err)
    else:
        message = ""
    if message:
        assert message.startswith(f"{path}: ")
        return
    if expected is not None:
        assert _same(loaded, expected)
        return
    document = json.loads(path.read_text())  # numbers are read as the nearest float
    assert _floats(kind_of(loaded).describe(loaded)) == _floats(document["architecture"])
    assert loaded.state_dict() == _floats({**document["weights"], **document["buffers"]})


def _floats(tree: Any) -> Any:
    if isinstance(tree, dict):
        return {key: _floats(value) for key, value in tree.items()}
    if isinstance(tree, list):
        return [_floats(value) for value in tree]
    return float(tree) if type(tree) is int else tree


FUZZ = settings(suppress_health_check=[HealthCheck.function_scoped_fixture])


@FUZZ
@given(name=st.sampled_from(sorted(MODELS)), cut=st.floats(0.0, 1.0))
def test_truncated_files(tmp_path: Path, name: str, cut: float) -> None:
    path = _saved(tmp_path, name)
    data = path.read_bytes()
    path.write_bytes(data[: int(cut * (len(data) - 1))])
    _outcome(path, MODELS[name])


@FUZZ
@given(name=st.sampled_from(sorted(MODELS)), where=st.floats(0.0, 1.0), byte=st.integers(0, 255))
def test_files_with_a_changed_byte(tmp_path: Path, name: str, where: float, byte: int) -> None:
    path = _saved(tmp_path, name)
    data = bytearray(path.read_bytes())
    data[int(where * (len(data) - 1))] = byte
    path.write_bytes(bytes(data))
    _outcome(path, MODELS[name])


JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=8),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=4), inner,
                                                                max_size=3),
    max_leaves=6,
)  # fmt: skip
SIZES = st.integers(-2, 3) | st.integers(10**6, 2**64) | st.just(2**63)


@FUZZ
@given(
    name=st.sampled_from(sorted(MODELS)),
    section=st.sampled_from(["architecture", "weights", "buffers", "top"]),
    pick=st.integers(0, 10**6),
    value=JSON | SIZES | st.lists(SIZES, max_size=3),
    sign=st.booleans(),
)
def test_files_with_a_value_of_another_type_or_size(
    tmp_path: Path, name: str, section: str, pick: int, value: Any, sign: bool
) -> None:
    path = _saved(tmp_path, name)
    document = json.loads(path.read_text())
    target = document if section == "top" else document[section]
    if target:
        target[sorted(target)[pick % len(target)]] = value
    path.write_text(json.dumps(signed(document) if sign else document))
    _outcome(path, None if sign else MODELS[name])
