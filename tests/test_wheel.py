"""What ``pip install chainrule`` would give: the sdist and wheel built from this checkout
(``python -m build``: the wheel is built from the unpacked sdist, so the sdist is complete),
their file lists, their metadata, and the wheel installed (not editable) with the ``viz`` extra
into a fresh virtual environment without torch, where the command trains and draws.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tarfile
import zipfile
from email.parser import Parser
from pathlib import Path

import pytest

from tests.test_notebooks import stored_state

pytestmark = pytest.mark.slow  # an integration test: pytest -m "not slow" leaves it out

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = ("autograd", "nn", "chainrule")
PNG = b"\x89PNG\r\n\x1a\n"


def run(*command: str | Path, cwd: Path) -> str:
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "VIRTUAL_ENV")}
    done = subprocess.run(
        [str(c) for c in command], cwd=cwd, env=env, capture_output=True, text=True, timeout=600
    )
    assert done.returncode == 0, f"{command} failed:\n{done.stdout}\n{done.stderr}"
    return done.stdout


@pytest.fixture(scope="module")
def dists(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    out = tmp_path_factory.mktemp("dist")
    run(sys.executable, "-m", "build", "--outdir", out, ROOT, cwd=out)
    (wheel,), (sdist,) = out.glob("*.whl"), out.glob("*.tar.gz")
    return wheel, sdist


@pytest.fixture(scope="module")
def venv(dists: tuple[Path, Path], tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A fresh virtual environment with the wheel and its viz extra installed: its bin/."""
    home = tmp_path_factory.mktemp("venv")
    run(sys.executable, "-m", "venv", home / "v", cwd=home)
    run(home / "v/bin/pip", "install", "--quiet", f"{dists[0]}[viz]", cwd=home)
    return home / "v/bin"


def wheel_files(wheel: Path) -> list[str]:
    with zipfile.ZipFile(wheel) as archive:
        return archive.namelist()


def test_the_wheel_holds_the_packages_their_markers_and_the_license(
    dists: tuple[Path, Path],
) -> None:
    wheel, sdist = dists
    files = wheel_files(wheel)
    info = f"chainrule-{wheel.name.split('-')[1]}.dist-info/"
    ours = [f for f in files if not f.startswith(info)]
    assert {f.split("/")[0] for f in ours} == set(PACKAGES)
    allowed = (".py", "py.typed", "viz/assets/page.js", "viz/assets/page.css")  # the page's own
    assert all(f.endswith(allowed) for f in ours), ours  # no caches, no data
    assert {f"{p}/py.typed" for p in PACKAGES} <= set(files)
    assert f"{info}licenses/LICENSE" in files
    with zipfile.ZipFile(wheel) as archive:
        entry_points = archive.read(f"{info}entry_points.txt").decode()
    assert "chainrule = chainrule.launch:run" in entry_points
    with tarfile.open(sdist) as archive:
        top = f"{sdist.name.removesuffix('.tar.gz')}/"
        in_sdist = [n.removeprefix(top) for n in archive.getnames()]
    assert sorted(ours) == sorted(f for f in in_sdist if f.split("/")[0] in PACKAGES)


def test_the_sdist_holds_what_the_tests_need_and_no_outputs(dists: tuple[Path, Path]) -> None:
    sdist = dists[1]
    top = f"{sdist.name.removesuffix('.tar.gz')}/"
    with tarfile.open(sdist) as archive:
        names = [n.removeprefix(top) for n in archive.getnames()]
        notebooks = {
            n: json.load(archive.extractfile(top + n))  # type: ignore[arg-type]
            for n in names
            if n.endswith(".ipynb")
        }
    assert {"LICENSE", "README.md", "pyproject.toml", "tests/test_wheel.py"} <= set(names)
    assert len(notebooks) >= 6
    assert {n: stored_state(nb) for n, nb in notebooks.items()} == {n: [] for n in notebooks}
    unwanted = ("__pycache__", ".pyc", ".venv", "chainrule-out", ".hypothesis", ".ci/")
    assert [n for n in names if any(u in n for u in unwanted)] == []


def test_the_metadata_renders_and_describes_the_package(dists: tuple[Path, Path]) -> None:
    run(sys.executable, "-m", "twine", "check", "--strict", *dists, cwd=dists[0].parent)
    with zipfile.ZipFile(dists[0]) as archive:
        name = next(n for n in archive.namelist() if n.endswith(".dist-info/METADATA"))
        metadata = Parser().parsestr(archive.read(name).decode())
    assert metadata["License-Expression"] == "MIT"
    assert metadata["Keywords"]
    assert len(metadata.get_all("Classifier")) >= 10
    assert {url.split(",")[0] for url in metadata.get_all("Project-URL")} >= {"Homepage", "Source"}
    readme = metadata.get_payload()
    assert metadata["Description-Content-Type"] == "text/markdown"
    assert readme.startswith("# chainrule")
    assert "](docs/" not in readme  # relative links point at the repository on an index page


def test_the_installed_wheel_trains_and_draws(venv: Path, tmp_path: Path) -> None:
    assert run(venv / "chainrule", "--version", cwd=tmp_path).startswith("chainrule ")
    options = ["--samples", "40", "--hidden", "4", "--epochs", "3", "--quiet", "--out", "out"]
    run(venv / "chainrule", "train", *options, cwd=tmp_path)
    assert (tmp_path / "out/boundary.png").read_bytes().startswith(PNG)
    assert "<svg" in (tmp_path / "out/neuron.svg").read_text()
    draw = (
        "import autograd, nn; from autograd import Value; from autograd.viz import render\n"
        "x = Value(2.0, label='x'); y = (x * x - 3).tanh(); y.backward()\n"
        "render(y, 'y.png'); print(autograd.__file__); print(nn.__file__)"
    )
    where = run(venv / "python", "-c", draw, cwd=tmp_path).split()
    assert all(Path(w).is_relative_to(venv.parent) for w in where), where  # not this checkout
    assert (tmp_path / "y.png").read_bytes().startswith(PNG)
    assert run(venv / "python", "-m", "chainrule", "--version", cwd=tmp_path).startswith(
        "chainrule"
    )


@pytest.mark.parametrize(
    "code", ["import nn; nn.to_torch(nn.MLP(2, [1]))", "import autograd.testing.torch"]
)
def test_without_torch_the_bridge_says_how_to_install_it(venv: Path, code: str) -> None:
    done = subprocess.run([venv / "python", "-c", code], capture_output=True, text=True)
    assert done.returncode == 1
    last = done.stderr.strip().splitlines()[-1]
    assert last.endswith("needs PyTorch, which is not installed: pip install 'chainrule[torch]'")
