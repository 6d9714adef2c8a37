"""An open database: short transactions on the driver's own connections, a SQLAlchemy session
for the one write left that wants one (`doctor --repair`), and the driver's errors as one-line
messages. A SQLite file or a PostgreSQL database (`pg`); the rest of storage asks this module,
never the backend, for a connection and for what a failure means.

All of the app's and the commands' work runs on `reading()` and `writing()`, which never import
SQLAlchemy: loading it and SQLModel costs an app some 27 MiB and a CLI command half a second.
`write()` and `engine` build the engine on first use."""

from __future__ import annotations

import os
import sqlite3
import threading
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager, nullcontext, suppress
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from cryqueue.domain.errors import CryqueueError, sqlite_failure
from cryqueue.storage.change_watch import ChangeWatch, Probe
from cryqueue.storage.driver import Driver, PgDriver
from cryqueue.storage.location import Location, ServerUrl

if TYPE_CHECKING:
    from sqlalchemy import Engine
    from sqlmodel import Session

BUSY_TIMEOUT_MS = 10_000
# SQLite's page cache, per connection: 512 KiB where the default is 2 MB. The app's reads
# of a big library are scans (the list, the search text), which fill any cache without
# reading a page from it twice, and left each pooled connection holding its 2 MB; the hot
# pages of a lookup by id fit many times over. An import makes its own room (`import_writer`).
CACHE_KIB = 512
# Idle connections kept for the next transaction: the app's thread and its readers (the list,
# the search text) seldom use more than three at once.
KEEP_IDLE = 3


@dataclass(frozen=True)
class Backend:
    """How to reach one library: a new set-up driver connection that commits nothing by itself,
    the statement that begins a transaction on it (`write`: under the writers' lock), whether
    an idle one is still good, and what the driver's errors mean; for SQLAlchemy, the
    dialect's name, its connections and the statement its transactions begin with."""

    connect: Callable[[], Any]
    driver: Callable[[Any], Driver]
    begin_sql: Callable[[bool], str]
    together: Callable[[Any], AbstractContextManager[Any]]  # statements sent at once
    broken: Callable[[Any], bool]
    errors: tuple[type[BaseException], ...]
    failure: Callable[[BaseException], CryqueueError]
    probe: Probe
    dialect_url: str
    session_connect: Callable[[], Any]
    session_begin_sql: Callable[[bool], str]


class Database:
    """An open cryqueue database. Use `reading()` and `writing()` for short transactions on the
    driver, `read()` and `write()` where a SQLModel session is wanted."""

    def __init__(self, location: Location, backend: Backend) -> None:
        self.location = location
        self.backend = backend
        # Where the library's file is (backups go beside it); None on a server.
        self.path: Path | None = None if isinstance(location, ServerUrl) else location
        self.errors = backend.errors
        self.watch = ChangeWatch(backend.probe)
        self._engine: Engine | None = None
        self._engine_lock = threading.Lock()  # held while SQLAlchemy loads, not the pool's
        self._idle: list[Any] = []
        self._closed = False  # a transaction that ends after `close` closes its connection
        self._lock = threading.Lock()

    @property
    def engine(self) -> Engine:
        """SQLAlchemy's engine, made (and SQLAlchemy imported) on first use."""
        with self._engine_lock:
            if self._engine is None:
                self._engine = _engine(self.backend, ping=self.path is None)
            return self._engine

    def failure(self, exc: BaseException) -> CryqueueError:
        """The one-line message for a driver's (or SQLAlchemy's, by its `orig`) error."""
        return self.backend.failure(getattr(exc, "orig", None) or exc)

    @contextmanager
    def reading(self) -> Iterator[Driver]:
        """A read transaction on the driver, with one view of the library throughout."""
        with self._transaction(write=False) as driver:
            yield driver

    @contextmanager
    def writing(self) -> Iterator[Driver]:
        """One transaction on the driver that takes the write lock up front (SQLite's BEGIN
        IMMEDIATE, a transaction lock on a server), so writers queue instead of failing
        halfway; counted for the change watch when it changed something."""
        with self._transaction(write=True) as driver:
            yield driver

    @contextmanager
    def _transaction(self, write: bool) -> Iterator[Driver]:
        raw = self._begun(write)
        driver = self.backend.driver(raw)
        counting = done = False
        try:
            before = _changes(driver)
            yield driver
            counting = write and _changes(driver) != before
            if counting:  # the count and the COMMIT in one round trip on a server
                with self.backend.together(raw):
                    generation = self.watch.bump(driver)
                    self._commit(driver)
            else:
                self._commit(driver)
            done = True
        except self.errors as exc:
            raise self.failure(exc) from None
        finally:
            self._finish(raw, driver, done, counting)
        if counting:
            self.watch.committed(generation())

    @staticmethod
    def _commit(driver: Driver) -> None:
        driver.execute("COMMIT")

    def _begun(self, write: bool) -> Any:
        """An idle connection (or a new one) in a begun transaction. An idle one the server
        dropped meanwhile (restarted) is closed and the next taken, as a pool's ping would."""
        while True:
            with self._lock:
                raw = self._idle.pop() if self._idle else None
            fresh = raw is None
            try:
                if raw is None:
                    raw = self.backend.connect()
                self.backend.driver(raw).execute(self.backend.begin_sql(write))
                return raw
            except self.errors as exc:
                retry = not fresh and self.backend.broken(raw)
                if raw is not None:
                    _close(raw)
                if not retry:
                    raise self.failure(exc) from None

    def _finish(self, raw: Any, driver: Driver, done: bool, counting: bool) -> None:
        """Keep the connection for the next transaction, or roll back and close one that did
        not commit: a statement the failure left running (its cursor held by the traceback)
        would pin the old snapshot on a pooled connection, ROLLBACK or not."""
        if not done:
            if counting:
                self.watch.lost_count()
            with suppress(*self.errors):
                driver.execute("ROLLBACK")
            _close(raw)
            return
        with self._lock:
            if not self._closed and len(self._idle) < KEEP_IDLE:
                self._idle.append(raw)
                return
        _close(raw)

    @contextmanager
    def write(self) -> Iterator[Session]:
        """`writing()` in a SQLModel session: for `doctor --repair`, the one write left that
        wants one."""
        from sqlmodel import Session

        errors = self._session_errors()
        counted: int | None = None  # this commit's generation, once counted
        with Session(self.engine, expire_on_commit=False) as session:
            try:
                session.connection(execution_options={"cryqueue_write": True})
                driver = driver_of(session)
                before = _changes(driver)
                yield session
                session.flush()
                counted = self.watch.committing(driver, _session_changed(driver, before))
                session.commit()
            except errors as exc:
                session.rollback()
                if counted is not None:
                    self.watch.lost_count()
                raise self.failure(exc) from None
            self.watch.committed(counted)

    def _session_errors(self) -> tuple[type[BaseException], ...]:
        """The driver's errors and SQLAlchemy's, which wraps them."""
        from sqlalchemy.exc import DatabaseError

        return (*self.errors, DatabaseError)

    def close(self) -> None:
        self.watch.close()
        with self._lock:
            self._closed = True
            idle, self._idle = self._idle, []
        with self._engine_lock:
            engine, self._engine = self._engine, None
        for raw in idle:
            _close(raw)
        if engine is not None:
            engine.dispose()


