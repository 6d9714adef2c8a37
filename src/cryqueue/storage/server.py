"""A library in a PostgreSQL database: its SQLAlchemy engine (psycopg 3 beneath, imported only
when a PostgreSQL URL is used, so start-up on a SQLite library never pays for it).

Writers take one transaction-scoped advisory lock before anything else, as SQLite's BEGIN
IMMEDIATE takes the file's write lock: two cryqueues on two machines queue for a moment instead
of racing, so a ranking key, a note merge or the change counter is never computed from a state
another writer is changing. Reads run at REPEATABLE READ: one view of the library throughout,
as a SQLite read transaction has."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Engine, event
from sqlalchemy.pool import QueuePool
from sqlmodel import create_engine

from cryqueue.storage.location import ServerUrl
from cryqueue.storage.pg import CONNECT_TIMEOUT_S
from cryqueue.storage.schema import APPLICATION_ID

BUSY_TIMEOUT_MS = 10_000
WRITE_LOCK = APPLICATION_ID  # the advisory lock every cryqueue writer takes


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
            # One round trip: a key press's write pays for each. Read committed (the default):
            # every statement after the lock sees what the writer before us committed.
            conn.exec_driver_sql(
                f"SELECT set_config('lock_timeout', '{BUSY_TIMEOUT_MS}', true),"
                f" pg_advisory_xact_lock({WRITE_LOCK})"
            )
        else:
            conn.exec_driver_sql("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ")

    return engine
