"""Creating a library in a PostgreSQL database, or checking one that is there: the same tables
as a SQLite library (from the same models), marked as cryqueue's in `meta`, and refused when
the database holds something else or a newer cryqueue's schema.

Checking a library that is there reads the catalog on the driver, against the tables the
models define as `schema_text` has them: only creating one loads SQLAlchemy (for its DDL in
the server's dialect), so a command that writes to a server library starts as a file's does."""

from __future__ import annotations

from cryqueue.domain.errors import DatabaseRefused, damaged
from cryqueue.storage import schema
from cryqueue.storage.database import Database, driver_of
from cryqueue.storage.driver import Driver
from cryqueue.storage.location import ServerUrl
from cryqueue.storage.pg import APPLICATION_KEY, MARK, VERSION_KEY, marks_of
from cryqueue.storage.schema_text import TABLES

# The columns of the tables (and views) in the schema the library's statements name tables in,
# as information_schema.columns lists them, read from the catalog itself: the view costs the
# server some 9 ms, which every command's open paid.
_TABLES_SQL = (
    "SELECT c.relname, a.attname FROM pg_catalog.pg_attribute a"
    " JOIN pg_catalog.pg_class c ON c.oid = a.attrelid"
    " JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace"
    " WHERE n.nspname = current_schema() AND c.relkind IN ('r', 'p', 'v', 'm', 'f')"
    " AND a.attnum > 0 AND NOT a.attisdropped"
)


def prepare(db: Database, url: ServerUrl) -> None:
    """Check the library's tables, or create them in an empty database: creating takes the
    writers' lock and looks again under it, so two cryqueues starting at once create it once."""
    with db.reading() as driver:
        have = _columns(driver)
        if have:
            _refuse_foreign(driver, have, url)
            return
    _create(db, url)


def _create(db: Database, url: ServerUrl) -> None:
    from sqlmodel import Session, SQLModel

    from cryqueue.storage import models  # noqa: F401  (the models define the tables)

    with Session(db.engine) as session:
        session.connection(execution_options={"cryqueue_write": True})
        driver = driver_of(session)
        have = _columns(driver)
        if have:  # another cryqueue created it meanwhile
            _refuse_foreign(driver, have, url)
            session.rollback()
            return
        SQLModel.metadata.create_all(session.connection())
        driver.executemany(
            "INSERT INTO meta (key, value) VALUES (?, ?)",
            [(APPLICATION_KEY, MARK), (VERSION_KEY, str(schema.SCHEMA_VERSION))],
        )
        session.commit()


def _columns(driver: Driver) -> dict[str, set[str]]:
    tables: dict[str, set[str]] = {}
    for table, column in driver.execute(_TABLES_SQL):
        tables.setdefault(table, set()).add(column)
    return tables


def _refuse_foreign(driver: Driver, have: dict[str, set[str]], url: ServerUrl) -> None:
    """Refuse a database that is not a cryqueue library of this version, saying why."""
    marks: dict[str, str] = {}
    if "meta" in have and {"key", "value"} <= have["meta"]:
        marks = marks_of(driver)
    if marks.get(APPLICATION_KEY) != MARK:
        shown = ", ".join(sorted(have)[:3]) + (", …" if len(have) > 3 else "")
        raise DatabaseRefused(
            f"{url.shown} holds tables ({shown}) but is not a cryqueue library; give an "
            "empty database (createdb NAME) or another URL"
        )
    version = int(marks.get(VERSION_KEY, "0") or 0)
    if version > schema.SCHEMA_VERSION:
        raise DatabaseRefused(
            f"{url.shown} was written by a newer cryqueue (schema {version}, this version "
            f"knows {schema.SCHEMA_VERSION}); upgrade cryqueue to open it"
        )
    want = {table: set(columns) for table, columns, _ddl, _indexes in TABLES}
    if version < schema.SCHEMA_VERSION:  # no cryqueue made one: the first is this version
        raise damaged(url.shown, f"its schema version reads {version}", DatabaseRefused)
    for table in sorted(want):
        if table not in have:
            raise damaged(url.shown, f"table {table!r} is missing", DatabaseRefused)
        missing = sorted(want[table] - have[table])
        if missing:
            raise damaged(url.shown, f"column {table}.{missing[0]} is missing", DatabaseRefused)
