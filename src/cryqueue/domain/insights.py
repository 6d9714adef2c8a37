"""A library's statistics (`cryqueue stats`, the app's statistics screen, the Markdown export's
`--stats` section), built from counts the storage reads with SQL aggregates.

Every average tear level is `films.tally_stats`'s: over watched films only (a level given before
watching is a guess). With a year, everything but `films` (the library's size) counts only the
viewings of that year and the films watched in it."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from cryqueue.domain.films import TEAR_MAX, TEAR_MIN, Stats, tally_stats

TOP = 10  # directors and films listed
TEAR_KEYS = tuple(str(level) for level in range(TEAR_MIN, TEAR_MAX + 1))
JSON_KEYS = (
    "films",
    "watched",
    "viewings",
    "rewatches",
    "average_tear_level",
    "tear_levels",
    "by_month",
    "by_decade",
    "top_directors",
    "most_tears",
    "consensus_correlation",
)
# Counts of films by (group, watched, tear level): what SQL's GROUP BY gives, per decade or
# director, for `tally_stats` to turn into figures.
GroupTally = Iterable[tuple[str, bool, int | None, int]]


@dataclass(frozen=True)
class Insights:
    """`films`: the library's size; `watched`: films watched; `viewings`: viewings, a day not
    recorded counting once; `rewatches`: viewings after a film's first; `average_tear_level`
    and `tear_levels` ("0"-"5" → films): of the watched films; `by_month` ("YYYY-MM" → dated
    viewings, oldest first); `by_decade` ("1990s" → {"films", "average_tear_level"}); the
    `top_directors` by average tear level ({"director", "films", "average_tear_level"}) and the
    films with `most_tears` ({"title", "year", "tear_level"}), ten at most, watched films only;
    `consensus_correlation`: Spearman's ρ between the ranking and the lists' consensus."""

    films: int
    watched: int
    viewings: int
    rewatches: int
    average_tear_level: float | None
    tear_levels: dict[str, int] = field(default_factory=lambda: dict.fromkeys(TEAR_KEYS, 0))
    by_month: dict[str, int] = field(default_factory=dict)
    by_decade: dict[str, dict[str, Any]] = field(default_factory=dict)
    top_directors: list[dict[str, Any]] = field(default_factory=list)
    most_tears: list[dict[str, Any]] = field(default_factory=list)
    consensus_correlation: float | None = None

    def to_json(self) -> dict[str, Any]:
        """The documented JSON object of `stats --format json`; averages and the correlation
        rounded to two decimals."""
        return {
            "films": self.films,
            "watched": self.watched,
            "viewings": self.viewings,
            "rewatches": self.rewatches,
            "average_tear_level": rounded(self.average_tear_level),
            "tear_levels": dict(self.tear_levels),
            "by_month": dict(self.by_month),
            "by_decade": {
                decade: {**group, "average_tear_level": rounded(group["average_tear_level"])}
                for decade, group in self.by_decade.items()
            },
            "top_directors": [
                {**row, "average_tear_level": rounded(row["average_tear_level"])}
                for row in self.top_directors
            ],
            "most_tears": [dict(row) for row in self.most_tears],
            "consensus_correlation": rounded(self.consensus_correlation),
        }

    @property
    def by_year(self) -> dict[str, int]:
        """Viewings per year ('2024' → n), from `by_month`."""
        years: dict[str, int] = {}
        for month, count in self.by_month.items():
            years[month[:4]] = years.get(month[:4], 0) + count
        return years


def rounded(value: float | None) -> float | None:
    return None if value is None else round(value, 2)


def decade_of(year: int) -> str:
    """'1990s' for 1990-1999."""
    return f"{year // 10 * 10}s"


def by_group(tally: GroupTally) -> dict[str, Stats]:
    """Each group's figures (films, watched, average tear level), groups in sorted order."""
    groups: dict[str, list[tuple[tuple[bool, int | None], int]]] = defaultdict(list)
    for group, seen, level, films in tally:
        groups[group].append(((seen, level), films))
    return {group: tally_stats(groups[group]) for group in sorted(groups)}


def build(
    films: int,
    decades: GroupTally,
    directors: GroupTally,
    viewings: int,
    rewatches: int,
    by_month: Iterable[tuple[str, int]],
    most_tears: Sequence[tuple[str, int, int]],
    correlation: float | None,
) -> Insights:
    """The insights from what storage counted: the films in scope by decade, watched and tear
    level; the watched ones by director and tear level; the viewings by month."""
    decades = list(decades)
    overall = tally_stats(((seen, level), count) for _d, seen, level, count in decades)
    tear_levels = dict.fromkeys(TEAR_KEYS, 0)
    for _decade, seen, level, count in decades:
        if seen and level is not None:
            tear_levels[str(level)] += count
    ranked = [
        (name, stats)
        for name, stats in by_group(directors).items()
        if stats.average_tears is not None
    ]
    ranked.sort(key=lambda pair: (-(pair[1].average_tears or 0.0), -pair[1].watched, pair[0]))
    return Insights(
        films=films,
        watched=overall.watched,
        viewings=viewings,
        rewatches=rewatches,
        average_tear_level=overall.average_tears,
        tear_levels=tear_levels,
        by_month=dict(sorted(by_month)),
        by_decade={
            decade: {"films": stats.total, "average_tear_level": stats.average_tears}
            for decade, stats in by_group(decades).items()
        },
        top_directors=[
            {"director": name, "films": stats.watched, "average_tear_level": stats.average_tears}
            for name, stats in ranked[:TOP]
        ],
        most_tears=[
            {"title": title, "year": year, "tear_level": level}
            for title, year, level in most_tears[:TOP]
        ],
        consensus_correlation=correlation,
    )


def rank_correlation(pairs: Sequence[tuple[int, int]]) -> float | None:
    """Spearman's ρ between two orderings of the same films, given each film's place in both
    (places need not run 1..n: they are ranked first; no place is shared within an ordering).
    None for fewer than two films."""
    n = len(pairs)
    if n < 2:
        return None
    first = {place: i for i, place in enumerate(sorted(a for a, _b in pairs))}
    second = {place: i for i, place in enumerate(sorted(b for _a, b in pairs))}
    squares = sum((first[a] - second[b]) ** 2 for a, b in pairs)
    return 1 - 6 * squares / (n * (n * n - 1))


# From strongest agreement down: (ρ at least, words).
_AGREEMENT = (
    (0.7, "agrees closely with"),
    (0.4, "broadly agrees with"),
    (0.1, "agrees a little with"),
    (-0.1, "has little to do with"),
    (-0.4, "differs a little from"),
    (-0.7, "mostly goes against"),
    (-1.0, "runs close to the reverse of"),
)


def correlation_words(r: float | None) -> str:
    """The correlation in words: "your ranking agrees closely with the lists' consensus
    (ρ = 0.82)"."""
    if r is None:
        return "too few of your films are on the lists to compare your ranking with theirs"
    words = next((w for bound, w in _AGREEMENT if r >= bound), _AGREEMENT[-1][1])
    shown = f"{r:.2f}".replace("-0.00", "0.00")
    return f"your ranking {words} the lists' consensus (ρ = {shown})"
