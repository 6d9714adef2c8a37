"""Removing a film and putting it back (undo): everything it had, taken out and restored in
one transaction of the caller's."""

from __future__ import annotations

from datetime import date

from cryqueue.domain.errors import film_gone
from cryqueue.domain.films import RemovedFilm
from cryqueue.storage import ranking
from cryqueue.storage.driver import Driver
from cryqueue.storage.film_rows import FILM_COLUMNS, insert_film
from cryqueue.storage.shared_sql import day_text

_FILM_SQL = f"SELECT {', '.join(FILM_COLUMNS)} FROM film WHERE id = ?"


def take_out(driver: Driver, film_id: int) -> RemovedFilm:
    """Delete a film with its viewings, list places and relations; what comes back puts it
    back exactly (`put_back`). A removed catalog film stays removed on catalog upgrades."""
    found = driver.execute(_FILM_SQL, (film_id,)).fetchone()
    if found is None:
        raise film_gone()
    row = dict(zip(FILM_COLUMNS, found, strict=True))
    one = (film_id,)
    removed = RemovedFilm(
        row=row,
        viewings=tuple(
            date.fromisoformat(str(day_text(day)))
            for (day,) in driver.execute(
                "SELECT watched_on FROM viewing WHERE film_id = ? ORDER BY id", one
            )
        ),
        source_ranks=tuple(
            (source, rank)
            for source, rank in driver.execute(
                "SELECT source_id, rank FROM sourcerank WHERE film_id = ? ORDER BY id", one
            )
        ),
        relations=tuple(
            (a, kind, b, note)
            for a, kind, b, note in driver.execute(
                "SELECT film_id, kind, other_id, note FROM relation"
                " WHERE film_id = ? OR other_id = ? ORDER BY id",
                (film_id, film_id),
            )
        ),
        position=ranking.position_of(driver, film_id),
    )
    if row["key"] is not None:
        driver.execute(
            "INSERT INTO dismissedcatalogfilm (key) VALUES (?) ON CONFLICT (key) DO NOTHING",
            (row["key"],),
        )
    driver.execute("DELETE FROM viewing WHERE film_id = ?", one)
    driver.execute("DELETE FROM sourcerank WHERE film_id = ?", one)
    driver.execute("DELETE FROM relation WHERE film_id = ? OR other_id = ?", (film_id, film_id))
    driver.execute("DELETE FROM film WHERE id = ?", one)
    return removed


def put_back(driver: Driver, removed: RemovedFilm) -> int:
    """Put a removed film back where it was, under its old id if free; returns its id."""
    row = dict(removed.row)
    old_id = row["id"]
    if _exists(driver, old_id):
        del row["id"]
    row["rank_key"] = ranking.bottom_key(driver)
    new_id = insert_film(driver, row)
    if row["key"] is not None:
        driver.execute("DELETE FROM dismissedcatalogfilm WHERE key = ?", (row["key"],))
    driver.executemany(
        "INSERT INTO viewing (film_id, watched_on) VALUES (?, ?)",
        [(new_id, day.isoformat()) for day in removed.viewings],
    )
    driver.executemany(
        "INSERT INTO sourcerank (source_id, film_id, rank) VALUES (?, ?, ?)",
        [(source, new_id, rank) for source, rank in removed.source_ranks],
    )
    for a, kind, b, note in removed.relations:
        a, b = (new_id if a == old_id else a), (new_id if b == old_id else b)
        if _exists(driver, a) and _exists(driver, b):
            driver.execute(
                "INSERT INTO relation (film_id, kind, other_id, note) VALUES (?, ?, ?, ?)",
                (a, kind, b, note),
            )
    ranking.place_at(driver, new_id, removed.position)
    return new_id


def _exists(driver: Driver, film_id: int) -> bool:
    return driver.execute("SELECT 1 FROM film WHERE id = ?", (film_id,)).fetchone() is not None
