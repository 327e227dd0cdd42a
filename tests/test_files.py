"""The atomic writer: only regular files are replaced, permissions are kept, errors name the
target, and temporaries of interrupted saves are cleaned up."""

import os
import signal
import stat
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from autograd.files import ORPHAN_AGE, check_target, write_atomically


def test_writes_a_new_file_with_the_umask_applied(tmp_path: Path) -> None:
    umask = os.umask(0o027)
    try:
        write_atomically(tmp_path / "new.txt", b"hello")
    finally:
        os.umask(umask)
    assert (tmp_path / "new.txt").read_bytes() == b"hello"
    assert stat.S_IMODE((tmp_path / "new.txt").stat().st_mode) == 0o640
    assert os.listdir(tmp_path) == ["new.txt"]


def test_keeps_the_permissions_of_the_file_it_replaces(tmp_path: Path) -> None:
    target = tmp_path / "m.json"
    target.write_bytes(b"old")
    target.chmod(0o604)
    write_atomically(target, b"new")
    assert target.read_bytes() == b"new"
    assert stat.S_IMODE(target.stat().st_mode) == 0o604


def test_refuses_a_read_only_file_and_leaves_it_alone(tmp_path: Path) -> None:
    target = tmp_path / "m.json"
    target.write_bytes(b"old")
    target.chmod(0o444)
    with pytest.raises(PermissionError, match=r"it is read-only \(mode 0444\).*chmod u\+w") as err:
        write_atomically(target, b"new")
    assert err.value.filename == str(target)
    assert target.read_bytes() == b"old"
    assert stat.S_IMODE(target.stat().st_mode) == 0o444
    assert os.listdir(tmp_path) == ["m.json"]


def test_refuses_a_symbolic_link_and_leaves_both_files_alone(tmp_path: Path) -> None:
    real, link = tmp_path / "real.json", tmp_path / "link.json"
    real.write_bytes(b"old")
    link.symlink_to(real)
    with pytest.raises(OSError, match=r"it is a symbolic link \(to .*real\.json\)") as err:
        write_atomically(link, b"new")
    assert err.value.filename == str(link)
    assert link.is_symlink()
    assert real.read_bytes() == b"old"


def test_refuses_devices_fifos_and_folders(tmp_path: Path) -> None:
    fifo = tmp_path / "fifo"
    os.mkfifo(fifo)
    for target, message in (
        (Path(os.devnull), "it is a character device, not a regular file"),
        (fifo, "it is a FIFO, not a regular file"),
        (tmp_path, "it is a folder"),
    ):
        with pytest.raises(OSError, match=message):
            write_atomically(target, b"x")
        with pytest.raises(OSError, match=message):
            check_target(target)
    assert stat.S_ISCHR(os.stat(os.devnull).st_mode)
    assert stat.S_ISFIFO(fifo.stat().st_mode)
    assert os.listdir(tmp_path) == ["fifo"]


def test_errors_name_the_target_not_the_temporary(tmp_path: Path) -> None:
    target = tmp_path / "nope" / "m.json"
    with pytest.raises(FileNotFoundError) as err:
        write_atomically(target, b"x")
    assert err.value.filename == str(target)
    assert ".tmp" not in str(err.value)
    with pytest.raises(FileNotFoundError, match=r"the folder .*nope does not exist"):
        check_target(target)


@pytest.mark.slow  # a subprocess
def test_a_failed_write_names_the_target_and_keeps_the_old_file(tmp_path: Path) -> None:
    # The file-size limit makes write() fail in the kernel, as a full disk does (ENOSPC):
    # an error that by itself names no file.
    target = tmp_path / "m.json"
    target.write_bytes(b"old")
    program = f"""
        import errno, resource, signal
        from autograd.files import write_atomically
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
        resource.setrlimit(resource.RLIMIT_FSIZE, (1000, 1000))
        try:
            write_atomically({str(target)!r}, b"x" * 100_000)
        except OSError as err:
            print(errno.errorcode[err.errno], err.filename, err)
    """
    result = subprocess.run(
        [sys.executable, "-c", textwrap.dedent(program)], capture_output=True, text=True
    )
    assert result.stdout.split()[:2] == ["EFBIG", str(target)], result.stderr
    assert ".tmp" not in result.stdout
    assert target.read_bytes() == b"old"
    assert os.listdir(tmp_path) == ["m.json"]


def _interrupted_save(target: Path) -> Path:
    """A save killed half-way: its temporary created, locked and partly written."""
    program = f"""
        import os, signal
        from pathlib import Path
        from autograd.files import _create_temporary, _lock
        handle, name = _create_temporary(Path({str(target)!r}))
        _lock(handle)
        os.write(handle, b"half a mod")
        print(name, flush=True)
        os.kill(os.getpid(), signal.SIGKILL)
    """
    result = subprocess.run(
        [sys.executable, "-c", textwrap.dedent(program)], capture_output=True, text=True
    )
    assert result.returncode == -signal.SIGKILL
    return Path(result.stdout.strip())


def test_temporaries_of_interrupted_saves_are_removed_by_the_next_save(tmp_path: Path) -> None:
    target = tmp_path / "m.json"
    target.write_bytes(b"old")
    orphan = _interrupted_save(target)
    assert orphan.name.startswith(".m.json.")
    assert orphan.exists()
    assert target.read_bytes() == b"old"  # the interrupted save changed nothing
    young = tmp_path / ".m.json.0123abcd.tmp"  # a save just starting: not yet locked
    young.write_bytes(b"")
    other = tmp_path / ".m.json.backup.tmp"  # not a name the writer makes
    other.write_bytes(b"keep")
    past = time.time() - 10 * ORPHAN_AGE
    for path in (orphan, other):
        os.utime(path, (past, past))
    write_atomically(target, b"new")
    assert sorted(os.listdir(tmp_path)) == sorted(["m.json", young.name, other.name])
    assert target.read_bytes() == b"new"


@pytest.mark.slow  # a subprocess
def test_a_temporary_being_written_is_not_taken_for_an_orphan(tmp_path: Path) -> None:
    target = tmp_path / "m.json"
    program = f"""
        import os, sys
        from pathlib import Path
        from autograd.files import _create_temporary, _lock
        handle, name = _create_temporary(Path({str(target)!r}))
        _lock(handle)
        print(name, flush=True)
        sys.stdin.read()  # holds the lock until the test closes stdin
    """
    writer = subprocess.Popen(
        [sys.executable, "-c", textwrap.dedent(program)],
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True,
    )  # fmt: skip
    assert writer.stdout is not None
    assert writer.stdin is not None
    live = Path(writer.stdout.readline().strip())
    past = time.time() - 10 * ORPHAN_AGE
    os.utime(live, (past, past))
    write_atomically(target, b"new")
    assert live.exists()
    writer.stdin.close()
    writer.wait(timeout=30)
