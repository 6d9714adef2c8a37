"""The diary's one write: changing one viewing (`Library.change_viewing`). Its reads are in
`insights`, which the first-frame reader runs too."""

from __future__ import annotations

from datetime import date

from sqlmodel import Session, col, select

from cryqueue.domain import validate
from cryqueue.domain.errors import LookupFailed, UsageError
from cryqueue.storage.models import Film, Viewing


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
