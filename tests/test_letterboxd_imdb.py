"""Letterboxd and IMDb files in and out: fixture files in the services' real formats (written
here, byte for byte, BOMs and quoting included), the library state they leave, re-imports that
change nothing, dry runs that write nothing, and broken files refused whole with file and line."""

from __future__ import annotations

import json
import tempfile
import zipfile
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from conftest import examples, library_property
from cryqueue.domain.export_options import ExportOptions
from cryqueue.library import Library

Cli = Any

BOM = "\ufeff"
WATCHED = BOM + (
    "Date,Name,Year,Letterboxd URI\n"
    "2023-01-05,Il Mare,2000,https://boxd.it/1\n"
    '2023-01-06,"Love, Rosie",2014,https://boxd.it/2\n'
    "2023-01-07,Hachi: A Dog's Tale,2009,https://boxd.it/3\n"
)
DIARY = BOM + (
    "Date,Name,Year,Letterboxd URI,Rating,Rewatch,Tags,Watched Date\n"
    '2023-02-01,Il Mare,2000,https://boxd.it/a,4.5,,"rainy day, sea",2023-01-31\n'
    "2023-03-01,Il Mare,2000,https://boxd.it/b,5,Yes,,2023-02-28\n"
    "2023-03-01,Il Mare,2000,https://boxd.it/c,5,Yes,,2023-02-28\n"
    "2023-03-02,Windstruck,2004,https://boxd.it/d,3,Yes,,2023-03-01\n"
)
RATINGS = "Date,Name,Year,Letterboxd URI,Rating\n2023-03-05,Il Mare,2000,https://boxd.it/1,4\n"
WATCHLIST = (
    "Date,Name,Year,Letterboxd URI\n2023-04-01,Miracle in Cell No. 7,2013,https://boxd.it/9\n"
)
REVIEWS = (
    "Date,Name,Year,Letterboxd URI,Rating,Rewatch,Review,Tags,Watched Date\n"
    '2023-03-01,Il Mare,2000,https://boxd.it/b,5,Yes,"The mailbox, again.\nStill cried.",,'
    "2023-02-28\n"
)
LIST = (
    "Letterboxd list export v7\n"
    "Date,Name,Tags,URL,Description\n"
    '2023-01-01,Saddest Ever,,https://boxd.it/l,"mine, ranked"\n'
    "\n"
    "Position,Name,Year,URL,Description\n"
    "1,Windstruck,2004,https://boxd.it/d,\n"
    "2,Il Mare,2000,https://boxd.it/1,\n"
    "3,Some Film,,https://boxd.it/x,\n"
)
EXPORT = {
    "watched.csv": WATCHED,
    "diary.csv": DIARY,
    "ratings.csv": RATINGS,
    "watchlist.csv": WATCHLIST,
    "reviews.csv": REVIEWS,
    "lists/saddest-ever.csv": LIST,
    "profile.csv": "Date Joined,Username\n2020-01-01,me\n",
    "likes/films.csv": "Date,Name,Year,Letterboxd URI\n2023-01-01,Nope,2001,https://boxd.it/n\n",
}
IMDB_RATINGS = (
    "Const,Your Rating,Date Rated,Title,Original Title,URL,Title Type,IMDb Rating,"
    "Runtime (mins),Year,Genres,Num Votes,Release Date,Directors\n"
    "tt0282599,9,2020-01-01,Il Mare,Siworae,https://www.imdb.com/title/tt0282599/,Movie,7.5,"
    "96,2000,Drama,9000,2000-09-09,Lee Hyun-seung\n"
    "tt5000001,8,2020-01-02,Reply 1988,Eungdaphara 1988,https://x,TV Series,9.2,90,2015,"
    '"Comedy, Drama",1,2015-11-06,\n'
    "tt5000002,6,2020-01-03,Some Episode,Some Episode,https://x,TV Episode,7,45,2016,Drama,1,,\n"
    "tt5000003,7,2020-01-04,Coming Soon,Coming Soon,https://x,Movie,,,,Drama,1,,\n"
)
IMDB_OLD_LIST = (
    "position,const,created,modified,description,Title,Title type,Directors,You rated,"
    "IMDb Rating,Runtime (mins),Year,Genres,Num. Votes,Release Date (month/day/year),URL\n"
    "2,tt0282599,2016-01-01,,,Il Mare,movie,Lee Hyun-seung,,7.5,96,2000,Drama,1,09/09/2000,u\n"
    "1,tt5000004,2016-01-01,,,Old Mini,tvMiniSeries,Someone,8,8,60,2001,Drama,1,01/01/2001,u\n"
)


