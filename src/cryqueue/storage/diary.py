"""The diary's one write: changing one viewing (`Library.change_viewing`), on the driver. Its
reads are in `insights`, which the first-frame reader runs too."""

from __future__ import annotations

from datetime import date

from cryqueue.domain import validate
from cryqueue.domain.errors import LookupFailed, UsageError
from cryqueue.storage.driver import Driver
from cryqueue.storage.film_state import add_viewings
from cryqueue.storage.shared_sql import day_of


def change_viewing(
    driver: Driver,
    film: tuple[int, str, int],
    old: date | None,
    new: date | None,
    today: date,
) -> None:
    """Add a viewing of `film` (its id, title and year) on `new` (old None), delete the one on
    `old` (new None), or move it, in the caller's transaction. `new` is checked as a viewing
    logged by hand is."""
    film_id, title, year = film
    if old is None and new is None:
        raise UsageError("give the viewing to change, its new date, or both")
    if new is not None:
        validate.viewing_date(new, today, year)
    if old is None:
        assert new is not None
        add_viewings(driver, film_id, (new,))
        return
    row = driver.execute(
        "SELECT id FROM viewing WHERE film_id = ? AND watched_on = ? ORDER BY id DESC LIMIT 1",
        (film_id, old.isoformat()),
    ).fetchone()
    if row is None:
        raise LookupFailed(
            f"{title} ({year}) has no viewing on {old.isoformat()}" + _days(driver, film_id)
        )
    if new is None:
        driver.execute("DELETE FROM viewing WHERE id = ?", (row[0],))
    else:
        driver.execute("UPDATE viewing SET watched_on = ? WHERE id = ?", (new.isoformat(), row[0]))


SHOWN_DAYS = 5


def _days(driver: Driver, film_id: int) -> str:
    """'; its viewings: 2024-01-05, 2024-03-10' (the latest few), or what it has instead."""
    rows = driver.execute(
        "SELECT watched_on FROM viewing WHERE film_id = ? ORDER BY watched_on DESC LIMIT ?",
        (film_id, SHOWN_DAYS + 1),
    )
    days = [day_of(day, film_id) for (day,) in rows]
    if not days:
        return "; it has no dated viewing"
    shown = ", ".join(day.isoformat() for day in sorted(days[:SHOWN_DAYS]))
    more = " and earlier ones" if len(days) > SHOWN_DAYS else ""
    return f"; its viewings: {shown}{more}"
