"""Every CLI command, judged by what a user sees: stdout, stderr, exit code and what the database
holds afterwards. Refused commands change nothing."""

from __future__ import annotations

import io
import json
import shlex
import sys
from collections.abc import Callable
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest
from rich.cells import cell_len

from cryqueue import __version__
from cryqueue.domain.errors import UsageError
from cryqueue.domain.films import FilmEntry
from cryqueue.library import Library

Dump = Callable[..., list[str]]


def films_json(cli: Any, *options: str) -> list[dict[str, Any]]:
    code, out, err = cli("list", "--format", "json", *options)
    assert (code, err) == (0, ""), err
    films: list[dict[str, Any]] = json.loads(out)
    return films


def titles(cli: Any) -> list[str]:
    return [f["title"] for f in films_json(cli)]


def entry(library: Library, query: str) -> FilmEntry:
    return library.find(query)


def refused(cli: Any, db_dump: Dump, *args: str, stdin: str | None = None) -> str:
    """Run a command that must fail with a usage error (exit 2) and change nothing."""
    before = db_dump()
    code, out, err = cli(*args, stdin=stdin)
    assert code == 2, (args, out, err)
    assert out == ""
    assert err.startswith("cryqueue: ")
    assert err.count("\n") == 1
    assert db_dump() == before
    return str(err)


@pytest.fixture
def seeded(library: Library) -> Library:
    """The test's database, created and seeded before the command under test runs."""
    return library


# Basics -----------------------------------------------------------------------------------------


def test_version(cli: Any) -> None:
    code, out, _err = cli("--version", db=None)
    assert (code, out) == (0, f"cryqueue {__version__}\n")


def test_help_lists_every_command(cli: Any) -> None:
    code, out, _err = cli("--help", db=None)
    assert code == 0
    for command in (
        "list",
        "show",
        "watch",
        "unwatch",
        "tears",
        "move",
        "note",
        "add",
        "remove",
        "export",
        "import",
    ):
        assert command in out


def test_help_groups_the_commands_by_task(cli: Any) -> None:
    _code, out, _err = cli("--help", db=None)
    groups: dict[str, list[str]] = {}
    for line in out.splitlines():
        if line.endswith(":") and not line.startswith(" "):
            title = line[:-1]
            groups[title] = []
        elif line.startswith("  ") and not line.startswith("   ") and groups:
            groups[title].append(line.split()[0])
    assert groups.pop("options")[0] == "-h,"
    assert groups == {
        "Your list": ["list", "search", "show", "watch", "unwatch", "tears", "rate", "tag",
                      "note", "move"],
        "Looking back": ["diary", "stats"],
        "Films": ["add", "remove"],
        "Files": ["export", "import", "backup", "restore", "doctor"],
    }  # fmt: skip
    assert "positional arguments" not in out  # no second, ungrouped list


def test_unknown_command_is_a_one_line_usage_error(cli: Any) -> None:
    code, out, err = cli("rate", "Always")
    assert (code, out) == (2, "")
    assert err.count("\n") == 1
    assert "--help" in err


# list -------------------------------------------------------------------------------------------


def test_list_table(cli: Any) -> None:
    code, out, err = cli("list")
    assert (code, err) == (0, "")
    lines = out.splitlines()
    assert lines[0].split() == ["#", "Title", "Original", "title", "Year", "Watched", "Tears"]
    assert len(lines) == 18
    assert lines[1].split()[:2] == ["1", "A"]
    assert lines[10].startswith("10  Miracle in Cell No. 7")
    assert "7번방의 선물" in lines[10]
    assert lines[17].startswith("17  Be with You")


def test_list_table_columns_line_up_with_hangul(cli: Any) -> None:
    """Hangul takes two cells: every year must start at the same terminal column."""
    _code, out, _err = cli("list")
    lines = out.splitlines()
    columns = {cell_len(line[: line.index(" 20")]) for line in lines[1:] if " 20" in line}
    columns |= {cell_len(line[: line.index(" 19")]) for line in lines[1:] if " 19" in line}
    header = cell_len(lines[0][: lines[0].index(" Year")])
    assert columns == {header}


