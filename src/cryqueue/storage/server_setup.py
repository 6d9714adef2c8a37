"""Creating a library in a PostgreSQL database, or checking one that is there: the same tables
as a SQLite library (from the same models), marked as cryqueue's in `meta`, and refused when
the database holds something else or a newer cryqueue's schema."""

from __future__ import annotations

from sqlalchemy import Engine
from sqlmodel import Session, SQLModel

from cryqueue.domain.errors import DatabaseRefused, damaged
from cryqueue.storage import models, schema  # noqa: F401  (the models define the tables)
from cryqueue.storage.database import driver_of
from cryqueue.storage.driver import Driver
from cryqueue.storage.location import ServerUrl
from cryqueue.storage.pg import APPLICATION_KEY, MARK, VERSION_KEY, marks_of

_TABLES_SQL = (
    "SELECT table_name, column_name FROM information_schema.columns"
    " WHERE table_schema = current_schema()"
)


def prepare(engine: Engine, url: ServerUrl) -> None:
    """Create the library's tables in an empty database, or check the ones there; one
    transaction under the writers' lock, so two cryqueues starting at once create it once."""
    with Session(engine) as session:
        session.connection(execution_options={"cryqueue_write": True})
        driver = driver_of(session)
        have = _columns(driver)
        if not have:
            SQLModel.metadata.create_all(session.connection())
            driver.executemany(
                "INSERT INTO meta (key, value) VALUES (?, ?)",
                [(APPLICATION_KEY, MARK), (VERSION_KEY, str(schema.SCHEMA_VERSION))],
            )
            session.commit()
            return
        _refuse_foreign(driver, have, url)
        session.rollback()


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
    want = {t.name: {c.name for c in t.columns} for t in SQLModel.metadata.sorted_tables}
    if version < schema.SCHEMA_VERSION:  # no cryqueue made one: the first is this version
        raise damaged(url.shown, f"its schema version reads {version}", DatabaseRefused)
    for table in sorted(want):
        if table not in have:
            raise damaged(url.shown, f"table {table!r} is missing", DatabaseRefused)
        missing = sorted(want[table] - have[table])
        if missing:
            raise damaged(url.shown, f"column {table}.{missing[0]} is missing", DatabaseRefused)
