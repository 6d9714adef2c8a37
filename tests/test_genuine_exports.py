"""The shapes genuine Letterboxd and IMDb exports (2016-2026) and their spreadsheet re-saves
come in, as tiny hand-made files (no real person's data): each is read whole, and a row that
cannot be used costs that row, named with its reason and counted by reason, never the file."""

from __future__ import annotations

import json
import zipfile
from collections import Counter
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conftest import examples
from cryqueue.domain import validate
from cryqueue.domain.errors import UsageError
from cryqueue.domain.import_records import ImportSummary, Skip, SkipGroup, skip_counts
from cryqueue.domain.import_report import summary_lines
from cryqueue.interop import imdb_types
from cryqueue.interop.import_sources import load

Cli = Any
NEXT_DECADE = date.today().year + 10

WATCHED = (
    "Date,Name,Year,Letterboxd URI\n"
    "2023-01-05,Passage de Vénus,1874,https://letterboxd.com/film/passage-de-venus/\n"
    "2023-01-06,Sallie Gardner at a Gallop,1878,https://letterboxd.com/film/sallie-gardner/\n"
    f"2023-01-07,Announced Epic,{NEXT_DECADE},https://letterboxd.com/film/announced-epic/\n"
    "2023-01-08,Too Early,1869,https://letterboxd.com/film/too-early/\n"
    f"2023-01-09,Too Far Ahead,{NEXT_DECADE + 1},https://letterboxd.com/film/too-far/\n"
    "2023-01-10,Undated Short,,https://letterboxd.com/film/undated-short/\n"
)
OLD_LIST = (  # before the v7 preamble: a blank first line
    "\n"
    "Date,Name,Tags,URL,Description\n"
    '2016-03-01,Tears 😭 Forever,"sad, 눈물",https://letterboxd.com/me/list/tears/,'
    '"<b>my</b> list, <i>ranked</i>"\n'
    "\n"
    "Position,Name,Year,URL,Description\n"
    "1,Windstruck,2004,https://letterboxd.com/film/windstruck/,\n"
    "2,Il Mare,2000,https://letterboxd.com/film/il-mare/,<p>the mailbox</p>\n"
)
DIARY_2016 = (  # no Rewatch column; long URIs to the entry
    "Date,Name,Year,Letterboxd URI,Rating,Tags,Watched Date\r\n"
    "2016-05-02,Il Mare,2000,http://letterboxd.com/someone/film/il-mare/1/,4.5,,2016-05-01\r\n"
    "2016-06-02,Always,2011,http://letterboxd.com/someone/film/always-2011/,5,"
    '"HboMax, 🌧 rainy, hbomax",2016-06-01\r\n'
)
IMDB_HEADER = (
    "Const,Your Rating,Date Rated,Title,Original Title,URL,Title Type,IMDb Rating,"
    "Runtime (mins),Year,Genres,Num Votes,Release Date,Directors\n"
)


def imdb_row(n: int, title: str, kind: str = "Movie", year: str = "2001", rating: str = "8") -> str:
    return (
        f"tt{9000000 + n},{rating},2020-01-0{n % 9 + 1},{title},{title},https://x/{n},{kind},7,"
        f"100,{year},Drama,10,2001-01-01,Someone\n"
    )


def write(path: Path, content: str | bytes, encoding: str = "utf-8") -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(content if isinstance(content, bytes) else content.encode(encoding))
    return path


def write_zip(path: Path, files: dict[str, str | bytes]) -> Path:
    with zipfile.ZipFile(path, "w") as archive:
        for name, content in files.items():
            data = content if isinstance(content, bytes) else content.encode("utf-8")
            archive.writestr(name, data)
    return path


def films(cli: Cli) -> dict[str, dict[str, Any]]:
    code, out, err = cli("list", "--format", "json")
    assert code == 0, err
    return {f["title"]: f for f in json.loads(out)}


# Years ----------------------------------------------------------------------------------------


