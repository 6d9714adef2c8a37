"""What every reader of a library reads the same way, the library and the first-frame reader
(`fast_read.Peek`) alike: when a film counts as watched, how a stored viewing date is read on
SQLite (text) and PostgreSQL (a date), and how a time is written."""

from __future__ import annotations

from datetime import UTC, date, datetime

from cryqueue.domain.errors import damaged
from cryqueue.domain.validate import iso_day

# A film is watched when it has a viewing, or was watched on a day nobody recorded.
WATCHED_SQL = "(watched_undated OR EXISTS (SELECT 1 FROM viewing WHERE viewing.film_id = film.id))"


def day_of(text: str | date, film_id: int) -> date:
    """A stored viewing date (text in SQLite, a date on PostgreSQL); anything but YYYY-MM-DD
    is damage to report."""
    if isinstance(text, date):
        return text
    day = iso_day(text)
    if day is None:
        raise damaged(None, f"a viewing of film {film_id} has the date {text!r}")
    return day


def sql_now() -> str:
    """Now, as a time is stored: SQLAlchemy's format for a DateTime on SQLite (UTC, no
    offset), which PostgreSQL reads as a timestamp."""
    return datetime.now(UTC).strftime("%Y-%m-%d %H:%M:%S.%f")


def day_text(value: str | date | None) -> str | None:
    """A stored day as YYYY-MM-DD text, whichever backend read it."""
    return value.isoformat() if isinstance(value, date) else value