def write_zip(path: Path, files: dict[str, str]) -> Path:
    with zipfile.ZipFile(path, "w") as archive:
        for name, text in files.items():
            archive.writestr(name, text.encode("utf-8"))
    return path


def films(cli: Cli, db: Path | str = "default") -> dict[str, dict[str, Any]]:
    code, out, err = cli("list", "--format", "json", db=db)
    assert code == 0, err
    return {f["title"]: f for f in json.loads(out)}


def state(cli: Cli, db: Path | str = "default") -> list[dict[str, Any]]:
    code, out, err = cli("export", "--format", "json", "-o", "-", db=db)
    assert code == 0, err
    return list(json.loads(out)["films"])


# Letterboxd export ----------------------------------------------------------------------------


def test_letterboxd_zip_brings_in_viewings_ratings_tags_reviews(cli: Cli, tmp_path: Path) -> None:
    archive = write_zip(tmp_path / "letterboxd-me-2024.zip", EXPORT)
    rank_before = films(cli)["Il Mare"]["rank"]
    code, out, err = cli("import", archive)
    assert (code, err) == (0, "")
    assert "2 added, 3 matched, 1 skipped" in out
    assert "Some Film (lists/saddest-ever.csv line 8): no year" in out
    by_title = films(cli)
    il_mare = by_title["Il Mare"]
    # diary: one viewing on 01-31 and two on 02-28; watched.csv's Date is not a viewing
    assert il_mare["viewing_dates"] == ["2023-01-31", "2023-02-28", "2023-02-28"]
    assert il_mare["watched_undated"] is False  # its first viewing is not a rewatch
    assert il_mare["rating"] == 4  # ratings.csv has the last word over the diary's 5
    assert il_mare["tags"] == ["rainy day", "sea"]
    assert il_mare["note"] == "The mailbox, again.\nStill cried."
    assert il_mare["tear_level"] is None  # never guessed from a rating
    # A rewatch on the first recorded viewing: seen once before, on a day nobody recorded.
    assert by_title["Windstruck"]["watched_undated"] is True
    assert by_title["Windstruck"]["viewing_dates"] == ["2023-03-01"]
    # watched.csv only: watched, no date
    rosie = by_title["Love, Rosie"]
    assert (rosie["watched"], rosie["viewing_dates"], rosie["watched_undated"]) == (True, [], True)
    # the watchlist adds an unwatched film; likes and profile are not film data
    assert by_title["Miracle in Cell No. 7"]["watched"] is False
    assert "Nope" not in by_title
    # without --ranking the ranking is left alone: new films at the bottom
    assert by_title["Il Mare"]["rank"] == rank_before and by_title["Love, Rosie"]["rank"] > 17


def test_letterboxd_reimport_changes_nothing(cli: Cli, tmp_path: Path, db_dump: Any) -> None:
    archive = write_zip(tmp_path / "export.zip", EXPORT)
    assert cli("import", archive)[0] == 0
    before = db_dump()
    code, out, _err = cli("import", archive)
    assert code == 0 and "0 added, 5 matched" in out
    assert db_dump() == before


def test_folder_and_single_csvs_import_like_the_zip(cli: Cli, tmp_path: Path) -> None:
    folder = tmp_path / "unzipped"
    for name, text in EXPORT.items():
        (folder / name).parent.mkdir(parents=True, exist_ok=True)
        (folder / name).write_text(text, encoding="utf-8")
    zipped = tmp_path / "zipped.db"
    assert cli("import", write_zip(tmp_path / "e.zip", EXPORT), db=zipped)[0] == 0
    assert cli("import", folder)[0] == 0
    assert state(cli) == state(cli, db=zipped)
    # one file on its own
    single = tmp_path / "single.db"
    assert cli("import", folder / "diary.csv", db=single)[0] == 0
    assert films(cli, db=single)["Il Mare"]["viewing_dates"] == [
        "2023-01-31",
        "2023-02-28",
        "2023-02-28",
    ]


