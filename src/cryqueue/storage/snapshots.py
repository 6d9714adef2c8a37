"""Copies of a live database made with SQLite's online backup API (consistent even while
another cryqueue writes): on demand, and automatic ones beside the database."""

from __future__ import annotations

import os
import re
import sqlite3
from datetime import datetime
from pathlib import Path
from urllib.parse import urlsplit

from cryqueue.domain.errors import CryqueueError
from cryqueue.storage.files import in_folder, make_temp, write_file
from cryqueue.storage.location import ServerUrl
from cryqueue.storage.paths import data_dir, ensure_private_dir

KEEP_AUTOMATIC_BACKUPS = 5


def backup_to(source: Path, target: Path) -> Path:
    """Copy the live database `source` to `target` through the one writer (files.write_file):
    a new private file (an existing one is never overwritten), a symlink's target (the link is
    kept), a device or pipe as a stream, or a dated file inside a folder. The copy is first made
    privately beside the database, since a device or pipe has no folder to stage it in."""
    target = in_folder(target, timestamped_path(source, "backup").name)
    copy = snapshot(source, source.parent)
    try:
        return write_file(target, copy.read_bytes(), exclusive=True)
    except OSError as exc:  # reading our own snapshot back
        raise CryqueueError(f"cannot write backup {target}: {exc}") from None
    finally:
        copy.unlink(missing_ok=True)


def snapshot(source: Path, folder: Path) -> Path:
    """A consistent, self-contained copy of the database `source` in a new private temporary
    file in `folder`; SQLite's online backup API makes it safe while others write."""
    try:
        fd, copy = make_temp(folder)
    except OSError as exc:
        raise CryqueueError(f"cannot back up {source}: {exc.strerror} in {folder}") from None
    os.close(fd)
    try:
        src = sqlite3.connect(f"{source.resolve().as_uri()}?mode=ro", uri=True)
        dst = sqlite3.connect(copy)
        try:
            src.backup(dst)
            dst.execute("PRAGMA journal_mode = DELETE")  # one self-contained file
        finally:
            dst.close()
            src.close()
    except (OSError, sqlite3.Error) as exc:
        copy.unlink(missing_ok=True)
        raise CryqueueError(f"cannot back up {source}: {exc}") from None
    return copy


def _stamp() -> str:
    return datetime.now().strftime("%Y%m%d-%H%M%S-%f")


def timestamped_path(db_path: Path, label: str) -> Path:
    return db_path.with_name(f"{db_path.name}.{label}-{_stamp()}.bak")


def _keep_newest(folder: Path, pattern: str, keep: int | None) -> None:
    """Delete all but the newest `keep` automatic backups matching `pattern` (their names
    sort by their time stamps); None keeps every one."""
    if keep is not None:
        for stale in sorted(folder.glob(pattern))[:-keep]:
            stale.unlink(missing_ok=True)


def backup_beside(
    db_path: Path, label: str, keep: int | None = KEEP_AUTOMATIC_BACKUPS, family: str = ""
) -> Path:
    """A timestamped backup next to the database. Automatic ones keep only the newest few of
    their family (default: the same label)."""
    target = backup_to(db_path, timestamped_path(db_path, label))
    _keep_newest(db_path.parent, f"{db_path.name}.{family or label}*-*.bak", keep)
    return target


def backup_before_migration(db_path: Path, from_version: int) -> Path:
    """Back up before a schema change, keeping only the newest few of these backups."""
    return backup_beside(db_path, f"schema{from_version}", family="schema")


def server_backup_path(url: ServerUrl, label: str) -> Path:
    """Where a snapshot of a server library goes: the user's data folder, named after the
    server and database, never the password."""
    parts = urlsplit(url.url)
    name = re.sub(r"[^A-Za-z0-9._-]+", "_", f"{parts.hostname or 'local'}-{parts.path[1:] or 'db'}")
    return data_dir() / "backups" / f"{name}.{label}-{_stamp()}.json"


def save_server_snapshot(
    text: str, url: ServerUrl, label: str, keep: int | None = KEEP_AUTOMATIC_BACKUPS
) -> Path:
    """A JSON snapshot of a server library (its full export) in the user's data folder: a
    PostgreSQL database has no file to copy. Automatic ones keep only the newest few."""
    target = server_backup_path(url, label)
    try:
        ensure_private_dir(target.parent)
    except OSError as exc:
        raise CryqueueError(f"cannot create {target.parent}: {exc.strerror}") from None
    written = write_file(target, text.encode(), exclusive=True)
    _keep_newest(target.parent, target.name.split(f".{label}-")[0] + f".{label}-*.json", keep)
    return written
