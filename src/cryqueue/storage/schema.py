"""What makes a file a cryqueue database, read with the standard library only: the app's first
frame and the maintenance commands check a file without loading SQLAlchemy."""

from __future__ import annotations

import os
import sqlite3
from dataclasses import dataclass
from pathlib import Path

from cryqueue.domain.errors import DatabaseRefused, damaged

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
    if path.exists() and not path.is_file():  # /dev/null, a FIFO: SQLite would leave a journal
        raise DatabaseRefused(
            f"{path} is not a regular file (a device, pipe or socket); "
            "pass --db with the path of a database file"
        )
    if not path.exists() or path.stat().st_size == 0:
        return FileState(schema_version=0, is_new=True)
    # SQLite reads the file first, never a descriptor of ours: closing any other descriptor of
    # it would drop the locks this process's connections hold on it (POSIX locks belong to the
    # process), and another cryqueue closing then would delete the WAL under them.
    _refuse_read_only(path)  # before SQLite opens it: it would leave read-only -wal/-shm files
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
        raise _refusal(path, exc) from None
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
    if version < 1:  # every cryqueue writes 1 or more, with its application id, at once
        detail = f"its schema version reads {version}, which no cryqueue writes"
        raise damaged(path, detail, DatabaseRefused)
    return FileState(schema_version=version, is_new=False)


def _refusal(path: Path, exc: sqlite3.Error) -> DatabaseRefused:
    """Why SQLite could not read `path`, in the user's words. Only now is the file read here:
    SQLite refused it, so no connection of this process relies on its locks."""
    if exc.sqlite_errorcode == sqlite3.SQLITE_CANTOPEN and not os.access(path, os.R_OK):
        return DatabaseRefused(
            f"cannot read {path}: permission denied; fix its permissions (chmod u+rw) "
            "or pass --db with another file"
        )
    if exc.sqlite_errorcode == sqlite3.SQLITE_NOTADB:
        with path.open("rb") as handle:
            header = handle.read(100)  # an SQLite header is 100 bytes
            if not header.startswith(SQLITE_MAGIC) or len(header) < 100:
                return DatabaseRefused(
                    f"{path} is not a cryqueue database (not an SQLite file); "
                    "pass --db with another path, or move the file away"
                )
    return DatabaseRefused(
        f"{path} is damaged or unreadable ({exc}); restore a backup with "
        "'cryqueue restore BACKUP' (see the .bak files beside it)"
    )


def _refuse_read_only(path: Path) -> None:
    """A library is opened for writing, with its -wal and -shm files: each must be writable,
    or SQLite fails later with 'readonly database' (and an older cryqueue's read-only -shm
    kept a library read-only after the database itself was made writable)."""
    parts = [p for p in (path, Path(f"{path}-wal"), Path(f"{path}-shm")) if p.exists()]
    locked = [str(p) for p in parts if not os.access(p, os.W_OK)]
    if locked:
        raise DatabaseRefused(
            f"{path} is read-only; make it writable (chmod u+w {' '.join(locked)}) "
            "or pass --db with another file"
        )


Column = tuple[str, str, bool, int]  # name, declared type, not null, primary key position


@dataclass(frozen=True)
class Shape:
    """A schema's shape: its tables' columns, its indexes by table and columns, and any
    triggers or views. Column order and defaults are left out: a migrated library has its
    added columns at the end, with the defaults ALTER TABLE needs."""

    tables: dict[str, frozenset[Column]]
    indexes: frozenset[tuple[str, tuple[str, ...], bool]]  # table, columns, unique
    extras: frozenset[tuple[str, str]]  # (trigger or view, name)


def quoted(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def shape_of(conn: sqlite3.Connection) -> Shape:
    """The shape of the schema `conn` opens, read from SQLite itself."""
    tables: dict[str, frozenset[Column]] = {}
    indexes: set[tuple[str, tuple[str, ...], bool]] = set()
    extras: set[tuple[str, str]] = set()
    objects = conn.execute(
        # SQLite's own objects; LIKE 'sqlite_%' would also pass over 'sqlitexwipe' ('_' is a
        # wildcard), letting a foreign trigger through
        "SELECT type, name FROM sqlite_master WHERE substr(name, 1, 7) <> 'sqlite_'"
    ).fetchall()
    for kind, name in objects:
        if kind == "table":
            info = conn.execute(f"PRAGMA table_info({quoted(name)})").fetchall()
            tables[name] = frozenset(
                (col, str(ctype).upper(), bool(notnull), pk)
                for _cid, col, ctype, notnull, _default, pk in info
            )
            for _seq, index, unique, *_rest in conn.execute(f"PRAGMA index_list({quoted(name)})"):
                cols = tuple(r[2] for r in conn.execute(f"PRAGMA index_info({quoted(index)})"))
                indexes.add((name, cols, bool(unique)))
        elif kind in ("trigger", "view"):
            extras.add((kind, name))
    return Shape(tables, frozenset(indexes), frozenset(extras))


def differences(actual: Shape, expected: Shape) -> tuple[list[str], list[str]]:
    """How `actual` differs from `expected`, in words: (triggers and views cryqueue does not
    make, which can be dropped safely; changed tables, columns and indexes)."""
    foreign = [
        f"a {kind} {name!r} that cryqueue does not make"
        for kind, name in sorted(actual.extras - expected.extras)
    ]
    have, want = actual.tables, expected.tables
    changed = [f"table {t!r} is missing" for t in sorted(want.keys() - have.keys())]
    changed += [f"an extra table {t!r}" for t in sorted(have.keys() - want.keys())]
    for table in sorted(have.keys() & want.keys()):
        names = {c[0] for c in want[table]}
        changed += [
            f"column {table}.{c[0]} is missing or changed"
            for c in sorted(want[table] - have[table])
        ]
        changed += [
            f"an extra column {table}.{c[0]!r}"
            for c in sorted(have[table] - want[table])
            if c[0] not in names
        ]
    changed += [
        f"the index on {t}({', '.join(cols)}) is missing"
        for t, cols, _u in sorted(expected.indexes - actual.indexes)
    ]
    changed += [
        f"an extra index on {t!r}({', '.join(map(repr, cols))})"
        for t, cols, _u in sorted(actual.indexes - expected.indexes)
    ]
    return foreign, changed