def test_a_zip_with_a_top_folder_is_read_too(cli: Cli, tmp_path: Path) -> None:
    archive = write_zip(tmp_path / "e.zip", {f"export/{n}": t for n, t in EXPORT.items()})
    code, out, _err = cli("import", archive)
    assert code == 0 and "2 added, 3 matched" in out


def test_ranking_option_makes_a_list_the_ranking(cli: Cli, tmp_path: Path) -> None:
    archive = write_zip(tmp_path / "e.zip", EXPORT)
    code, _out, err = cli("import", archive, "--ranking", "saddest ever")
    assert (code, err) == (0, "")
    top = sorted(films(cli).values(), key=lambda f: f["rank"])
    assert [f["title"] for f in top[:3]] == ["Windstruck", "Il Mare", "A Moment to Remember"]
    code, _out, err = cli("import", archive, "--ranking", "nope")
    assert code == 2 and "no list named 'nope' in the import; its lists: 'Saddest Ever'" in err
    single = tmp_path / "lists.csv"
    single.write_text(LIST, encoding="utf-8")
    code, _out, _err = cli("import", tmp_path / "lists.csv", "--ranking")
    assert code == 0


def test_dry_run_reports_and_writes_nothing(cli: Cli, tmp_path: Path, db_dump: Any) -> None:
    archive = write_zip(tmp_path / "e.zip", EXPORT)
    before = db_dump()
    code, out, err = cli("import", archive, "--dry-run")
    assert (code, err) == (0, "")
    assert db_dump() == before
    lines = out.splitlines()
    assert lines[0].startswith("Dry run of e.zip (Letterboxd ") and "nothing was written" in out
    assert "  add    Love, Rosie (2014): watched (day not recorded)" in lines
    assert any(
        line.startswith("  match  Il Mare (2000): 3 viewings, rating 4, tags +rainy day +sea")
        for line in lines
    )
    assert "  skipped Some Film (lists/saddest-ever.csv line 8): no year" in out
    assert "Would import e.zip: 2 added, 3 matched, 1 skipped (1 without a year)." in lines
    assert "  ignored likes/films.csv: likes, not films you logged" in lines  # named, not dropped


def test_matches_on_the_original_hangul_title(cli: Cli, tmp_path: Path) -> None:
    path = tmp_path / "diary.csv"
    path.write_text(
        "Date,Name,Year,Letterboxd URI,Rating,Rewatch,Tags,Watched Date\n"
        "2023-02-01,시월애,2000,u,3.5,,,2023-01-31\n",
        encoding="utf-8",
    )
    code, out, _err = cli("import", path)
    assert code == 0 and "0 added, 1 matched" in out
    assert films(cli)["Il Mare"]["rating"] == 3.5


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        (
            "diary.csv",
            "Date,Name,Year,Letterboxd URI,Rating,Rewatch,Tags,Watched Date\n"
            "2023-02-01,Il Mare,2000,u,4,,,2023-01-31\n"
            '2023-02-01,Later,2001,"https://boxd.it/\nb",4,,,2023-13-31\n',
            "(diary.csv line 3): date '2023-13-31' is not a valid date; use YYYY-MM-DD",
        ),
        (
            "ratings.csv",
            "Date,Name,Year,Letterboxd URI,Rating\n2023-01-01,X,2001,u,4.2\n",
            "(ratings.csv line 2): rating '4.2' is not a star rating; give 0.5 to 5",
        ),
        (
            "watched.csv",
            "Date,Name,Year,Letterboxd URI\n2023-01-01,X,20x1,u\n",
            "(watched.csv line 2): year '20x1' is not a number",
        ),
        (
            "watched.csv",
            "Date,Name,Year,Letterboxd URI\n2023-01-01,,2001,u\n",
            "(watched.csv line 2): the film has no Name or Title",
        ),
        (
            "diary.csv",
            "Date,Name,Year,Letterboxd URI,Rating,Rewatch,Tags,Watched Date\n"
            '2023-01-01,X,2001,u,4,,"a,b",2023-01-01,extra,more\n',
            "(diary.csv line 2): 10 values where the header has 8",
        ),
        (
            "watched.csv",
            "Date,Name,Year,Letterboxd URI\n2023-01-01,Bell\x07Film,2001,u\n",
            "(watched.csv line 2): the title contains control characters",
        ),
    ],
)
def test_a_bad_row_is_skipped_naming_file_and_line_and_strict_refuses_it(
    cli: Cli, tmp_path: Path, db_dump: Any, name: str, content: str, message: str
) -> None:
    """A bad row costs that row, not the file (it used to abort the import); --strict makes
    any skipped row an error that changes nothing."""
    path = tmp_path / name
    path.write_text(content + "2023-01-01,Good Film,2003,u\n", encoding="utf-8")
    before = db_dump()
    code, out, err = cli("import", path, "--strict")
    assert (code, out) == (2, "")
    assert "--strict: 1 row would be skipped" in err and message.strip("(").replace(")", "") in err
    assert err.count("\n") == 1 and "Traceback" not in err
    assert db_dump() == before
    code, out, err = cli("import", path)
    assert (code, err) == (0, "")
    assert "1 skipped (1 with" in out and message in out
    assert "Good Film" in films(cli)


