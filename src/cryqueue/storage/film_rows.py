"""A film's stored columns from the facts a user or an import gives: checked, cleaned, with
their search columns, and refused when an import would take them for a film already here."""

from __future__ import annotations

from typing import Any

from cryqueue.domain import validate
from cryqueue.domain.errors import UsageError
from cryqueue.domain.films import FilmFacts
from cryqueue.domain.search import identity_names
from cryqueue.domain.text import SEARCH_COLUMNS, norm, search_row
from cryqueue.storage.driver import Driver
from cryqueue.storage.fast_read import json_list
from cryqueue.storage.schema_text import FILM_DEFAULTS, TABLES
from cryqueue.storage.shared_sql import sql_now


def checked_facts(facts: FilmFacts) -> dict[str, Any]:
    """The film's columns from facts as a user gave them: checked and cleaned first."""
    if facts.runtime_minutes is not None and not 1 <= facts.runtime_minutes <= 10_000:
        raise UsageError("runtime must be from 1 to 10000 minutes")
    clean = FilmFacts(
        title=validate.title(facts.title),
        year=validate.year(facts.year),
        original_title=validate.optional_text(facts.original_title, "the original title"),
        kind=validate.kind(facts.kind),
        director=validate.optional_text(facts.director, "the director"),
        network=validate.optional_text(facts.network, "the network"),
        cast=validate.cast(facts.cast),
        runtime_minutes=facts.runtime_minutes,
        synopsis=validate.clean_text(
            facts.synopsis.strip(), "the synopsis", multiline=True, limit=20_000
        ),
    )
    return film_columns(clean)


# A film's fact and search columns in `film_row`'s order: FilmFacts' fields, its cast as JSON.
FILM_ROW_COLUMNS = (
    "title",
    "year",
    "original_title",
    "kind",
    "director",
    "network",
    "cast_json",
    "runtime_minutes",
    "synopsis",
    *SEARCH_COLUMNS,
)


def film_columns(facts: FilmFacts) -> dict[str, Any]:
    """The film's columns from facts already checked (as every `ImportRecord` is), by name."""
    return dict(zip(FILM_ROW_COLUMNS, film_row(facts), strict=True))


def film_row(facts: FilmFacts, title_norm: str | None = None) -> tuple[Any, ...]:
    """`film_columns` as a tuple in FILM_ROW_COLUMNS' order, with no dict between: an import
    builds a million. `title_norm`: the title as `norm` gives it, if the caller has it."""
    cast = facts.cast
    title = facts.title
    return (
        title,
        facts.year,
        facts.original_title,
        facts.kind,
        facts.director,
        facts.network,
        json_list(cast) if cast else "[]",
        facts.runtime_minutes,
        facts.synopsis,
        *search_row(
            norm(title) if title_norm is None else title_norm,
            facts.original_title,
            facts.director,
            facts.network,
            cast,
        ),
    )


# Every column of the film table, in its order (the models', as `schema_text` has them).
FILM_COLUMNS: tuple[str, ...] = next(columns for name, columns, *_ in TABLES if name == "film")


def insert_film(driver: Driver, columns: dict[str, Any]) -> int:
    """Add a film of these columns (the rest as the film's defaults), added and updated now;
    returns its id."""
    now = sql_now()
    values = {**FILM_DEFAULTS, "added_at": now, "updated_at": now, **columns}
    marks = ", ".join("?" * len(values))
    ((film_id,),) = driver.execute(
        f"INSERT INTO film ({', '.join(values)}) VALUES ({marks}) RETURNING id",
        tuple(values.values()),
    )
    return int(film_id)


def films_named(
    driver: Driver, title: str, year: int, original_title: str | None = None
) -> list[tuple[int, str, str | None]]:
    """The stored films that are this one by name: the same year and an English or original
    title in common (`identity_names`). Each as its id, title and catalog key."""
    names = identity_names(title, original_title)
    rows = driver.execute("SELECT id, title, original_title, key FROM film WHERE year = ?", (year,))
    return [
        (i, other, key)
        for i, other, original, key in rows
        if names & identity_names(other, original)
    ]


def refuse_duplicate(
    driver: Driver,
    title: str,
    year: int,
    original_title: str | None = None,
    except_id: int | None = None,
) -> None:
    """Refuse a film that an import would take for one already here (see `identity_names`)."""
    for film_id, other, _key in films_named(driver, title, year, original_title):
        if film_id != except_id:
            raise UsageError(
                f"{title} ({year}) is already in the library as {other} ({year}) (titles "
                "match without case or accents, English or original); edit that one instead"
            )
