"""Backups made with SQLite's online backup API, so they are consistent even while written."""

from __future__ import annotations

import os
import sqlite3
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from .errors import CryqueueError
from .files import in_folder, make_temp, write_file
from .paths import ensure_private_dir

KEEP_AUTOMATIC_BACKUPS = 5


def backup_to(source: Path, target: Path) -> Path:
    """Copy the live database `source` to `target` through the one writer (files.write_file):
    a new private file (an existing one is never overwritten), a symlink's target (the link is
    kept), a device or pipe as a stream, or a dated file inside a folder. The copy is first made
    privately beside the database, since a device or pipe has no folder to stage it in."""
    target = in_folder(target, timestamped_path(source, "backup").name)
    snapshot = _snapshot(source, source.parent)
    try:
        return write_file(target, snapshot.read_bytes(), exclusive=True)
    except OSError as exc:  # reading our own snapshot back
        raise CryqueueError(f"cannot write backup {target}: {exc}") from None
    finally:
        snapshot.unlink(missing_ok=True)


def _snapshot(source: Path, folder: Path) -> Path:
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


def timestamped_path(db_path: Path, label: str) -> Path:
    stamp = datetime.now().strftime("%Y%m%d-%H%M%S-%f")
    return db_path.with_name(f"{db_path.name}.{label}-{stamp}.bak")


def backup_beside(
    db_path: Path, label: str, keep: int | None = KEEP_AUTOMATIC_BACKUPS, family: str = ""
) -> Path:
    """A timestamped backup next to the database. Automatic ones keep only the newest few of
    their family (default: the same label)."""
    target = backup_to(db_path, timestamped_path(db_path, label))
    if keep is not None:
        pattern = f"{db_path.name}.{family or label}*-*.bak"
        for stale in sorted(db_path.parent.glob(pattern))[:-keep]:
            stale.unlink(missing_ok=True)
    return target


def backup_before_migration(db_path: Path, from_version: int) -> Path:
    """Back up before a schema change, keeping only the newest few of these backups."""
    return backup_beside(db_path, f"schema{from_version}", family="schema")


@dataclass(frozen=True)
class Restored:
    source: Path
    target: Path
    previous: Path | None  # where the database that was replaced was kept


def restore(backup: Path, db_path: Path) -> Restored:
    """Put `backup` in place of the database at `db_path`, keeping the current one as a backup.

    The backup is checked first (a cryqueue database this version can read, passing SQLite's
    integrity check), so a bad file changes nothing. A healthy current database is overwritten
    through the online backup API, which other open cryqueues see correctly; a damaged one is
    copied aside byte for byte and replaced by a rename."""
    from .doctor import check

    if not backup.is_file():
        raise CryqueueError(f"{backup} does not exist; give the path of a cryqueue backup file")
    if db_path.exists() and backup.resolve() == db_path.resolve():
        raise CryqueueError(f"{backup} is the database itself; give a backup file")
    report = check(backup)
    if report.unfit_to_restore:
        reason = report.unfit_to_restore[0].split("; ")[0]
        raise CryqueueError(f"{backup} cannot be restored: {reason}")
    previous: Path | None = None
    if db_path.exists() and db_path.stat().st_size:
        if check(db_path).problems:
            previous = _set_aside(db_path)
            _replace_file(backup, db_path)
        else:
            previous = backup_beside(db_path, "pre-restore")
            _copy_into(backup, db_path)
    else:
        _replace_file(backup, db_path)
    return Restored(backup, db_path, previous)


def _copy_into(source: Path, target: Path) -> None:
    src = sqlite3.connect(f"{source.resolve().as_uri()}?mode=ro", uri=True)
    dst = sqlite3.connect(target, timeout=30)
    try:
        src.backup(dst)
        dst.execute("PRAGMA journal_mode = WAL")
    except sqlite3.Error as exc:
        raise CryqueueError(f"cannot restore into {target}: {exc}; nothing was changed") from None
    finally:
        dst.close()
        src.close()


def _set_aside(db_path: Path) -> Path:
    """Copy a damaged database (and its journal files) aside, byte for byte."""
    target = timestamped_path(db_path, "damaged")
    for suffix in ("", "-wal", "-shm"):
        part = Path(f"{db_path}{suffix}")
        if part.exists():
            write_file(Path(f"{target}{suffix}"), part.read_bytes(), exclusive=True)
    return target


def _replace_file(source: Path, target: Path) -> None:
    """Write a consistent copy of `source` beside `target`, then rename it into place."""
    ensure_private_dir(target.parent)
    staging = _snapshot(source, target.parent)
    try:
        for suffix in ("-wal", "-shm"):
            Path(f"{target}{suffix}").unlink(missing_ok=True)
        conn = sqlite3.connect(staging)
        try:
            conn.execute("PRAGMA journal_mode = WAL")
        finally:
            conn.close()
        os.replace(staging, target)
    finally:
        staging.unlink(missing_ok=True)  # only left if something above failed
