"""`export` writes Markdown or JSON atomically; `import` reads a JSON export back without loss,
and refuses a bad file as a whole, naming the bad record."""

from __future__ import annotations

import json
import os
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from conftest import library_property
from cryqueue.library import Library
from cryqueue.storage import paths

Dump = Callable[..., list[str]]


def export_json(cli: Any, db: Path | str = "default") -> dict[str, Any]:
    code, out, err = cli("export", "--format", "json", "-o", "-", db=db)
    assert (code, err) == (0, ""), err
    doc: dict[str, Any] = json.loads(out)
    return doc


def lived_in(cli: Any) -> None:
    """A library with every kind of user state, made through the CLI."""
    for args in (
        ["watch", "Always", "--on", "2024-03-01", "--tears", "5"],
        ["watch", "Always", "--on", "2024-03-01"],  # twice the same day
        ["watch", "Always", "--on", "2022-12-25"],
        ["watch", "The Letter", "--on", "2021-07-07", "--tears", "0"],
        ["tears", "Il Mare", "3"],
        ["note", "Il Mare", "Letters *across* time.\n\n> the mailbox\n1. cry"],
        ["note", "Be with You (2004)", "原作 — いい映画"],
        ["move", "The Lake House", "--top"],
        ["move", "Always", "--to", "5"],
        ["add", "Hachi", "--year", "2009", "--original-title", "ハチ公物語", "--cast", "Richard Gere, Joan Allen"],
        ["add", "Goblin", "--year", "2016", "--kind", "series", "--director", "Lee Eung-bok"],
        ["watch", "Goblin", "--on", "2017-01-21", "--tears", "4"],
        ["move", "Goblin", "--to", "2"],
    ):  # fmt: skip
        code, _out, err = cli(*args)
        assert code == 0, (args, err)


# export -----------------------------------------------------------------------------------------


def test_export_markdown_to_a_file(cli: Any, tmp_path: Path) -> None:
    target = tmp_path / "out" / "ranking.md"
    target.parent.mkdir()
    code, out, err = cli("export", "-o", target)
    assert (code, err) == (0, "")
    assert out == f"Exported to {target.resolve()}.\n"
    text = target.read_text(encoding="utf-8")
    assert text.startswith("# My tear-jerker ranking\n")
    assert "1. **A Moment to Remember** — 내 머리 속의 지우개 (2004)\\\n" in text
    assert os.listdir(target.parent) == ["ranking.md"]


@pytest.fixture
def home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A home folder of the test's own, the current folder elsewhere."""
    home = tmp_path / "home"
    home.mkdir()
    monkeypatch.setenv("HOME", str(home))
    work = tmp_path / "cwd"
    work.mkdir()
    monkeypatch.chdir(work)
    return home


def test_export_defaults_to_the_documents_folder(cli: Any, home: Path) -> None:
    documents = home / "Documents"
    documents.mkdir()
    code, out, _err = cli("export")
    assert (code, out) == (0, f"Exported to {documents / 'cryqueue-ranking.md'}.\n")
    assert cli("export", "--format", "json")[0] == 0
    assert sorted(os.listdir(documents)) == ["cryqueue-ranking.json", "cryqueue-ranking.md"]
    assert (
        json.loads((documents / "cryqueue-ranking.json").read_text(encoding="utf-8"))["format"]
        == "cryqueue"
    )
    assert os.listdir(home.parent / "cwd") == []


def test_export_defaults_to_home_without_a_documents_folder(cli: Any, home: Path) -> None:
    code, out, _err = cli("export")
    assert (code, out) == (0, f"Exported to {home / 'cryqueue-ranking.md'}.\n")
    assert sorted(os.listdir(home)) == ["cryqueue-ranking.md"]  # no Documents made
    assert os.listdir(home.parent / "cwd") == []


