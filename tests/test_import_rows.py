"""A new film that one record names is stored by a shortcut (`NewRows.early`, then `finish`) that skips the
merge rules: its row and its viewings must be exactly what merging that one record gives, or
an imported film would differ by the size of the file it came in."""

from __future__ import annotations

import sqlite3
from contextlib import closing
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from conftest import library_property
from cryqueue.domain.films import FilmFacts
from cryqueue.domain.import_records import ImportBatch, ImportRecord
from cryqueue.domain.text import norm, search_columns
from cryqueue.library import Library
from cryqueue.storage import import_chunks
from cryqueue.storage.fast_read import stored_columns
from cryqueue.storage.film_rows import film_columns, film_row
from cryqueue.storage.import_merge import (
    NEW_STATE,
    MergedFilm,
    changes,
    is_lone,
    lone_days,
    merge,
)
from cryqueue.storage.import_rows import NewRows
from cryqueue.storage.shared_sql import sql_now

DAYS = st.lists(st.dates(date(2000, 1, 1), date(2000, 1, 5)), max_size=4)
TAGS = st.lists(st.sampled_from(["sad", "Sad", "눈물", "HboMax", "hbomax"]), max_size=3)

RECORDS = st.builds(
    ImportRecord,
    facts=st.builds(
        FilmFacts,
        title=st.sampled_from(["Il Mare", "시월애", "Café"]),
        year=st.integers(1990, 2020),
        original_title=st.sampled_from([None, "시월애"]),
        cast=st.tuples(st.sampled_from(["Jun Ji-hyun", "이정재"])),
    ),
    episodes=st.none() | st.integers(1, 20),
    country=st.none() | st.just("KR"),
    imdb_id=st.none() | st.just("tt0282599"),
    viewings=DAYS.map(tuple),  # in any order: other formats need not sort them
    tear_level=st.none() | st.integers(0, 5),
    note=st.sampled_from(["", "rain", "  "]),
    rating=st.none() | st.just(4.5),
    tags=TAGS.map(tuple),  # with a tag twice in two spellings
    watched=st.booleans(),
    watched_undated=st.booleans(),
)


@given(RECORDS)
def test_a_lone_new_film_is_stored_as_merging_its_record_stores_it(record: ImportRecord) -> None:
    assert is_lone(record)
    rows = NewRows()
    now = sql_now()
    film = MergedFilm("", None, rows.columns_of(record, now))
    merge(film, record)
    changes([film], lambda _fid: NEW_STATE, {}, None)
    assert rows.finish(rows.early(record), now, 7) == rows.merged(film, 7)
    assert list(lone_days(record)) == list(film.days.elements())


@given(
    st.builds(
        FilmFacts,
        title=st.sampled_from(["Il Mare", "시월애", "Café", " The  Classic "]),
        year=st.integers(1990, 2020),
        original_title=st.sampled_from([None, "시월애", "Café"]),
        kind=st.sampled_from(["film", "series"]),
        director=st.sampled_from([None, "Lee Hyun-seung", "이현승"]),
        network=st.sampled_from([None, "KBS"]),
        cast=st.lists(st.sampled_from(["Jun Ji-hyun", "이정재"]), max_size=3).map(tuple),
        runtime_minutes=st.none() | st.integers(1, 200),
        synopsis=st.sampled_from(["", "A mailbox."]),
    )
)
def test_a_films_row_holds_its_facts_by_name_and_their_search_columns(facts: FilmFacts) -> None:
    """`film_row` (a tuple, for speed) says what the facts' own fields say, lists as JSON."""
    people = (facts.director, facts.network, facts.cast)
    expected = {
        **stored_columns(vars(facts)),
        **search_columns(facts.title, facts.original_title, *people),
    }
    assert film_columns(facts) == expected
    assert film_row(facts, norm(facts.title)) == film_row(facts)


def test_rows_name_every_column_of_a_new_film_once() -> None:
    """The INSERT names each column that a film made by the ORM would have, and only those."""
    from cryqueue.storage.models import Film

    columns = NewRows().sql.split("(")[1].split(")")[0].split(", ")
    assert sorted(columns) == sorted(set(Film.model_fields) - {"id"})


def test_facts_read_from_a_json_export_are_whole_facts() -> None:
    """The JSON reader builds a film's facts without FilmFacts' own constructor: every field
    must be there, as the constructor would set it (a field added later included)."""
    from cryqueue.interop.json_format import _checked_record

    item = {"title": " Il Mare ", "year": 2000, "original_title": "시월애", "cast": ["이정재"]}
    facts = _checked_record(item, date(2026, 1, 1)).facts
    assert facts == FilmFacts(title="Il Mare", year=2000, original_title="시월애", cast=("이정재",))
    assert vars(facts).keys() == vars(FilmFacts(title="x", year=2000)).keys()


def _rows(folder: Path, name: str, records: list[ImportRecord], *, lone: bool) -> Any:
    """The film and viewing rows an import of `records` leaves (timestamps aside), on top of
    a library that has one of the films already."""
    with pytest.MonkeyPatch.context() as patch:
        if not lone:
            patch.setattr(import_chunks, "is_lone", lambda _record: False)
        path = folder / f"{name}.db"
        lib = Library.open(path)
        try:
            lib.import_batch(ImportBatch([RECORD_HERE], ranking=[0]))
            lib.import_batch(ImportBatch(list(records), ranking=range(len(records))))
        finally:
            lib.close()
    columns = "id, title, original_title, year, imdb_id, rank_key, tags_json, note, rating"
    with closing(sqlite3.connect(path)) as db:
        films = db.execute(f"SELECT {columns}, watched_undated FROM film ORDER BY id").fetchall()
        return films, db.execute("SELECT * FROM viewing ORDER BY id").fetchall()


RECORD_HERE = ImportRecord(FilmFacts("Il Mare", 2000), viewings=(date(2001, 1, 1),))


CLASSIC = ImportRecord(FilmFacts("The Classic", 2000), viewings=(date(2003, 1, 30),))


@library_property(20)
@given(st.lists(RECORDS, min_size=1, max_size=8))
@example([ImportRecord(FilmFacts("Café", 2000)), CLASSIC, CLASSIC, RECORD_HERE])
def test_lone_films_leave_the_rows_merging_every_film_leaves(
    tmp_path_factory: pytest.TempPathFactory, records: list[ImportRecord]
) -> None:
    """Ids, places in the ranking and viewings come in the same order when some films of a
    chunk are lone and others are merged (named twice, or matching the library)."""
    records = [_in_2000(r) for r in records]  # namesakes, so that some films are named twice
    folder = tmp_path_factory.mktemp("lone")
    assert _rows(folder, "lone", records, lone=True) == _rows(folder, "merged", records, lone=False)


def _in_2000(record: ImportRecord) -> ImportRecord:
    facts = record.facts
    record.facts = FilmFacts(facts.title, 2000, facts.original_title, cast=facts.cast)
    return record
