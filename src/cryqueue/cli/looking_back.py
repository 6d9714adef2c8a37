"""`cryqueue diary` and `cryqueue stats`, and `unwatch --on`: the commands that look back over
the viewings. Diary and stats only read: on a ready library they run on the first-frame reader
(sqlite3 alone, no SQLAlchemy to load). Imports stay lazy (`commands` imports this module on
every run)."""

from __future__ import annotations

import argparse
import sys
from typing import TYPE_CHECKING

from cryqueue.cli.render import print_json

if TYPE_CHECKING:
    from cryqueue.domain.films import FilmEntry
    from cryqueue.domain.reading import LibraryReader
    from cryqueue.library import Library


def _year(args: argparse.Namespace) -> int | None:
    from cryqueue.domain import validate  # lazy: start-up

    return None if args.year is None else validate.year(args.year)


def cmd_diary(library: LibraryReader, args: argparse.Namespace) -> int:
    """Every viewing, newest first: a table by month, or a JSON list of `DiaryEntry.to_json`."""
    year = _year(args)
    entries = library.diary(year)
    if args.format == "json":
        print_json([entry.to_json() for entry in entries])
    else:
        from cryqueue.cli.render_insights import print_diary  # lazy: start-up (Rich)

        print_diary(entries, year)
    return 0


def cmd_stats(library: LibraryReader, args: argparse.Namespace) -> int:
    """The figures: tables with bars, `Insights.to_json()`, or Markdown to share."""
    year = _year(args)
    insights = library.insights(year)
    if args.format == "json":
        print_json(insights.to_json())
    elif args.format == "markdown":
        from cryqueue.interop.markdown import escape  # lazy: start-up
        from cryqueue.interop.markdown_stats import stats_markdown  # lazy: start-up

        sys.stdout.write(stats_markdown(insights, escape, year))
    else:
        from cryqueue.cli.render_insights import print_stats  # lazy: start-up (Rich)

        print_stats(insights, year)
    return 0


def forget_viewing(library: Library, film: FilmEntry, on: str) -> None:
    """`unwatch TITLE --on DATE`: forget that one viewing; a day without one is refused."""
    from datetime import date  # lazy: start-up

    from cryqueue.domain.errors import UsageError  # lazy: start-up
    from cryqueue.domain.validate import iso_day  # lazy: start-up
    from cryqueue.domain.wording import counted  # lazy: start-up

    day = iso_day(on.strip())
    if day is None:
        raise UsageError(f"date {on!r} is not a valid date; use YYYY-MM-DD")
    _before, after = library.change_viewing(film.id, day, None, date.today())
    left = len(after.days) + int(after.undated)
    still = f"{counted(left, 'viewing')} left" if left else "it is no longer watched"
    print(f"Forgot the viewing of {film.label} on {day.isoformat()} ({still}).")
