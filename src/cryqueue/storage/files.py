"""The one writer for every file cryqueue saves (exports, backups, config).

A regular file is replaced atomically and privately: a crash leaves the old file or the new one,
never half. A symlink is kept and its final target written. A character device, named pipe or
socket is written as a stream, in place: such paths cannot be renamed over without destroying them.
"""

from __future__ import annotations

import contextlib
import errno
import os
import socket
import stat
import tempfile
from pathlib import Path
from typing import Literal

from cryqueue.domain.errors import CryqueueError

FileKind = Literal["missing", "file", "folder", "device", "fifo", "socket", "other"]
STREAM_KINDS: frozenset[FileKind] = frozenset({"device", "fifo", "socket"})
MAX_LINKS = 40  # Linux's own limit on a chain of symlinks
SOCKET_CONNECT_TIMEOUT = 10.0  # seconds; a listener that never accepts must not hang us


def file_kind(path: Path) -> FileKind:
    """What a write to `path` reaches once symlinks are followed (a dangling link is "missing")."""
    try:
        mode = os.stat(path).st_mode
    except FileNotFoundError:
        return "missing"
    except OSError as exc:
        raise _cannot(str(path), exc) from None
    if stat.S_ISREG(mode):
        return "file"
    if stat.S_ISDIR(mode):
        return "folder"
    if stat.S_ISCHR(mode):
        return "device"
    if stat.S_ISFIFO(mode):
        return "fifo"
    if stat.S_ISSOCK(mode):
        return "socket"
    return "other"  # a block device: never written


def is_stream(path: Path) -> bool:
    """Whether `path` is written as a stream (its bytes may be the user's stdout)."""
    return file_kind(path) in STREAM_KINDS


def in_folder(path: Path, name: str) -> Path:
    """`path`, or `path/name` when `path` is a folder (or a link to one)."""
    return path / name if file_kind(path) == "folder" else path


def make_temp(folder: Path) -> tuple[int, Path]:
    """A new private (0600) file in `folder`, open for writing. The name is short
    (`.cq-XXXXXXXX.tmp`) so a target whose name is at the 255-byte limit still has room."""
    fd, name = tempfile.mkstemp(prefix=".cq-", suffix=".tmp", dir=folder)
    return fd, Path(name)


def write_file(
    path: Path, data: str | bytes, *, mode: int = 0o600, exclusive: bool = False
) -> Path:
    """Write `data` to `path` by the rules above; `exclusive` refuses to replace a regular file.

    Returns where the bytes went: the final target (resolved) of a file, `path` of a stream."""
    payload = data.encode("utf-8") if isinstance(data, str) else data
    kind = file_kind(path)
    if kind in ("device", "fifo"):
        _write_stream(path, payload, kind)
        return path
    if kind == "socket":
        _send_to_socket(path, payload)
        return path
    if kind == "folder":
        raise CryqueueError(f"cannot write {path}: it is a folder; give a file name")
    if kind == "other":
        raise CryqueueError(f"cannot write {path}: it is a block device; choose a file")
    if kind == "file" and exclusive:
        raise CryqueueError(f"{path} already exists; choose another path")
    target = link_target(path)
    where = str(path) if target == path else f"{path} (a link to {target})"
    _replace_atomically(target, payload, mode, where)
    return target.resolve()


def link_target(path: Path) -> Path:
    """The end of the chain of symlinks at `path` (`path` itself if it is no link); the end
    need not exist. Only the last component is followed: folders in between stay as given."""
    end = path
    for _ in range(MAX_LINKS):
        if not end.is_symlink():
            return end
        end = end.parent / os.readlink(end)  # an absolute link replaces the parent
    raise CryqueueError(f"cannot write {path}: too many levels of symbolic links; fix the link")


