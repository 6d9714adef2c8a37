"""`cryqueue diary`, `stats`, `unwatch --on` and `export --stats` (issue 15): exact output on
the small library of `test_diary_stats.fill`, an empty one, and a terminal's width."""

from __future__ import annotations

import json
import re
import sys
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
from markdown_it import MarkdownIt
from rich.cells import cell_len

from cryqueue.domain.export_options import ExportOptions
from cryqueue.domain.films import Viewings
from cryqueue.domain.insights import JSON_KEYS, Insights
from cryqueue.library import Library
from test_diary_stats import ALWAYS, LETTER, MOMENT, D, fill
from test_markdown_export import without_date
from test_startup import probe, run

ANSI = re.compile(r"\x1b\[[0-9;]*m")


@pytest.fixture
def filled(library: Library) -> Library:
    fill(library)
    return library


DIARY_TABLE = """\
March 2024
Sun 10  My Sassy Girl (2001)         ●●○○○ 2
Sun 10  A Moment to Remember (2004)  ●●●●● 5  4.5★  ↻
Sat 02  The Letter (1997)            ●●●●○ 4        ↻

January 2024
Fri 05  Always (2011)                               ↻
Fri 05  Always (2011)
Fri 05  A Moment to Remember (2004)  ●●●●● 5  4.5★

December 2023
Sun 24  The Classic (2003)           ●●●○○ 3

Undated
        The Letter (1997)            ●●●●○ 4
        Windstruck (2004)            ●●●●○ 4

9 viewings (3 rewatches, marked ↻)
"""

STATS_TABLE = """\
Watched 6 of 17 films · 9 viewings (3 rewatches) · average tear level 3.6/5
Your ranking broadly agrees with the lists' consensus (ρ = 0.67).

Tear levels of the films watched
Tears     Films
──────────────────────────────────────
●●●●● 5       1   ██████████
●●●●○ 4       2   ████████████████████
●●●○○ 3       1   ██████████
●●○○○ 2       1   ██████████
●○○○○ 1       0
○○○○○ 0       0

Viewings by year
Year   Viewings
──────────────────────────────────────
2023          1   ███▍
2024          6   ████████████████████

By decade
Decade   Films   Average tears
─────────────────────────────────────────────────────
1990s        1             4.0   ████████████████
2000s        8             3.5   ██████████████
2010s        8               –

Directors who made you cry most
Director        Films   Average tears
────────────────────────────────────────────────────────────
John H. Lee         1             5.0   ████████████████████
Lee Jung-gook       1             4.0   ████████████████
Kwak Jae-yong       3             3.0   ████████████

Most tears
Film                          Tears
─────────────────────────────────────
A Moment to Remember (2004)   ●●●●● 5
The Letter (1997)             ●●●●○ 4
Windstruck (2004)             ●●●●○ 4
The Classic (2003)            ●●●○○ 3
My Sassy Girl (2001)          ●●○○○ 2
"""


def test_cli_diary(filled: Library, cli: Any) -> None:
    assert cli("diary") == (0, DIARY_TABLE, "")
    code, out, _err = cli("diary", "--format", "json")
    assert code == 0
    assert json.loads(out) == [entry.to_json() for entry in filled.diary()]
    assert json.loads(out)[-1] == {
        "date": None,
        "title": "Windstruck",
        "original_title": "내 여자친구를 소개합니다",
        "year": 2004,
        "rewatch": False,
        "tear_level": 4,
        "rating": None,
    }
    code, out, _err = cli("diary", "--year", "2023", "--format", "json")
    assert [(e["date"], e["title"]) for e in json.loads(out)] == [("2023-12-24", "The Classic")]
    assert cli("diary", "--year", "2022") == (0, "No viewings in 2022.\n", "")
    code, out, err = cli("diary", "--year", "soon")
    assert (code, out) == (2, "")
    assert err == "cryqueue: year 'soon' is not a number; give a year like 2004\n"


def test_cli_stats(filled: Library, cli: Any) -> None:
    assert cli("stats") == (0, STATS_TABLE, "")
    code, out, _err = cli("stats", "--format", "json")
    assert code == 0
    document = json.loads(out)
    assert list(document) == list(JSON_KEYS)
    assert document == filled.insights().to_json()
    code, out, _err = cli("stats", "--year", "2024", "--format", "json")
    assert json.loads(out) == filled.insights(2024).to_json()
    code, out, _err = cli("stats", "--year", "2024")
    assert out.splitlines()[:2] == [
        "In 2024: 4 films watched · 6 viewings (3 rewatches) · average tear level 3.7/5",
        "Your ranking agrees closely with the lists' consensus (ρ = 1.00).",
    ]
    months = [line.split()[:3] for line in out.splitlines() if line.endswith(("█", " 0"))]
    assert ["Jan", "2024", "3"] in months and ["Feb", "2024", "0"] in months


def test_cli_stats_as_markdown(filled: Library, cli: Any) -> None:
    code, out, _err = cli("stats", "--format", "markdown")
    assert code == 0
    assert out.startswith(
        "# Statistics\n\n"
        "Watched 6 of 17 films · 9 viewings (3 rewatches) · average tear level 3.6/5\n\n"
        "Your ranking broadly agrees with the lists' consensus (ρ = 0.67).\n\n"
        "## Tear levels of the films watched\n\n"
        "| Tears | Films |  |\n"
        "|---|---:|---|\n"
        "| ●●●●● 5 | 1 | ██████████ |\n"
    )
    assert "| Kwak Jae-yong | 3 | 3.0 | ████████████ |\n" in out
    tables = MarkdownIt("commonmark").enable("table").parse(out)
    assert sum(token.type == "table_open" for token in tables) == 5
    _code, out, _err = cli("stats", "--format", "markdown", "--year", "2024")
    assert out.startswith("# Statistics of 2024\n")