def test_a_file_of_unknown_kind_is_refused(cli: Cli, tmp_path: Path, db_dump: Any) -> None:
    path = tmp_path / "notes.csv"
    path.write_text("a,b\n1,2\n", encoding="utf-8")
    before = db_dump()
    code, out, err = cli("import", path)
    assert (code, out) == (2, "")
    assert "cannot tell what kind of file notes.csv is; give --format" in err
    assert db_dump() == before


def test_broken_files_are_refused_with_a_clear_message(
    cli: Cli, tmp_path: Path, db_dump: Any
) -> None:
    before = db_dump()
    not_text = tmp_path / "watched.csv"  # 0x81: undefined in Windows-1252, invalid in UTF-8
    not_text.write_bytes(b"Date,Name,Year,Letterboxd URI\n2023-01-01,Am\x81lie,2001,u\n")
    code, _out, err = cli("import", not_text)
    assert code == 2 and "watched.csv line 2: not UTF-8 or Windows-1252 text (byte 0x81)" in err
    not_text.write_bytes(b"Date,Name,Year\n2023-01-01,Nul\x00Film,2001\n")
    code, _out, err = cli("import", not_text)
    assert code == 2 and "watched.csv line 2: not UTF-8 or Windows-1252 text (it has a NUL" in err
    cut = tmp_path / "cut.zip"
    cut.write_bytes(write_zip(tmp_path / "whole.zip", EXPORT).read_bytes()[:-60])
    code, _out, err = cli("import", cut)
    assert code == 2 and "cut.zip is a damaged or incomplete ZIP file" in err
    empty_zip = write_zip(tmp_path / "empty.zip", {"profile.csv": "Username\nme\n"})
    code, _out, err = cli("import", empty_zip)
    assert code == 2 and "no Letterboxd film files found" in err
    no_table = tmp_path / "lists.csv"
    no_table.write_text("Letterboxd list export v7\nDate,Name\n2023-01-01,L\n", encoding="utf-8")
    code, _out, err = cli("import", no_table)
    assert code == 2 and "no 'Position,Name,Year' table" in err
    code, _out, err = cli("import", tmp_path / "missing.csv")
    assert code == 2 and "cannot read" in err and "No such file" in err
    assert db_dump() == before


# IMDb -------------------------------------------------------------------------------------------


def test_imdb_ratings_current_format(cli: Cli, tmp_path: Path) -> None:
    path = tmp_path / "ratings.csv"
    path.write_text(IMDB_RATINGS, encoding="utf-8")
    code, out, err = cli("import", path)
    assert (code, err) == (0, "")
    assert "1 added, 1 matched, 2 skipped" in out
    assert "Some Episode (ratings.csv line 4): a TV episode, not a film or series" in out
    assert "Coming Soon (ratings.csv line 5): no year yet" in out
    by_title = films(cli)
    assert by_title["Il Mare"]["rating"] == 4.5  # 9 halved
    assert by_title["Il Mare"]["imdb_id"] == "tt0282599"  # learnt for next time
    assert by_title["Il Mare"]["watched_undated"] is True  # rated: seen, day unknown
    reply = by_title["Reply 1988"]
    assert (reply["kind"], reply["rating"], reply["original_title"]) == (
        "series",
        4,
        "Eungdaphara 1988",
    )
    assert reply["runtime_minutes"] == 90


