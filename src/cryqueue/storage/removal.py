"""Removing a film and putting it back (undo): everything it had, taken out and restored in
one transaction of the caller's."""

from __future__ import annotations

from sqlalchemy import or_
from sqlmodel import Session, col, delete, select

from cryqueue.domain.errors import film_gone
from cryqueue.domain.films import RemovedFilm
from cryqueue.storage import ranking
from cryqueue.storage.database import driver_of
from cryqueue.storage.models import DismissedCatalogFilm, Film, Relation, SourceRank, Viewing


def take_out(session: Session, film_id: int) -> RemovedFilm:
    """Delete a film with its viewings, list places and relations; what comes back puts it
    back exactly (`put_back`). A removed catalog film stays removed on catalog upgrades."""
    film = session.get(Film, film_id)
    if film is None:
        raise film_gone()
    removed = RemovedFilm(
        row=film.model_dump(),
        viewings=tuple(
            session.exec(select(col(Viewing.watched_on)).where(Viewing.film_id == film_id))
        ),
        source_ranks=tuple(
            session.exec(
                select(SourceRank.source_id, SourceRank.rank).where(SourceRank.film_id == film_id)
            )
        ),
        relations=tuple(
            session.exec(
                select(Relation.film_id, Relation.kind, Relation.other_id, Relation.note).where(
                    or_(col(Relation.film_id) == film_id, col(Relation.other_id) == film_id)
                )
            )
        ),
        position=ranking.position_of(driver_of(session), film_id),
    )
    if film.key is not None and session.get(DismissedCatalogFilm, film.key) is None:
        session.add(DismissedCatalogFilm(key=film.key))
    for table, column in (
        (Viewing, Viewing.film_id),
        (SourceRank, SourceRank.film_id),
        (Relation, Relation.film_id),
        (Relation, Relation.other_id),
    ):
        session.exec(delete(table).where(col(column) == film_id))
    session.delete(film)

    return removed


def put_back(session: Session, removed: RemovedFilm) -> int:
    """Put a removed film back where it was, under its old id if free; returns its id."""
    row = dict(removed.row)
    if session.get(Film, row["id"]) is not None:
        row["id"] = None
    row["rank_key"] = ranking.bottom_key(driver_of(session))
    film = Film(**row)
    session.add(film)
    if film.key is not None:
        session.exec(delete(DismissedCatalogFilm).where(col(DismissedCatalogFilm.key) == film.key))
    session.flush()
    assert film.id is not None
    old_id, new_id = removed.row["id"], film.id
    session.add_all(Viewing(film_id=new_id, watched_on=d) for d in removed.viewings)
    session.add_all(
        SourceRank(source_id=s, film_id=new_id, rank=r) for s, r in removed.source_ranks
    )
    for a, kind, b, note in removed.relations:
        a, b = (new_id if a == old_id else a), (new_id if b == old_id else b)
        if session.get(Film, a) and session.get(Film, b):
            session.add(Relation(film_id=a, kind=kind, other_id=b, note=note))
    ranking.place_at(driver_of(session), new_id, removed.position)
    return new_id
