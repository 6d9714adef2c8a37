"""Hostile input, generated: any Unicode (Hangul, emoji, right-to-left, controls, NUL, lone
surrogates, 1 MB of text), markup and SQL metacharacters, extreme numbers, malformed dates and
malformed JSON. Each is either stored and round-trips exactly through export and import, or is
refused with a one-line error and changes nothing."""

from __future__ import annotations

import itertools
import json
import shutil
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from conftest import library_property
from cryqueue.domain.errors import CryqueueError, UsageError
from cryqueue.domain.films import FilmFacts
from cryqueue.interop import import_sources
from cryqueue.interop import json_format as json_io
from cryqueue.library import Library

NASTY = [
    "내 머리 속의 지우개",
    "😭💧 Tears",
    "\u202eelcsam\u202c",  # right-to-left override
    "שלום עולם",
    "'; DROP TABLE film; --",
    "<script>alert(1)</script>",
    "**bold** _x_ [link](http://x) `code` # heading",
    "[REC] [bold]not markup[/bold]",
    "a\x00b",
    "bell\x07",
    "esc \x1b[31mred",
    "c1 \x9b31m",
    "not utf-8 \udcff",
    "tab\tinside",
    "line\nbreak",
    "  ",
    "",
    "x" * 501,
]
HOSTILE_TEXT = st.one_of(
    st.sampled_from(NASTY),
    st.text(st.characters(codec=None), max_size=60),
    st.text(st.characters(categories=["Lo", "So", "Cc", "Cf", "Cs", "Zs", "Mn"]), max_size=30),
)
SETTINGS = library_property(60)


@pytest.fixture
def fresh(tmp_path: Path, seeded_template: Path) -> Callable[[], Any]:
    """`with fresh() as lib`: a new seeded library for each generated example."""
    counter = itertools.count()

    @contextmanager
    def make() -> Iterator[Library]:
        path = tmp_path / f"lib{next(counter)}.db"
        shutil.copyfile(seeded_template, path)
        lib = Library.open(path)
        try:
            yield lib
        finally:
            lib.close()

    return make


def snapshot(lib: Library) -> list[tuple[Any, ...]]:
    return [
        (e.title, e.year, e.rank, e.tear_level, e.viewings, e.note, e.original_title, e.cast)
        for e in lib.films()
    ]


def assert_one_line(exc: CryqueueError) -> None:
    text = str(exc)
    assert text and "\n" not in text and "Traceback" not in text


def round_trip(lib: Library, fresh: Callable[[], Any], title: str, year: int) -> Any:
    """Export `lib`, import it into another fresh library, and return the film from there."""
    records = json_io.parse_document(lib.export_json())
    with fresh() as other:
        other.import_records(records)
        found = [e for e in other.films() if (e.title, e.year) == (title, year)]
        assert len(found) == 1, f"{title!r} ({year}) did not come back from export and import"
        return found[0]


@SETTINGS
@given(title=HOSTILE_TEXT, original=HOSTILE_TEXT, director=HOSTILE_TEXT, year=st.integers())
@example(title="Hachi", original="ハチ公物語", director="Lasse Hallström", year=2009)
def test_adding_a_film_stores_exactly_or_refuses(
    fresh: Any, title: str, original: str, director: str, year: int
) -> None:
    facts = FilmFacts(title=title, year=year, original_title=original, director=director)
    with fresh() as lib:
        before = snapshot(lib)
        try:
            added = lib.add_film(facts)
        except UsageError as exc:
            assert_one_line(exc)
            assert snapshot(lib) == before
            return
        assert added.title == title.strip()
        assert added.original_title == (original.strip() or None)
        assert added.director == (director.strip() or None)
        back = round_trip(lib, fresh, added.title, year)
        assert (back.original_title, back.director) == (added.original_title, added.director)