@pytest.fixture
def terminal(monkeypatch: pytest.MonkeyPatch) -> Callable[..., None]:
    """`terminal(columns)`: stdout (and, with `stdin=`, stdin) look like a terminal that wide;
    `stdin` is what the user will type."""

    def make(columns: int, stdin: str | None = None) -> None:
        monkeypatch.setenv("COLUMNS", str(columns))
        monkeypatch.setattr(sys.stdout, "isatty", lambda: True)
        if stdin is not None:
            typed = io.StringIO(stdin)
            monkeypatch.setattr(typed, "isatty", lambda: True)
            monkeypatch.setattr(sys, "stdin", typed)

    return make


@pytest.mark.parametrize("columns", [40, 45, 60])
@pytest.mark.parametrize("command", [["list"], ["search", "the"]])
def test_list_fits_a_narrow_terminal(
    cli: Any, terminal: Callable[..., None], columns: int, command: list[str]
) -> None:
    """Titles are cut with an ellipsis; a row never wraps, and every row keeps its year."""
    _code, piped, _err = cli(*command)
    terminal(columns)
    code, out, err = cli(*command)
    assert (code, err) == (0, "")
    lines = out.splitlines()
    assert len(lines) == len(piped.splitlines())
    assert max(cell_len(line) for line in lines) <= columns
    assert "…" in out
    for line, full in zip(lines[1:], piped.splitlines()[1:], strict=True):
        assert line.split()[0] == full.split()[0]  # the rank
        year = next(w for w in full.split() if w.isdigit() and len(w) == 4)
        assert f"  {year}" in line