def test_imdb_old_list_with_ranking_and_id_matching(cli: Cli, tmp_path: Path) -> None:
    path = tmp_path / "list.csv"
    path.write_text(IMDB_OLD_LIST, encoding="utf-8")
    code, _out, err = cli("import", path, "--ranking")
    assert (code, err) == (0, "")
    top = sorted(films(cli).values(), key=lambda f: f["rank"])
    assert [(f["title"], f["kind"]) for f in top[:2]] == [
        ("Old Mini", "series"),
        ("Il Mare", "film"),
    ]
    assert top[0]["rating"] == 4 and top[1]["rating"] is None and top[1]["watched"] is False
    # Renamed on IMDb since: the id still finds it.
    renamed = tmp_path / "renamed.csv"
    renamed.write_text(IMDB_OLD_LIST.replace("Old Mini", "New Name"), encoding="utf-8")
    code, out, _err = cli("import", renamed)
    assert code == 0 and "0 added, 2 matched" in out


@pytest.mark.parametrize(
    ("spelling", "kind"),
    [("Movie", "film"), ("movie", "film"), ("TV Series", "series"), ("tvSeries", "series"),
     ("TV Mini Series", "series"), ("tvMiniSeries", "series"), ("TV Movie", "film"),
     ("Feature Film", "film"), ("Mini-Series", "series"), ("TV Mini-Series", "series")],
)  # fmt: skip
def test_imdb_title_types_in_either_spelling(
    cli: Cli, tmp_path: Path, spelling: str, kind: str
) -> None:
    path = tmp_path / "r.csv"
    path.write_text(
        "Const,Your Rating,Date Rated,Title,URL,Title Type,Year\n"
        f"tt7000001,10,2020-01-01,Typed,u,{spelling},2010\n",
        encoding="utf-8",
    )
    assert cli("import", path, "--format", "imdb")[0] == 0
    assert films(cli)["Typed"]["kind"] == kind
    assert films(cli)["Typed"]["rating"] == 5


def test_imdb_bad_rating_names_the_line(cli: Cli, tmp_path: Path) -> None:
    path = tmp_path / "r.csv"
    path.write_text(IMDB_RATINGS.replace("tt0282599,9,", "tt0282599,11,"), encoding="utf-8")
    code, out, _err = cli("import", path)  # skipped, no longer the whole file
    assert code == 0 and "(r.csv line 2): rating '11' is not a whole number from 1 to 10" in out


def test_format_option_is_checked_against_the_file(cli: Cli, tmp_path: Path) -> None:
    path = tmp_path / "w.csv"
    path.write_text(WATCHED, encoding="utf-8")
    code, _out, err = cli("import", path, "--format", "imdb")
    assert code == 2 and "no 'Const' column" in err
    code, _out, err = cli("import", write_zip(tmp_path / "e.zip", EXPORT), "--format", "imdb")
    assert code == 2 and "e.zip is a ZIP file" in err


# Export ---------------------------------------------------------------------------------------


def test_letterboxd_export_rows_and_notes_only_when_asked(cli: Cli, tmp_path: Path) -> None:
    assert cli("import", write_zip(tmp_path / "e.zip", EXPORT))[0] == 0
    assert cli("tears", "Il Mare", "5")[0] == 0
    code, out, _err = cli("export", "--format", "letterboxd", "-o", "-")
    assert code == 0
    lines = out.splitlines()
    assert lines[0] == "Title,Year,imdbID,WatchedDate,Rating,Rewatch,Tags,Review"
    assert '"Love, Rosie",2014,,,,,,' in lines  # watched on a day not recorded
    assert 'Il Mare,2000,,2023-01-31,4,,"rainy day, sea",' in lines
    assert lines.count('Il Mare,2000,,2023-02-28,4,Yes,"rainy day, sea",') == 2
    assert "Windstruck,2004,,,3,,," in lines and "Windstruck,2004,,2023-03-01,3,Yes,," in lines
    assert "mailbox" not in out and "Miracle" not in out  # no notes; unwatched left out
    code, out, _err = cli("export", "--format", "letterboxd", "--include-notes", "-o", "-")
    assert '2023-02-28,4,Yes,"rainy day, sea","The mailbox, again.\nStill cried."' in out
    assert out.count("mailbox") == 1  # one review, with the latest viewing