@pytest.mark.parametrize("value", NASTY)
def test_each_nasty_value_as_title_and_note(fresh: Any, value: str) -> None:
    """The listed cases, every run (the generated tests may not draw each of them)."""
    test_adding_a_film_stores_exactly_or_refuses.hypothesis.inner_test(  # type: ignore[attr-defined]
        fresh, value, value, value, 2001
    )
    test_notes_store_exactly_or_refuse.hypothesis.inner_test(fresh, value)  # type: ignore[attr-defined]


@SETTINGS
@given(note=st.one_of(HOSTILE_TEXT, st.text(max_size=2000)))
@example(note="눈물 " * 350_000)  # over 1 MB of text
@example(note="line one\r\nline two\n\n- [ ] still to watch\t😭")
def test_notes_store_exactly_or_refuse(fresh: Any, note: str) -> None:
    with fresh() as lib:
        film = lib.find("Always")
        try:
            lib.set_note(film.id, note)
        except UsageError as exc:
            assert_one_line(exc)
            assert lib.find("Always").note == ""
            return
        assert lib.find("Always").note == note
        assert round_trip(lib, fresh, "Always", 2011).note == note


@SETTINGS
@given(
    level=st.one_of(
        st.integers(), st.text(max_size=5), st.floats(), st.none(), st.sampled_from(["5", "-"])
    )
)
def test_tear_levels_out_of_range_are_refused(fresh: Any, level: Any) -> None:
    with fresh() as lib:
        film = lib.find("Always")
        lib.set_tears(film.id, 3)
        try:
            stored = lib.set_tears(film.id, level)
        except UsageError as exc:
            assert_one_line(exc)
            assert lib.find("Always").tear_level == 3
            return
        assert stored in (None, 0, 1, 2, 3, 4, 5)
        assert lib.find("Always").tear_level == stored


@SETTINGS
@given(day=st.one_of(st.text(max_size=12), st.dates().map(str), st.sampled_from(["2024-02-30"])))
def test_malformed_dates_are_refused(fresh: Any, day: str) -> None:
    with fresh() as lib:
        film = lib.find("Always")
        try:
            stored = lib.mark_watched(film.id, day)
        except UsageError as exc:
            assert_one_line(exc)
            assert lib.find("Always").viewings == ()
            return
        assert lib.find("Always").viewings == (stored,)
        assert round_trip(lib, fresh, "Always", 2011).viewings == (stored,)


# The CLI ------------------------------------------------------------------------------------------


@SETTINGS
@given(
    command=st.sampled_from(["add", "tears", "watch", "note", "show", "move"]),
    value=HOSTILE_TEXT,
)
def test_cli_never_shows_a_traceback(cli: Any, db_dump: Any, command: str, value: str) -> None:
    argv = {
        "add": ["add", value or "x", "--year", "2001"],
        "tears": ["tears", "Always", value],
        "watch": ["watch", "Always", "--on", value],
        "note": ["note", "Always", value],
        "show": ["show", value or "?"],
        "move": ["move", value or "?", "--top"],
    }[command]
    before = db_dump()
    code, _out, err = cli(*argv, stdin="")  # `note TITLE -` reads its note from stdin
    assert "Traceback" not in err
    if code != 0:
        assert code in (1, 2)
        assert err.startswith("cryqueue: ") and err.count("\n") == 1
        assert db_dump() == before
    else:
        assert err == ""


# Import -------------------------------------------------------------------------------------------

JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | HOSTILE_TEXT,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(HOSTILE_TEXT, inner, max_size=4),
    max_leaves=12,
)
GOOD = {"title": "Hachi", "year": 2009, "tear_level": 5, "viewing_dates": ["2020-01-01"]}
FIELDS = ["title", "year", "tear_level", "note", "cast", "viewing_dates", "kind", "original_title"]


