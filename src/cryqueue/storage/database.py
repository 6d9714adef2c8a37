"""An open database: its engine, short transactions, and SQLite's errors as one-line
messages."""

from __future__ import annotations

import os
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, event
from sqlalchemy.exc import DatabaseError as SADatabaseError
from sqlalchemy.pool import QueuePool
from sqlmodel import Session, create_engine

from cryqueue.domain.errors import CryqueueError, sqlite_failure
from cryqueue.storage.change_watch import ChangeWatch

BUSY_TIMEOUT_MS = 10_000


class Database:
    """An open cryqueue database. Use `read()` and `write()` for short transactions."""

    def __init__(self, path: Path, engine: Engine) -> None:
        self.path = path
        self.engine = engine
        self.watch = ChangeWatch(path)

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
        counted: int | None = None  # this commit's generation, once counted
        with Session(self.engine, expire_on_commit=False) as session:
            try:
                session.connection(execution_options={"cryqueue_write": True})
                driver = driver_of(session)
                changes = driver.total_changes
                yield session
                session.flush()
                counted = self.watch.committing(driver, changes)
                session.commit()
            except (SADatabaseError, sqlite3.Error) as exc:
                session.rollback()
                if counted is not None:
                    self.watch.lost_count()
                raise _failure(exc, self.path) from None
            self.watch.committed(counted)

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