def test_films_from_1870_to_a_decade_ahead_import_and_others_cost_their_row(
    cli: Cli, tmp_path: Path
) -> None:
    code, out, err = cli("import", write(tmp_path / "watched.csv", WATCHED))
    assert (code, err) == (0, "")
    assert "3 added, 0 matched, 3 skipped (2 with a bad year, 1 without a year)." in out
    assert "Too Early (watched.csv line 5): year 1869 is out of range" in out
    by_title = films(cli)
    assert by_title["Passage de Vénus"]["year"] == 1874
    assert by_title["Sallie Gardner at a Gallop"]["year"] == 1878
    assert by_title["Announced Epic"]["year"] == NEXT_DECADE
    assert "Too Early" not in by_title and "Too Far Ahead" not in by_title


def test_add_uses_the_same_years(cli: Cli) -> None:
    assert (validate.YEAR_MIN, validate.YEAR_MAX) == (1870, NEXT_DECADE)
    assert cli("add", "The Horse in Motion", "--year", "1878")[0] == 0
    code, _out, err = cli("add", "Far Future", "--year", str(NEXT_DECADE + 1))
    assert code == 2 and f"give a year from 1870 to {NEXT_DECADE}" in err


def test_json_import_takes_old_films_too(cli: Cli, tmp_path: Path) -> None:
    path = write(tmp_path / "old.json", json.dumps([{"title": "Roundhay", "year": 1888}]))
    path2 = write(tmp_path / "older.json", json.dumps([{"title": "Passage", "year": 1874}]))
    assert cli("import", path)[0] == 0 and cli("import", path2)[0] == 0
    assert films(cli)["Passage"]["year"] == 1874


# Tags -----------------------------------------------------------------------------------------


def test_long_mixed_case_tags_keep_their_spelling_and_compare_without_case(
    cli: Cli, tmp_path: Path
) -> None:
    long_tag = "Films I watched with my grandmother on rainy Sunday afternoons in Busan 🌧 " * 2
    long_tag = long_tag.strip()
    assert 80 < len(long_tag) <= validate.TAG_MAX
    diary = DIARY_2016.replace('"HboMax, 🌧 rainy, hbomax"', f'"HboMax, Disney+, {long_tag}"')
    diary += '2016-07-02,Always,2011,http://x/,5,"HBOMAX, disney+",2016-07-01\r\n'
    code, out, err = cli("import", write(tmp_path / "diary.csv", diary))
    assert (code, err) == (0, "")
    always = films(cli)["Always"]
    assert always["tags"] == ["HboMax", "Disney+", long_tag]  # first spelling, once each
    assert cli("import", write(tmp_path / "diary.csv", diary))[1].count("0 added") == 1
    assert films(cli)["Always"]["tags"] == ["HboMax", "Disney+", long_tag]  # nothing doubled
    _code, out, _err = cli("list", "--tag", "hbomax", "--format", "json")
    assert [f["title"] for f in json.loads(out)] == ["Always"]
    _code, out, _err = cli("search", "#disney", "--format", "json")
    assert [f["title"] for f in json.loads(out)] == ["Always"]
    code, out, _err = cli("tag", "Always", "-hbomax", "+disney+")
    assert (code, out) == (0, f"Tags of Always (2011): #Disney+ #{long_tag}.\n")


def test_a_stored_lower_case_tag_stays_and_a_tag_too_long_costs_its_row(
    cli: Cli, tmp_path: Path
) -> None:
    assert cli("tag", "Il Mare", "+rainy")[0] == 0
    too_long = "x" * (validate.TAG_MAX + 1)
    diary = DIARY_2016.replace(",4.5,,", ',4.5,"Rainy, Sea",') + (
        f"2016-06-03,Windstruck,2004,http://x/,3,{too_long},2016-06-01\r\n"
    )
    code, out, _err = cli("import", write(tmp_path / "diary.csv", diary))
    assert code == 0 and "1 skipped (1 with a bad tag)" in out
    assert "Windstruck (diary.csv line 4): tag 'xxxxxxxxxxxxxxxxxxxx'… is too long" in out
    assert films(cli)["Il Mare"]["tags"] == ["rainy", "Sea"]