def test_letterboxd_round_trip_is_identical(cli: Cli, tmp_path: Path) -> None:
    assert cli("import", write_zip(tmp_path / "e.zip", EXPORT))[0] == 0
    cli("watch", "Always", "--on", "2024-03-01")
    cli("watch", "Always", "--on", "2024-03-01")
    cli("tag", "Always", "+눈물", "+dog-days")
    cli("rate", "Always", "2.5")
    cli("note", "Always", 'quotes " and, commas\nand lines')
    first, second = tmp_path / "one.csv", tmp_path / "two.csv"
    cli("export", "--format", "letterboxd", "--include-notes", "-o", first)
    empty = tmp_path / "empty.db"
    assert cli("import", first, db=empty)[0] == 0
    cli("export", "--format", "letterboxd", "--include-notes", "-o", second, db=empty)
    assert first.read_bytes() == second.read_bytes()
    assert b"2024-03-01,2.5,Yes" in first.read_bytes()


def test_csv_export_for_spreadsheets(cli: Cli) -> None:
    cli("note", "Il Mare", '=HYPERLINK("x")')
    cli("tag", "Il Mare", "+sea", "+letters")
    code, out, _err = cli("export", "--format", "csv", "-o", "-")
    assert code == 0 and out.startswith("\ufeffrank,title,original_title,year,")
    row = next(line for line in out.splitlines() if ",Il Mare,시월애,2000," in line)
    assert "sea; letters" in row and "'=HYPERLINK" in row
    assert len(out.splitlines()) == 18


@pytest.mark.parametrize(
    ("fmt", "flag", "message"),
    [
        ("json", "--include-notes", "--include-notes is for --format markdown or letterboxd"),
        ("csv", "--include-notes", "; csv always has notes"),
        ("letterboxd", "--include-rating", "--include-rating is for --format markdown"),
        ("json", "--include-tags", "--include-tags is for --format markdown; json always"),
    ],
)
def test_include_options_are_only_for_the_formats_that_leave_them_out(
    cli: Cli, fmt: str, flag: str, message: str
) -> None:
    code, out, err = cli("export", "--format", fmt, flag, "-o", "-")
    assert (code, out) == (2, "") and message in err


# Tags and ratings -------------------------------------------------------------------------------


def test_tag_command_adds_removes_and_filters(cli: Cli) -> None:
    code, out, _err = cli("tag", "Il Mare", "+Rainy-Day", "+#sea", "+letters")
    assert (code, out) == (0, "Tags of Il Mare (2000): #Rainy-Day #sea #letters.\n")
    code, out, _err = cli("tag", "Il Mare", "-sea")
    assert out == "Tags of Il Mare (2000): #Rainy-Day #letters.\n"
    cli("tag", "Always", "+letters")
    code, out, _err = cli("list", "--tag", "letters", "--format", "json")
    assert [f["title"] for f in json.loads(out)] == ["Il Mare", "Always"]
    _code, out, _err = cli("list", "--tag", "letters", "--tag", "rainy-day", "--format", "json")
    assert [f["title"] for f in json.loads(out)] == ["Il Mare"]
    _code, out, _err = cli("list", "--tag", "rain", "--format", "json")
    assert json.loads(out) == []  # --tag is exact; the search's #rain is a prefix
    _code, out, _err = cli("search", "#rain", "--format", "json")
    assert [f["title"] for f in json.loads(out)] == ["Il Mare"]
    _code, out, _err = cli("search", "letters", "--format", "json")
    assert {f["title"] for f in json.loads(out)} >= {"Always"}  # tags are searched too
    code, _out, err = cli("tag", "Il Mare", "+a,b")
    assert code == 2 and "contains a comma" in err
    code, _out, err = cli("tag", "Il Mare", "sad")
    assert code == 2 and "write 'sad' as +sad to add it or -sad to remove it" in err
    assert cli("tag", "Il Mare")[1] == "Tags of Il Mare (2000): #Rainy-Day #letters.\n"


def test_rate_command_and_json_fields(cli: Cli) -> None:
    assert cli("rate", "Il Mare", "4.5")[1] == "Rating of Il Mare (2000): 4.5★.\n"
    film = films(cli)["Il Mare"]
    assert (film["rating"], film["tags"], film["tear_level"]) == (4.5, [], None)
    code, _out, err = cli("rate", "Il Mare", "6")
    assert code == 2 and "give 0.5 to 5 in half steps" in err
    assert cli("rate", "Il Mare", "none")[1] == "Rating of Il Mare (2000): none.\n"
    assert films(cli)["Always"]["rating"] is None and films(cli)["Always"]["tags"] == []


