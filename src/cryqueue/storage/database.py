"""An open database: its engine, short transactions, and the driver's errors as one-line
messages. A SQLite file or a PostgreSQL database (`server`); the rest of storage asks this
module, never the backend, for the driver connection and for what a failure means."""

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
from sqlmodel import Session, create_engine

from cryqueue.domain.errors import CryqueueError, sqlite_failure
from cryqueue.storage.change_watch import ChangeWatch, Probe
from cryqueue.storage.driver import Driver, PgDriver
from cryqueue.storage.location import Location, ServerUrl

BUSY_TIMEOUT_MS = 10_000
# SQLite's page cache, per connection: 512 KiB where the default is 2 MB. The app's reads
# of a big library are scans (the list, the search text), which fill any cache without
# reading a page from it twice, and left each pooled connection holding its 2 MB; the hot
# pages of a lookup by id fit many times over. An import makes its own room (`import_writer`).
CACHE_KIB = 512


class Database:
    """An open cryqueue database. Use `read()` and `write()` for short transactions."""

    def __init__(self, location: Location, engine: Engine) -> None:
        self.location = location
        self.engine = engine
        # Where the library's file is (backups go beside it); None on a server.
        self.path: Path | None = None if isinstance(location, ServerUrl) else location
        self.errors: tuple[type[BaseException], ...] = (SADatabaseError, sqlite3.Error)
        self._failure: Callable[[BaseException], CryqueueError]
        if isinstance(location, ServerUrl):
            from cryqueue.storage import pg  # psycopg: only for a server library

            self.errors = (SADatabaseError, pg.driver_errors())
            self._failure = lambda exc: pg.failure(exc, location)
            self.watch = ChangeWatch(pg.probe(location))
        else:
            self._failure = lambda exc: sqlite_failure(exc, location)
            self.watch = ChangeWatch(file_probe(location))

    def failure(self, exc: BaseException) -> CryqueueError:
        """The one-line message for a driver's (or SQLAlchemy's) error."""
        orig = exc.orig if isinstance(exc, SADatabaseError) else exc
        return self._failure(orig or exc)

    @contextmanager
    def read(self) -> Iterator[Session]:
        """A read transaction with one view of the library throughout."""
        with Session(self.engine, expire_on_commit=False) as session:
            try:
                yield session
            except self.errors as exc:  # driver: bulk statements
                raise self.failure(exc) from None

    @contextmanager
    def write(self) -> Iterator[Session]:
        """One transaction that takes the write lock up front (SQLite's BEGIN IMMEDIATE, a
        transaction lock on a server), so writers queue instead of failing halfway."""
        counted: int | None = None  # this commit's generation, once counted
        with Session(self.engine, expire_on_commit=False) as session:
            try:
                session.connection(execution_options={"cryqueue_write": True})
                driver = driver_of(session)
                before = _changes(driver)
                yield session
                session.flush()
                counted = self.watch.committing(driver, _changed(driver, before))
                session.commit()
            except self.errors as exc:
                session.rollback()
                if counted is not None:
                    self.watch.lost_count()
                raise self.failure(exc) from None
            self.watch.committed(counted)

    def close(self) -> None:
        self.watch.close()
        self.engine.dispose()


def driver_of(session: Session) -> Driver:
    """The session's driver connection, inside its transaction: for bulk reads and writes
    where SQLAlchemy's per-row work would cost more than the database's."""
    driver = session.connection().connection.driver_connection
    if isinstance(driver, sqlite3.Connection):
        return driver
    return PgDriver(driver)


def _changes(driver: Driver) -> int:
    return driver.total_changes if isinstance(driver, sqlite3.Connection) else 0


_WROTE_SQL = "SELECT pg_current_xact_id_if_assigned() IS NOT NULL"


def _changed(driver: Driver, before: int) -> bool:
    """Whether the transaction changed a row: SQLite counts changes; PostgreSQL gives a
    transaction an id only once it writes."""
    if isinstance(driver, sqlite3.Connection):
        return driver.total_changes != before
    return bool(driver.execute(_WROTE_SQL).fetchone()[0])


def file_probe(path: Path) -> Probe:
    """The change watch's look at a file: SQLite's data_version moves on every commit."""

    def connect() -> Driver:
        # A plain path, never a URI: the name is taken literally. This connection only
        # reads, each query in its own short transaction, so it never holds up a writer.
        return sqlite3.connect(
            str(path),
            timeout=0.05,  # on the app's thread: never wait long
            isolation_level=None,
            check_same_thread=False,
        )

    def busy(exc: BaseException) -> bool:
        return isinstance(exc, sqlite3.OperationalError) and (
            "locked" in str(exc) or "busy" in str(exc)
        )

    return Probe(
        connect=connect,
        version_sql="PRAGMA data_version",
        errors=(sqlite3.Error,),
        busy=busy,
        failure=lambda exc: sqlite_failure(exc, path),
    )


def make_file_engine(path: Path) -> Engine:
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
        dbapi_conn.execute(f"PRAGMA cache_size = -{CACHE_KIB}")

    @event.listens_for(engine, "begin")
    def _on_begin(conn: Any) -> None:
        write = conn.get_execution_options().get("cryqueue_write")
        conn.exec_driver_sql("BEGIN IMMEDIATE" if write else "BEGIN")

    return engine
