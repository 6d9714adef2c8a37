"""Opening the database: refuse files that are not ours (leaving them untouched), create and
seed new ones privately, migrate old ones after a backup, and hand out short transactions."""

from __future__ import annotations

import os
import sqlite3
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, event
from sqlalchemy.exc import DatabaseError as SADatabaseError
from sqlalchemy.pool import QueuePool
from sqlmodel import Session, SQLModel, create_engine

from . import models, schema
from .errors import CryqueueError, DatabaseRefused, sqlite_failure
from .paths import ensure_private_dir
from .schema import inspect_file
from .watch import ChangeWatch

# The tables must be defined before the schema is created from SQLModel's metadata.
TABLES = models.Film, models.Viewing, models.Source, models.SourceRank, models.Relation

BUSY_TIMEOUT_MS = 10_000

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


def expected_shape(version: int) -> schema.Shape:
    """The shape of a cryqueue library at `version`: what a new one is made of, less the
    columns later migrations add."""
    conn = sqlite3.connect(":memory:")
    try:
        engine = create_engine("sqlite://", creator=lambda: conn)
        for table in SQLModel.metadata.sorted_tables:
            for statement in _create_statements(table, engine):
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
        raise DatabaseRefused(
            f"{path} is damaged ({(foreign + changed)[0]}); check it with 'cryqueue doctor' "
            "or restore a backup with 'cryqueue restore BACKUP'"
        )


class Database:
    """An open cryqueue database. Use `read()` and `write()` for short transactions."""

    def __init__(self, path: Path, engine: Engine) -> None:
        self.path = path
        self.engine = engine
        self.watch = ChangeWatch(path, BUSY_TIMEOUT_MS / 1000)

    @contextmanager
    def read(self) -> Iterator[Session]:
        with Session(self.engine, expire_on_commit=False) as session:
            try:
                yield session
            except (SADatabaseError, sqlite3.Error) as exc:  # driver: bulk statements
                raise _failure(exc, self.path) from None

    @contextmanager
    def write(self) -> Iterator[Session]:
        """One transaction that takes the write lock up front (BEGIN IMMEDIATE), so two
        writers queue on the busy timeout instead of failing on a lock upgrade."""
        with Session(self.engine, expire_on_commit=False) as session:
            try:
                session.connection(execution_options={"cryqueue_write": True})
                driver = driver_of(session)
                changes = driver.total_changes
                yield session
                session.flush()
                self.watch.committing(driver, changes)
                session.commit()
            except (SADatabaseError, sqlite3.Error) as exc:
                session.rollback()
                raise _failure(exc, self.path) from None

    def close(self) -> None:
        self.watch.close()
        self.engine.dispose()


def driver_of(session: Session) -> sqlite3.Connection:
    """The session's sqlite3 connection, inside its transaction: for bulk reads and writes
    where SQLAlchemy's per-row work would cost more than SQLite's."""
    driver = session.connection().connection.driver_connection
    assert isinstance(driver, sqlite3.Connection)
    return driver


def _failure(exc: SADatabaseError | sqlite3.Error, path: Path) -> CryqueueError:
    orig = exc.orig if isinstance(exc, SADatabaseError) else exc
    return sqlite_failure(orig or exc, path)


def make_engine(path: Path) -> Engine:
    """An engine on the file at `path`, taken literally: a name with `%20` or `?` in it is that
    name, never a URL that SQLAlchemy would decode into another file."""

    def connect() -> sqlite3.Connection:
        return sqlite3.connect(
            os.fspath(path), timeout=BUSY_TIMEOUT_MS / 1000, check_same_thread=False
        )

    # The pool a file database gets: SQLAlchemy cannot tell from "sqlite://" that it is one.
    engine = create_engine("sqlite://", creator=connect, poolclass=QueuePool)

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_conn: sqlite3.Connection, _record: Any) -> None:
        dbapi_conn.isolation_level = None  # we issue BEGIN ourselves (below)
        dbapi_conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
        dbapi_conn.execute("PRAGMA foreign_keys = ON")
        dbapi_conn.execute("PRAGMA synchronous = FULL")

    @event.listens_for(engine, "begin")
    def _on_begin(conn: Any) -> None:
        write = conn.get_execution_options().get("cryqueue_write")
        conn.exec_driver_sql("BEGIN IMMEDIATE" if write else "BEGIN")

    return engine