def test_list_on_a_wide_terminal_and_in_a_pipe_keeps_whole_rows(
    cli: Any, terminal: Callable[..., None], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("COLUMNS", "30")  # not a terminal: the width does not apply
    _code, piped, _err = cli("list")
    assert "…" not in piped
    assert "Miracle in Cell No. 7  7번방의 선물" in piped
    terminal(120)
    assert cli("list")[1] == piped


def test_list_table_shows_watched_and_tears(cli: Any) -> None:
    cli("watch", "Always", "--on", "2024-06-01", "--tears", "4")
    _code, out, _err = cli("list")
    row = next(line for line in out.splitlines() if "Always" in line)
    assert "2024-06-01" in row
    assert "●●●●○ 4" in row


def test_list_json_objects(cli: Any) -> None:
    cli("watch", "Windstruck", "--on", "2023-12-24", "--tears", "5")
    cli("note", "Windstruck", "Wind.")
    films = films_json(cli)
    assert [f["rank"] for f in films] == list(range(1, 18))
    keys = {"rank", "title", "original_title", "year", "kind", "director", "cast", "watched",
            "watched_on", "viewings", "tear_level", "note"}  # fmt: skip
    for film in films:
        assert keys <= film.keys()
        assert isinstance(film["cast"], list)
        assert isinstance(film["viewings"], int)
    wind = next(f for f in films if f["title"] == "Windstruck")
    assert wind == wind | {
        "original_title": "내 여자친구를 소개합니다",
        "year": 2004,
        "kind": "film",
        "director": "Kwak Jae-yong",
        "cast": ["Jun Ji-hyun", "Jang Hyuk"],
        "watched": True,
        "watched_on": "2023-12-24",
        "viewings": 1,
        "tear_level": 5,
        "note": "Wind.",
    }
    unwatched = next(f for f in films if f["title"] == "Il Mare")
    assert (unwatched["watched"], unwatched["watched_on"], unwatched["viewings"]) == (
        False,
        None,
        0,
    )
    assert unwatched["tear_level"] is None


def test_list_watched_and_unwatched_filters(cli: Any) -> None:
    cli("watch", "Always", "--on", "2024-01-01")
    cli("watch", "The Letter", "--on", "2024-01-02")
    watched = films_json(cli, "--watched")
    assert [(f["title"], f["rank"]) for f in watched] == [("The Letter", 2), ("Always", 9)]
    unwatched = films_json(cli, "--unwatched")
    assert len(unwatched) == 15
    assert {f["title"] for f in unwatched}.isdisjoint({"The Letter", "Always"})
    assert all(not f["watched"] for f in unwatched)
    code, out, _err = cli("list", "--watched")
    assert code == 0
    assert len(out.splitlines()) == 3


def test_list_filter_with_no_match(cli: Any) -> None:
    code, out, _err = cli("list", "--watched")
    assert (code, out) == (0, "No films match.\n")
    assert films_json(cli, "--watched") == []


def test_list_filters_are_exclusive(cli: Any) -> None:
    code, _out, err = cli("list", "--watched", "--unwatched")
    assert code == 2
    assert "not allowed with" in err


# show -------------------------------------------------------------------------------------------


def test_show_text(cli: Any) -> None:
    code, out, err = cli("show", "il mare")
    assert (code, err) == (0, "")
    lines = out.splitlines()
    assert lines[0] == "#7  Il Mare"
    assert lines[1] == "    시월애"
    assert lines[2] == "    2000 · film · directed by Lee Hyun-seung · 96 min"
    assert lines[3] == "    with Lee Jung-jae, Jun Ji-hyun"
    assert "Not watched yet" in lines
    assert "Tear level: not rated" in lines
    assert "These Korean Movies Will Make You Cry Your Eyes Out: #5" in lines
    assert "Original of The Lake House (2006)" in lines


def test_show_text_of_a_series_and_a_mentioned_film(cli: Any) -> None:
    _code, out, _err = cli("show", "Autumn in My Heart")
    assert "    2000 · series · KBS2, directed by Yoon Seok-ho · 16 episodes" in out
    assert "These Korean Movies Will Make You Cry Your Eyes Out: mentioned" in out


def test_show_text_with_user_state(cli: Any) -> None:
    cli("watch", "Always", "--on", "2020-02-02")
    cli("watch", "Always", "--on", "2021-03-03", "--tears", "5")
    cli("note", "Always", "line one\n\nline two")
    _code, out, _err = cli("show", "Always")
    assert "Watched 2× — 2020-02-02, 2021-03-03" in out
    assert "Tear level: 5/5" in out
    assert out.endswith("Note:\nline one\n\nline two\n")
    assert "These Korean Movies Will Make You Cry Your Eyes Out: #9" in out
    assert "Top 5 Korean Movies That Are Guaranteed To Make You Cry: #5" in out


@pytest.mark.parametrize("columns", [30, 41, 50, 55, 64])
def test_show_wraps_between_words_at_the_terminal_width(
    cli: Any, terminal: Callable[..., None], columns: int
) -> None:
    cli("note", "Il Mare", "The mailbox. " * 12 + "\n\n- 눈물 " * 3)
    _code, piped, _err = cli("show", "Il Mare")
    terminal(columns)
    code, out, _err = cli("show", "Il Mare")
    assert code == 0
    lines = out.splitlines()
    assert max(cell_len(line) for line in lines) <= columns
    assert "96 min" in out  # never '96' at the end of one line and 'min' on the next
    assert not any(line.rstrip().endswith("96") for line in lines)
    assert "    시월애" in lines  # an indented line keeps its indent
    # Nothing lost: the same words, only the facts' separators where the line breaks.
    assert out.replace("·", "").split() == piped.replace("·", "").split()
    if columns == 50:
        assert "    2000 · film · directed by Lee Hyun-seung" in lines
        assert "    96 min" in lines


def test_show_in_a_pipe_is_not_wrapped(cli: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("COLUMNS", "30")
    _code, out, _err = cli("show", "Il Mare")
    assert "    2000 · film · directed by Lee Hyun-seung · 96 min" in out.splitlines()


def test_show_json(cli: Any) -> None:
    code, out, _err = cli("show", "The Lake House", "--format", "json")
    assert code == 0
    doc = json.loads(out)
    assert (doc["title"], doc["year"], doc["rank"]) == ("The Lake House", 2006, 16)
    assert doc["cast"] == ["Keanu Reeves", "Sandra Bullock"]
    assert doc["sources"] == [
        {
            "title": "These Korean Movies Will Make You Cry Your Eyes Out",
            "author": None,
            "site": "brandonna.com",
            "rank": None,
        }
    ]
    assert [(r["relation"], r["title"], r["year"]) for r in doc["related"]] == [
        ("remake of", "Il Mare", 2000)
    ]


# watch / unwatch --------------------------------------------------------------------------------


def test_watch_on_a_date(cli: Any, seeded: Library) -> None:
    code, out, err = cli("watch", "Il Mare", "--on", "2024-03-01")
    assert (code, err) == (0, "")
    assert out == "Watched Il Mare (2000) on 2024-03-01.\n"
    film = entry(seeded, "Il Mare")
    assert film.viewings == (date(2024, 3, 1),)
    assert film.tear_level is None


def test_watch_defaults_to_today(cli: Any, seeded: Library) -> None:
    before = date.today()
    assert cli("watch", "Il Mare")[0] == 0
    assert entry(seeded, "Il Mare").viewings[0] in {before, date.today()}


def test_watch_with_tears(cli: Any, seeded: Library) -> None:
    code, out, _err = cli("watch", "Always", "--on", "2024-03-01", "--tears", "5")
    assert code == 0
    assert out == "Watched Always (2011) on 2024-03-01, tear level 5.\n"
    assert entry(seeded, "Always").tear_level == 5


def test_watching_twice_makes_two_viewings(cli: Any, seeded: Library) -> None:
    cli("watch", "Always", "--on", "2024-03-01")
    cli("watch", "Always", "--on", "2024-03-01")
    cli("watch", "Always", "--on", "2023-01-01")
    film = next(f for f in films_json(cli) if f["title"] == "Always")
    assert (film["viewings"], film["watched_on"]) == (3, "2024-03-01")
    assert entry(seeded, "Always").viewings == (
        date(2023, 1, 1),
        date(2024, 3, 1),
        date(2024, 3, 1),
    )


def test_watch_refuses_a_future_date(cli: Any, db_dump: Dump, seeded: Library) -> None:
    tomorrow = (date.today() + timedelta(days=2)).isoformat()
    err = refused(cli, db_dump, "watch", "Always", "--on", tomorrow)
    assert "in the future" in err


def test_watch_refuses_a_day_long_before_the_film(cli: Any, db_dump: Dump) -> None:
    """Always is from 2011: a festival screening in 2010 is possible, 2009 is not."""
    err = refused(cli, db_dump, "watch", "Always", "--on", "2009-12-31")
    assert err == (
        "cryqueue: date 2009-12-31 is more than a year before the film's year (2011); "
        "give the day you watched it\n"
    )
    code, out, _err = cli("watch", "Always", "--on", "2010-01-01")
    assert (code, out) == (0, "Watched Always (2011) on 2010-01-01.\n")


def test_the_app_cannot_log_a_day_long_before_the_film_either(seeded: Library) -> None:
    """The app's `w` (toggle, today) and `W` (a day typed) go through the library's rule."""
    film = entry(seeded, "Always")
    with pytest.raises(UsageError, match="more than a year before the film's year"):
        seeded.mark_watched(film.id, "2001-05-05")
    with pytest.raises(UsageError, match="more than a year before the film's year"):
        seeded.toggle_watched(film.id, date(2009, 6, 1))
    assert entry(seeded, "Always").viewings == ()
    assert seeded.toggle_watched(film.id, date(2010, 6, 1))[1].days == (date(2010, 6, 1),)


@pytest.mark.parametrize(
    "day", ["2024-13-01", "2024-02-30", "yesterday", "20240101", "2024-1-1", "", "1500-01-01"]
)
def test_watch_refuses_a_malformed_date(cli: Any, db_dump: Dump, seeded: Library, day: str) -> None:
    err = refused(cli, db_dump, "watch", "Always", "--on", day, "--tears", "3")
    assert "date" in err


def test_watch_with_bad_tears_logs_nothing(cli: Any, db_dump: Dump, seeded: Library) -> None:
    refused(cli, db_dump, "watch", "Always", "--on", "2024-01-01", "--tears", "9")


def test_unwatch_forgets_every_viewing(cli: Any, seeded: Library) -> None:
    cli("watch", "Always", "--on", "2024-03-01")
    cli("watch", "Always", "--on", "2024-04-01")
    code, out, _err = cli("unwatch", "Always")
    assert code == 0
    assert out == "Always (2011) is no longer watched (2 viewings forgotten).\n"
    assert entry(seeded, "Always").viewings == ()
    assert films_json(cli, "--watched") == []


def test_unwatch_counts_one_viewing_in_the_singular(cli: Any) -> None:
    cli("watch", "Always", "--on", "2024-03-01")
    code, out, _err = cli("unwatch", "Always")
    assert (code, out) == (0, "Always (2011) is no longer watched (1 viewing forgotten).\n")


def test_unwatch_an_unwatched_film(cli: Any, db_dump: Dump, seeded: Library) -> None:
    before = [(f.id, f.viewings) for f in seeded.films()]
    code, out, _err = cli("unwatch", "Always")
    assert (code, out) == (0, "Always (2011) was not watched; nothing changed.\n")
    assert [(f.id, f.viewings) for f in seeded.films()] == before


# tears ------------------------------------------------------------------------------------------


@pytest.mark.parametrize("level", [0, 1, 2, 3, 4, 5])
def test_tears_levels(cli: Any, seeded: Library, level: int) -> None:
    code, out, _err = cli("tears", "The Classic", str(level))
    assert code == 0
    assert out == f"Tear level of The Classic (2003): {level}/5.\n"
    assert entry(seeded, "The Classic").tear_level == level


@pytest.mark.parametrize("none", ["none", "NONE", "-"])
def test_tears_none_clears(cli: Any, seeded: Library, none: str) -> None:
    cli("tears", "The Classic", "3")
    code, out, _err = cli("tears", "The Classic", none)
    assert (code, out) == (0, "Tear level of The Classic (2003): not rated.\n")
    assert entry(seeded, "The Classic").tear_level is None


@pytest.mark.parametrize("level", ["6", "-1", "99", "lots", "2.5"])
def test_tears_out_of_range_is_refused(
    cli: Any, db_dump: Dump, seeded: Library, level: str
) -> None:
    cli("tears", "The Classic", "3")
    refused(cli, db_dump, "tears", "The Classic", level)
    assert entry(seeded, "The Classic").tear_level == 3


# move -------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("options", "before", "after"),
    [
        (["--to", "3"], 9, 3),
        (["--to", "17"], 9, 17),
        (["--to", "99"], 9, 17),
        (["--up"], 9, 8),
        (["--up", "4"], 9, 5),
        (["--up", "40"], 9, 1),
        (["--down"], 9, 10),
        (["--down", "3"], 9, 12),
        (["--down", "40"], 9, 17),
        (["--top"], 9, 1),
        (["--bottom"], 9, 17),
    ],
)
def test_move(cli: Any, options: list[str], before: int, after: int) -> None:
    original = titles(cli)
    assert original.index("Always") + 1 == before
    code, out, err = cli("move", "Always", *options)
    assert (code, err) == (0, "")
    assert out == f"Always (2011) is now #{after} (was #{before}).\n"
    expected = [t for t in original if t != "Always"]
    expected.insert(after - 1, "Always")
    assert titles(cli) == expected


def test_move_up_from_the_top_stays_first(cli: Any) -> None:
    original = titles(cli)
    code, out, _err = cli("move", "A Moment to Remember", "--up")
    assert code == 0
    assert out.endswith("is now #1 (was #1).\n")
    assert titles(cli) == original


@pytest.mark.parametrize(
    "options",
    [
        ["--to", "0"],
        ["--to", "-2"],
        ["--up", "0"],
        ["--down", "0"],
        ["--down", "-1"],
        ["--to", "x"],
        [],
        ["--top", "--bottom"],
    ],
)
def test_move_refuses_bad_places(
    cli: Any, db_dump: Dump, seeded: Library, options: list[str]
) -> None:
    before = db_dump()
    code, out, err = cli("move", "Always", *options)
    assert code == 2
    assert out == ""
    assert err.count("\n") == 1
    assert db_dump() == before


# note -------------------------------------------------------------------------------------------


def test_note_text(cli: Any, seeded: Library) -> None:
    code, out, _err = cli("note", "Il Mare", "Letters through *time* <3")
    assert (code, out) == (0, "Note of Il Mare (2000) saved.\n")
    assert entry(seeded, "Il Mare").note == "Letters through *time* <3"


def test_note_from_stdin(cli: Any, seeded: Library) -> None:
    text = "# Thoughts\n\nThe mailbox!\n- ending 😭\n"
    code, out, _err = cli("note", "Il Mare", "-", stdin=text)
    assert (code, out) == (0, "Note of Il Mare (2000) saved.\n")
    assert entry(seeded, "Il Mare").note == text


def test_note_empty_clears(cli: Any, seeded: Library) -> None:
    cli("note", "Il Mare", "something")
    code, out, _err = cli("note", "Il Mare", "-", stdin="")
    assert (code, out) == (0, "Note of Il Mare (2000) cleared.\n")
    assert entry(seeded, "Il Mare").note == ""


def test_note_with_control_characters_is_refused(cli: Any, db_dump: Dump, seeded: Library) -> None:
    err = refused(cli, db_dump, "note", "Il Mare", "-", stdin="bell \x07 here")
    assert "control characters" in err


# add / remove -----------------------------------------------------------------------------------


def test_add_puts_the_film_at_the_bottom(cli: Any, seeded: Library) -> None:
    code, out, err = cli(
        "add", "Hachi: A Dog's Tale", "--year", "2009", "--original-title", "Hachi",
        "--director", "Lasse Hallström", "--cast", "Richard Gere, Joan Allen ,",
    )  # fmt: skip
    assert (code, err) == (0, "")
    assert out == "Added Hachi: A Dog's Tale (2009) at #18.\n"
    last = films_json(cli)[-1]
    assert (
        last
        | {
            "rank": 18,
            "title": "Hachi: A Dog's Tale",
            "original_title": "Hachi",
            "year": 2009,
            "kind": "film",
            "director": "Lasse Hallström",
            "cast": ["Richard Gere", "Joan Allen"],
            "watched": False,
            "tear_level": None,
        }
        == last
    )
    assert entry(seeded, "hachi").key is None


def test_add_a_series(cli: Any) -> None:
    assert cli("add", "Goblin", "--year", "2016", "--kind", "series")[0] == 0
    assert films_json(cli)[-1]["kind"] == "series"


@pytest.mark.parametrize("title", ["Il Mare", "il mare", " IL  MARE "])
def test_add_refuses_a_duplicate_title_and_year(
    cli: Any, db_dump: Dump, seeded: Library, title: str
) -> None:
    err = refused(cli, db_dump, "add", title, "--year", "2000")
    assert "(2000) is already in the library" in err


def test_add_same_title_other_year_is_fine(cli: Any) -> None:
    assert cli("add", "Il Mare", "--year", "2024")[0] == 0
    code, _out, err = cli("show", "Il Mare")
    assert code == 2
    assert "Il Mare (2000)" in err and "Il Mare (2024)" in err


@pytest.mark.parametrize(
    "args",
    [
        ["Hachi", "--year", "twenty"],
        ["Hachi", "--year", "1700"],
        ["   ", "--year", "2009"],
        ["Hachi", "--year", "2009", "--kind", "short"],
        ["Hachi"],
    ],
)
def test_add_refuses_bad_facts(cli: Any, db_dump: Dump, seeded: Library, args: list[str]) -> None:
    before = db_dump()
    code, out, err = cli("add", *args)
    assert (code, out) == (2, "")
    assert err.count("\n") == 1
    assert db_dump() == before


def test_remove(cli: Any, seeded: Library) -> None:
    cli("watch", "Il Mare", "--on", "2024-01-01")
    code, out, err = cli("remove", "Il Mare")  # not on a terminal: nobody to ask
    assert (code, err) == (0, "")
    assert out.startswith(
        "Removed Il Mare (2000). To undo, restore the backup made just before (this also "
        "undoes any change made since): cryqueue restore "
    )
    films = films_json(cli)
    assert len(films) == 16
    assert "Il Mare" not in [f["title"] for f in films]
    assert [f["rank"] for f in films] == list(range(1, 17))
    code, out, _err = cli("show", "The Lake House")
    assert "Il Mare" not in out
    # The removed catalog film does not come back when the library is opened again.
    assert len(films_json(cli)) == 16


def test_remove_own_film(cli: Any) -> None:
    cli("add", "Hachi", "--year", "2009")
    assert cli("remove", "hachi")[0] == 0
    assert len(films_json(cli)) == 17
    assert cli("show", "Hachi")[0] == 2


def test_remove_unknown_film_changes_nothing(cli: Any, db_dump: Dump, seeded: Library) -> None:
    refused(cli, db_dump, "remove", "Titanic")
    assert seeded.db.path is not None
    assert list(seeded.db.path.parent.glob("*.bak")) == []


def test_the_command_remove_prints_undoes_it(cli: Any, db_path: Path) -> None:
    cli("watch", "Il Mare", "--on", "2024-01-01")
    cli("note", "Il Mare", "the mailbox")
    _code, out, _err = cli("remove", "Il Mare")
    undo = shlex.split(out.split(": ", 1)[1])
    assert undo[:2] == ["cryqueue", "restore"]
    backup = Path(undo[2])
    assert backup.parent == db_path.parent and backup.name.startswith("cq.db.pre-remove-")
    assert cli(*undo[1:])[0] == 0
    film = next(f for f in films_json(cli) if f["title"] == "Il Mare")
    assert (film["rank"], film["viewing_dates"], film["note"]) == (7, ["2024-01-01"], "the mailbox")


def test_remove_asks_first_on_a_terminal(
    cli: Any, terminal: Callable[..., None], db_dump: Dump, db_path: Path
) -> None:
    cli("watch", "Il Mare", "--on", "2024-01-01")
    cli("tears", "Il Mare", "5")
    before = db_dump()
    for answer in ("n\n", "\n", "", "maybe\n"):
        terminal(80, stdin=answer)
        code, out, err = cli("remove", "Il Mare")
        assert err == "Remove Il Mare (2000) with its 1 viewing and tear level? [y/N] "
        assert (code, out) == (1, "Kept Il Mare (2000); nothing was removed.\n")
    assert db_dump() == before
    assert list(db_path.parent.glob("*.bak")) == []
    terminal(80, stdin="y\n")
    code, out, err = cli("remove", "Il Mare")
    assert code == 0 and out.startswith("Removed Il Mare (2000). To undo")
    assert "Il Mare" not in titles(cli)


def test_remove_yes_does_not_ask(cli: Any, terminal: Callable[..., None]) -> None:
    terminal(80, stdin="")
    code, out, err = cli("remove", "The Classic", "--yes")
    assert (code, err) == (0, "")
    assert out.startswith("Removed The Classic (2003). To undo")


def test_a_title_shared_by_two_films_asks_for_the_year(cli: Any, db_dump: Dump) -> None:
    err = refused(cli, db_dump, "tears", "be with you", "4")
    assert err == (
        "cryqueue: 2 films are titled 'be with you': Be with You (2004), Be with You (2018); "
        "add --year\n"
    )
    code, out, _err = cli("tears", "be with you", "4", "--year", "2018")
    assert (code, out) == (0, "Tear level of Be with You (2018): 4/5.\n")
    code, out, _err = cli("tag", "Be with You", "--year", "2004", "+rain", "-sunny")
    assert (code, out) == (0, "Tags of Be with You (2004): #rain.\n")
    assert "いま、会いにゆきます" in cli("show", "Be with You", "--year=2004")[1]
    err = refused(cli, db_dump, "show", "Be with You", "--year", "1999")
    assert err == (
        "cryqueue: no film titled 'Be with You' from 1999; "
        "did you mean Be with You (2018) or Be with You (2004)?\n"
    )
    err = refused(cli, db_dump, "show", "Be with You (2004)", "--year", "2018")
    assert "says 2004 but --year says 2018" in err


def test_an_unknown_title_suggests_close_matches(cli: Any, db_dump: Dump) -> None:
    err = refused(cli, db_dump, "show", "windstrck")
    assert err == "cryqueue: no film titled 'windstrck'; did you mean Windstruck (2004)?\n"
    err = refused(cli, db_dump, "watch", "momnt to remembr")
    assert "did you mean A Moment to Remember (2004)?" in err
    err = refused(cli, db_dump, "note", "ㄴㄷㅅㄴ", "x")
    assert "did you mean A Werewolf Boy (2012)?" in err
