"""Schema versions: each migration, the columns it adds, and the shape a library at each
version must have (what opening, doctor and restore hold a file against)."""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from pathlib import Path
from typing import NamedTuple

from cryqueue.domain.errors import DatabaseRefused, damaged
from cryqueue.storage import schema
from cryqueue.storage.schema_text import TABLES

# Schema migrations: MIGRATIONS[v] takes a database at version v to v + 1, inside one transaction.
Migration = Callable[[sqlite3.Connection], None]


def _v1_to_v2(conn: sqlite3.Connection) -> None:
    """Star ratings and tags (for Letterboxd and IMDb histories), and films known to be
    watched on a day nobody recorded (Letterboxd's watched.csv, IMDb ratings)."""
    conn.execute("ALTER TABLE film ADD COLUMN rating FLOAT")
    conn.execute("ALTER TABLE film ADD COLUMN tags_json VARCHAR NOT NULL DEFAULT '[]'")
    conn.execute("ALTER TABLE film ADD COLUMN watched_undated BOOLEAN NOT NULL DEFAULT 0")


MIGRATIONS: dict[int, Migration] = {1: _v1_to_v2}


# Columns each migration adds (table -> names): a library at an older version has the current
# shape without the columns added after it.
ADDED_COLUMNS: dict[int, dict[str, tuple[str, ...]]] = {
    2: {"film": ("rating", "tags_json", "watched_undated")},
}


class TableDefinition(NamedTuple):
    name: str
    columns: tuple[str, ...]
    create: str  # CREATE TABLE
    indexes: tuple[str, ...]  # CREATE INDEX


def table_definitions() -> list[TableDefinition]:
    """Each table of a new library, as the models define it (`schema_text`)."""
    return [TableDefinition(*table) for table in TABLES]


def schema_statements() -> list[str]:
    """The CREATE statements of a new library's tables and indexes."""
    return [s for table in table_definitions() for s in (table.create, *table.indexes)]


def settle(conn: sqlite3.Connection) -> None:
    """After migrating: give each table that has a new library's columns exactly a new
    library's definition (ALTER TABLE adds columns at the end, with the defaults it needs), so
    that a migrated library and a new one are the same inside. Runs in the migration's
    transaction; this connection does not enforce foreign keys, so making a table again
    touches no other table's rows."""
    for table in table_definitions():
        quoted = schema.quoted(table.name)
        row = conn.execute("SELECT sql FROM sqlite_master WHERE name = ?", (table.name,)).fetchone()
        have = {r[1] for r in conn.execute(f"PRAGMA table_info({quoted})")}
        if row is None or row[0] == table.create.strip() or have != set(table.columns):
            continue  # already so, or not this version's columns (a later migration's)
        columns = ", ".join(schema.quoted(c) for c in table.columns)
        conn.execute(f"CREATE TEMP TABLE cq_settling AS SELECT {columns} FROM {quoted}")
        conn.execute(f"DROP TABLE {quoted}")
        for statement in (table.create, *table.indexes):
            conn.execute(statement)
        conn.execute(f"INSERT INTO {quoted} ({columns}) SELECT {columns} FROM cq_settling")
        conn.execute("DROP TABLE cq_settling")


def expected_shape(version: int) -> schema.Shape:
    """The shape of a cryqueue library at `version`: what a new one is made of, less the
    columns later migrations add."""
    conn = sqlite3.connect(":memory:")
    try:
        for statement in schema_statements():
            conn.execute(statement)
        current = schema.shape_of(conn)
    finally:
        conn.close()
    tables = dict(current.tables)
    for later in range(version + 1, schema.SCHEMA_VERSION + 1):
        for name, added in ADDED_COLUMNS.get(later, {}).items():
            tables[name] = frozenset(c for c in tables[name] if c[0] not in added)
    return schema.Shape(tables, current.indexes, current.extras)


def refuse_foreign_shape(conn: sqlite3.Connection, version: int, path: Path) -> None:
    """Refuse a file whose tables are not those of a cryqueue library at `version` (a
    trigger, a dropped column): opening or migrating it would fail or act on their terms."""
    foreign, changed = schema.differences(schema.shape_of(conn), expected_shape(version))
    if foreign or changed:
        raise damaged(path, (foreign + changed)[0], DatabaseRefused)
