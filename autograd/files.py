"""Writing files whole: a reader sees the old file or the new one, never half of either.

Used by pictures, model files and the command's outputs alike; standard library only.

The conventions of careful atomic writers:

- the new content goes to a temporary file in the target's folder (``.<name>.<8 hex>.tmp``,
  created with ``O_EXCL`` and mode 0666 so the umask applies, as for any new file), which is
  fsynced, given the target's permissions (and owner, where allowed), renamed over the target
  with ``os.replace``, and the folder is fsynced so the rename itself survives a crash;
- only a regular file is replaced: a symbolic link, a folder, a device, a FIFO or a socket at
  the target is refused (replacing a link would leave the file it points to stale, replacing
  ``/dev/full`` as root would delete the device), and so is a read-only file: renaming over a
  file needs no permission on the file itself, so a read-only mode is the only sign that its
  owner does not want it replaced;
- every error names the target file, never the temporary one (``No space left on device:
  'model.json'``);
- a temporary file is locked (``flock``) while it is written, so temporaries left by an
  interrupted save (a killed process) are recognised, being unlocked and a few seconds old,
  and removed by the next save to the same target.
"""

from __future__ import annotations

import contextlib
import errno
import os
import secrets
import stat
import sys
import time
from pathlib import Path

ORPHAN_AGE = 2.0  # seconds: a younger temporary may belong to a save just starting
_KINDS = {stat.S_IFCHR: "a character device", stat.S_IFBLK: "a block device",
          stat.S_IFIFO: "a FIFO", stat.S_IFSOCK: "a socket"}  # fmt: skip


def write_atomically(path: str | os.PathLike[str], data: bytes) -> None:
    """Write ``data`` to ``path`` so a reader sees the old file or the whole new one, never
    half of it (see the module's docstring). Raises ``OSError`` naming ``path``: for a target
    that is not a regular file or is read-only, and for any failure while writing."""
    path = Path(path)
    try:
        mode, owner = _target(path)
        _remove_orphans(path)
        handle, temporary = _create_temporary(path)
    except OSError as err:
        raise _naming(err, path) from None
    try:
        _lock(handle)  # held until the rename: a live temporary is never taken for an orphan
        view = memoryview(data)
        while view:
            view = view[os.write(handle, view) :]
        os.fsync(handle)  # on disk before the rename, so a crash leaves old or new
        if mode is not None:
            os.fchmod(handle, mode)
        _keep_owner(handle, owner)
        os.replace(temporary, path)
    except BaseException as err:
        Path(temporary).unlink(missing_ok=True)
        if isinstance(err, OSError):
            raise _naming(err, path) from None
        raise
    finally:
        os.close(handle)
    _sync_folder(path.parent)


def check_target(path: str | os.PathLike[str]) -> None:
    """Raise the ``OSError`` that ``write_atomically(path, ...)`` would raise because of what
    is at ``path`` or its folder (a link, a device, a read-only file, no such folder), so a
    long computation can be refused before it starts."""
    path = Path(path)
    _target(path)
    folder = path.parent
    if not folder.is_dir():
        raise FileNotFoundError(errno.ENOENT, f"the folder {folder} does not exist", str(path))
    if not os.access(folder, os.W_OK | os.X_OK):
        raise PermissionError(errno.EACCES, f"cannot create files in {folder}", str(path))


def _naming(err: OSError, path: Path) -> OSError:
    """The same error (same class, by errno) naming the target file instead of a temporary
    one, or naming it at all (a failed write names no file)."""
    if err.filename == str(path):
        return err
    return OSError(err.errno, err.strerror or str(err), str(path))


