"""A film's own state, read and written on the driver inside the caller's transaction: what a
key press changes (viewings, tears, rating, tags, note), and the film as the service hands it
out. No SQLAlchemy here: the app's everyday writes must not load it (see `database`)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date
from typing import Any

from cryqueue.domain.errors import film_gone
from cryqueue.domain.films import FilmEntry, Viewings
from cryqueue.storage import ranking
from cryqueue.storage.driver import Driver
from cryqueue.storage.fast_read import ENTRY_SQL, entry_of
from cryqueue.storage.film_rows import FILM_COLUMNS
from cryqueue.storage.shared_sql import WATCHED_SQL, day_of, sql_now

# The names `touch` and `update` may use (the SQL is built from these alone): the film's.
_COLUMNS = frozenset(FILM_COLUMNS)


# What `touch` can read beside the columns: whether the film counts as watched, its place.
_DERIVED = {"watched": WATCHED_SQL, "place": ranking.PLACE_SQL}


def touch(driver: Driver, film_id: int, *columns: str) -> tuple[Any, ...]:
    """Mark a film as changed now, and read `columns` of it as they were (or "watched"); a
    film removed meanwhile (by another cryqueue) is refused with the usual message."""
    names = [_DERIVED.get(name, name) for name in _checked(columns or ("id",))]
    row = driver.execute(
        f"UPDATE film SET updated_at = ? WHERE id = ? RETURNING {', '.join(names)}",
        (sql_now(), film_id),
    ).fetchone()
    if row is None:
        raise film_gone()
    return tuple(row)


def update(driver: Driver, film_id: int, values: Mapping[str, Any]) -> None:
    """Set a film's columns to `values`, by name."""
    names = _checked(values)
    assignments = ", ".join(f"{name} = ?" for name in names)
    driver.execute(f"UPDATE film SET {assignments} WHERE id = ?", (*values.values(), film_id))


def _checked(names: Iterable[str]) -> tuple[str, ...]:
    names = tuple(names)
    unknown = set(names) - _COLUMNS - _DERIVED.keys()
    if unknown:
        raise ValueError(f"not a film column cryqueue writes here: {sorted(unknown)}")
    return names


def dates_of(driver: Driver, film_id: int) -> list[date]:
    """A film's viewing dates, oldest first, read as `day_of` reads every stored date."""
    rows = driver.execute(
        "SELECT watched_on FROM viewing WHERE film_id = ? ORDER BY watched_on", (film_id,)
    )
    return [day_of(day, film_id) for (day,) in rows]


def viewings_of(driver: Driver, film_id: int, undated: object) -> Viewings:
    """A film's watch record: its viewing dates and whether it was watched on a day unknown."""
    return Viewings(tuple(dates_of(driver, film_id)), bool(undated))


def add_viewings(driver: Driver, film_id: int, days: Iterable[date]) -> None:
    driver.executemany(
        "INSERT INTO viewing (film_id, watched_on) VALUES (?, ?)",
        [(film_id, day.isoformat()) for day in days],
    )


def forget_viewings(driver: Driver, film_id: int) -> tuple[date, ...]:
    """Delete a film's dated viewings; returns their days, oldest first."""
    rows = driver.execute("DELETE FROM viewing WHERE film_id = ? RETURNING watched_on", (film_id,))
    return tuple(sorted(day_of(day, film_id) for (day,) in rows))


def entry(driver: Driver, film_id: int, rank: int | None = None) -> FilmEntry:
    """A film as the service hands it out. Its place in the ranking is counted unless the
    caller knows it (`rank`): counting is the one step whose cost grows with the library."""
    row = driver.execute(f"{ENTRY_SQL} WHERE id = ?", (film_id,)).fetchone()
    if row is None:
        raise film_gone()
    place = rank if rank is not None else ranking.position_of(driver, film_id)
    return entry_of(row, place, tuple(dates_of(driver, film_id)))
