"""How `cryqueue diary` and `cryqueue stats` print: Rich tables on a terminal (fitted to its
width, with colour), the same tables in plain text when piped or redirected (rows whole).
Every string from the library goes in as `rich.text.Text`, never as markup, made visible first
(a title like `[REC]` shows as typed; control characters are seen, never obeyed)."""

from __future__ import annotations

import sys
from collections.abc import Sequence
from typing import TYPE_CHECKING

from rich import box
from rich.cells import cell_len
from rich.console import Console, RenderableType
from rich.table import Table
from rich.text import Text

from cryqueue.cli.render import terminal_width
from cryqueue.domain.films import rating_text, tear_scale
from cryqueue.domain.insights_report import BAR_WIDTH, agreement, headline, tables
from cryqueue.domain.text import visible
from cryqueue.domain.wording import counted

if TYPE_CHECKING:
    from cryqueue.domain.diary import DiaryEntry
    from cryqueue.domain.insights import Insights
    from cryqueue.domain.insights_report import Table as ReportTable

PIPED_WIDTH = 10_000  # piped or redirected, a row is never wrapped
UNDATED_HEADING = "Undated"
# The diary's columns: 'Sun 10', the film, '●●●●○ 4', '4.5★', '↻', two cells apart.
DAY_WIDTH, TEARS_WIDTH, RATING_WIDTH, GAP = 6, 7, 4, 2
FILM_MIN = 12
DIARY_FIXED = DAY_WIDTH + TEARS_WIDTH + RATING_WIDTH + 1 + 4 * GAP
# The widest stats table but its bars: a director, 'Films', 'Average tears', the gaps.
STATS_FIXED = 16 + 5 + 13 + 3 * 3
BAR_MIN = 5


def emit(*renderables: RenderableType) -> None:
    """Print on stdout as Rich lays it out: fitted to a terminal's width, with colour; piped
    or redirected, plain text with every row whole and no trailing spaces."""
    if sys.stdout.isatty():
        out = Console(highlight=False)
        for renderable in renderables:
            out.print(renderable)
        return
    out = Console(width=PIPED_WIDTH, color_system=None, highlight=False, soft_wrap=True)
    with out.capture() as captured:
        for renderable in renderables:
            out.print(renderable)
    sys.stdout.write("".join(line.rstrip() + "\n" for line in captured.get().splitlines()))


def _text(value: str, style: str = "") -> Text:
    return Text(visible(value), style=style)


def diary_tables(entries: Sequence[DiaryEntry], width: int | None) -> list[RenderableType]:
    """The viewings under a heading for each month, newest first (as given): a table per month,
    all with the same columns, the film's title cut with '…' to fit `width` cells."""
    rows = [
        (
            entry.day.strftime("%a %d") if entry.day else "",
            _text(f"{entry.title} ({entry.year})"),
            ""
            if entry.tear_level is None
            else f"{tear_scale(entry.tear_level)} {entry.tear_level}",
            rating_text(entry.rating),
            "↻" if entry.rewatch else "",
        )
        for entry in entries
    ]
    film = max(row[1].cell_len for row in rows)
    if width is not None:  # what the other columns and the gaps between them leave
        film = max(FILM_MIN, min(film, width - DIARY_FIXED))
    out: list[RenderableType] = []
    month: str | None = None
    table = Table.grid()
    for entry, row in zip(entries, rows, strict=True):
        heading = entry.day.strftime("%B %Y") if entry.day else UNDATED_HEADING
        if heading != month:
            if month is not None:
                out.append("")
            table = Table.grid(padding=(0, 0, 0, GAP), pad_edge=False)  # a width counts its gap
            table.add_column(width=DAY_WIDTH)  # Sun 10
            table.add_column(width=GAP + film, no_wrap=True, overflow="ellipsis")
            table.add_column(width=GAP + TEARS_WIDTH)  # ●●●●○ 4
            table.add_column(width=GAP + RATING_WIDTH, justify="right")  # 4.5★
            table.add_column(width=GAP + 1)  # ↻
            out += [_text(heading, "bold"), table]
            month = heading
        table.add_row(*row)
    return out


def print_diary(entries: Sequence[DiaryEntry], year: int | None) -> None:
    if not entries:
        emit("No viewings yet." if year is None else f"No viewings in {year}.")
        return
    rewatches = sum(entry.rewatch for entry in entries)
    again = f" ({counted(rewatches, 'rewatch', 'rewatches')}, marked ↻)" if rewatches else ""
    width = terminal_width()
    emit(*diary_tables(entries, width), "", f"{counted(len(entries), 'viewing')}{again}")


def report_table(report: ReportTable, bar_width: int = BAR_WIDTH) -> Table:
    table = Table(
        title=report.title,
        title_justify="left",
        title_style="bold",
        box=box.SIMPLE_HEAD,
        show_edge=False,
        pad_edge=False,
    )
    for i, name in enumerate(report.columns):
        bars = i == len(report.columns) - 1 and name == ""
        table.add_column(
            name,
            justify="right" if i in report.numeric else "left",
            no_wrap=True,
            overflow="crop" if bars else "ellipsis",
            min_width=bar_width if bars else None if i == 0 else cell_len(name),
            style="cyan" if bars else "",
        )
    for row in report.rows:
        table.add_row(*(_text(cell) for cell in row))
    return table


def print_stats(insights: Insights, year: int | None) -> None:
    parts: list[RenderableType] = [
        _text(headline(insights, year), "bold"),
        _text(agreement(insights)),
    ]
    width = terminal_width()
    bars = BAR_WIDTH if width is None else max(BAR_MIN, min(BAR_WIDTH, width - STATS_FIXED))
    for report in tables(insights, year, bars):
        parts += ["", report_table(report, bars)]
    emit(*parts)
