"""The personal ranking as gapped integer keys.

A move writes one row: the film gets a key between its new neighbours. Only when two neighbours
have run out of room (after many moves into the same gap) are all keys re-spaced, in one
set-based statement."""

from __future__ import annotations

from sqlalchemy import func, text
from sqlmodel import Session, col, select

from cryqueue.domain.errors import LookupFailed
from cryqueue.storage.database import driver_of
from cryqueue.storage.models import Film

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


def respace(session: Session) -> None:
    """Give every film the key position * GAP, keeping the order.

    SQLite checks UNIQUE row by row, so the keys first move to a range above both the old keys
    and the final ones, and then down to their final values."""
    total = count(session)
    high = session.exec(select(func.max(Film.rank_key))).one() or 0
    base = max(int(high), total * GAP) + 1
    session.execute(
        text(
            "UPDATE film SET rank_key = :base + r.pos FROM "
            "(SELECT id, ROW_NUMBER() OVER (ORDER BY rank_key) AS pos FROM film) AS r "
            "WHERE film.id = r.id"
        ),
        {"base": base},
    )
    session.execute(
        text("UPDATE film SET rank_key = (rank_key - :base) * :gap"), {"base": base, "gap": GAP}
    )


def bottom_key(session: Session) -> int:
    top = session.exec(select(func.max(Film.rank_key))).one()
    return 0 if top is None else int(top) + GAP


def count(session: Session) -> int:
    return int(session.exec(select(func.count()).select_from(Film)).one())


def position_of(session: Session, film_id: int) -> int:
    """1-based place of a film in the ranking."""
    key = session.exec(select(Film.rank_key).where(Film.id == film_id)).one()
    before = session.exec(select(func.count()).select_from(Film).where(Film.rank_key < key)).one()
    return int(before) + 1


def place_at(session: Session, film_id: int, position: int) -> int:
    """Move a film so that it shows at `position` (clamped to 1..n); returns the new position."""
    return reposition(session, film_id, position)[1]


def reposition(session: Session, film_id: int, position: int) -> tuple[int, int]:
    """Move a film to `position` (clamped to 1..n); returns its old and new positions.

    A short move (the common one: a key press) reads only the neighbours it passes, from the
    film's own key; a long one finds its new neighbours by position."""
    current = position_of(session, film_id)
    if position > current:  # only a move down can run past the end
        position = min(position, count(session))
    position = max(1, position)
    if position == current:
        return current, current
    for _attempt in range(2):
        if abs(position - current) <= NEAR:
            lo, hi = _neighbours_near(session, film_id, current, position)
        else:
            lo, hi = _neighbours_at(session, film_id, position)
        new_key = key_between(lo, hi)
        if new_key is not None:
            film = session.get_one(Film, film_id)
            film.rank_key = new_key
            session.add(film)
            session.flush()
            return current, position
        respace(session)
    raise RuntimeError("ranking keys could not be re-spaced")  # pragma: no cover


def place_next_to(session: Session, film_id: int, other_id: int, up: bool) -> tuple[int, int]:
    """Move a film up (or down) to just past `other_id`, if the other film is on that side of
    it as stored; returns the old and new positions. Reads keys near the two films only, with
    the driver (a key press: SQLAlchemy's per-statement cost would be most of it)."""
    driver = driver_of(session)
    for _attempt in range(2):
        keys = dict(
            driver.execute(
                "SELECT id, rank_key FROM film WHERE id IN (?, ?)", (film_id, other_id)
            ).fetchall()
        )
        if len(keys) < 2:
            raise LookupFailed("the film next to it is no longer in the library")
        key, other = keys[film_id], keys[other_id]
        ((current,),) = driver.execute("SELECT count(*) + 1 FROM film WHERE rank_key < ?", (key,))
        if (other < key) != up:
            return current, current
        low, high = (other, key - 1) if up else (key + 1, other)
        ((passed,),) = driver.execute(
            "SELECT count(*) FROM film WHERE rank_key BETWEEN ? AND ?", (low, high)
        )
        beyond = (
            "SELECT max(rank_key) FROM film WHERE rank_key < ?"
            if up
            else "SELECT min(rank_key) FROM film WHERE rank_key > ?"
        )
        ((edge,),) = driver.execute(beyond, (other,))
        new_key = key_between(edge, other) if up else key_between(other, edge)
        if new_key is not None:
            driver.execute("UPDATE film SET rank_key = ? WHERE id = ?", (new_key, film_id))
            return current, current - passed if up else current + passed
        respace(session)
    raise RuntimeError("ranking keys could not be re-spaced")  # pragma: no cover


NEAR = 64  # moves up to this many places walk from the film's key


def _neighbours_near(
    session: Session, film_id: int, current: int, position: int
) -> tuple[int | None, int | None]:
    key = session.exec(select(Film.rank_key).where(Film.id == film_id)).one()
    steps = abs(position - current)
    if position < current:  # the films passed are above: the last one passed becomes `hi`
        query = (
            select(Film.rank_key)
            .where(col(Film.rank_key) < key)
            .order_by(col(Film.rank_key).desc())
            .limit(steps + 1)
        )
        above = [int(k) for k in session.exec(query).all()]
        return (above[steps] if len(above) > steps else None), above[steps - 1]
    query = (
        select(Film.rank_key)
        .where(col(Film.rank_key) > key)
        .order_by(col(Film.rank_key))
        .limit(steps + 1)
    )
    below = [int(k) for k in session.exec(query).all()]
    return below[steps - 1], (below[steps] if len(below) > steps else None)


def _neighbours_at(session: Session, film_id: int, position: int) -> tuple[int | None, int | None]:
    others = (
        select(Film.rank_key)
        .where(Film.id != film_id)
        .order_by(col(Film.rank_key))
        .offset(max(position - 2, 0))
        .limit(2 if position > 1 else 1)
    )
    keys = [int(k) for k in session.exec(others).all()]
    if position == 1:
        return None, (keys[0] if keys else None)
    return (keys[0] if keys else None), (keys[1] if len(keys) > 1 else None)


def assign_order(session: Session, ordered_ids: list[int]) -> None:
    """Set the whole ranking to `ordered_ids` (every film id, once), in two UNIQUE-safe passes."""
    high = session.exec(select(func.max(Film.rank_key))).one() or 0
    base = max(int(high), len(ordered_ids) * GAP) + 1
    # Through the driver: SQLAlchemy's executemany costs more per row than SQLite's update.
    driver = driver_of(session)
    statement = "UPDATE film SET rank_key = ? WHERE id = ?"
    driver.executemany(statement, [(base + i, fid) for i, fid in enumerate(ordered_ids)])
    driver.executemany(statement, [(i * GAP, fid) for i, fid in enumerate(ordered_ids)])