def test_service_undo_of_unwatch_keeps_an_undated_viewing(library: Library, tmp_path: Path) -> None:
    path = tmp_path / "w.csv"
    path.write_text(WATCHED, encoding="utf-8")
    from cryqueue.interop.import_sources import load

    library.import_batch(load(path))
    film = library.find("Il Mare")
    before = library.viewings(film.id)
    assert before and before.undated and before.days == ()
    library.unwatch(film.id)
    assert not library.find("Il Mare").watched
    library.set_viewings(film.id, before)
    assert library.find("Il Mare").watched_undated
    library.mark_watched(film.id, date(2024, 1, 1))
    assert library.viewings(film.id).days == (date(2024, 1, 1),)


# Properties: the Letterboxd export round-trips, and importing it again changes nothing ------

_TITLES = st.sampled_from(["Hachi", "Il Mare", "Tears, Again", '"Quoted"', "눈물", "Always"])
_DAYS = st.lists(st.dates(min_value=date(2000, 1, 1), max_value=date(2025, 12, 31)), max_size=3)
_TAGS = st.lists(st.sampled_from(["sad", "rainy day", "눈물", "dog"]), max_size=3)


@st.composite
def _films(draw: st.DrawFn) -> list[dict[str, Any]]:
    return [
        {
            "title": draw(_TITLES),
            "year": draw(st.integers(1990, 2025)),
            "viewing_dates": [d.isoformat() for d in draw(_DAYS)],
            "watched_undated": draw(st.booleans()),
            "rating": draw(st.none() | st.integers(1, 10).map(lambda n: n / 2)),
            "tags": draw(_TAGS),
            "note": draw(
                st.sampled_from(["", "sad", "line one\nline, two", '"quoted"', "  indented\n"])
            ),
        }
        for _ in range(draw(st.integers(0, 6)))
    ]


@library_property(30)
@given(films=_films())
def test_letterboxd_export_import_export_is_identical(
    library_pair: Any, films: list[dict[str, Any]]
) -> None:
    from cryqueue.interop import json_format as json_io
    from cryqueue.interop.import_sources import load

    with library_pair() as (first, second):
        first.import_records(json_io.parse_document(json.dumps(films)))
        once = first.export_text("letterboxd", ExportOptions(notes=True))
        path = first.db.path.with_name("letterboxd.csv")
        path.write_text(once, encoding="utf-8")
        before = first.export_json()
        summary = first.import_batch(load(path))
        assert summary.added == 0
        assert json.loads(first.export_json())["films"] == json.loads(before)["films"]
        second.import_batch(load(path))
        assert second.export_text("letterboxd", ExportOptions(notes=True)) == once


_HEADERS = [
    "Date,Name,Year,Letterboxd URI,Rating,Rewatch,Tags,Watched Date",
    "Const,Your Rating,Date Rated,Title,Original Title,URL,Title Type,Runtime (mins),Year",
    "Title,Year,imdbID,WatchedDate,Rating,Rewatch,Tags,Review",
    "Letterboxd list export v7\nDate,Name,Tags,URL,Description\n2023-01-01,L,,u,\n\n"
    "Position,Name,Year,URL,Description",
]
_CELLS = st.text(max_size=12) | st.sampled_from(
    ["2000", "4.5", "Yes", "tt0282599", "2023-02-30", "Il Mare", "시월애", '"', ",", "\n", "\x00"]
)


@library_property(150)
@given(
    header=st.sampled_from(_HEADERS),
    rows=st.lists(st.lists(_CELLS, max_size=10), max_size=4),
    raw=st.binary(max_size=40),
)
def test_any_csv_is_imported_or_refused_in_one_line(
    tmp_path: Path, header: str, rows: list[list[str]], raw: bytes
) -> None:
    """Whatever the cells hold, reading a file either gives an import or a one-line message
    (UsageError); it never raises anything else."""
    from cryqueue.domain.errors import CryqueueError
    from cryqueue.interop.import_sources import load

    body = "\n".join(",".join(row) for row in rows)
    path = Path(tempfile.mkdtemp(dir=tmp_path)) / "diary.csv"
    path.write_bytes(f"{header}\n{body}\n".encode("utf-8", "surrogatepass") + raw)
    try:
        batch = load(path)
    except CryqueueError as exc:
        assert "\n" not in str(exc) and str(exc)
        return
    assert all(record.where for record in batch.records)


