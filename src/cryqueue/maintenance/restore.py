"""`cryqueue restore`: put a checked backup in place of the library, keeping the one it
replaces."""

from __future__ import annotations

import os
import sqlite3
from dataclasses import dataclass
from pathlib import Path

from cryqueue.domain.errors import CryqueueError
from cryqueue.maintenance.doctor import check
from cryqueue.storage.change_watch import GENERATION_KEY
from cryqueue.storage.files import write_file
from cryqueue.storage.paths import ensure_private_dir
from cryqueue.storage.snapshots import (
    backup_beside,
    snapshot,
    timestamped_path,
)


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
        before = _generation(dst)
        src.backup(dst)
        dst.execute("PRAGMA journal_mode = WAL")
        # Past both counts, so an open app never takes the restore for its own last commit.
        dst.execute(
            "INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE "
            "SET value = excluded.value",
            (GENERATION_KEY, str(max(before, _generation(dst)) + 1)),
        )
        dst.commit()
    except sqlite3.Error as exc:
        raise CryqueueError(f"cannot restore into {target}: {exc}; nothing was changed") from None
    finally:
        dst.close()
        src.close()


def _generation(conn: sqlite3.Connection) -> int:
    row = conn.execute(
        "SELECT CAST(value AS INTEGER) FROM meta WHERE key = ?", (GENERATION_KEY,)
    ).fetchone()
    return int(row[0]) if row else 0


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
    staging = snapshot(source, target.parent)
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