def open_database(path: Path, *, seed: bool = True) -> Database:
    """Open (creating, migrating and seeding as needed) the database at `path`."""
    path = path.expanduser()
    try:
        ensure_private_dir(path.parent)
    except OSError as exc:
        raise DatabaseRefused(
            f"cannot create the data folder {path.parent}: {exc.strerror}; "
            "pass --db with a path in a writable folder"
        ) from None
    state = inspect_file(path)
    if state.is_new:
        _create(path)
    elif state.schema_version < schema.SCHEMA_VERSION:
        _migrate(path, state.schema_version)
    engine = make_engine(path)
    db = Database(path, engine)
    if seed:
        from .seeding import seed_catalog

        try:
            seed_catalog(db)
        except SADatabaseError as exc:
            db.close()
            raise DatabaseRefused(
                f"{path} could not be read ({exc.orig}); check it with 'cryqueue doctor' "
                "or restore a backup with 'cryqueue restore BACKUP'"
            ) from None
    return db


def _create(path: Path) -> None:
    """Create the schema in a fresh private file (through a link: the link's target, 0600
    like any file cryqueue creates, whatever the umask)."""
    if not path.exists():
        try:
            fd = os.open(os.path.realpath(path), os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600)
            os.close(fd)
        except FileExistsError:
            pass  # another cryqueue created it just now; fine, the schema step below is idempotent
        except OSError as exc:
            raise DatabaseRefused(
                f"cannot create {path}: {exc.strerror}; pass --db with a writable path"
            ) from None
    conn = sqlite3.connect(path, timeout=BUSY_TIMEOUT_MS / 1000, isolation_level=None)
    try:
        conn.execute("PRAGMA journal_mode = WAL")
        conn.execute("BEGIN IMMEDIATE")
        if conn.execute("PRAGMA application_id").fetchone()[0] == schema.APPLICATION_ID:
            conn.execute("ROLLBACK")  # created by a concurrent cryqueue meanwhile
            return
        engine = create_engine("sqlite://", creator=lambda: conn)
        for table in SQLModel.metadata.sorted_tables:
            for statement in _create_statements(table, engine):
                conn.execute(statement)
        conn.execute(f"PRAGMA application_id = {schema.APPLICATION_ID}")
        conn.execute(f"PRAGMA user_version = {schema.SCHEMA_VERSION}")
        conn.execute("COMMIT")
    finally:
        conn.close()


def _create_statements(table: Any, engine: Engine) -> list[str]:
    from sqlalchemy.schema import CreateIndex, CreateTable

    statements = [str(CreateTable(table).compile(engine))]
    statements += [str(CreateIndex(index).compile(engine)) for index in table.indexes]
    return statements


def _migrate(path: Path, version: int) -> None:
    """Step the file to the current schema in one transaction, after checking that it has the
    shape of its version and backing it up; a failure leaves the file and no backup behind."""
    from .backup import backup_before_migration

    conn = sqlite3.connect(path, timeout=BUSY_TIMEOUT_MS / 1000, isolation_level=None)
    backup: Path | None = None
    try:
        conn.execute("BEGIN IMMEDIATE")
        current = conn.execute("PRAGMA user_version").fetchone()[0]
        if current >= schema.SCHEMA_VERSION:
            conn.execute("ROLLBACK")  # another cryqueue migrated it meanwhile
            return
        refuse_foreign_shape(conn, current, path)
        backup = backup_before_migration(path, current)
        while current < schema.SCHEMA_VERSION:
            MIGRATIONS[current](conn)
            current += 1
            conn.execute(f"PRAGMA user_version = {current}")
        conn.execute("COMMIT")
    except Exception as exc:
        if conn.in_transaction:
            conn.execute("ROLLBACK")
        if backup is not None:
            backup.unlink(missing_ok=True)  # ours, and the file is as it was
        if isinstance(exc, sqlite3.Error):
            raise sqlite_failure(exc, path) from None
        raise
    finally:
        conn.close()
