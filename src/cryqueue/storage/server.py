"""A library in a PostgreSQL database, through psycopg 3 (imported only when a PostgreSQL URL
is used, so start-up on a SQLite library never pays for it).

Writers take one transaction-scoped advisory lock before anything else, as SQLite's BEGIN
IMMEDIATE takes the file's write lock: two cryqueues on two machines queue for a moment instead
of racing, so a ranking key, a note merge or the change counter is never computed from a state
another writer is changing. Reads run at REPEATABLE READ: one view of the library throughout,
as a SQLite read transaction has."""

from __future__ import annotations

from typing import Any

import psycopg
from psycopg import errors as pg_errors
from sqlalchemy import Engine, event
from sqlalchemy.pool import QueuePool
from sqlmodel import create_engine

from cryqueue.domain.errors import CryqueueError, damaged
from cryqueue.storage.change_watch import GENERATION_SQL, Probe
from cryqueue.storage.driver import Driver, PgDriver
from cryqueue.storage.location import ServerUrl
from cryqueue.storage.schema import APPLICATION_ID

BUSY_TIMEOUT_MS = 10_000
CONNECT_TIMEOUT_S = 10
WRITE_LOCK = APPLICATION_ID  # the advisory lock every cryqueue writer takes


def driver_errors() -> type[BaseException]:
    return psycopg.Error


def conninfo(url: ServerUrl) -> str:
    """The URL as libpq reads it (any password, PGPASSFILE, sslmode… pass through)."""
    return "postgresql://" + url.url.split("://", 1)[1]


def make_engine(url: ServerUrl) -> Engine:
    engine = create_engine(
        url.driver_url,
        poolclass=QueuePool,
        pool_pre_ping=True,  # a server restarted meanwhile: a new connection, not an error
        connect_args={"connect_timeout": CONNECT_TIMEOUT_S, "application_name": "cryqueue"},
    )

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_conn: Any, _record: Any) -> None:
        dbapi_conn.autocommit = True
        dbapi_conn.execute("SET TIME ZONE 'UTC'")  # timestamps are stored in UTC
        dbapi_conn.autocommit = False

    @event.listens_for(engine, "begin")
    def _on_begin(conn: Any) -> None:
        if conn.get_execution_options().get("cryqueue_write"):
            conn.exec_driver_sql(f"SET LOCAL lock_timeout = {BUSY_TIMEOUT_MS}")
            conn.exec_driver_sql(f"SELECT pg_advisory_xact_lock({WRITE_LOCK})")
        else:
            conn.exec_driver_sql("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ")

    return engine


def connect(url: ServerUrl, autocommit: bool = True) -> PgDriver:
    """A connection of its own (outside SQLAlchemy's pool): the change watch's, set-up's."""
    connection = psycopg.connect(
        conninfo(url),
        autocommit=autocommit,
        connect_timeout=CONNECT_TIMEOUT_S,
        application_name="cryqueue",
    )
    return PgDriver(connection)


def probe(url: ServerUrl) -> Probe:
    """The change watch's look: the generation counter every cryqueue writer bumps."""

    def open_watch() -> Driver:
        return connect(url)

    return Probe(
        connect=open_watch,
        version_sql=GENERATION_SQL,
        errors=(psycopg.Error,),
        busy=lambda exc: isinstance(exc, psycopg.errors.LockNotAvailable),
        failure=lambda exc: failure(exc, url),
    )


def failure(error: BaseException, url: ServerUrl) -> CryqueueError:
    """The one message for anything the server or psycopg reported: what happened and what to
    do, with the URL shown without its password."""
    text = url.scrub(" ".join(str(error).split())) or type(error).__name__
    where = url.shown
    if isinstance(error, pg_errors.LockNotAvailable):
        return CryqueueError(
            "the library stayed busy (another cryqueue is writing); try again in a moment"
        )
    if isinstance(error, pg_errors.SerializationFailure | pg_errors.DeadlockDetected):
        return CryqueueError("another cryqueue changed the library at the same moment; try again")
    if isinstance(error, pg_errors.ReadOnlySqlTransaction | pg_errors.InsufficientPrivilege):
        return CryqueueError(
            f"{where} does not let this user write ({text}); grant the user write access "
            "or use another database"
        )
    if isinstance(error, pg_errors.DiskFull):
        return CryqueueError("the server's disk is full; free some space and try again")
    if isinstance(error, pg_errors.UndefinedTable | pg_errors.UndefinedColumn):
        return damaged(where, text)
    if isinstance(error, psycopg.OperationalError):
        return CryqueueError(f"cannot use the library at {where}: {_why(text)}")
    return CryqueueError(f"database error at {where}: {text}")


def _why(text: str) -> str:
    """A connection failure in the user's words, with what to do."""
    lowered = text.lower()
    if "password" in lowered:
        return (
            "the server refused the login (wrong or missing password); give it in the URL, "
            "PGPASSWORD or a PGPASSFILE"
        )
    if "does not exist" in lowered and "database" in lowered:
        return f"{text.split('FATAL:')[-1].strip()}; create it first (createdb NAME)"
    if "does not exist" in lowered and "role" in lowered:
        return f"{text.split('FATAL:')[-1].strip()}; check the user name in the URL"
    if "refused" in lowered or "could not" in lowered or "timeout" in lowered:
        return f"the server cannot be reached ({text}); check that it is running and the URL"
    return text
