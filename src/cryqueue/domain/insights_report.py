"""The statistics laid out for reading: a headline, the ranking's agreement with the lists, and
small tables with bar charts, the same for the terminal (`cryqueue stats`) and the Markdown
export (`--stats`); only how a table is drawn differs."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from cryqueue.domain.films import TEAR_MAX, TEAR_MIN, tear_scale
from cryqueue.domain.insights import Insights, correlation_words
from cryqueue.domain.wording import counted

BAR_WIDTH = 20  # cells of the longest bar
_EIGHTHS = " ▏▎▍▌▋▊▉"
_FULL = "█"


def bar_of(value: float, maximum: float, width: int = BAR_WIDTH) -> str:
    """`value` as a bar of Unicode blocks, `width` cells at `maximum`, in eighths of a cell;
    any value above zero shows at least a sliver."""
    if maximum <= 0 or value <= 0:
        return ""
    eighths = max(1, round(value / maximum * width * 8))
    full, part = divmod(eighths, 8)
    return _FULL * full + (_EIGHTHS[part] if part else "")


@dataclass(frozen=True)
class Table:
    """One table of the report: its heading, column names, rows of text, and which columns
    hold numbers (aligned right)."""

    title: str
    columns: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]
    numeric: tuple[int, ...] = ()


def average_text(value: float | None) -> str:
    return "–" if value is None else f"{value:.1f}"


def headline(insights: Insights, year: int | None = None) -> str:
    """'Watched 6 of 17 films · 9 viewings (3 rewatches) · average tear level 3.6/5'."""
    if year is None:
        watched = f"Watched {insights.watched} of {counted(insights.films, 'film')}"
    else:
        watched = f"In {year}: {counted(insights.watched, 'film')} watched"
    if insights.viewings:
        viewings = counted(insights.viewings, "viewing")
        if insights.rewatches:
            viewings += f" ({counted(insights.rewatches, 'rewatch', 'rewatches')})"
    else:
        viewings = "no viewings yet" if year is None else "no viewings"
    average = (
        f"average tear level {insights.average_tear_level:.1f}/{TEAR_MAX}"
        if insights.average_tear_level is not None
        else "no tear levels yet"
    )
    return f"{watched} · {viewings} · {average}"


def agreement(insights: Insights) -> str:
    """The correlation with the lists' consensus as a sentence."""
    words = correlation_words(insights.consensus_correlation)
    return words[0].upper() + words[1:] + "."


def tables(insights: Insights, year: int | None = None, width: int = BAR_WIDTH) -> list[Table]:
    """The report's tables, leaving out those with nothing to show; the longest bar `width`
    cells."""

    def bar(value: float, maximum: float) -> str:
        return bar_of(value, maximum, width)

    def averages(title: str, label: str, rows: Iterable[tuple[str, int, float | None]]) -> Table:
        """Films and their average tear level per group (decade, director), with its bar."""
        return Table(
            title,
            (label, "Films", "Average tears", ""),
            tuple(
                (name, str(films), average_text(average), bar(average or 0, TEAR_MAX))
                for name, films, average in rows
            ),
            (1, 2),
        )

    out: list[Table] = []
    levels = insights.tear_levels
    if any(levels.values()):
        most = max(levels.values())
        out.append(
            Table(
                "Tear levels of the films watched",
                ("Tears", "Films", ""),
                tuple(
                    (
                        f"{tear_scale(level)} {level}",
                        str(levels[str(level)]),
                        bar(levels[str(level)], most),
                    )
                    for level in range(TEAR_MAX, TEAR_MIN - 1, -1)
                ),
                (1,),
            )
        )
    if insights.by_month:
        counts = _by_month(insights, year) if year is not None else _by_year(insights)
        most = max(counts.values())
        out.append(
            Table(
                "Viewings by month" if year is not None else "Viewings by year",
                ("Month" if year is not None else "Year", "Viewings", ""),
                tuple((label, str(n), bar(n, most)) for label, n in counts.items()),
                (1,),
            )
        )
    if insights.by_decade:
        decades = insights.by_decade.items()
        rows = ((d, g["films"], g["average_tear_level"]) for d, g in decades)
        out.append(averages("By decade", "Decade", rows))
    if insights.top_directors:
        rows = (
            (r["director"], r["films"], r["average_tear_level"]) for r in insights.top_directors
        )
        out.append(averages("Directors who made you cry most", "Director", rows))
    if insights.most_tears:
        out.append(
            Table(
                "Most tears",
                ("Film", "Tears"),
                tuple(
                    (
                        f"{row['title']} ({row['year']})",
                        f"{tear_scale(row['tear_level'])} {row['tear_level']}",
                    )
                    for row in insights.most_tears
                ),
            )
        )
    return out


_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


def _by_month(insights: Insights, year: int) -> dict[str, int]:
    """Every month of the year, those without a viewing too: 'Jan 2024' → n."""
    return {
        f"{name} {year}": insights.by_month.get(f"{year:04d}-{month:02d}", 0)
        for month, name in enumerate(_MONTHS, 1)
    }


def _by_year(insights: Insights) -> dict[str, int]:
    """Every year from the first viewing's to the last's, those without one too."""
    years = insights.by_year
    first, last = int(min(years)), int(max(years))
    return {str(y): years.get(f"{y:04d}", 0) for y in range(first, last + 1)}
