"""The driver connection: every everyday read and write (`database.reading`, `writing`), and
the bulk statements under a session that SQLAlchemy would slow down. The SQL is written once,
with SQLite's `?` and `:name` placeholders; on PostgreSQL it is translated to psycopg's once per
statement text."""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from functools import lru_cache
from typing import Any, Protocol


class Rows(Protocol):
    @property
    def rowcount(self) -> int: ...

    def fetchone(self) -> Any: ...

    def fetchall(self) -> list[Any]: ...

    def __iter__(self) -> Iterator[Any]: ...


class Driver(Protocol):
    """What cryqueue asks of a driver connection: sqlite3's, or psycopg's through `PgDriver`."""

    def execute(self, sql: str, parameters: Any = (), /) -> Rows: ...

    def executemany(self, sql: str, parameters: Iterable[Any], /) -> object: ...

    def close(self) -> None: ...


# A quoted string or identifier (left alone), a '?' or ':name' placeholder, or a lone '%'.
_TOKEN = re.compile(r"'(?:[^']|'')*'|\"(?:[^\"]|\"\")*\"|\?|(?<![:\w]):([A-Za-z_]\w*)|%")


@lru_cache(maxsize=512)
def pyformat(sql: str) -> str:
    """`sql` with SQLite's placeholders as psycopg's (and a literal '%' doubled)."""

    def swap(match: re.Match[str]) -> str:
        token = match[0]
        if token == "?":
            return "%s"
        if token == "%":
            return "%%"
        if match[1]:
            return f"%({match[1]})s"
        return token.replace("%", "%%")  # psycopg reads '%' inside quotes too

    return _TOKEN.sub(swap, sql)


class PgDriver:
    """A psycopg connection that takes cryqueue's SQL as sqlite3 would, and counts the rows
    its statements change as sqlite3's `total_changes` does: a write transaction then knows
    whether it changed anything without asking the server."""

    def __init__(self, connection: Any) -> None:
        self.connection = connection
        self.total_changes = 0

    def execute(self, sql: str, parameters: Any = (), /) -> Rows:
        cursor = self.connection.execute(pyformat(sql), parameters or None)
        status = cursor.statusmessage or ""
        if cursor.rowcount > 0 and status.startswith(("INSERT", "UPDATE", "DELETE")):
            self.total_changes += cursor.rowcount
        rows: Rows = cursor
        return rows

    def executemany(self, sql: str, parameters: Iterable[Any], /) -> object:
        rows = list(parameters)
        with self.connection.cursor() as cursor:
            cursor.executemany(pyformat(sql), rows)
            # Only writes come here. psycopg sums the rows of every execution (before 3.3 it
            # may leave -1, and no status): then any row given counts as a change.
            self.total_changes += cursor.rowcount if cursor.rowcount >= 0 else len(rows)
        return None

    def close(self) -> None:
        self.connection.close()