# Letterboxd: old lists, 2016 diaries, folders and ZIPs ------------------------------------------


def test_an_old_list_file_alone_gives_its_name_and_order(cli: Cli, tmp_path: Path) -> None:
    path = write(tmp_path / "tears-forever.csv", OLD_LIST)
    code, out, err = cli("import", path, "--ranking")
    assert (code, err) == (0, "")
    assert "0 added, 2 matched, 0 skipped." in out
    top = sorted(films(cli).values(), key=lambda f: f["rank"])
    assert [f["title"] for f in top[:2]] == ["Windstruck", "Il Mare"]
    assert films(cli)["Il Mare"]["note"] == ""  # a list's description is not a review


@pytest.mark.parametrize("packed", ["zip", "folder"])
def test_old_lists_and_a_2016_diary_in_a_zip_or_folder(
    cli: Cli, tmp_path: Path, packed: str
) -> None:
    files: dict[str, str | bytes] = {
        "diary.csv": DIARY_2016,
        "lists/tears-forever.csv": OLD_LIST,
        "profile.csv": "Date Joined,Username\n2016-01-01,someone\n",
        "comments.csv": "Date,Content,Comment\n",
        "likes/films.csv": "Date,Name,Year,Letterboxd URI\n2016-01-01,Liked,2001,u\n",
        "deleted/diary.csv": DIARY_2016.replace("Always", "Deleted"),
        "orphaned/diary.csv": DIARY_2016.replace("Always", "Orphan"),
        "stats.csv": "Genre,Count\nDrama,3\n",
        "README.txt": "hello",
        "lists/cover.jpg": b"\xff\xd8\xff",
    }
    if packed == "zip":
        files["__MACOSX/._diary.csv"] = b"\x00\x05\x16\x07"
        target = write_zip(tmp_path / "letterboxd-someone-2016.zip", files)
    else:
        target = tmp_path / "export"
        for name, content in files.items():
            write(target / name, content)
        (target / "photos").mkdir()
    code, out, err = cli("import", target, "--ranking", "Tears 😭 Forever")
    assert (code, err) == (0, "")
    assert "0 added, 3 matched, 0 skipped." in out
    for line in [
        "  ignored profile.csv: your profile, not films",
        "  ignored comments.csv: comments, not films",
        "  ignored likes/films.csv: likes, not films you logged",
        "  ignored deleted/diary.csv: entries you deleted",
        "  ignored orphaned/diary.csv: orphaned entries, set apart from your films by Letterboxd",
        "  ignored stats.csv: not a Letterboxd file cryqueue reads (no Name, Title or imdbID column)",
        "  ignored README.txt: not a CSV file",
        "  ignored lists/cover.jpg: not a CSV file",
    ]:
        assert line in out.splitlines()
    if packed == "zip":
        assert "  ignored __MACOSX/._diary.csv: macOS metadata, not an export file" in out
    else:
        assert "  ignored photos/: a folder that is not part of a Letterboxd export" in out
    by_title = films(cli)
    assert by_title["Il Mare"]["viewing_dates"] == ["2016-05-01"]
    assert by_title["Always"]["tags"] == ["HboMax", "🌧 rainy"]
    assert by_title["Windstruck"]["rank"] == 1
    assert "Deleted" not in by_title and "Orphan" not in by_title and "Liked" not in by_title


def test_a_list_without_a_table_costs_that_list_not_the_export(cli: Cli, tmp_path: Path) -> None:
    empty = "Letterboxd list export v7\nDate,Name,Tags,URL,Description\n2020-01-01,Empty,,u,\n"
    archive = write_zip(tmp_path / "e.zip", {"diary.csv": DIARY_2016, "lists/empty.csv": empty})
    code, out, err = cli("import", archive)
    assert (code, err) == (0, "")
    assert "  ignored lists/empty.csv: a list with no 'Position,Name,Year' table" in out
    assert films(cli)["Il Mare"]["viewing_dates"] == ["2016-05-01"]
    code, _out, err = cli("import", write(tmp_path / "empty.csv", empty))  # alone: refused
    assert code == 2 and "empty.csv: no 'Position,Name,Year' table" in err


