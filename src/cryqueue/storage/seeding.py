"""Bringing the shipped catalog into a database: on first use, and again whenever a newer
release ships a newer catalog. Only catalog facts are written; the user's state, own films,
edited facts and removals are left alone."""

from __future__ import annotations

from dataclasses import fields

from sqlmodel import Session, col, delete, select

from cryqueue.domain.catalog import Catalog, CatalogFilm, catalog_version, load_catalog
from cryqueue.domain.consensus import consensus_order
from cryqueue.domain.text import search_columns
from cryqueue.storage import ranking
from cryqueue.storage.database import Database, driver_of
from cryqueue.storage.fast_read import CATALOG_VERSION_KEY, stored_columns
from cryqueue.storage.models import DismissedCatalogFilm, Film, Meta, Relation, Source, SourceRank


def stored_catalog_version(session: Session) -> int:
    meta = session.get(Meta, CATALOG_VERSION_KEY)
    return int(meta.value) if meta else 0


def seed_catalog(db: Database, catalog: Catalog | None = None) -> bool:
    """Apply the catalog if the database has an older one; returns whether anything was written."""
    version = catalog.version if catalog else catalog_version()
    if version is not None:
        with db.read() as session:
            if stored_catalog_version(session) >= version:
                return False
    catalog = catalog or load_catalog()
    with db.write() as session:
        if stored_catalog_version(session) >= catalog.version:
            return False  # another cryqueue seeded it meanwhile
        _apply(session, catalog)
    return True


def catalog_facts(film: CatalogFilm) -> dict[str, object]:
    """A catalog film's facts as the film table's columns, by name (its key is set apart)."""
    return {
        **stored_columns({name: getattr(film, name) for name in _FACT_NAMES}),
        **search_columns(film.title, film.original_title, film.director, film.network, film.cast),
    }


# CatalogFilm's fields that are the film's columns: all but its key and relations.
_FACT_NAMES = tuple(f.name for f in fields(CatalogFilm) if f.name not in ("key", "relations"))


def _apply(session: Session, catalog: Catalog) -> None:
    dismissed = set(session.exec(select(DismissedCatalogFilm.key)).all())
    existing = {f.key: f for f in session.exec(select(Film).where(col(Film.key).is_not(None)))}
    fresh_library = ranking.count(driver_of(session)) == 0
    ids: dict[str, int] = {}
    new_films: list[Film] = []
    for item in catalog.films:
        if item.key in dismissed:
            continue
        film = existing.get(item.key)
        if film is None:
            film = Film(key=item.key, rank_key=0, **catalog_facts(item))  # type: ignore[arg-type]
            new_films.append(film)
        elif not film.user_edited:
            for name, value in catalog_facts(item).items():
                setattr(film, name, value)
        session.add(film)
    _place_new(session, catalog, new_films, fresh_library)
    session.flush()
    for film in session.exec(select(Film).where(col(Film.key).is_not(None))):
        assert film.key is not None and film.id is not None
        ids[film.key] = film.id
    _replace_relations(session, catalog, ids)
    _replace_sources(session, catalog, ids)
    meta = session.get(Meta, CATALOG_VERSION_KEY) or Meta(key=CATALOG_VERSION_KEY, value="0")
    meta.value = str(catalog.version)
    session.add(meta)


def _place_new(session: Session, catalog: Catalog, films: list[Film], fresh: bool) -> None:
    """New catalog films go in consensus order: the whole ranking on a fresh library,
    after the user's existing ranking on an upgrade."""
    by_key = {f.key: f for f in films}
    order = consensus_order(
        {s.key: list(s.rankings) for s in catalog.sources},
        [m for s in catalog.sources for m in s.mentions] + [f.key for f in catalog.films],
        {f.key: f.title for f in catalog.films},
    )
    with session.no_autoflush:  # the new films, still at key 0, must not be flushed yet
        next_key = 0 if fresh else ranking.bottom_key(driver_of(session))
    for key in order:
        if key in by_key:
            by_key[key].rank_key = next_key
            next_key += ranking.GAP


def _replace_relations(session: Session, catalog: Catalog, ids: dict[str, int]) -> None:
    catalog_ids = list(ids.values())
    session.exec(delete(Relation).where(col(Relation.film_id).in_(catalog_ids)))
    for item in catalog.films:
        for rel in item.relations:
            if item.key in ids and rel.film in ids:
                session.add(
                    Relation(
                        film_id=ids[item.key], kind=rel.kind, other_id=ids[rel.film], note=rel.note
                    )
                )


def _replace_sources(session: Session, catalog: Catalog, ids: dict[str, int]) -> None:
    for item in catalog.sources:
        source = session.exec(select(Source).where(Source.key == item.key)).first()
        if source is None:
            source = Source(key=item.key, title=item.title)
        source.title, source.author, source.site = item.title, item.author, item.site
        session.add(source)
        session.flush()
        assert source.id is not None
        session.exec(delete(SourceRank).where(col(SourceRank.source_id) == source.id))
        for key, rank in item.rankings:
            if key in ids:
                session.add(SourceRank(source_id=source.id, film_id=ids[key], rank=rank))
        for key in item.mentions:
            if key in ids:
                session.add(SourceRank(source_id=source.id, film_id=ids[key], rank=None))
