"""Atomic, private file writes: a crash leaves either the old file or the new one, never half."""

from __future__ import annotations

import contextlib
import os
import tempfile
from pathlib import Path
from typing import Literal

from .errors import CryqueueError


def write_atomic(path: Path, data: str | bytes, *, mode: int = 0o600) -> None:
    """Write `data` to `path` via a temporary file in the same folder, fsync, then rename."""
    payload = data.encode("utf-8") if isinstance(data, str) else data
    folder = path.parent if str(path.parent) else Path(".")
    if not folder.is_dir():
        raise CryqueueError(f"cannot write {path}: folder {folder} does not exist")
    try:
        fd, tmp_name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=folder)
    except OSError as exc:
        raise CryqueueError(f"cannot write {path}: {exc.strerror}; choose another path") from exc
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(payload)
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(tmp_name, mode)
        os.replace(tmp_name, path)
    except OSError as exc:
        with contextlib.suppress(OSError):
            os.unlink(tmp_name)
        raise CryqueueError(f"cannot write {path}: {exc.strerror}; choose another path") from exc
    _fsync_dir(folder)


ExportFormat = Literal["markdown", "json", "letterboxd", "csv"]
_DEFAULT_NAMES = {
    "markdown": "cryqueue-ranking.md",
    "json": "cryqueue-ranking.json",
    "letterboxd": "cryqueue-letterboxd.csv",
    "csv": "cryqueue-library.csv",
}


def default_export_name(fmt: ExportFormat) -> str:
    return _DEFAULT_NAMES[fmt]


def write_export(path: Path, fmt: ExportFormat, text: str) -> Path:
    """Write an export atomically; a folder gets the default file name inside it."""
    target = path.expanduser()
    if target.is_dir():
        target = target / default_export_name(fmt)
    write_atomic(target, text)
    return target.resolve()


def _fsync_dir(folder: Path) -> None:
    """Make the rename itself durable; some filesystems refuse, which is harmless."""
    with contextlib.suppress(OSError):
        fd = os.open(folder, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)