def test_html_in_reviews_is_kept_as_text(cli: Cli, tmp_path: Path) -> None:
    reviews = (
        "Date,Name,Year,Letterboxd URI,Rating,Rewatch,Review,Tags,Watched Date\n"
        '2020-01-02,Il Mare,2000,u,5,,"<i>so</i> sad &amp; <br/>lovely",,2020-01-01\n'
    )
    assert cli("import", write(tmp_path / "reviews.csv", reviews))[0] == 0
    assert films(cli)["Il Mare"]["note"] == "<i>so</i> sad &amp; <br/>lovely"


def test_a_zip_without_film_files_names_what_it_found(cli: Cli, tmp_path: Path) -> None:
    archive = write_zip(tmp_path / "e.zip", {"profile.csv": "Username\nme\n", "a.txt": "x"})
    code, _out, err = cli("import", archive)
    assert code == 2 and "no Letterboxd film files found" in err
    assert "a.txt: not a CSV file; profile.csv: your profile, not films" in err


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("notes.csv", "a,b\n1,2\n", "notes.csv: not a Letterboxd file cryqueue reads"),
        ("profile.csv", "Username\nme\n", "profile.csv: your profile, not films; nothing to"),
        ("diary.csv", b"Name,Year\n\x81,2001\n", "diary.csv line 2: not UTF-8 or Windows-1252"),
    ],
)
def test_format_letterboxd_on_a_file_it_cannot_read_names_that_file(
    cli: Cli, tmp_path: Path, name: str, content: str | bytes, message: str
) -> None:
    code, _out, err = cli("import", write(tmp_path / name, content), "--format", "letterboxd")
    assert code == 2 and message in err and "no Letterboxd film files found" not in err


# Encodings --------------------------------------------------------------------------------------


def test_imdb_in_windows_1252_is_read_and_the_summary_says_so(cli: Cli, tmp_path: Path) -> None:
    text = IMDB_HEADER + imdb_row(1, "Das weiße Band") + imdb_row(2, "Alien³", year="1979")
    path = write(tmp_path / "ratings.csv", text, "cp1252")
    code, out, err = cli("import", path)
    assert (code, err) == (0, "")
    assert "  ratings.csv is not UTF-8 (line 2), so it was read as Windows-1252" in out
    by_title = films(cli)
    assert by_title["Das weiße Band"]["rating"] == 4 and by_title["Alien³"]["year"] == 1979


def test_letterboxd_resaved_as_latin_1_and_utf_16_by_spreadsheets(cli: Cli, tmp_path: Path) -> None:
    latin = "Date,Name,Year,Letterboxd URI\n2020-01-01,Amélie,2001,u\n"
    assert cli("import", write(tmp_path / "watched.csv", latin, "latin-1"))[0] == 0
    unicode_text = latin.replace(",", "\t").replace("Amélie", "시월애 Café")
    code, out, _err = cli("import", write(tmp_path / "w2.csv", unicode_text, "utf-16"))
    assert code == 0 and "w2.csv was read as UTF-16" in out
    assert {"Amélie", "시월애 Café"} <= set(films(cli))


@pytest.mark.parametrize(
    ("content", "line", "why"),
    [
        (b"Const,Title,Year\ntt0000001,Caf\xe9,2001\ntt0000002,A\x8db,2001\n", 3, "byte 0x8D"),
        (b"Const,Title,Year\ntt0000001,A,2001\ntt0000002,B\x00,2001\n", 3, "it has a NUL byte"),
        (b"\xff\xfeC\x00o\x00\x00\xd8\n\x00", 1, "it is not valid UTF-16"),
    ],
)
def test_a_file_neither_utf8_nor_windows_1252_is_refused_naming_the_line(
    cli: Cli, tmp_path: Path, db_dump: Any, content: bytes, line: int, why: str
) -> None:
    before = db_dump()
    code, _out, err = cli("import", write(tmp_path / "ratings.csv", content), "--format", "imdb")
    assert code == 2 and f"ratings.csv line {line}: not UTF-8 or Windows-1252 text ({why})" in err
    assert db_dump() == before


