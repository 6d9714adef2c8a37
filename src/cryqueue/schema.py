"""What makes a file a cryqueue database, read with the standard library only: the app's first
frame and the maintenance commands check a file without loading SQLAlchemy."""

from __future__ import annotations

import os
import sqlite3
from dataclasses import dataclass
from pathlib import Path

from .errors import DatabaseRefused

SCHEMA_VERSION = 2
APPLICATION_ID = 0x43525951  # "CRYQ": marks a SQLite file as ours
SQLITE_MAGIC = b"SQLite format 3\x00"


@dataclass(frozen=True)
class FileState:
    """What the header and pragmas of an existing file say, read without writing to it."""

    schema_version: int
    is_new: bool


def inspect_file(path: Path) -> FileState:
    """Decide whether `path` can be used, reading it only; raise DatabaseRefused if not."""
    if path.is_dir():
        raise DatabaseRefused(
            f"{path} is a folder, not a database file; pass --db with a file path"
        )
    if not path.exists() or path.stat().st_size == 0:
        return FileState(schema_version=0, is_new=True)
    try:
        with path.open("rb") as handle:
            header = handle.read(100)
    except PermissionError:
        raise DatabaseRefused(
            f"cannot read {path}: permission denied; fix its permissions (chmod u+rw) "
            "or pass --db with another file"
        ) from None
    if not header.startswith(SQLITE_MAGIC) or len(header) < 100:
        raise DatabaseRefused(
            f"{path} is not a cryqueue database (not an SQLite file); "
            "pass --db with another path, or move the file away"
        )
    try:
        uri = f"{path.resolve().as_uri()}?mode=ro"
        conn = sqlite3.connect(uri, uri=True)
        try:
            app_id = conn.execute("PRAGMA application_id").fetchone()[0]
            version = conn.execute("PRAGMA user_version").fetchone()[0]
            tables = conn.execute("SELECT count(*) FROM sqlite_master").fetchone()[0]
        finally:
            conn.close()
    except sqlite3.DatabaseError as exc:
        raise DatabaseRefused(
            f"{path} is damaged or unreadable ({exc}); restore a backup with "
            "'cryqueue restore BACKUP' (see the .bak files beside it)"
        ) from None
    if app_id != APPLICATION_ID:
        if app_id == 0 and tables == 0:
            return FileState(schema_version=0, is_new=True)
        raise DatabaseRefused(
            f"{path} is an SQLite database but not a cryqueue one; pass --db with another path"
        )
    if version > SCHEMA_VERSION:
        raise DatabaseRefused(
            f"{path} was written by a newer cryqueue (schema {version}, this version knows "
            f"{SCHEMA_VERSION}); upgrade cryqueue to open it"
        )
    if not os.access(path, os.W_OK):
        raise DatabaseRefused(
            f"{path} is read-only; make it writable (chmod u+w) or pass --db with another file"
        )
    return FileState(schema_version=version, is_new=False)
