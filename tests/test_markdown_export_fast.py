"""The Markdown export's column-at-a-time paths: they must say exactly what the one-film-at-a-time
definitions say (`escape` per line, a marker per item), on either reader, and a damaged library
must stop the export with the same message, naming the first film in ranking order."""

from __future__ import annotations

import sqlite3
from datetime import date
from itertools import pairwise
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from conftest import examples
from cryqueue.domain.export_options import ExportOptions
from cryqueue.domain.films import FilmEntry, RankedFilms, Stats, Viewings
from cryqueue.interop import markdown as markdown_export
from cryqueue.library import Library
from cryqueue.storage.fast_read import Peek

TODAY = date(2026, 1, 1)
EVERYTHING = ExportOptions(notes=True, rating=True, tags=True)

# Line starts, markup and every kind of white space (a line break too: those go one by one).
pieces = st.one_of(
    st.text(max_size=8),
    st.sampled_from(
        [
            *("1. ", "12) ", "- ", "+", "=", "> ", "#", "*", "_", "`", "\\", "<b>", "&", "|"),
            *(" ", "\t", "\n", "\u3000", "\x1c", "\x85", "\u2028", "~", "!", "[]", "사랑", "٣."),
        ]
    ),
)
texts = st.lists(st.lists(pieces, max_size=5).map("".join), max_size=12)


@settings(max_examples=examples(400), deadline=None, database=None)
@given(texts=texts)
def test_escaping_many_texts_at_once_is_escaping_each(texts: list[str]) -> None:
    assert markdown_export.escape_all(texts) == [markdown_export.escape(t) for t in texts]


def _markers_one_by_one(ranks: list[int]) -> list[str]:
    """The markers as the export wrote them film by film before."""
    markers, delimiter, after = [], ".", None
    for rank in ranks:
        if after is not None and rank != after + 1:
            delimiter = ")" if delimiter == "." else "."
        markers.append(f"{rank}{delimiter} ")
        after = rank
    return markers


@pytest.mark.parametrize(
    "ranks",
    [
        [1],
        list(range(1, 12)),
        list(range(8, 1003)),
        list(range(99, 101)),
        [1, 2, 4, 5, 9, 10, 11, 100],
        [3, 5, 7],
        [10, 11, 12, 99, 100, 1000],
    ],
)
def test_markers_and_indents_line_up_whatever_the_ranks(ranks: list[int]) -> None:
    delimiters, indents = markdown_export._markers(ranks, ".", ranks[0] - 1)
    markers = [f"{r}{d} " for r, d in zip(ranks, delimiters, strict=True)]
    assert markers == _markers_one_by_one(ranks)
    assert indents == [" " * len(m) for m in markers]


@settings(max_examples=examples(100), deadline=None, database=None)
@given(
    ranks=st.lists(st.integers(1, 60), unique=True, min_size=1, max_size=30).map(sorted),
    cuts=st.lists(st.integers(0, 30), max_size=4).map(sorted),
)
def test_chunks_number_their_items_as_one_list_would(ranks: list[int], cuts: list[int]) -> None:
    """The reader hands the films over in chunks; a gap may fall at a chunk's edge."""
    entries = [
        FilmEntry(id=r, rank=r, title=f"Film {r}", original_title=None, year=2001) for r in ranks
    ]
    edges = [0, *cuts, len(entries)]
    chunks = [RankedFilms.of(entries[a:b]) for a, b in pairwise(edges)]
    whole = markdown_export._item_parts([RankedFilms.of(entries)], ExportOptions(), str)
    assert "".join(markdown_export._item_parts(chunks, ExportOptions(), str)) == "".join(whole)


def test_a_film_entry_shows_its_latest_viewing_and_how_many() -> None:
    entry = FilmEntry(
        id=1,
        rank=1,
        title="Il Mare",
        original_title="시월애",
        year=2000,
        viewings=(date(2024, 5, 1), date(2021, 1, 2), date(2023, 3, 3)),
        tear_level=4,
        rating=0.0,
        tags=("sea", "*letters*"),
    )
    text = markdown_export.render([entry], Stats(1, 1, 1, 4.0), TODAY, EVERYTHING)
    assert (
        "1. **Il Mare** — 시월애 (2000)\\\n"
        "   watched 2024-05-01, 3 viewings · ●●●●○ 4/5 · rated 0★ · \\#sea \\#\\*letters\\*\n"
    ) in text