def _target(path: Path) -> tuple[int | None, tuple[int, int] | None]:
    """The permission bits and owner to give the new file: the existing target's, or None
    for a new file. Refuses a target that is not a regular file, or is read-only."""
    try:
        info = path.lstat()
    except (FileNotFoundError, NotADirectoryError):  # the folder's problem, reported apart
        return None, None
    kind = stat.S_IFMT(info.st_mode)
    if kind == stat.S_IFLNK:
        raise OSError(
            errno.ELOOP,
            f"it is a symbolic link (to {os.readlink(path)}): write to the file it points to, "
            "or remove the link first",
            str(path),
        )
    if kind == stat.S_IFDIR:
        raise IsADirectoryError(errno.EISDIR, "it is a folder", str(path))
    if kind != stat.S_IFREG:
        raise OSError(
            errno.EINVAL,
            f"it is {_KINDS.get(kind, 'not a regular file')}, not a regular file: "
            "only regular files are replaced",
            str(path),
        )
    mode = stat.S_IMODE(info.st_mode)
    if not mode & 0o222 or not os.access(path, os.W_OK):
        raise PermissionError(
            errno.EACCES,
            f"it is read-only (mode {mode:04o}): make it writable (chmod u+w) to replace it",
            str(path),
        )
    return mode, (info.st_uid, info.st_gid)


def _create_temporary(path: Path) -> tuple[int, str]:
    """A new, empty temporary file beside ``path``: (descriptor, name)."""
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_CLOEXEC", 0)
    while True:
        name = str(path.parent / f".{path.name}.{secrets.token_hex(4)}.tmp")
        try:
            return os.open(name, flags, 0o666), name  # 0666 minus the umask, as for any file
        except FileExistsError:
            continue


def _is_temporary_of(name: str, path: Path) -> bool:
    """Whether ``name`` has the form of one of ``path``'s temporaries."""
    prefix, middle = f".{path.name}.", name[len(path.name) + 2 : -4]
    hexadecimal = len(middle) == 8 and all(c in "0123456789abcdef" for c in middle)
    return name.startswith(prefix) and name.endswith(".tmp") and hexadecimal


def _remove_orphans(path: Path) -> None:
    """Remove temporaries of ``path`` left by interrupted saves: unlocked and older than
    ``ORPHAN_AGE`` (without ``flock``, older than an hour)."""
    try:
        names = [e.name for e in os.scandir(path.parent) if _is_temporary_of(e.name, path)]
    except OSError:
        return  # the folder's own problem is reported when the temporary is created
    for name in names:
        orphan = path.parent / name
        try:
            handle = os.open(orphan, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK)
        except OSError:
            continue
        try:
            info = os.fstat(handle)
            age = time.time() - info.st_mtime
            if stat.S_ISREG(info.st_mode) and age > ORPHAN_AGE and _unlocked(handle, age):
                orphan.unlink(missing_ok=True)
        except OSError:
            continue
        finally:
            os.close(handle)


if sys.platform != "win32":
    import fcntl

    def _lock(handle: int) -> None:
        fcntl.flock(handle, fcntl.LOCK_EX)

    def _unlocked(handle: int, age: float) -> bool:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            return False  # a save is writing it now
        return True

    def _keep_owner(handle: int, owner: tuple[int, int] | None) -> None:
        info = os.fstat(handle)
        if owner is not None and owner != (info.st_uid, info.st_gid):
            # only root (or a member of the group) may; the mode is kept regardless
            with contextlib.suppress(PermissionError):
                os.fchown(handle, *owner)

    def _sync_folder(folder: Path) -> None:
        try:
            handle = os.open(folder, os.O_RDONLY | getattr(os, "O_DIRECTORY", 0))
        except OSError:
            return
        try:
            os.fsync(handle)  # the rename is on disk too
        except OSError:
            pass  # some file systems cannot sync a folder; the file itself is synced
        finally:
            os.close(handle)

else:  # pragma: no cover (Windows: no flock, no folder sync, owners do not apply)

    def _lock(handle: int) -> None:
        pass

    def _unlocked(handle: int, age: float) -> bool:
        return age > 3600.0

    def _keep_owner(handle: int, owner: tuple[int, int] | None) -> None:
        pass

    def _sync_folder(folder: Path) -> None:
        pass