def _replace_atomically(target: Path, payload: bytes, mode: int, where: str) -> None:
    """A temporary file beside `target`, fsynced, then renamed over it: never half a file."""
    folder = target.parent
    if not folder.is_dir():
        raise CryqueueError(
            f"cannot write {where}: folder {folder} does not exist; create it or choose another path"
        )
    try:
        fd, tmp = make_temp(folder)
    except OSError as exc:
        raise _cannot(where, exc) from None
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(payload)
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(tmp, mode)
        os.replace(tmp, target)
    except OSError as exc:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise _cannot(where, exc) from None
    _fsync_dir(folder)


def _write_stream(path: Path, payload: bytes, kind: FileKind) -> None:
    """Write into a device or named pipe in place. The open does not block, so a pipe nobody
    reads is an error at once instead of a hang; the writes then block as usual."""
    try:
        fd = os.open(path, os.O_WRONLY | os.O_NONBLOCK | os.O_NOCTTY | os.O_CLOEXEC)
    except OSError as exc:
        if exc.errno == errno.ENXIO and kind == "fifo":
            raise CryqueueError(
                f"cannot write {path}: no program is reading that named pipe; "
                "start the reader first, then try again"
            ) from None
        raise _cannot(str(path), exc) from None
    try:
        os.set_blocking(fd, True)
        view = memoryview(payload)
        while view:
            view = view[os.write(fd, view) :]
    except OSError as exc:
        raise _cannot(str(path), exc) from None
    finally:
        os.close(fd)


def _send_to_socket(path: Path, payload: bytes) -> None:
    """Send the bytes to whatever listens on a Unix stream socket, then close our side."""
    with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as sock:
        try:
            sock.settimeout(SOCKET_CONNECT_TIMEOUT)
            sock.connect(os.fspath(path))
            sock.settimeout(None)
            sock.sendall(payload)
            sock.shutdown(socket.SHUT_WR)
        except OSError as exc:
            if exc.errno == errno.ECONNREFUSED:
                raise CryqueueError(
                    f"cannot write {path}: nothing is listening on that socket; "
                    "start the listener first, then try again"
                ) from None
            raise _cannot(str(path), exc) from None


def _cannot(where: str, exc: OSError) -> CryqueueError:
    reason = exc.strerror or str(exc) or type(exc).__name__
    return CryqueueError(f"cannot write {where}: {reason}; choose another path")


ExportFormat = Literal["markdown", "json", "letterboxd", "csv"]
_DEFAULT_NAMES = {
    "markdown": "cryqueue-ranking.md",
    "json": "cryqueue-ranking.json",
    "letterboxd": "cryqueue-letterboxd.csv",
    "csv": "cryqueue-library.csv",
}


def default_export_name(fmt: ExportFormat) -> str:
    return _DEFAULT_NAMES[fmt]


def write_export(
    path: Path, fmt: ExportFormat, text: str | bytes, library: Path | None = None
) -> Path:
    """Write an export by the writer's rules; a folder gets the default file name inside it.
    The `library` file, its journals and its backups are never export targets."""
    target = in_folder(path.expanduser(), default_export_name(fmt))
    if library is not None and is_library_file(target, library):
        raise CryqueueError(
            f"{target} is your library's database or one of its backups; "
            "export to another file (such as the default, without -o)"
        )
    return write_file(target, text)


def is_library_file(path: Path, library: Path) -> bool:
    """Whether writing `path` would write the database at `library` (through links or other
    spellings of the path), its -wal, -shm or -journal file, or a backup beside it."""
    target = Path(os.path.realpath(path))
    db = Path(os.path.realpath(library))
    if target.exists() and db.exists() and os.path.samefile(target, db):
        return True  # another spelling of it (a case-insensitive filesystem, a hard link)
    if os.path.normcase(target.parent) != os.path.normcase(db.parent):
        return False
    name, base = target.name.casefold(), db.name.casefold()  # case-insensitive filesystems
    journals = {base + suffix for suffix in ("", "-wal", "-shm", "-journal")}
    return name in journals or (name.startswith(base + ".") and name.endswith(".bak"))


def _fsync_dir(folder: Path) -> None:
    """Make the rename itself durable; some filesystems refuse, which is harmless."""
    with contextlib.suppress(OSError):
        fd = os.open(folder, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)
