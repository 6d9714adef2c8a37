"""The personal ranking as gapped integer keys.

A move writes one row: the film gets a key between its new neighbours. Only when two neighbours
have run out of room (after many moves into the same gap) are all keys re-spaced, in one
set-based statement. Everything here runs on the driver: a key press's move pays for every
statement, and SQLAlchemy's cost per statement would be most of it."""

from __future__ import annotations

from cryqueue.domain.errors import LookupFailed, film_gone
from cryqueue.storage.driver import Driver

GAP = 1 << 20


def key_between(lo: int | None, hi: int | None) -> int | None:
    """A key strictly between `lo` and `hi` (None = open end), or None if there is no room."""
    if lo is None and hi is None:
        return 0
    if lo is None:
        assert hi is not None
        return hi - GAP
    if hi is None:
        return lo + GAP
    if hi - lo < 2:
        return None
    return (lo + hi) // 2


def respace(driver: Driver) -> None:
    """Give every film the key position * GAP, keeping the order.

    SQLite checks UNIQUE row by row, so the keys first move to a range above both the old keys
    and the final ones, and then down to their final values."""
    base = max(_top(driver) or 0, count(driver) * GAP) + 1
    driver.execute(
        "UPDATE film SET rank_key = ? + r.pos FROM "
        "(SELECT id, ROW_NUMBER() OVER (ORDER BY rank_key) AS pos FROM film) AS r "
        "WHERE film.id = r.id",
        (base,),
    )
    driver.execute("UPDATE film SET rank_key = (rank_key - ?) * ?", (base, GAP))


def _top(driver: Driver) -> int | None:
    ((top,),) = driver.execute("SELECT max(rank_key) FROM film")
    return None if top is None else int(top)


def bottom_key(driver: Driver) -> int:
    top = _top(driver)
    return 0 if top is None else top + GAP


def count(driver: Driver) -> int:
    ((total,),) = driver.execute("SELECT count(*) FROM film")
    return int(total)


def key_of(driver: Driver, film_id: int) -> int:
    row = driver.execute("SELECT rank_key FROM film WHERE id = ?", (film_id,)).fetchone()
    if row is None:
        raise film_gone()
    return int(row[0])


# A film's 1-based place in the ranking, as a column of the film table's row.
PLACE_SQL = "(SELECT count(*) FROM film AS f WHERE f.rank_key < film.rank_key) + 1"


def position_of(driver: Driver, film_id: int) -> int:
    """1-based place of a film in the ranking."""
    return _key_and_place(driver, film_id)[1]


def _key_and_place(driver: Driver, film_id: int) -> tuple[int, int]:
    row = driver.execute(f"SELECT rank_key, {PLACE_SQL} FROM film WHERE id = ?", (film_id,))
    found = row.fetchone()
    if found is None:
        raise film_gone()
    return int(found[0]), int(found[1])


def place_at(driver: Driver, film_id: int, position: int) -> int:
    """Move a film so that it shows at `position` (clamped to 1..n); returns the new position."""
    return reposition(driver, film_id, position)[1]


def reposition(
    driver: Driver,
    film_id: int,
    position: int,
    *,
    relative: bool = False,
    known: tuple[int, int] | None = None,
) -> tuple[int, int]:
    """Move a film to `position` (with `relative`, that many places on: negative is up),
    clamped to 1..n; returns its old and new positions. `known`: the film's key and place,
    if the caller has read them (with `PLACE_SQL`).

    A short move (the common one: a key press) reads only the neighbours it passes, from the
    film's own key, and stops at the end by itself; a long one finds its new neighbours by
    position."""
    key, current = known if known is not None else _key_and_place(driver, film_id)
    position = max(1, position + current if relative else position)
    for _attempt in range(2):
        if abs(position - current) <= NEAR:
            position, lo, hi = _neighbours_near(driver, key, current, position)
        else:
            if position > current:  # only a move down can run past the end
                position = min(position, count(driver))
            lo, hi = _neighbours_at(driver, film_id, position)
        if position == current:
            return current, current
        new_key = key_between(lo, hi)
        if new_key is not None:
            _set_key(driver, film_id, new_key)
            return current, position
        respace(driver)
        key = key_of(driver, film_id)
    raise RuntimeError("ranking keys could not be re-spaced")  # pragma: no cover


