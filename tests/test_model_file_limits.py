"""Hostile model files are refused before they are parsed: each one is loaded in a child
process with its memory and CPU time capped, which reports the refusal and what it used."""

import json
import re
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

import nn

pytestmark = pytest.mark.slow  # a subprocess per file

MB = 10**6
BIG = 96 * MB  # under the 100 MB a model file may take
PEAK = 200 * MB  # resident memory the refusal may take, the interpreter included
LOADER = """
import json, resource, sys, time
resource.setrlimit(resource.RLIMIT_CPU, (60, 60))  # a hang ends, it does not stall the tests
resource.setrlimit(resource.RLIMIT_AS, (2 << 30, 2 << 30))
import nn
start = time.perf_counter()
try:
    nn.load(sys.argv[1])
    message = None
except nn.ModelFileError as err:
    message = str(err)
seconds = time.perf_counter() - start
# VmHWM: this process's peak since exec (ru_maxrss would count the forked test process too)
status = open("/proc/self/status").read().split("VmHWM:")[1]
peak = int(status.split()[0]) * 1024
print(json.dumps({"message": message, "seconds": seconds, "peak": peak}))
"""


def _head(folder: Path, **architecture: object) -> str:
    """A saved file's text up to its weights, the architecture changed as given."""
    document = json.loads(nn.save(nn.MLP(2, [3, 1], seed=0), folder / "small.json").read_text())
    document["architecture"].update(architecture)
    fields = {key: document[key] for key in ("format", "version", "module", "architecture")}
    return json.dumps(fields)[:-1]


def _weights(n_bytes: int) -> Iterator[str]:
    """Weight entries ``"w<i>": 0.5`` filling about ``n_bytes``, in chunks."""
    i = 0
    while n_bytes > 0:
        chunk = ", ".join(f'"w{k}": 0.5' for k in range(i, i + 10_000))
        i += 10_000
        n_bytes -= len(chunk)
        yield chunk + ", "


def _write(path: Path, *parts: str | Iterator[str]) -> Path:
    with path.open("w", encoding="utf-8") as out:
        for part in parts:
            out.writelines([part] if isinstance(part, str) else part)
    return path


def _hostile(tmp_path: Path, case: str) -> Path:
    path, head, notes = tmp_path / f"{case}.json", _head(tmp_path), ("x" * MB for _ in range(96))
    weights = ', "buffers": {}, "weights": {'
    if case == "claims 64,000,001 parameters":  # MLP(64e6, [1]): 64e6 weights and a bias
        head = _head(tmp_path, nin=64_000_000, nouts=[1])
        return _write(path, head, weights, _weights(BIG), '"b": 0.5}, "checksum": "sha256:0"}')
    if case == "a million keys":
        keys = ", ".join(f'"k{i}": 0.5' for i in range(10**6))
        return _write(path, head, weights, keys, '}, "checksum": ""}')
    if case == "a 96 MB unknown field":
        return _write(path, head, ', "notes": "', notes, '"}')
    if case == "a 96 MB unknown field after the weights":
        return _write(path, head, weights, '}, "notes": "', notes, '"}')
    raise AssertionError(case)


CASES = {
    "claims 64,000,001 parameters": "the architecture makes 64,000,001 parameters and buffers",
    "a million keys": "bytes, more than a MLP of 13 parameters and buffers takes",
    "a 96 MB unknown field": "unexpected field 'notes'",
    "a 96 MB unknown field after the weights": "more than a MLP of 13 parameters",
}


@pytest.mark.parametrize("case", CASES)
def test_a_hostile_file_is_refused_before_it_is_parsed(tmp_path: Path, case: str) -> None:
    path = _hostile(tmp_path, case)
    run = subprocess.run(
        [sys.executable, "-c", LOADER, str(path)], capture_output=True, text=True, timeout=300
    )
    assert run.returncode == 0, run.stderr
    report = json.loads(run.stdout)
    print(f"{case}: {path.stat().st_size:,} bytes refused in {report['seconds']:.3f} s, "
          f"peak {report['peak'] / MB:.0f} MB: {report['message']}")  # fmt: skip
    assert report["message"] is not None
    assert report["message"].startswith(f"{path}: ")
    assert re.search(CASES[case], report["message"]), report["message"]
    assert report["peak"] < PEAK
