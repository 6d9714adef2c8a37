"""A library in a PostgreSQL database, through psycopg 3 (SQLAlchemy only when a session is
asked for): its connections and transactions, the first-frame reader's and the change watch's
looks, and every error message, so that a `list` on a server library loads no more than a
file's does.

Writers take one transaction-scoped advisory lock before anything else, as SQLite's BEGIN
IMMEDIATE takes the file's write lock: two cryqueues on two machines queue for a moment instead
of racing, so a ranking key, a note merge or the change counter is never computed from a state
another writer is changing. Reads run at REPEATABLE READ: one view of the library throughout,
as a SQLite read transaction has."""

from __future__ import annotations

from contextlib import AbstractContextManager, nullcontext
from typing import Any

import psycopg
from psycopg import errors as pg_errors

from cryqueue.domain.errors import CryqueueError, damaged
from cryqueue.storage.change_watch import GENERATION_SQL, Probe
from cryqueue.storage.database import BUSY_TIMEOUT_MS, Backend, Database
from cryqueue.storage.driver import Driver, PgDriver
from cryqueue.storage.location import ServerUrl
from cryqueue.storage.schema import APPLICATION_ID

CONNECT_TIMEOUT_S = 10
# In `meta`: what a SQLite library keeps in its header (PRAGMA application_id, user_version).
APPLICATION_KEY = "application_id"
VERSION_KEY = "schema_version"
MARK = format(APPLICATION_ID, "x")
WRITE_LOCK = APPLICATION_ID  # the advisory lock every cryqueue writer takes


def driver_errors() -> type[BaseException]:
    return psycopg.Error


def conninfo(url: ServerUrl) -> str:
    """The URL as libpq reads it (any password, PGPASSFILE, sslmode… pass through)."""
    return "postgresql://" + url.url.split("://", 1)[1]


def connect(url: ServerUrl) -> PgDriver:
    """A connection of its own, outside SQLAlchemy's pool (the change watch's, the first-frame
    reader's); each statement commits unless a transaction is opened on it."""
    connection = psycopg.connect(
        conninfo(url),
        autocommit=True,
        connect_timeout=CONNECT_TIMEOUT_S,
        application_name="cryqueue",
    )
    return PgDriver(connection)


def server_database(url: ServerUrl) -> Database:
    """The library in the PostgreSQL database at `url` (not yet checked: see `server_setup`)."""

    def connect_pooled() -> psycopg.Connection[Any]:
        """In autocommit: the transactions' BEGIN is ours (`_begin_sql`), sent with their
        first statement, where psycopg would send its own BEGIN in a round trip of its own."""
        driver = connect(url)
        driver.execute("SET TIME ZONE 'UTC'")  # timestamps are stored in UTC
        connection: psycopg.Connection[Any] = driver.connection
        return connection

    def connect_session() -> psycopg.Connection[Any]:
        connection = connect_pooled()
        connection.autocommit = False  # SQLAlchemy begins and commits through psycopg
        return connection

    backend = Backend(
        connect=connect_pooled,
        driver=PgDriver,
        begin_sql=lambda write: f"BEGIN; {_setup_sql(write)}" if write else _READ_BEGIN_SQL,
        together=_pipeline,
        broken=lambda connection: bool(connection.broken or connection.closed),
        errors=(psycopg.Error,),
        failure=lambda exc: failure(exc, url),
        probe=probe(url),
        dialect_url="postgresql+psycopg://",
        session_connect=connect_session,
        session_begin_sql=_setup_sql,
    )
    return Database(url, backend)


_READ_BEGIN_SQL = "BEGIN ISOLATION LEVEL REPEATABLE READ"


def _pipeline(connection: psycopg.Connection[Any]) -> AbstractContextManager[Any]:
    """Statements sent in one round trip, their results read once it is over (psycopg's
    pipeline mode, where libpq has it)."""
    return connection.pipeline() if psycopg.Pipeline.is_supported() else nullcontext()


def _setup_sql(write: bool) -> str:
    """A transaction's first statement: a writer's lock, or a reader's isolation level."""
    if not write:
        return "SET TRANSACTION ISOLATION LEVEL REPEATABLE READ"
    # One round trip: a key press's write pays for each. Read committed (the default): every
    # statement after the lock sees what the writer before us committed.
    return (
        f"SELECT set_config('lock_timeout', '{BUSY_TIMEOUT_MS}', true),"
        f" pg_advisory_xact_lock({WRITE_LOCK})"
    )


def marks_of(driver: Driver) -> dict[str, str]:
    """What `meta` says the database is: cryqueue's mark and schema version, where present."""
    rows = driver.execute(
        "SELECT key, value FROM meta WHERE key IN (?, ?)", (APPLICATION_KEY, VERSION_KEY)
    )
    return dict(rows.fetchall())


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


def connect_if_current(url: ServerUrl) -> PgDriver | None:
    """A reading connection to a library this cryqueue can read as it is (marked as ours, on
    the current schema), for the first-frame reader; None when the full open has set-up to
    do or a refusal to word. Each read then runs in a REPEATABLE READ transaction."""
    from cryqueue.storage.schema import SCHEMA_VERSION

    try:
        driver = connect(url)
    except psycopg.Error as exc:
        raise failure(exc, url) from None
    try:
        marks = marks_of(driver)
    except psycopg.Error:
        marks = {}
    if marks != {APPLICATION_KEY: MARK, VERSION_KEY: str(SCHEMA_VERSION)}:
        driver.close()
        return None
    driver.connection.isolation_level = psycopg.IsolationLevel.REPEATABLE_READ
    return driver