@st.composite
def damaged_documents(draw: st.DrawFn) -> Any:
    """A cryqueue export with one record (anywhere) damaged, or a document that is all wrong."""
    if draw(st.booleans()):
        return draw(JSON_VALUES)
    films = [dict(GOOD, title=f"Good {n}") for n in range(draw(st.integers(1, 4)))]
    where = draw(st.integers(0, len(films) - 1))
    bad = dict(films[where])
    field = draw(st.sampled_from(FIELDS))
    if draw(st.booleans()):
        bad.pop(field, None)
    else:
        bad[field] = draw(JSON_VALUES)
    films[where] = bad
    return {"format": "cryqueue", "version": 1, "films": films}


@SETTINGS
@given(document=damaged_documents())
def test_import_of_malformed_json_is_all_or_nothing(fresh: Any, document: Any) -> None:
    with fresh() as lib:
        before = snapshot(lib)
        try:
            summary = lib.import_records(json_io.parse_document(json.dumps(document)))
        except UsageError as exc:
            assert_one_line(exc)
            assert snapshot(lib) == before
            return
        films = document["films"] if isinstance(document, dict) else document
        assert summary.added + summary.matched == len({(f["title"], f["year"]) for f in films})


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("[" * 100_000 + "]" * 100_000, "nested too deeply"),
        ('{"format": "cryqueue", "version": 1, "films": ' + "[" * 5000 + "]" * 5000 + "}", ""),
        (b"\xff\xfe not utf-8", "not valid JSON"),
        ("", "not valid JSON"),
        ("{}", "not a cryqueue export"),
        ('{"format": "cryqueue", "version": 99, "films": []}', "version 99"),
        ('{"format": "cryqueue", "version": true, "films": []}', "version True"),
    ],
)
def test_hostile_json_documents_are_refused(text: str | bytes, reason: str) -> None:
    with pytest.raises(UsageError) as caught:
        json_io.parse_document(text)
    assert reason in str(caught.value)
    assert_one_line(caught.value)


def test_a_file_over_the_size_limit_is_refused_before_parsing(
    monkeypatch: pytest.MonkeyPatch, cli: Any, tmp_path: Path, db_dump: Any
) -> None:
    monkeypatch.setattr(import_sources, "MAX_BYTES", 1000)
    big = tmp_path / "big.json"
    big.write_text(json.dumps({"format": "cryqueue", "version": 1, "films": [GOOD] * 100}))
    before = db_dump()
    code, _out, err = cli("import", big)
    assert code == 2 and "larger than" in err
    assert db_dump() == before


def _people_document(director: str, cast: list[str], films: int = 3) -> str:
    people = {"director": director, "network": director, "country": director, "cast": cast}
    records = [{"title": f"Film {n}", "year": 2000, **people} for n in range(films)]
    return json.dumps({"format": "cryqueue", "version": 2, "films": records})


@pytest.mark.parametrize("name", [" Kim Ji-woon ", "\t김지운", "Kim Ji-woon"])
def test_people_named_again_are_stored_as_the_first_time(name: str) -> None:
    """A name met in film after film is stored trimmed in each; blank names are dropped."""
    records = json_io.parse_document(_people_document(name, [name, "  ", name.upper()]))
    for record in records:
        facts = record.facts
        assert facts.director == facts.network == record.country == name.strip()
        assert facts.cast == (name.strip(), name.strip().upper())


@pytest.mark.parametrize("name", ["Kim\x1bJi-woon", "Kim\nJi-woon", "Kim\udcffJi"])
def test_a_bad_name_is_refused_however_often_it_comes(name: str) -> None:
    json_io.parse_document(_people_document("Kim Ji-woon", ["Kim Ji-woon"]))  # good names seen
    for director, cast in ((name, ["Kim Ji-woon"]), ("Kim Ji-woon", ["Kim Ji-woon", name])):
        for _ in range(2):
            with pytest.raises(UsageError) as caught:
                json_io.parse_document(_people_document(director, cast))
            assert "film record 1 ('Film 0')" in str(caught.value)