def _prepare(lib: Library) -> None:
    """Watched, rewatched, watched on no recorded day, rated, tagged, noted, and moved."""
    films = lib.films()
    lib.mark_watched(films[0].id, date(2024, 2, 14), tears=5)
    lib.mark_watched(films[0].id, date(2025, 2, 14))
    lib.set_viewings(films[3].id, Viewings((), undated=True))
    lib.set_tears(films[2].id, 1)
    lib.swap_rating(films[2].id, 3.5)
    lib.set_tags(films[2].id, ["rain", "#1"])
    lib.set_note(films[4].id, "Line one\n\n- a list <b>x</b>")
    lib.move_to(films[5].id, 1)


@pytest.mark.parametrize(
    "flags",
    [
        (),
        ("--watched-only",),
        ("--include-notes", "--include-rating", "--include-tags"),
        ("--watched-only", "--include-notes", "--include-rating", "--include-tags", "--stats"),
    ],
)
def test_the_quick_reader_and_the_library_export_alike(
    cli: Any, library: Library, flags: tuple[str, ...]
) -> None:
    _prepare(library)
    code, out, _err = cli("export", "-o", "-", *flags)
    assert code == 0
    options = ExportOptions(
        watched_only="--watched-only" in flags,
        notes="--include-notes" in flags,
        rating="--include-rating" in flags,
        tags="--include-tags" in flags,
        stats="--stats" in flags,
    )
    assert out == library.export_markdown(options)
    assert f"Watched {library.stats().watched} of {library.stats().total} ·" in out


def _damage(db_path: Path, sql: str, *ranks: int) -> list[int]:
    """Run `sql` on the films at these places in the ranking; their ids, in ranking order."""
    with sqlite3.connect(db_path) as conn:
        ids = [i for (i,) in conn.execute("SELECT id FROM film ORDER BY rank_key")]
        chosen = [ids[r - 1] for r in ranks]
        for film_id in chosen:
            conn.execute(sql, (film_id,))
    conn.close()
    return chosen


def test_damaged_tags_name_the_first_film_in_the_ranking(cli: Any, db_path: Path) -> None:
    first, _later = _damage(db_path, "UPDATE film SET tags_json = '[1]' WHERE id = ?", 2, 7)
    code, _out, err = cli("export", "-o", "-")
    assert code != 0
    assert f"the tags of film {first} are not a list of words" in err


def test_a_damaged_viewing_date_stops_the_export(cli: Any, db_path: Path) -> None:
    (film,) = _damage(
        db_path, "INSERT INTO viewing (film_id, watched_on) VALUES (?, '2024-2-3')", 3
    )
    code, _out, err = cli("export", "-o", "-")
    assert code != 0
    assert f"a viewing of film {film} has the date '2024-2-3'" in err


def test_the_quick_reader_reads_what_the_library_reads(db_path: Path) -> None:
    lib = Library.open(db_path)
    try:
        _prepare(lib)
        expected = list(lib.ranked_films(EVERYTHING))
    finally:
        lib.close()
    peek = Peek.open(db_path)
    assert peek is not None
    try:
        assert list(peek.ranked_films(EVERYTHING)) == expected
    finally:
        peek.close()


def test_a_file_holds_what_standard_output_shows(
    cli: Any, library: Library, tmp_path: Path
) -> None:
    """A file gets the export as bytes made a part at a time; stdout gets it as one str."""
    _prepare(library)
    flags = ("--include-notes", "--include-tags", "--stats")
    _code, out, _err = cli("export", "-o", "-", *flags)
    code, _out, _err = cli("export", "-o", str(tmp_path / "ranking.md"), *flags)
    assert code == 0
    assert (tmp_path / "ranking.md").read_bytes() == out.encode()