# IMDb: localised types, years, dates -----------------------------------------------------------

LOCALISED = [
    ("Film", "film"), ("Serie TV", "series"), ("Mini serie TV", "series"), ("Corto", "film"),
    ("Speciale TV", "film"), ("Kurzfilm", "film"), ("Fernsehserie", "series"),
    ("Miniserie", "series"), ("Fernsehfilm", "film"), ("Série TV", "series"),
    ("Court-métrage", "film"), ("Téléfilm", "film"), ("Mini-série TV", "series"),
    ("Película", "film"), ("Serie de TV", "series"), ("Cortometraje", "film"),
    ("Filme", "film"), ("Série de TV", "series"), ("Curta-metragem", "film"),
    ("Minissérie", "series"), ("tvMiniSeries", "series"), ("TV Special", "film"),
]  # fmt: skip
EPISODES = ["Episodio TV", "Folge", "Episode", "Épisode TV", "Episodio de TV", "Episódio de TV"]


@pytest.mark.parametrize(("spelling", "kind"), LOCALISED)
def test_localised_imdb_title_types(cli: Cli, tmp_path: Path, spelling: str, kind: str) -> None:
    path = write(tmp_path / "r.csv", IMDB_HEADER + imdb_row(1, "Typed", spelling))
    code, out, _err = cli("import", path)
    assert code == 0 and "1 added, 0 matched, 0 skipped." in out and "not recognised" not in out
    assert films(cli)["Typed"]["kind"] == kind


def test_episodes_in_any_language_are_counted_and_unknown_types_imported(
    cli: Cli, tmp_path: Path
) -> None:
    rows = [imdb_row(n, f"Ep {n}", spelling) for n, spelling in enumerate(EPISODES)]
    rows += [imdb_row(20, "Game", "Videogioco"), imdb_row(21, "Odd One", "Mediometraggio")]
    rows += [imdb_row(22, "Unknown Year", year="????"), imdb_row(23, "Empty Year", year="")]
    path = write(tmp_path / "ratings.csv", IMDB_HEADER + "".join(rows))
    code, out, err = cli("import", path)
    assert (code, err) == (0, "")
    assert "1 added, 0 matched, 9 skipped (6 TV episodes, 2 without a year, 1 video game)." in out
    assert "  ratings.csv: 1 row of a title type not recognised imported as films" in out
    assert "imported as films: Mediometraggio (1)" in out
    assert "Ep 0 (ratings.csv line 2): a TV episode ('Episodio TV' on IMDb), not a film" in out
    assert "Unknown Year (ratings.csv line 10): no year yet (not released)" in out
    assert films(cli)["Odd One"]["kind"] == "film"


def test_no_skip_reason_contradicts_itself() -> None:
    for spelling in [s for names in imdb_types._SPELLINGS.values() for s in names]:
        kind = imdb_types.kind_of(spelling)
        assert kind is not None, spelling
        if isinstance(kind, SkipGroup):  # a film or series is never a skip's reason
            assert imdb_types.type_key(kind.one) not in ("film", "movie", "series")


