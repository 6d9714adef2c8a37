"""Backups made with SQLite's online backup API, so they are consistent even while written."""

from __future__ import annotations

import os
import sqlite3
from datetime import datetime
from pathlib import Path

from .errors import CryqueueError

KEEP_MIGRATION_BACKUPS = 5


def backup_to(source: Path, target: Path) -> Path:
    """Copy the live database `source` to `target` (a private file)."""
    if target.exists():
        raise CryqueueError(f"{target} already exists; choose another backup path")
    try:
        fd = os.open(target, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600)
        os.close(fd)
        src = sqlite3.connect(f"{source.resolve().as_uri()}?mode=ro", uri=True)
        dst = sqlite3.connect(target)
        try:
            src.backup(dst)
        finally:
            dst.close()
            src.close()
    except (OSError, sqlite3.Error) as exc:
        target.unlink(missing_ok=True)
        raise CryqueueError(f"cannot write backup {target}: {exc}") from None
    return target


def timestamped_path(db_path: Path, label: str) -> Path:
    stamp = datetime.now().strftime("%Y%m%d-%H%M%S-%f")
    return db_path.with_name(f"{db_path.name}.{label}-{stamp}.bak")


def backup_before_migration(db_path: Path, from_version: int) -> Path:
    """Back up before a schema change, keeping only the newest few of these backups."""
    target = backup_to(db_path, timestamped_path(db_path, f"schema{from_version}"))
    old = sorted(db_path.parent.glob(f"{db_path.name}.schema*-*.bak"))
    for stale in old[:-KEEP_MIGRATION_BACKUPS]:
        stale.unlink(missing_ok=True)
    return target
