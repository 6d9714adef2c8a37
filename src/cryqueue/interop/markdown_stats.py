"""The statistics as Markdown (`cryqueue stats --format markdown`, and the section the Markdown
export appends with `--stats`): the headline, the ranking's agreement with the lists, and the
report's tables as pipe tables, their bars in Unicode blocks."""

from __future__ import annotations

import re
from collections.abc import Callable

from cryqueue.domain.insights import Insights
from cryqueue.domain.insights_report import Table, agreement, headline, tables

Escape = Callable[[str], str]


def stats_lines(
    insights: Insights, escape: Escape, year: int | None = None, level: int = 2
) -> list[str]:
    """The statistics under a heading of `level` ('## Statistics'), each table under one a
    level below; user text (titles, directors) escaped with the export's `escape`."""
    mark = "#" * level
    title = "Statistics" if year is None else f"Statistics of {year}"
    lines = [f"{mark} {title}", "", headline(insights, year), "", agreement(insights), ""]
    for table in tables(insights, year):
        lines += [f"{mark}# {table.title}", "", *_table_lines(table, escape), ""]
    return lines


def _table_lines(table: Table, escape: Escape) -> list[str]:
    """A pipe table, numbers aligned right; text cells escaped ('|' included)."""

    def row(cells: tuple[str, ...]) -> str:
        return "| " + " | ".join(_cell(cell, escape) for cell in cells) + " |"

    rule = "|" + "|".join(
        "---:" if i in table.numeric else "---" for i in range(len(table.columns))
    ) + "|"  # fmt: skip
    return [row(table.columns), rule, *(row(r) for r in table.rows)]


# Figures, tear scales and bars: nothing in them for Markdown to read as markup.
_PLAIN = re.compile(r"[\d. –●○▏▎▍▌▋▊▉█]*")


def _cell(text: str, escape: Escape) -> str:
    return text if _PLAIN.fullmatch(text) else escape(text)


def stats_markdown(insights: Insights, escape: Escape, year: int | None = None) -> str:
    """A document of its own: the statistics with a top-level heading."""
    return "\n".join(stats_lines(insights, escape, year, level=1)).rstrip("\n") + "\n"