def _set_key(driver: Driver, film_id: int, key: int) -> None:
    driver.execute("UPDATE film SET rank_key = ? WHERE id = ?", (key, film_id))


def place_next_to(driver: Driver, film_id: int, other_id: int, up: bool) -> tuple[int, int]:
    """Move a film up (or down) to just past `other_id`, if the other film is on that side of
    it as stored; returns the old and new positions. Reads keys near the two films only, in
    one statement (on a server, every statement is a round trip of the key press)."""
    for _attempt in range(2):
        row = driver.execute(_NEXT_TO_SQL[up], (film_id, other_id)).fetchone()
        if row is None:
            raise LookupFailed("the film next to it is no longer in the library")
        key, other, current, passed, edge = row
        if (other < key) != up:
            return current, current
        new_key = key_between(edge, other) if up else key_between(other, edge)
        if new_key is not None:
            _set_key(driver, film_id, new_key)
            return current, current - passed if up else current + passed
        respace(driver)
    raise RuntimeError("ranking keys could not be re-spaced")  # pragma: no cover


def _next_to_sql(up: bool) -> str:
    """The film's key and the other's, the film's place, the films it would pass (the other
    one included), and the key beyond the other one on that side."""
    passed = "o.rank_key AND film.rank_key - 1" if up else "film.rank_key + 1 AND o.rank_key"
    beyond = (
        "max(rank_key) FROM film WHERE rank_key < "
        if up
        else "min(rank_key) FROM film WHERE rank_key > "
    )
    return (
        f"SELECT film.rank_key, o.rank_key, {PLACE_SQL},"
        f" (SELECT count(*) FROM film AS p WHERE p.rank_key BETWEEN {passed}),"
        f" (SELECT {beyond}o.rank_key)"
        " FROM film, film AS o WHERE film.id = ? AND o.id = ?"
    )


_NEXT_TO_SQL = {up: _next_to_sql(up) for up in (True, False)}


NEAR = 64  # moves up to this many places walk from the film's key


def _neighbours_near(
    driver: Driver, key: int, current: int, position: int
) -> tuple[int, int | None, int | None]:
    """Where a short move lands (a move down stops at the last place) and the keys around
    that place."""
    steps = abs(position - current)
    if position < current:  # the films passed are above: the last one passed becomes `hi`
        above = _keys(
            driver,
            "SELECT rank_key FROM film WHERE rank_key < ? ORDER BY rank_key DESC LIMIT ?",
            (key, steps + 1),
        )
        return position, (above[steps] if len(above) > steps else None), above[steps - 1]
    below = _keys(
        driver,
        "SELECT rank_key FROM film WHERE rank_key > ? ORDER BY rank_key LIMIT ?",
        (key, steps + 1),
    )
    steps = min(steps, len(below))
    if not steps:
        return current, None, None  # the last film already
    return current + steps, below[steps - 1], (below[steps] if len(below) > steps else None)


def _neighbours_at(driver: Driver, film_id: int, position: int) -> tuple[int | None, int | None]:
    keys = _keys(
        driver,
        "SELECT rank_key FROM film WHERE id != ? ORDER BY rank_key LIMIT ? OFFSET ?",
        (film_id, 2 if position > 1 else 1, max(position - 2, 0)),
    )
    if position == 1:
        return None, (keys[0] if keys else None)
    return (keys[0] if keys else None), (keys[1] if len(keys) > 1 else None)


def _keys(driver: Driver, sql: str, parameters: tuple[int, ...]) -> list[int]:
    return [int(k) for (k,) in driver.execute(sql, parameters)]


def assign_order(driver: Driver, ordered_ids: list[int]) -> None:
    """Set the whole ranking to `ordered_ids` (every film id, once), in two UNIQUE-safe passes."""
    base = max(_top(driver) or 0, len(ordered_ids) * GAP) + 1
    statement = "UPDATE film SET rank_key = ? WHERE id = ?"
    driver.executemany(statement, [(base + i, fid) for i, fid in enumerate(ordered_ids)])
    driver.executemany(statement, [(i * GAP, fid) for i, fid in enumerate(ordered_ids)])
