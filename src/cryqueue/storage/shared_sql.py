"""What every reader of a library reads the same way, the library (SQLAlchemy behind it) and the
first-frame reader (`fast_read.Peek`, sqlite3 alone) alike: when a film counts as watched, and
how a stored viewing date is read."""

from __future__ import annotations

from datetime import date

from cryqueue.domain.errors import damaged
from cryqueue.domain.validate import iso_day

# A film is watched when it has a viewing, or was watched on a day nobody recorded.
WATCHED_SQL = "(watched_undated OR EXISTS (SELECT 1 FROM viewing WHERE viewing.film_id = film.id))"


def day_of(text: str, film_id: int) -> date:
    """A stored viewing date; anything but YYYY-MM-DD is damage to report."""
    day = iso_day(text)
    if day is None:
        raise damaged(None, f"a viewing of film {film_id} has the date {text!r}")
    return day