def test_pre_2017_imdb_list_all_quoted_with_odd_dates(cli: Cli, tmp_path: Path) -> None:
    text = (
        '"position","const","created","modified","description","Title","Title type",'
        '"Directors","You rated","IMDb Rating","Runtime (mins)","Year","Genres","Num. Votes",'
        '"Release Date (month/day/year)","URL"\n'
        '"1","tt0282599","Thu Aug 14 16:20:52 2014","Thu Aug 14 16:20:52 2014","","Il Mare",'
        '"Feature Film","Lee Hyun-seung","9","7.5","96","2000","Drama","9000","9/9/2000",'
        '"http://www.imdb.com/title/tt0282599/"\n'
        '"2","tt0000003","sometime","","","Unreleased","Feature Film","","","","","????","",'
        '"","","u"\n'
    )
    code, out, err = cli("import", write(tmp_path / "old.csv", text), "--ranking")
    assert (code, err) == (0, "")
    assert "0 added, 1 matched, 1 skipped (1 without a year)." in out
    assert films(cli)["Il Mare"]["rating"] == 4.5


def test_a_list_without_your_rating_columns(cli: Cli, tmp_path: Path) -> None:
    text = (
        "Position,Const,Created,Modified,Description,Title,Original Title,URL,Title Type,"
        "IMDb Rating,Runtime (mins),Year,Genres,Num Votes,Release Date,Directors\n"
        "1,tt0282599,1/5/2021,1/5/2021,,Il Mare,Siworae,u,Film,7.5,96,2000,Drama,1,9/9/2000,\n"
    )
    code, out, _err = cli("import", write(tmp_path / "list.csv", text))
    assert code == 0 and "0 added, 1 matched, 0 skipped." in out


# Spreadsheet re-saves ---------------------------------------------------------------------------


@pytest.mark.parametrize("separator", [";", "\t"])
def test_spreadsheet_resaves_with_other_separators(
    cli: Cli, tmp_path: Path, separator: str
) -> None:
    text = (
        "\ufeffDate|Name|Year|Letterboxd URI|Rating|Rewatch|Tags|Watched Date\r\n"
        '2023-02-01|Il Mare|2000|u|4,5||"sea, rain"|2023-01-31\r\n'
        "2023-02-02|Hachi: A Dog's Tale|2009|u|3|||2023-02-01\r\n"
        "|||||||\r\n|||||||\r\n\r\n"
    ).replace("|", separator)
    code, out, err = cli("import", write(tmp_path / "diary.csv", text))
    assert (code, err) == (0, "")
    assert "0 skipped." in out
    il_mare = films(cli)["Il Mare"]
    assert il_mare["rating"] == 4.5 and il_mare["viewing_dates"] == ["2023-01-31"]
    assert il_mare["tags"] == ["sea", "rain"]


# The summary ------------------------------------------------------------------------------------


def test_summary_lines_say_everything_in_plain_lines() -> None:
    episode = SkipGroup("TV episode", "TV episodes")
    skipped = tuple(
        [Skip(f"r.csv line {n}", f"Ep {n}", "a TV episode, not a film", episode) for n in range(3)]
        + [Skip("r.csv line 9", "", "no year yet", SkipGroup("without a year"))]
    )
    summary = ImportSummary(
        added=2,
        matched=1,
        skipped=skipped,
        notes=("r.csv is not UTF-8 (line 2), so it was read as Windows-1252",),
        ignored=(("profile.csv", "your profile, not films"),),
    )
    assert summary_lines(summary, "e.zip", examples=2) == [
        "Imported e.zip: 2 added, 1 matched, 4 skipped (3 TV episodes, 1 without a year).",
        "  r.csv is not UTF-8 (line 2), so it was read as Windows-1252",
        "  ignored profile.csv: your profile, not films",
        "  skipped Ep 0 (r.csv line 0): a TV episode, not a film",
        "  skipped Ep 1 (r.csv line 1): a TV episode, not a film",
        "  … and 2 more skipped",
    ]
    assert summary_lines(ImportSummary(0, 0), "x.csv", dry_run=True) == [
        "Would import x.csv: 0 added, 0 matched, 0 skipped."
    ]