def test_cli_on_an_empty_library(library: Library, cli: Any) -> None:
    for film in library.films():
        library.remove_film(film.id)
    assert cli("diary") == (0, "No viewings yet.\n", "")
    assert cli("diary", "--format", "json") == (0, "[]\n", "")
    assert cli("stats") == (
        0,
        "Watched 0 of 0 films · no viewings yet · no tear levels yet\n"
        "Too few of your films are on the lists to compare your ranking with theirs.\n",
        "",
    )
    _code, out, _err = cli("stats", "--format", "json")
    assert json.loads(out) == Insights(0, 0, 0, 0, None).to_json()


def test_cli_unwatch_on_one_day(filled: Library, cli: Any) -> None:
    code, out, err = cli("unwatch", "A Moment to Remember", "--on", "2024-03-10")
    assert (code, err) == (0, "")
    assert (
        out == "Forgot the viewing of A Moment to Remember (2004) on 2024-03-10 (1 viewing left).\n"
    )
    assert filled.viewings(MOMENT) == Viewings((D("2024-01-05"),))
    # One of two on a day; then the last dated one of a film also watched on a day not recorded.
    assert cli("unwatch", "Always", "--on", "2024-01-05")[1].endswith("(1 viewing left).\n")
    assert cli("unwatch", "The Letter", "--on", "2024-03-02")[1].endswith("(1 viewing left).\n")
    assert filled.viewings(LETTER) == Viewings((), undated=True)
    code, out, _err = cli("unwatch", "The Classic", "--on", "2023-12-24")
    assert (
        out == "Forgot the viewing of The Classic (2003) on 2023-12-24 (it is no longer watched).\n"
    )
    # Without --on, every viewing goes, as before.
    assert (
        cli("unwatch", "Always")[1] == "Always (2011) is no longer watched (1 viewing forgotten).\n"
    )


def test_cli_unwatch_a_day_without_a_viewing_fails(filled: Library, cli: Any, db_dump: Any) -> None:
    before = db_dump()
    code, out, err = cli("unwatch", "A Moment to Remember", "--on", "2024-02-02")
    assert (code, out) == (2, "")
    assert err == (
        "cryqueue: A Moment to Remember (2004) has no viewing on 2024-02-02; "
        "its viewings: 2024-01-05, 2024-03-10\n"
    )
    code, _out, err = cli("unwatch", "Il Mare", "--on", "1 May")
    assert (code, err) == (2, "cryqueue: date '1 May' is not a valid date; use YYYY-MM-DD\n")
    assert db_dump() == before


def test_cli_export_appends_the_stats(filled: Library, cli: Any) -> None:
    code, out, _err = cli("export", "-o", "-", "--stats")
    assert code == 0
    ranking, section = out.split("\n## Statistics\n")
    assert ranking.startswith("# My tear-jerker ranking\n")
    assert section.startswith(
        "\nWatched 6 of 17 films · 9 viewings (3 rewatches) · average tear level 3.6/5\n"
    )
    assert "\n### Most tears\n" in section
    assert out.endswith("| My Sassy Girl (2001) | ●●○○○ 2 |\n")
    assert "## Statistics" not in cli("export", "-o", "-")[1]
    code, out, err = cli("export", "--format", "json", "--stats")
    assert (code, out) == (2, "")
    assert err.startswith("cryqueue: --stats is for --format markdown")
    shared = filled.export_markdown(ExportOptions(stats=True))  # the app's export: the same
    assert shared.split("\n## Statistics\n")[1] == section


@pytest.mark.parametrize("columns", [40, 60, 100])
@pytest.mark.parametrize("command", ["diary", "stats"])
def test_cli_fits_the_terminal(
    filled: Library, cli: Any, monkeypatch: pytest.MonkeyPatch, columns: int, command: str
) -> None:
    """On a terminal the tables fit its width (titles cut with '…'); piped, rows are whole."""
    filled.edit_film(ALWAYS, replace(filled.get(ALWAYS).facts(), title="Always " * 8))
    _code, piped, _err = cli(command)
    monkeypatch.setenv("COLUMNS", str(columns))
    monkeypatch.setattr(sys.stdout, "isatty", lambda: True)
    code, out, _err = cli(command)
    assert code == 0
    lines = ANSI.sub("", out).splitlines()
    assert max(cell_len(line.rstrip()) for line in lines) <= columns
    assert max(cell_len(line) for line in piped.splitlines()) > 40
    if command == "diary":
        assert sum(line.endswith("↻") for line in lines) == 3  # no mark cut off
        assert any("Always Always" in line and "…" in line for line in lines) == (columns < 80)


@pytest.mark.parametrize(
    "args",
    [["diary"], ["stats"], ["stats", "--format", "markdown"], ["export", "-o", "-", "--stats"]],
)
def test_on_a_ready_library_they_load_no_sqlalchemy(args: list[str], tmp_path: Path) -> None:
    """Diary and stats only read: a library already set up is read with sqlite3 alone."""
    first = run(args, tmp_path)  # creates and seeds it (full open)
    assert first.returncode == 0
    assert probe(args, tmp_path) == {"code": 0, "textual": False, "sqlalchemy": False}
    assert without_date(run(args, tmp_path).stdout) == without_date(first.stdout)
