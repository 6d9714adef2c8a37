"""Bringing the shipped catalog into a database: on first use, and again whenever a newer
release ships a newer catalog. Only catalog facts are written; the user's state, own films,
edited facts and removals are left alone. Written with the driver's own statements: a new
library is created, seeded and imported into without SQLAlchemy."""

from __future__ import annotations

from dataclasses import fields
from typing import Any

from cryqueue.domain.catalog import Catalog, CatalogFilm, catalog_version, load_catalog
from cryqueue.domain.consensus import consensus_order
from cryqueue.domain.text import search_columns
from cryqueue.storage import ranking
from cryqueue.storage.database import Database
from cryqueue.storage.driver import Driver
from cryqueue.storage.fast_read import CATALOG_VERSION_KEY, stored_catalog_version, stored_columns
from cryqueue.storage.film_rows import insert_film
from cryqueue.storage.film_state import update


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
        if item.key not in ids:
            new.append({**facts, "key": item.key})
        elif item.key not in edited:
            update(driver, ids[item.key], facts)
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
