"""The film's columns are declared once (`films.COLUMNS`): a field added to FilmEntry without a
column, or a column that shows no field, fails here, and so do the other shapes of a film (its
facts, an imported record, a catalog film, the table) drifting from FilmEntry's names and
defaults."""

from __future__ import annotations

import json
from dataclasses import MISSING, fields
from datetime import date
from typing import Any

from cryqueue.cli.render import format_details
from cryqueue.domain.catalog import CatalogFilm
from cryqueue.domain.films import (
    COLUMN_KEYS,
    COLUMNS,
    INTERNAL_FIELDS,
    JSON_DEFAULTS,
    FilmDetails,
    FilmEntry,
    FilmFacts,
    fact_parts,
    facts_line,
)
from cryqueue.domain.import_records import ImportRecord
from cryqueue.interop.spreadsheet import export_text
from cryqueue.storage.fast_read import ENTRY_FIELDS, stored_columns
from cryqueue.storage.models import Film

# The documented JSON object of `list --format json` and `export --format json`, key by key.
DOCUMENTED_KEYS = (
    "rank", "title", "original_title", "year", "kind", "director", "network", "cast",
    "runtime_minutes", "episodes", "country", "imdb_id", "synopsis", "watched", "watched_on",
    "viewings", "viewing_dates", "watched_undated", "tear_level", "rating", "tags", "note",
    "catalog_key",
)  # fmt: skip


def defaults(cls: Any) -> dict[str, Any]:
    return {f.name: f.default for f in fields(cls) if f.default is not MISSING}


def entry(**more: Any) -> FilmEntry:
    return FilmEntry(id=7, rank=3, title="Il Mare", original_title="시월애", year=2000, **more)


def test_every_field_of_a_film_has_a_column_or_is_internal() -> None:
    shown = {c.attr for c in COLUMNS}
    names = {f.name for f in fields(FilmEntry)}
    missing = names - shown - INTERNAL_FIELDS
    assert not missing, f"FilmEntry fields without a column in films.COLUMNS: {sorted(missing)}"
    assert not shown & INTERNAL_FIELDS
    assert all(hasattr(FilmEntry, a) or a in names for a in shown), "a column shows no field"


def test_json_keys_are_the_documented_ones_in_order() -> None:
    assert COLUMN_KEYS == DOCUMENTED_KEYS
    assert tuple(entry().to_json()) == DOCUMENTED_KEYS


def test_json_values() -> None:
    days = (date(2024, 1, 2), date(2025, 3, 4))
    doc = entry(cast=("A", "B"), viewings=days, tags=("sea",), key="il-mare", rating=4.5)
    assert json.loads(json.dumps(doc.to_json())) == doc.to_json()
    assert doc.to_json() | {"synopsis": ""} == {
        "rank": 3, "title": "Il Mare", "original_title": "시월애", "year": 2000,
        "kind": "film", "director": None, "network": None, "cast": ["A", "B"],
        "runtime_minutes": None, "episodes": None, "country": None, "imdb_id": None,
        "synopsis": "", "watched": True, "watched_on": "2025-03-04", "viewings": 2,
        "viewing_dates": ["2024-01-02", "2025-03-04"], "watched_undated": False,
        "tear_level": None, "rating": 4.5, "tags": ["sea"], "note": "",
        "catalog_key": "il-mare",
    }  # fmt: skip


def test_csv_header_is_the_json_keys_even_without_films() -> None:
    header = export_text([]).removeprefix("\ufeff").rstrip("\r\n")
    assert header == ",".join(DOCUMENTED_KEYS)
    rows = export_text([entry(cast=("A", "B"))]).splitlines()
    assert len(rows) == 2 and ",A; B," in rows[1]


def test_json_defaults_are_film_entry_defaults() -> None:
    assert JSON_DEFAULTS["kind"] == "film" and JSON_DEFAULTS["cast"] == []
    plain = entry().to_json()
    assert all(plain[key] == value for key, value in JSON_DEFAULTS.items())


def test_facts_are_film_entry_fields_with_the_same_defaults() -> None:
    names = {f.name for f in fields(FilmEntry)}
    assert {f.name for f in fields(FilmFacts)} <= names
    entry_defaults = defaults(FilmEntry)
    assert all(entry_defaults.get(n, v) == v for n, v in defaults(FilmFacts).items())
    film = entry(director="Lee Hyun-seung", cast=("Jun Ji-hyun",), runtime_minutes=96)
    assert film.facts() == FilmFacts(
        title="Il Mare",
        year=2000,
        original_title="시월애",
        director="Lee Hyun-seung",
        cast=("Jun Ji-hyun",),
        runtime_minutes=96,
    )


def test_import_records_default_as_a_film_does() -> None:
    entry_defaults = defaults(FilmEntry) | {"catalog_key": None}
    shared = {n: v for n, v in defaults(ImportRecord).items() if n in entry_defaults}
    assert set(shared) >= {"episodes", "country", "imdb_id", "note", "tags", "watched_undated"}
    assert all(entry_defaults[n] == v for n, v in shared.items())


def test_the_film_table_stores_every_field_with_the_same_default() -> None:
    columns = Film.model_fields
    assert set(stored_columns(dict.fromkeys(ENTRY_FIELDS, ()))) <= set(columns)
    catalog = {f.name for f in fields(CatalogFilm)} - {"key", "relations"}
    assert set(stored_columns(dict.fromkeys(catalog, ()))) <= set(columns)
    for name, value in stored_columns(defaults(FilmEntry)).items():
        if name in columns:
            assert columns[name].default == value, name


def test_both_details_views_say_the_same_facts() -> None:
    series = entry(kind="series", network="KBS2", director="Yoon Seok-ho", episodes=16)
    assert fact_parts(series) == [
        "2000",
        "series",
        "KBS2",
        "directed by Yoon Seok-ho",
        "16 episodes",
    ]
    assert (
        facts_line(series, credits=", ")
        == "2000 · series · KBS2, directed by Yoon Seok-ho · 16 episodes"
    )
    film = entry(director="Lee Hyun-seung", runtime_minutes=96, episodes=0, cast=("A", "B"))
    assert facts_line(film) == "2000 · film · directed by Lee Hyun-seung · 96 min"
    text = format_details(FilmDetails(film)).splitlines()
    assert text[2:4] == ["    2000 · film · directed by Lee Hyun-seung · 96 min", "    with A, B"]