def test_the_default_folder_follows_the_xdg_user_dirs(
    home: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The CLI and the app share one rule, `export_folder`: the Documents folder the desktop
    names, when it exists, else home."""
    papers = home / "Papiers"
    monkeypatch.setenv("XDG_DOCUMENTS_DIR", str(papers))
    assert paths.export_folder() == home
    papers.mkdir()
    assert paths.export_folder() == papers


def test_export_to_a_folder_uses_the_default_name(cli: Any, tmp_path: Path) -> None:
    folder = tmp_path / "exports"
    folder.mkdir()
    code, out, _err = cli("export", "-o", folder)
    assert code == 0
    assert (folder / "cryqueue-ranking.md").is_file()
    assert str(folder / "cryqueue-ranking.md") in out


def test_export_markdown_to_stdout_matches_the_library(cli: Any, library: Library) -> None:
    code, out, _err = cli("export", "-o", "-")
    assert code == 0
    assert out == library.export_markdown()


def test_export_json_document(cli: Any) -> None:
    lived_in(cli)
    doc = export_json(cli)
    assert (doc["format"], doc["version"]) == ("cryqueue", 2)
    assert len(doc["films"]) == 19
    assert [f["rank"] for f in doc["films"]] == list(range(1, 20))
    assert [f["title"] for f in doc["films"][:3]] == [
        "The Lake House",
        "Goblin",
        "A Moment to Remember",
    ]
    always = next(f for f in doc["films"] if f["title"] == "Always")
    assert always["viewing_dates"] == ["2022-12-25", "2024-03-01", "2024-03-01"]
    assert [s["title"] for s in doc["sources"]] == [
        "These Korean Movies Will Make You Cry Your Eyes Out",
        "Top 5 Korean Movies That Are Guaranteed To Make You Cry",
    ]
    first = doc["sources"][0]["films"]
    assert first[0] == {"title": "A Moment to Remember", "year": 2004, "rank": 1}
    assert [f["rank"] for f in first] == [*range(1, 11), None, None, None, None]


def test_export_watched_only(cli: Any) -> None:
    lived_in(cli)
    doc = export_json(cli)
    code, out, _err = cli("export", "--format", "json", "--watched-only", "-o", "-")
    assert code == 0
    watched = json.loads(out)["films"]
    assert [f["title"] for f in watched] == [f["title"] for f in doc["films"] if f["watched"]]
    assert [f["title"] for f in watched] == ["Goblin", "The Letter", "Always"]
    _code, markdown, _err = cli("export", "--watched-only", "-o", "-")
    assert "Goblin" in markdown and "Il Mare" not in markdown
    assert "Watched 3 of 19" in markdown


@pytest.mark.parametrize("where", ["missing folder", "under a file"])
def test_export_to_an_unwritable_path(cli: Any, tmp_path: Path, where: str) -> None:
    blocker = tmp_path / "file.txt"
    blocker.write_text("x")
    target = tmp_path / "no" / "such" / "x.md" if where == "missing folder" else blocker / "x.md"
    code, out, err = cli("export", "-o", target)
    assert (code, out) == (1, "")
    assert err.startswith(f"cryqueue: cannot write {target}")
    assert err.count("\n") == 1
    assert sorted(set(os.listdir(tmp_path)) - {"cq.db"}) == ["file.txt"]


@pytest.mark.skipif(os.geteuid() == 0, reason="root can write into read-only folders")
def test_export_into_a_read_only_folder(cli: Any, tmp_path: Path) -> None:
    folder = tmp_path / "ro"
    folder.mkdir()
    folder.chmod(0o500)
    try:
        code, _out, err = cli("export", "-o", folder / "x.md")
    finally:
        folder.chmod(0o700)
    assert code == 1
    assert "cannot write" in err
    assert os.listdir(folder) == []


def test_export_replaces_an_old_file_completely(cli: Any, tmp_path: Path) -> None:
    target = tmp_path / "x.md"
    target.write_text("old content " * 10_000)
    assert cli("export", "-o", target)[0] == 0
    assert target.read_text(encoding="utf-8").startswith("# My tear-jerker ranking")
    assert "old content" not in target.read_text(encoding="utf-8")
    assert sorted(set(os.listdir(tmp_path)) - {"cq.db"}) == ["x.md"]


def test_failed_export_keeps_the_old_file_and_leaves_no_temp_file(
    cli: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = tmp_path / "exports"
    folder.mkdir()
    target = folder / "x.md"
    target.write_text("the previous export")

    def crash(*_args: Any) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "replace", crash)
    code, _out, err = cli("export", "-o", target)
    assert code == 1
    assert "No space left on device" in err
    assert target.read_text() == "the previous export"
    assert os.listdir(folder) == ["x.md"]


# import -----------------------------------------------------------------------------------------


def test_round_trip_through_a_fresh_library(cli: Any, tmp_path: Path) -> None:
    lived_in(cli)
    first = export_json(cli)
    path = tmp_path / "backup.json"
    path.write_text(json.dumps(first, ensure_ascii=False), encoding="utf-8")

    fresh = tmp_path / "fresh.db"
    code, out, err = cli("import", path, db=fresh)
    assert (code, err) == (0, "")
    assert out == "Imported backup.json: 2 added, 17 matched, 0 skipped.\n"
    second = export_json(cli, db=fresh)
    assert second["films"] == first["films"]
    assert second["sources"] == first["sources"]


def test_importing_the_same_file_twice_changes_nothing(cli: Any, tmp_path: Path) -> None:
    lived_in(cli)
    path = tmp_path / "backup.json"
    assert cli("export", "--format", "json", "-o", path)[0] == 0
    fresh = tmp_path / "fresh.db"
    assert cli("import", path, db=fresh)[0] == 0
    once = export_json(cli, db=fresh)["films"]
    code, out, _err = cli("import", path, db=fresh)
    assert (code, out) == (0, "Imported backup.json: 0 added, 19 matched, 0 skipped.\n")
    assert export_json(cli, db=fresh)["films"] == once


def test_import_merges_into_a_library_with_its_own_state(cli: Any, tmp_path: Path) -> None:
    path = tmp_path / "partial.json"
    records = [
        {"title": "Il Mare", "year": 2000, "viewing_dates": ["2020-01-01"], "tear_level": 2},
        {"title": "Hachi", "year": 2009, "note": "dog"},
    ]
    path.write_text(json.dumps(records), encoding="utf-8")
    cli("watch", "Il Mare", "--on", "2019-05-05", "--tears", "5")
    cli("note", "Il Mare", "mine")
    code, out, _err = cli("import", path)
    assert (code, out) == (0, "Imported partial.json: 1 added, 1 matched, 0 skipped.\n")
    films = export_json(cli)["films"]
    # The file's order leads; films it does not name keep their order after it.
    assert [f["title"] for f in films[:3]] == ["Il Mare", "Hachi", "A Moment to Remember"]
    assert films[0]["viewing_dates"] == ["2019-05-05", "2020-01-01"]
    assert (films[0]["tear_level"], films[0]["note"]) == (2, "mine")
    assert films[1]["note"] == "dog"
    assert len(films) == 18


def test_import_reads_list_json_output(cli: Any, tmp_path: Path) -> None:
    lived_in(cli)
    _code, out, _err = cli("list", "--format", "json")
    path = tmp_path / "list.json"
    path.write_text(out, encoding="utf-8")
    fresh = tmp_path / "fresh.db"
    assert cli("import", path, db=fresh)[0] == 0
    assert export_json(cli, db=fresh)["films"] == export_json(cli)["films"]


def _import_refused(cli: Any, library: Library, db_dump: Dump, tmp_path: Path, content: Any) -> str:
    path = tmp_path / "bad.json"
    path.write_text(content if isinstance(content, str) else json.dumps(content), encoding="utf-8")
    films_before = library.films()
    dump_before = db_dump()
    code, out, err = cli("import", path)
    assert (code, out) == (2, "")
    assert err.startswith(f"cryqueue: {path}: ")
    assert err.count("\n") == 1
    assert library.films() == films_before
    assert db_dump() == dump_before
    return str(err)


GOOD = {"title": "Il Mare", "year": 2000, "tear_level": 1, "viewing_dates": ["2021-01-01"]}


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        ('{"format": "cryqueue", "films": [', "not valid JSON"),
        ("", "not valid JSON"),
        ({"format": "letterboxd", "films": []}, "not a cryqueue export"),
        ({"format": "cryqueue", "version": 99, "films": []}, "version 99"),
        ({"format": "cryqueue", "version": 1, "films": {"title": "x"}}, "no list of films"),
        ([GOOD, "Il Mare"], "film record 2 is not an object"),
        ([GOOD, {"year": 2009}], "film record 2: 'title' is missing"),
        ([GOOD, {"title": 5, "year": 2009}], "film record 2: 'title' must be text"),
        (
            [GOOD, {"title": "Hachi", "year": "2009"}],
            "film record 2 ('Hachi'): 'year' must be a whole number",
        ),
        (
            [GOOD, {"title": "Hachi", "year": 2009, "tear_level": "5"}],
            "film record 2 ('Hachi'): 'tear_level'",
        ),
        (
            [GOOD, {"title": "Hachi", "year": 2009, "tear_level": 7}],
            "film record 2 ('Hachi'): tear level 7",
        ),
        (
            [GOOD, {"title": "Hachi", "year": 2009, "cast": "Richard Gere"}],
            "film record 2 ('Hachi'): 'cast'",
        ),
        (
            [GOOD, {"title": "Hachi", "year": 2009, "note": 5}],
            "film record 2 ('Hachi'): 'note' must be text",
        ),
        (
            [GOOD, {"title": "Hachi", "year": 2009, "viewing_dates": "2020-01-01"}],
            "film record 2 ('Hachi'): 'viewing_dates'",
        ),
        (
            [GOOD, {"title": "Hachi", "year": 2009, "viewing_dates": ["2999-01-01"]}],
            "film record 2 ('Hachi'): date 2999-01-01 is in the future",
        ),
        (
            [GOOD, {"title": "Hachi", "year": 2009, "kind": "short"}],
            "film record 2 ('Hachi'): kind 'short'",
        ),
        (
            [GOOD, {"title": "Hachi", "year": 2009, "runtime_minutes": 50_000}],
            "film record 2 ('Hachi'): 'runtime_minutes'",
        ),
        (
            [GOOD, {"title": "Hachi\nTwo", "year": 2009}],
            "film record 2 ('Hachi\\nTwo'): the title contains control characters",
        ),
    ],
)
def test_bad_import_names_the_record_and_changes_nothing(
    cli: Any, library: Library, db_dump: Dump, tmp_path: Path, content: Any, expected: str
) -> None:
    err = _import_refused(cli, library, db_dump, tmp_path, content)
    assert expected in err


def test_import_of_a_missing_file(cli: Any, tmp_path: Path) -> None:
    code, _out, err = cli("import", tmp_path / "nope.json")
    assert code == 2
    assert "cannot read" in err
    assert "nope.json" in err


def test_import_keeps_the_watch_dates_sorted_and_distinct_films(
    cli: Any, tmp_path: Path, library: Library
) -> None:
    path = tmp_path / "dates.json"
    path.write_text(
        json.dumps(
            [{"title": "Always", "year": 2011, "viewing_dates": ["2024-05-01", "2020-01-01"]}]
        ),
        encoding="utf-8",
    )
    assert cli("import", path)[0] == 0
    assert library.find("Always").viewings == (date(2020, 1, 1), date(2024, 5, 1))
    assert library.films()[0].title == "Always"


# Property: import is idempotent and export/import round-trips ---------------------------------

_TITLES = st.sampled_from(["Hachi", "Il Mare", "Tears", "눈물", "Always", "Ode", "X"])
_DAYS = st.lists(st.dates(min_value=date(2000, 1, 1), max_value=date(2025, 12, 31)), max_size=3)


@st.composite
def _documents(draw: st.DrawFn) -> dict[str, Any]:
    films = [
        {
            "title": draw(_TITLES),
            "year": draw(st.integers(1990, 2025)),
            "tear_level": draw(st.none() | st.integers(0, 5)),
            "note": draw(st.sampled_from(["", "sad", "눈물 나"])),
            "viewing_dates": [d.isoformat() for d in draw(_DAYS)],
        }
        for _ in range(draw(st.integers(0, 8)))
    ]
    return {"format": "cryqueue", "version": 1, "films": films}


def _state(lib: Library) -> list[tuple[Any, ...]]:
    return [(e.title, e.year, e.rank, e.tear_level, e.note, e.viewings) for e in lib.films()]


@library_property(40)
@given(document=_documents())
def test_import_twice_changes_nothing_and_export_round_trips(
    library_pair: Any, document: dict[str, Any]
) -> None:
    from cryqueue.interop.json_format import parse_document

    with library_pair() as (first, second):
        first.import_records(parse_document(json.dumps(document)))
        once = _state(first)
        first.import_records(parse_document(json.dumps(document)))
        assert _state(first) == once
        second.import_records(parse_document(first.export_json()))
        assert _state(second) == once
        ranks = [row[2] for row in once]
        assert ranks == list(range(1, len(ranks) + 1))


def test_import_shows_progress_on_a_terminal_only(
    cli: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import sys

    source = tmp_path / "many.json"
    films = [{"title": f"Film {n}", "year": 2000} for n in range(12_000)]
    source.write_text(json.dumps({"format": "cryqueue", "version": 1, "films": films}))
    code, _out, err = cli("import", source)
    assert code == 0 and err == ""  # not a terminal: no progress
    monkeypatch.setattr(sys.stderr, "isatty", lambda: True)
    code, out, err = cli("import", source)
    assert code == 0 and "0 added, 12000 matched" in out
    assert "5,000 films read" in err and "ranking…" in err  # read as it streams: no total


@pytest.mark.parametrize("room_above", [True, False])
@pytest.mark.parametrize("ranks", [[1, 2, 3, 4], [3, 1, 4, 2]])
def test_a_ranked_file_leads_the_ranking_in_its_order(
    library: Library, tmp_path: Path, room_above: bool, ranks: list[int]
) -> None:
    """A cryqueue export's films take the top in the order of their ranks, new and matched
    alike, and every other film keeps its order below them; also when the ranking's keys have
    run so low that the new films cannot be written above it at once (then they are added at
    the bottom and moved up)."""
    before = [e.id for e in library.films()]
    if not room_above:
        with library.db.writing() as driver:
            driver.execute("UPDATE film SET rank_key = ? WHERE id = ?", (-(1 << 62), before[0]))
    named = ["Rain 1", "Rain 2", "Il Mare", "Rain 3"]  # Il Mare is in the catalog already
    films = [
        {"title": title, "year": 2000 if title == "Il Mare" else 2020, "rank": rank}
        for title, rank in zip(named, ranks, strict=True)
    ]
    source = tmp_path / "ranked.json"
    source.write_text(json.dumps({"format": "cryqueue", "version": 1, "films": films}))
    library.import_batch(library.read_import(source))
    shown = library.films()
    by_rank = [title for _, title in sorted(zip(ranks, named, strict=True))]
    assert [e.title for e in shown[:4]] == by_rank
    il_mare = library.find("Il Mare").id
    assert [e.id for e in shown[4:]] == [fid for fid in before if fid != il_mare]