def test_strict_refuses_any_skip_and_writes_nothing(cli: Cli, tmp_path: Path, db_dump: Any) -> None:
    path = write(tmp_path / "r.csv", IMDB_HEADER + imdb_row(1, "Fine") + imdb_row(2, "E", "Folge"))
    before = db_dump()
    code, out, err = cli("import", path, "--strict")
    assert (code, out) == (2, "")
    assert err == (
        "cryqueue: r.csv line 3: a TV episode ('Folge' on IMDb), not a film or series; "
        "--strict: 1 row would be skipped (1 TV episode), so nothing was written\n"
    )
    assert db_dump() == before
    assert cli("import", path, "--strict", "--dry-run")[0] == 2
    assert (
        cli("import", write(tmp_path / "ok.csv", IMDB_HEADER + imdb_row(1, "Fine")), "--strict")[0]
        == 0
    )


def test_an_ambiguous_match_is_counted_too(cli: Cli, tmp_path: Path) -> None:
    # Namesakes IMDb tells apart stay two films; a row without an id then names both.
    twins = (
        IMDB_HEADER + imdb_row(1, "Zwilling", year="2010") + imdb_row(2, "Zwilling", year="2010")
    )
    assert cli("import", write(tmp_path / "ratings.csv", twins))[0] == 0
    diary = "Title,Year,WatchedDate\nZwilling,2010,2020-01-01\n"
    code, out, _err = cli("import", write(tmp_path / "d.csv", diary))
    assert code == 0 and "1 skipped (1 matching two films)" in out


# Property: any mix of good and bad rows imports exactly the good ones ---------------------------

_GOOD_TYPES = ["Movie", "Film", "Serie TV", "Fernsehfilm", "Película", "tvSeries", ""]
_BAD: dict[str, tuple[Callable[[int], str], str]] = {
    "episode": (lambda n: imdb_row(n, f"Bad {n}", "Episodio TV"), "TV episodes"),
    "no year": (lambda n: imdb_row(n, f"Bad {n}", year="????"), "without a year"),
    "old": (lambda n: imdb_row(n, f"Bad {n}", year="1801"), "with a bad year"),
    "rating": (lambda n: imdb_row(n, f"Bad {n}", rating="11"), "with a bad rating"),
    "game": (lambda n: imdb_row(n, f"Bad {n}", "Videojuego"), "video games"),
}
_ROW = st.one_of(
    st.tuples(st.just("good"), st.sampled_from(_GOOD_TYPES)),
    st.tuples(st.sampled_from(sorted(_BAD)), st.just("")),
    st.tuples(st.just("blank"), st.just("")),
)


@settings(
    max_examples=examples(60),
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(
    rows=st.lists(_ROW, max_size=12),
    separator=st.sampled_from([",", ";", "\t"]),
    encoding=st.sampled_from(["utf-8", "utf-8-sig", "cp1252", "utf-16"]),
    newline=st.sampled_from(["\n", "\r\n"]),
)
def test_good_rows_import_and_bad_rows_are_counted_by_reason(
    tmp_path_factory: pytest.TempPathFactory,
    rows: list[tuple[str, str]],
    separator: str,
    encoding: str,
    newline: str,
) -> None:
    lines, good, bad = [IMDB_HEADER], [], Counter[str]()
    for n, (what, kind) in enumerate(rows):
        if what == "good":
            lines.append(imdb_row(n, f"Café {n}", kind))
            good.append(f"Café {n}")
        elif what == "blank":
            lines.append(separator * 5 + "\n")
        else:
            make, group = _BAD[what]
            lines.append(make(n))
            bad[group] += 1
    text = "".join(lines).replace(",", separator).replace("\n", newline)
    path = tmp_path_factory.mktemp("prop") / "ratings.csv"
    path.write_bytes(text.encode(encoding))
    batch = load(path)
    assert [r.facts.title for r in batch.records] == good
    counted = Counter[str]()
    for skip in batch.skipped:
        counted[skip.group.many or skip.group.one] += 1
    assert counted == bad
    assert len(batch.skipped) == sum(bad.values())
    assert skip_counts(batch.skipped).count(",") == max(len(bad) - 1, 0)


def test_a_bad_year_row_is_a_value_error_not_a_crash() -> None:
    with pytest.raises(UsageError, match="out of range"):
        validate.year(1869)