def test_deleted_entries_are_not_viewings_and_a_list_named_watchlist_is_a_list(
    cli: Cli, tmp_path: Path
) -> None:
    named = LIST.replace("Saddest Ever", "Watchlist")
    files = {
        "diary.csv": DIARY,
        "deleted/diary.csv": DIARY.replace("Windstruck", "Always"),
        "orphaned/reviews.csv": REVIEWS.replace("Il Mare", "The Letter"),
        "lists/watchlist.csv": named,
    }
    code, _out, err = cli("import", write_zip(tmp_path / "e.zip", files), "--ranking", "watchlist")
    assert (code, err) == (0, "")
    by_title = films(cli)
    assert by_title["Always"]["viewing_dates"] == [] and by_title["The Letter"]["note"] == ""
    assert by_title["Windstruck"]["rank"] == 1  # the list named Watchlist set the ranking


def test_a_dated_viewing_replaces_watched_on_an_unrecorded_day(cli: Cli, tmp_path: Path) -> None:
    ratings = tmp_path / "imdb.csv"
    ratings.write_text(IMDB_RATINGS, encoding="utf-8")
    assert cli("import", ratings)[0] == 0
    assert films(cli)["Il Mare"]["watched_undated"] is True
    diary = tmp_path / "diary.csv"
    diary.write_text(DIARY, encoding="utf-8")
    assert cli("import", diary)[0] == 0
    il_mare = films(cli)["Il Mare"]
    assert il_mare["watched_undated"] is False  # the diary's first entry is not a rewatch
    assert il_mare["viewing_dates"][0] == "2023-01-31"


def test_namesakes_with_different_imdb_ids_stay_two_films(cli: Cli, tmp_path: Path) -> None:
    ratings = tmp_path / "ratings.csv"
    ratings.write_text(IMDB_RATINGS, encoding="utf-8")
    assert cli("import", ratings)[0] == 0  # Il Mare (2000) learns its id, tt0282599
    path = tmp_path / "r.csv"
    path.write_text(
        "Const,Your Rating,Date Rated,Title,URL,Title Type,Year\n"
        "tt7000001,8,2020-01-01,Twin,u,Movie,2010\n"
        "tt7000002,6,2020-01-01,Twin,u,Movie,2010\n"
        "tt7000003,6,2020-01-01,Il Mare,u,Movie,2000\n",
        encoding="utf-8",
    )
    code, out, _err = cli("import", path)
    assert code == 0 and "3 added, 0 matched" in out  # this Il Mare (2000) is another title
    twins = [f for f in state(cli) if f["title"] == "Twin"]
    assert sorted(f["imdb_id"] for f in twins) == ["tt7000001", "tt7000002"]
    code, out, _err = cli("import", path)
    assert "0 added, 3 matched" in out


def test_odd_numbers_in_imdb_files_are_errors_or_ignored_never_crashes(
    cli: Cli, tmp_path: Path
) -> None:
    path = tmp_path / "list.csv"
    path.write_text(
        IMDB_OLD_LIST.replace("2,tt0282599", "²,tt0282599").replace(",60,2001", ",9" * 1 + ",2001"),
        encoding="utf-8",
    )
    assert cli("import", path, "--ranking")[0] == 0
    path.write_text(IMDB_OLD_LIST.replace(",96,2000", ",1²,2000"), encoding="utf-8")
    code, out, _err = cli("import", path)  # skipped, no longer the whole file
    assert code == 0 and "(list.csv line 2): runtime '1²' is not a number of minutes" in out


@settings(max_examples=examples(200), deadline=None)
@given(value=st.text(max_size=60), stars=st.text(max_size=8) | st.floats(allow_nan=True))
def test_any_tag_or_rating_is_stored_cleanly_or_refused(value: str, stars: Any) -> None:
    from cryqueue.domain import validate
    from cryqueue.domain.errors import UsageError

    try:
        tag = validate.tag(value)
    except UsageError as exc:
        assert "\n" not in str(exc)
    else:
        assert tag and tag == tag.strip() and "," not in tag and not tag.startswith("#")
        assert validate.tag(tag) == tag  # stored tags read back the same
    try:
        rating = validate.rating(stars)
    except UsageError as exc:
        assert "half steps" in str(exc)
    else:
        assert rating is None or (0.5 <= rating <= 5 and (rating * 2).is_integer())
