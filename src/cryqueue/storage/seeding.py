"""Bringing the shipped catalog into a database: on first use, and again whenever a newer
release ships a newer catalog. Only catalog facts are written; the user's state, own films,
edited facts and removals are left alone. Written with the driver's own statements: a new
library is created, seeded and imported into without SQLAlchemy."""

from __future__ import annotations

from dataclasses import fields
from typing import Any

from cryqueue.domain.catalog import Catalog, CatalogFilm, catalog_version, load_catalog
from cryqueue.domain.consensus import consensus_order
from cryqueue.domain.search import fold
from cryqueue.domain.text import SEARCH_COLUMNS, search_columns
from cryqueue.storage import ranking
from cryqueue.storage.database import Database
from cryqueue.storage.driver import Driver
from cryqueue.storage.fast_read import (
    CATALOG_VERSION_KEY,
    stored_catalog_version,
    stored_columns,
    strings_of,
)
from cryqueue.storage.film_rows import films_named, insert_film
from cryqueue.storage.film_state import update
from cryqueue.storage.schema_text import FILM_DEFAULTS


def seed_catalog(db: Database, catalog: Catalog | None = None) -> bool:
    """Apply the catalog if the database has an older one; returns whether anything was written."""
    version = catalog.version if catalog else catalog_version()
    if version is not None:
        with db.reading() as driver:
            if stored_catalog_version(driver) >= version:
                return False
    catalog = catalog or load_catalog()
    with db.writing() as driver:
        if stored_catalog_version(driver) >= catalog.version:
            return False  # another cryqueue seeded it meanwhile
        _apply(driver, catalog)
    return True


def catalog_facts(film: CatalogFilm) -> dict[str, Any]:
    """A catalog film's facts as the film table's columns, by name (its key is set apart)."""
    return {
        **stored_columns({name: getattr(film, name) for name in _FACT_NAMES}),
        **search_columns(film.title, film.original_title, film.director, film.network, film.cast),
    }


# CatalogFilm's fields that are the film's columns: all but its key and relations.
_FACT_NAMES = tuple(f.name for f in fields(CatalogFilm) if f.name not in ("key", "relations"))


def _apply(driver: Driver, catalog: Catalog) -> None:
    dismissed = {key for (key,) in driver.execute("SELECT key FROM dismissedcatalogfilm")}
    ids: dict[str, int] = {}
    edited: set[str] = set()
    for key, film_id, user_edited in driver.execute(
        "SELECT key, id, user_edited FROM film WHERE key IS NOT NULL"
    ):
        ids[key] = film_id
        if user_edited:
            edited.add(key)
    next_key = ranking.bottom_key(driver)  # 0 in a new library
    new: list[dict[str, Any]] = []
    for item in catalog.films:
        if item.key in dismissed:
            continue
        facts = catalog_facts(item)
        if item.key in ids:
            if item.key not in edited:
                update(driver, ids[item.key], facts)
        elif next_key and (film_id := _own_film(driver, item)) is not None:  # 0: no films
            _adopt(driver, film_id, item.key, facts)
            ids[item.key] = film_id
        else:
            new.append({**facts, "key": item.key})
    _place_new(catalog, new, next_key)
    for columns in new:  # in the catalog's order, as their ids come
        ids[columns["key"]] = insert_film(driver, columns)
    _replace_relations(driver, catalog, ids)
    _replace_sources(driver, catalog, ids)
    driver.execute(
        "INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE "
        "SET value = excluded.value",
        (CATALOG_VERSION_KEY, str(catalog.version)),
    )


def _own_film(driver: Driver, item: CatalogFilm) -> int | None:
    """The film the user added themselves that is `item`, if any: the one with its IMDb id,
    or one `films_named` takes for it (a film adopted already has a key, and is not)."""
    if item.imdb_id:
        row = driver.execute(
            "SELECT id FROM film WHERE key IS NULL AND imdb_id = ? ORDER BY id LIMIT 1",
            (item.imdb_id,),
        ).fetchone()
        if row is not None:
            return int(row[0])
    named = films_named(driver, item.title, item.year, item.original_title)
    return next((film_id for film_id, _title, key in named if key is None), None)


