"""The diary's reads and its one write: every viewing with its film, and changing one viewing
(`Library.diary`, `Library.change_viewing`)."""

from __future__ import annotations

import sqlite3
from datetime import date

from sqlmodel import Session, col, select

from cryqueue.domain import validate
from cryqueue.domain.diary import DiaryEntry
from cryqueue.domain.errors import LookupFailed, UsageError
from cryqueue.storage.fast_read import day_of
from cryqueue.storage.insights import year_bounds
from cryqueue.storage.models import Film, Viewing

# Each dated viewing, newest first, numbered within its film from its first (same-day viewings
# in the order they were logged): any but a film's first is a rewatch, and so is every one of
# a film also watched on a day not recorded.
_DATED_SQL = """
SELECT film_id, watched_on, title, original_title, year, tear_level, rating, rewatch FROM (
    SELECT film_id, watched_on, viewing.id AS viewing_id, title, original_title, year,
           tear_level, rating, watched_undated OR row_number() OVER (
               PARTITION BY film_id ORDER BY watched_on, viewing.id) > 1 AS rewatch
    FROM viewing JOIN film ON film.id = viewing.film_id)
WHERE watched_on >= ? AND watched_on < ?
ORDER BY watched_on DESC, viewing_id DESC
"""
_UNDATED_SQL = (
    "SELECT id, title, original_title, year, tear_level, rating FROM film"
    " WHERE watched_undated ORDER BY rank_key"
)


def diary_entries(conn: sqlite3.Connection, year: int | None = None) -> list[DiaryEntry]:
    """Every viewing, newest first, then each film's viewing on a day not recorded (in ranking
    order); with `year`, only that year's dated viewings."""
    entries = [
        DiaryEntry(film_id, day_of(day, film_id), t, o, y, bool(again), tl, r)
        for film_id, day, t, o, y, tl, r, again in conn.execute(_DATED_SQL, year_bounds(year))
    ]
    if year is None:
        entries += [
            DiaryEntry(film_id, None, t, o, y, False, tl, r)
            for film_id, t, o, y, tl, r in conn.execute(_UNDATED_SQL)
        ]
    return entries


def change_viewing(
    session: Session, film: Film, old: date | None, new: date | None, today: date
) -> None:
    """Add a viewing on `new` (old None), delete the one on `old` (new None), or move it, in
    the caller's transaction. `new` is checked as a viewing logged by hand is."""
    if old is None and new is None:
        raise UsageError("give the viewing to change, its new date, or both")
    assert film.id is not None
    if new is not None:
        validate.viewing_date(new, today, film.year)
    if old is None:
        assert new is not None
        session.add(Viewing(film_id=film.id, watched_on=new))
        return
    viewing = session.exec(
        select(Viewing)
        .where(Viewing.film_id == film.id, Viewing.watched_on == old)
        .order_by(col(Viewing.id).desc())
        .limit(1)
    ).first()
    if viewing is None:
        raise LookupFailed(
            f"{film.title} ({film.year}) has no viewing on {old.isoformat()}"
            + _days(session, film.id)
        )
    if new is None:
        session.delete(viewing)
    else:
        viewing.watched_on = new
        session.add(viewing)


SHOWN_DAYS = 5


def _days(session: Session, film_id: int) -> str:
    """'; its viewings: 2024-01-05, 2024-03-10' (the latest few), or what it has instead."""
    days = session.exec(
        select(col(Viewing.watched_on))
        .where(Viewing.film_id == film_id)
        .order_by(col(Viewing.watched_on).desc())
        .limit(SHOWN_DAYS + 1)
    ).all()
    if not days:
        return "; it has no dated viewing"
    shown = ", ".join(day.isoformat() for day in sorted(days[:SHOWN_DAYS]))
    more = " and earlier ones" if len(days) > SHOWN_DAYS else ""
    return f"; its viewings: {shown}{more}"