def driver_of(session: Session) -> Driver:
    """The session's driver connection, inside its transaction: for bulk reads and writes
    where SQLAlchemy's per-row work would cost more than the database's."""
    driver = session.connection().connection.driver_connection
    if isinstance(driver, sqlite3.Connection):
        return driver
    return PgDriver(driver)


def _close(raw: Any) -> None:
    with suppress(Exception):  # a connection already gone is closed enough
        raw.close()


def _changes(driver: Driver) -> int:
    """Rows changed so far through `driver`: sqlite3 counts them, and so does `PgDriver`."""
    assert isinstance(driver, sqlite3.Connection | PgDriver)
    return driver.total_changes


_WROTE_SQL = "SELECT pg_current_xact_id_if_assigned() IS NOT NULL"


def _session_changed(driver: Driver, before: int) -> bool:
    """Whether a session's transaction changed a row. Its statements pass SQLAlchemy, not
    this `PgDriver`, so on PostgreSQL the server is asked: it gives a transaction an id only
    once it writes."""
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


def file_database(path: Path) -> Database:
    """The library in the SQLite file at `path`, taken literally: a name with `%20` or `?` in
    it is that name, never a URL that would be decoded into another file."""

    def connect() -> sqlite3.Connection:
        conn = sqlite3.connect(
            os.fspath(path),
            timeout=BUSY_TIMEOUT_MS / 1000,
            check_same_thread=False,
            isolation_level=None,  # we issue BEGIN ourselves
        )
        conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
        conn.execute("PRAGMA foreign_keys = ON")
        conn.execute("PRAGMA synchronous = FULL")
        conn.execute(f"PRAGMA cache_size = -{CACHE_KIB}")
        return conn

    def begin_sql(write: bool) -> str:
        return "BEGIN IMMEDIATE" if write else "BEGIN"

    backend = Backend(
        connect=connect,
        driver=lambda raw: raw,
        begin_sql=begin_sql,
        together=lambda _raw: nullcontext(),  # in-process: nothing to gain
        broken=lambda _raw: False,
        errors=(sqlite3.Error,),
        failure=lambda exc: sqlite_failure(exc, path),
        probe=file_probe(path),
        dialect_url="sqlite://",  # with the connections above, whose BEGIN is ours
        session_connect=connect,
        session_begin_sql=begin_sql,
    )
    return Database(path, backend)


def _engine(backend: Backend, *, ping: bool) -> Engine:
    """SQLAlchemy's engine over the backend's connections for it, its transactions begun with
    the same lock or isolation as `writing` and `reading`; on a server, an idle connection is
    pinged (a restart meanwhile)."""
    from sqlalchemy import event
    from sqlalchemy.pool import QueuePool
    from sqlmodel import create_engine

    engine = create_engine(
        backend.dialect_url,
        creator=backend.session_connect,
        poolclass=QueuePool,  # SQLAlchemy cannot tell from "sqlite://" that it is a file
        pool_pre_ping=ping,
    )

    @event.listens_for(engine, "begin")
    def _on_begin(conn: Any) -> None:
        write = bool(conn.get_execution_options().get("cryqueue_write"))
        conn.exec_driver_sql(backend.session_begin_sql(write))

    return engine
