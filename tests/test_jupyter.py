"""The README's Jupyter command works: ``.venv/bin/jupyter lab notebooks/`` starts a server
that serves JupyterLab, lists the notebooks and starts this environment's ``python3`` kernel;
``jupyter nbconvert`` is there. The server listens on 127.0.0.1 only, with a token, in a home
folder of its own, and is stopped at the end."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

pytestmark = pytest.mark.slow  # an integration test: pytest -m "not slow" leaves it out

ROOT = Path(__file__).resolve().parent.parent
JUPYTER = Path(sys.executable).parent / "jupyter"
TOKEN = "chainrule-test"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


def isolated(home: Path) -> dict[str, str]:
    """The environment with a home (and Jupyter's folders) of its own."""
    folders = {"HOME": "", "JUPYTER_CONFIG_DIR": "config", "JUPYTER_DATA_DIR": "data"}
    folders["JUPYTER_RUNTIME_DIR"] = "run"
    return {**os.environ, **{name: str(home / sub) for name, sub in folders.items()}}


class Server:
    def __init__(self, port: int, home: Path) -> None:
        self.base, self.home = f"http://127.0.0.1:{port}", home

    def request(self, path: str, method: str = "GET") -> tuple[int, str]:
        request = urllib.request.Request(
            f"{self.base}{path}", method=method, headers={"Authorization": f"token {TOKEN}"}
        )
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, response.read().decode()

    def json(self, path: str, method: str = "GET") -> Any:
        return json.loads(self.request(path, method)[1])


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    home, port = tmp_path_factory.mktemp("home"), free_port()
    command = [str(JUPYTER), "lab", "notebooks/", "--no-browser", "--ServerApp.ip=127.0.0.1",
               f"--ServerApp.port={port}", "--ServerApp.port_retries=0",
               f"--IdentityProvider.token={TOKEN}"]  # fmt: skip
    if os.geteuid() == 0:  # CI runs as root, which Jupyter refuses unless told
        command.append("--allow-root")
    log = (home / "server.log").open("w")
    process = subprocess.Popen(command, cwd=ROOT, env=isolated(home), stdout=log, stderr=log)
    try:
        lab = Server(port, home)
        deadline = time.monotonic() + 90
        while True:
            try:
                lab.request("/api/status")
                break
            except OSError:
                if process.poll() is not None or time.monotonic() > deadline:
                    pytest.fail(f"jupyter lab did not start:\n{(home / 'server.log').read_text()}")
                time.sleep(0.25)
        yield lab
    finally:
        process.terminate()
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        log.close()


def test_jupyter_lab_serves_the_notebooks(server: Server) -> None:
    status, page = server.request("/lab")
    assert status == 200
    assert "JupyterLab" in page
    listing = {item["name"] for item in server.json("/api/contents")["content"]}
    assert "01_values_and_graphs.ipynb" in listing


def test_its_python3_kernel_is_this_environments_and_starts(server: Server) -> None:
    specs = server.json("/api/kernelspecs")
    assert specs["default"] == "python3"
    kernel = server.json("/api/kernels", method="POST")
    deadline = time.monotonic() + 60
    while not kernel_commands(server.home):
        assert time.monotonic() < deadline, "no kernel process started"
        time.sleep(0.25)
    assert kernel_commands(server.home) == [sys.executable]  # this venv's python, not another
    assert server.json(f"/api/kernels/{kernel['id']}")["name"] == "python3"
    server.request(f"/api/kernels/{kernel['id']}", method="DELETE")


def kernel_commands(home: Path) -> list[str]:
    """The programs running the kernels whose connection files are in ``home``'s runtime
    folder (read from /proc: the kernel spec says "python", resolved when launched)."""
    found = []
    for cmdline in Path("/proc").glob("[0-9]*/cmdline"):
        try:
            argv = cmdline.read_bytes().decode().split("\0")
        except OSError:  # the process ended meanwhile
            continue
        if "ipykernel_launcher" in argv and any(str(home / "run") in a for a in argv):
            found.append(argv[0])
    return found


def test_nbconvert_is_installed(tmp_path: Path) -> None:
    notebook = ROOT / "notebooks/01_values_and_graphs.ipynb"
    command = [str(JUPYTER), "nbconvert", "--to", "html", str(notebook), "--output-dir", "."]
    done = subprocess.run(
        command, cwd=tmp_path, env=isolated(tmp_path), capture_output=True, text=True
    )
    assert done.returncode == 0, done.stderr
    assert "<html" in (tmp_path / "01_values_and_graphs.html").read_text()
