"""The diary and the statistics, read with the driver alone (so the first-frame reader can run
them without SQLAlchemy): `Library.diary` and `Library.insights`. The statistics are counted by
SQLite, GROUP BY and COUNT over the film and viewing tables, never a film loaded as an object,
so 100,000 films take a fraction of a second. What the counts mean is `domain.insights`' (and
its averages `films.tally_stats`')."""

from __future__ import annotations

from collections import defaultdict

from cryqueue.domain.consensus import consensus_order
from cryqueue.domain.diary import DiaryEntry
from cryqueue.domain.insights import Insights, build, decade_of, rank_correlation
from cryqueue.storage.driver import Driver
from cryqueue.storage.shared_sql import WATCHED_SQL, day_of

# Every day of every year is between these (SQLite compares them as ISO text).
_ALL_DAYS = ("0001-01-01", "9999-12-31")  # valid dates: PostgreSQL compares them as such


def year_bounds(year: int | None) -> tuple[str, str]:
    """The half-open range of ISO dates `watched_on >= ? AND watched_on < ?` for a year."""
    if year is None:
        return _ALL_DAYS
    return f"{year:04d}-01-01", f"{year + 1:04d}-01-01"


def _scope(year: int | None) -> str:
    """A CTE of the films the figures count, with `seen` (watched): every film, or with a
    year the films with a viewing in it (bound as :start and :end)."""
    columns = "id, title, year, director, tear_level, rank_key"
    if year is None:
        return f"WITH scope AS (SELECT {columns}, {WATCHED_SQL} AS seen FROM film)"
    return (
        f"WITH scope AS (SELECT {columns}, TRUE AS seen FROM film WHERE id IN"
        " (SELECT film_id FROM viewing WHERE watched_on >= :start AND watched_on < :end))"
    )


# Each dated viewing, newest first, numbered within its film from its first (same-day viewings
# in the order they were logged): any but a film's first is a rewatch, and so is every one of
# a film also watched on a day not recorded.
_DATED_SQL = """
SELECT film_id, watched_on, title, original_title, year, tear_level, rating, rewatch FROM (
    SELECT film_id, watched_on, viewing.id AS viewing_id, title, original_title, year,
           tear_level, rating, watched_undated OR row_number() OVER (
               PARTITION BY film_id ORDER BY watched_on, viewing.id) > 1 AS rewatch
    FROM viewing JOIN film ON film.id = viewing.film_id) AS dated
WHERE watched_on >= ? AND watched_on < ?
ORDER BY watched_on DESC, viewing_id DESC
"""
_UNDATED_SQL = (
    "SELECT id, title, original_title, year, tear_level, rating FROM film"
    " WHERE watched_undated ORDER BY rank_key"
)


def diary_entries(conn: Driver, year: int | None = None) -> list[DiaryEntry]:
    """Every viewing, newest first, then each film's viewing on a day not recorded (in ranking
    order); with `year`, only that year's dated viewings."""
    entries = [
        DiaryEntry(film_id, day_of(day, film_id), t, o, y, bool(again), tl, r)
        for film_id, day, t, o, y, tl, r, again in conn.execute(_DATED_SQL, year_bounds(year))
    ]
    if year is None:
        entries += [
            DiaryEntry(film_id, None, t, o, y, False, tl, r)
            for film_id, t, o, y, tl, r in conn.execute(_UNDATED_SQL)
        ]
    return entries


def consensus_places(conn: Driver) -> dict[int, int]:
    """Each listed film's place in the consensus of the source lists (see `consensus`)."""
    rankings: dict[int, list[tuple[int, int]]] = defaultdict(list)
    mentioned = []
    for source_id, film_id, rank in conn.execute(
        "SELECT source_id, film_id, rank FROM sourcerank ORDER BY id"
    ):
        if rank is None:
            mentioned.append(film_id)
        else:
            rankings[source_id].append((film_id, rank))
    order = consensus_order({str(k): v for k, v in rankings.items()}, mentioned)
    return {film_id: i for i, film_id in enumerate(order)}


def read_insights(conn: Driver, year: int | None = None) -> Insights:
    """The figures of `domain.insights.Insights`, in one read transaction's worth of queries."""
    consensus = consensus_places(conn)
    start, end = year_bounds(year)
    bounds = {"start": start, "end": end}
    scope = _scope(year)
    films = conn.execute("SELECT count(*) FROM film").fetchone()[0]
    # One pass over the films: how many share each decade, director, watched and tear level.
    tally = conn.execute(
        f"{scope} SELECT year / 10 * 10 AS decade, director, seen, tear_level, count(*)"
        " FROM scope GROUP BY decade, director, seen, tear_level",
        bounds,
    ).fetchall()
    decades = [(decade_of(decade), bool(seen), level, n) for decade, _d, seen, level, n in tally]
    directors = [
        (director, True, level, n) for _y, director, seen, level, n in tally if seen and director
    ]
    most_tears = conn.execute(
        f"{scope} SELECT title, year, tear_level FROM scope"
        " WHERE seen AND tear_level IS NOT NULL ORDER BY tear_level DESC, rank_key LIMIT 10",
        bounds,
    ).fetchall()
    by_month = conn.execute(
        "SELECT substr(CAST(watched_on AS TEXT), 1, 7) AS month, count(*) FROM viewing"
        " WHERE watched_on >= :start AND watched_on < :end GROUP BY month",
        bounds,
    ).fetchall()
    dated = sum(count for _month, count in by_month)
    undated = 0
    if year is None:
        undated = conn.execute("SELECT count(*) FROM film WHERE watched_undated").fetchone()[0]
    # A film's first viewing is no rewatch, unless a viewing on a day not recorded came first.
    firsts = conn.execute(
        "SELECT count(*) FROM (SELECT film_id, min(watched_on) AS first FROM viewing"
        " GROUP BY film_id) AS firsts JOIN film ON film.id = film_id"
        " WHERE NOT film.watched_undated AND first >= :start AND first < :end",
        bounds,
    ).fetchone()[0]
    listed = conn.execute(
        f"{scope} SELECT id FROM scope WHERE id IN (SELECT film_id FROM sourcerank)"
        " ORDER BY rank_key",
        bounds,
    )
    mine = [film_id for (film_id,) in listed if film_id in consensus]
    return build(
        films=films,
        decades=decades,
        directors=directors,
        viewings=dated + undated,
        rewatches=dated - firsts,
        by_month=by_month,
        most_tears=most_tears,
        correlation=rank_correlation([(i, consensus[f]) for i, f in enumerate(mine)]),
    )