def _adopt(driver: Driver, film_id: int, key: str, facts: dict[str, Any]) -> None:
    """A film the user added before a release shipped it in the catalog becomes the catalog's
    film, rather than a second film by the same name: the facts the user gave stay, the
    catalog gives the ones they left empty, and a film whose facts differ from the catalog's
    keeps them through later releases, as an edited catalog film does."""
    columns = [name for name in facts if name not in SEARCH_COLUMNS]
    row = driver.execute(f"SELECT {', '.join(columns)} FROM film WHERE id = ?", (film_id,))
    merged, edited = dict(facts), False
    for name, theirs in zip(columns, row.fetchone(), strict=True):
        if theirs in (None, "", FILM_DEFAULTS.get(name)) or _same(name, theirs, facts[name]):
            continue  # the catalog's
        merged[name], edited = theirs, True
    cast = strings_of(merged["cast_json"], film_id, "cast")
    merged |= search_columns(
        merged["title"], merged["original_title"], merged["director"], merged["network"], cast
    )
    update(driver, film_id, {**merged, "key": key, "user_edited": edited})


def _same(name: str, theirs: object, ours: object) -> bool:
    """A title that folds to the catalog's is the same name: spelt as the catalog spells it."""
    if name in _NAMES and isinstance(theirs, str) and isinstance(ours, str):
        return fold(theirs) == fold(ours)
    return theirs == ours


_NAMES = ("title", "original_title")  # what `identity_names` folds


def _place_new(catalog: Catalog, films: list[dict[str, Any]], next_key: int) -> None:
    """New catalog films go in consensus order, from `next_key`: the whole ranking of a new
    library, after the user's existing ranking on an upgrade."""
    by_key = {f["key"]: f for f in films}
    order = consensus_order(
        {s.key: list(s.rankings) for s in catalog.sources},
        [m for s in catalog.sources for m in s.mentions] + [f.key for f in catalog.films],
        {f.key: f.title for f in catalog.films},
    )
    for key in order:
        if key in by_key:
            by_key[key]["rank_key"] = next_key
            next_key += ranking.GAP


def _replace_relations(driver: Driver, catalog: Catalog, ids: dict[str, int]) -> None:
    catalog_ids = list(ids.values())
    if catalog_ids:
        marks = ", ".join("?" * len(catalog_ids))
        driver.execute(f"DELETE FROM relation WHERE film_id IN ({marks})", catalog_ids)
    driver.executemany(
        "INSERT INTO relation (film_id, kind, other_id, note) VALUES (?, ?, ?, ?)",
        [
            (ids[item.key], rel.kind, ids[rel.film], rel.note)
            for item in catalog.films
            for rel in item.relations
            if item.key in ids and rel.film in ids
        ],
    )


def _replace_sources(driver: Driver, catalog: Catalog, ids: dict[str, int]) -> None:
    for item in catalog.sources:
        facts = (item.title, item.author, item.site)
        row = driver.execute("SELECT id FROM source WHERE key = ?", (item.key,)).fetchone()
        if row is None:
            ((source_id,),) = driver.execute(
                "INSERT INTO source (key, title, author, site) VALUES (?, ?, ?, ?) RETURNING id",
                (item.key, *facts),
            )
        else:
            source_id = row[0]
            driver.execute(
                "UPDATE source SET title = ?, author = ?, site = ? WHERE id = ?",
                (*facts, source_id),
            )
        driver.execute("DELETE FROM sourcerank WHERE source_id = ?", (source_id,))
        ranks = [(key, rank) for key, rank in item.rankings] + [(k, None) for k in item.mentions]
        driver.executemany(
            "INSERT INTO sourcerank (source_id, film_id, rank) VALUES (?, ?, ?)",
            [(source_id, ids[key], rank) for key, rank in ranks if key in ids],
        )
