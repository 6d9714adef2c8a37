"""A read-only look at a library with the standard library's sqlite3: enough for the app's first
frame (the top of the list and the status line) and the commands that only read, so that the
library module and its checks load after the list is on screen; and the reads the library
itself makes on the driver."""

from __future__ import annotations

import dataclasses
import json
import sqlite3
from collections import Counter, defaultdict
from collections.abc import Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from datetime import date
from itertools import islice, repeat
from json.encoder import encode_basestring
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

from cryqueue.domain.catalog import catalog_version
from cryqueue.domain.errors import CryqueueError, damaged, sqlite_failure
from cryqueue.domain.films import FilmEntry, ListRow, RankedFilms, Stats, tally_stats
from cryqueue.storage import schema
from cryqueue.storage.driver import Driver, PgDriver
from cryqueue.storage.location import Location, ServerUrl
from cryqueue.storage.shared_sql import WATCHED_SQL, day_of, day_text

if TYPE_CHECKING:
    from cryqueue.domain.diary import DiaryEntry
    from cryqueue.domain.export_options import ExportOptions
    from cryqueue.domain.insights import Insights

# Every film in ranking order, as the list shows it (`app_reads.read_listing`, `rows_of`).
LISTING_SQL = (
    "SELECT id, title, original_title, year, tear_level, tags_json, watched_undated,"
    " (SELECT max(watched_on) FROM viewing WHERE viewing.film_id = film.id), rating"
    " FROM film ORDER BY rank_key"
)
# What the app's filter searches, read when it is first used (the list does not hold it); in
# the list's order, so that what the filter finds is in the list's places already.
SEARCH_SQL = "SELECT id, search_norm, note FROM film ORDER BY rank_key"
CATALOG_VERSION_KEY = "catalog_version"


def stored_catalog_version(driver: Driver) -> int:
    """The version of the catalog the library holds (0: none yet)."""
    row = driver.execute("SELECT value FROM meta WHERE key = ?", (CATALOG_VERSION_KEY,)).fetchone()
    return int(row[0]) if row else 0


def holds_current_catalog(driver: Driver) -> bool:
    """Whether the library holds this release's catalog (or a newer one): nothing to seed."""
    current = catalog_version()
    return current is not None and stored_catalog_version(driver) >= current


# A film's entry is read by FilmEntry's own field names (its columns, declared once there):
# all but its place and viewings, with the lists stored as JSON under `<field>_json`.
_JSON_FIELDS = ("cast", "tags")
_JSON_COLUMNS = tuple((name, f"{name}_json") for name in _JSON_FIELDS)
ENTRY_FIELDS = tuple(
    f.name for f in dataclasses.fields(FilmEntry) if f.name not in ("rank", "viewings")
)
ENTRY_SQL = "SELECT {} FROM film".format(
    ", ".join(f"{n}_json" if n in _JSON_FIELDS else n for n in ENTRY_FIELDS)
)


def json_list(values: Iterable[str]) -> str:
    """A list of strings (cast, tags) as the film table stores it: what `json.dumps(values,
    ensure_ascii=False)` gives, Hangul as is, built from its string encoder at a fifth of the
    cost (an import stores a list per film)."""
    return "[" + ", ".join(map(encode_basestring, values)) + "]"


def stored_columns(values: Mapping[str, Any]) -> dict[str, Any]:
    """Film fields by name (FilmEntry's, FilmFacts', CatalogFilm's) as the film table stores
    them: a list as JSON text under `<field>_json`, the rest as they are."""
    columns = dict(values)
    for name, stored in _JSON_COLUMNS:
        if name in columns:
            columns[stored] = json_list(columns.pop(name))
    return columns


def strings_of(text: str, film_id: int, what: str) -> tuple[str, ...]:
    """A stored JSON list of strings (tags, cast); anything else is damage to report."""
    try:
        value = json.loads(text)
    except (TypeError, ValueError):
        value = None
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise damaged(None, f"the {what} of film {film_id} are not a list of words")
    return tuple(value)


def entry_of(row: Sequence[Any], rank: int, viewings: Sequence[date]) -> FilmEntry:
    """A film as the service hands it out, from a row of ENTRY_SQL (by field name)."""
    values = dict(zip(ENTRY_FIELDS, row, strict=True))
    for name in _JSON_FIELDS:
        values[name] = strings_of(values[name], values["id"], name)
    values["watched_undated"] = bool(values["watched_undated"])
    return FilmEntry(rank=rank, viewings=tuple(viewings), **values)


def days_by_film(conn: Driver) -> dict[int, list[date]]:
    """Every film's viewing dates, oldest first."""
    days: dict[int, list[date]] = defaultdict(list)
    film_ids, stored = _viewings(conn)
    for film_id, day in zip(film_ids, map(date.fromisoformat, stored), strict=True):
        days[film_id].append(day)
    return days


def _viewings(conn: Driver) -> tuple[Sequence[int], Sequence[str]]:
    """Every viewing, oldest first: the film ids, and the days as YYYY-MM-DD text, each
    checked as `day_of` checks it (a server's dates are read as text; damage is told)."""
    rows = conn.execute("SELECT film_id, watched_on FROM viewing ORDER BY watched_on").fetchall()
    if not rows:
        return (), ()
    film_ids, stored = zip(*rows, strict=True)
    if _iso_days(list(set(stored))) is None:  # a server's dates, or damage for `day_of` to tell
        stored = tuple(day_of(day, film_id).isoformat() for film_id, day in rows)
    return film_ids, stored


def _iso_days(stored: Sequence[object]) -> list[date] | None:
    """Every stored day read at once in C, if each is YYYY-MM-DD text as `day_of` wants it
    (what `fromisoformat` reads back as written); else None, for `day_of` to say which is not."""
    try:
        days = list(map(date.fromisoformat, stored))  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return None
    return days if list(map(date.isoformat, days)) == list(stored) else None


# Films read (and exported) together: a chunk's memory is reused by the next, which halves
# the peak of 100,000 films' export and saves a tenth of its time.
EXPORT_CHUNK = 4096


def ranked_films(conn: Driver, options: ExportOptions) -> Iterator[RankedFilms]:
    """Every film as the Markdown export shows it, in ranking order, EXPORT_CHUNK at a time,
    each read a column at a time in C loops (zip, map): a tuple built per film cost 100,000
    films a fifth of the export. Notes and ratings are read only when `options` show them
    (else '' and None)."""
    latest, counts = _latest_viewings(conn)
    wanted = ("note" if options.notes else "''", "rating" if options.rating else "NULL")
    cursor = iter(
        conn.execute(
            "SELECT id, title, original_title, year, tear_level, watched_undated, tags_json,"
            f" {', '.join(wanted)} FROM film ORDER BY rank_key"
        )
    )
    first = 1
    while rows := list(islice(cursor, EXPORT_CHUNK)):
        ids, titles, originals, years, levels, undated, tags, notes, ratings = zip(
            *rows, strict=True
        )
        del rows  # a tuple per film: gone before the export's text takes their memory
        yield RankedFilms(
            tuple(range(first, first + len(ids))), titles, originals, years,
            tuple(map(latest.get, ids)), tuple(map(counts.get, ids, repeat(0))), levels, notes,
            tuple(map(bool, undated)), ratings, _tag_lists(ids, tags),
        )  # fmt: skip
        first += len(ids)


def _latest_viewings(conn: Driver) -> tuple[dict[int, str], dict[int, int]]:
    """Each viewed film's latest viewing day (YYYY-MM-DD) and number of viewings, every day
    read as `days_by_film` reads them (damage stops the export the same way)."""
    film_ids, stored = _viewings(conn)
    # Oldest first: of a film's days, a dict keeps the last, its latest.
    return dict(zip(film_ids, stored, strict=True)), Counter(film_ids)


def _tag_lists(ids: Sequence[int], stored: Sequence[str]) -> tuple[tuple[str, ...], ...]:
    """Each film's tags. Each different stored list is read once (libraries repeat a few
    sets of tags); damage is told of the first film, in ranking order, that has it."""
    read: dict[str, tuple[str, ...]] = dict.fromkeys(stored, ())  # in order of first use
    for text in read:
        if text != "[]":
            try:
                read[text] = strings_of(text, 0, "tags")
            except CryqueueError:
                strings_of(text, ids[stored.index(text)], "tags")  # raises, naming the film
                raise
    return tuple(map(read.__getitem__, stored))


def stats_of(conn: Driver) -> Stats:
    """The library's figures: SQL only counts the films of each (watched, tear level)."""
    rows = conn.execute(
        f"SELECT {WATCHED_SQL} AS seen, tear_level, count(*) FROM film GROUP BY seen, tear_level"
    )
    return tally_stats(((bool(seen), level), films) for seen, level, films in rows)


def read_films(
    conn: Driver, watched: Literal["all", "watched", "unwatched"] = "all"
) -> list[FilmEntry]:
    """All films in ranking order, through the driver: a third of the ORM's time."""
    days = days_by_film(conn)
    rows = conn.execute(f"{ENTRY_SQL} ORDER BY rank_key")
    entries = [entry_of(row, rank, days.get(row[0], ())) for rank, row in enumerate(rows, 1)]
    if watched == "all":
        return entries
    want = watched == "watched"
    return [e for e in entries if e.watched is want]


def list_row(rank: int, row: Sequence[Any]) -> ListRow:
    """A film's line from a row of LISTING_SQL: watched when marked or seen on a day."""
    i, t, o, y, tl, _tags, u, seen, r = row
    return ListRow(i, rank, t, o, y, bool(u) or seen is not None, tl, r, day_text(seen))


def rows_of(cursor: Iterable[Sequence[Any]]) -> list[ListRow]:
    """List rows from a cursor over LISTING_SQL."""
    return [list_row(rank, row) for rank, row in enumerate(cursor, 1)]


class Peek:
    """Open only for a library that needs no set-up: created, on the current schema, seeded
    with the current catalog. Otherwise `open` returns None and the full open runs first."""

    def __init__(self, conn: Driver, location: Location) -> None:
        self._conn = conn
        self._location = location

    @classmethod
    def open(cls, location: Location) -> Peek | None:
        if not isinstance(location, Path):
            from cryqueue.storage import pg  # psycopg alone: no SQLAlchemy for a server either

            server = pg.connect_if_current(location)
            return cls._if_seeded(server, location) if server is not None else None
        path = location
        state = schema.inspect_file(path)  # a file that is not ours is refused right here
        if state.is_new or state.schema_version != schema.SCHEMA_VERSION:
            return None
        # Read-write though it only reads: closing the last connection then tidies the -wal and
        # -shm files away, as the full open does (a read-only one would leave them behind).
        return cls._if_seeded(sqlite3.connect(path, timeout=10), path)

    @classmethod
    def _if_seeded(cls, conn: Driver, location: Location) -> Peek | None:
        """A peek, if the library holds the current catalog; else None (the connection closed)."""
        peek = cls(conn, location)
        try:
            with peek._reading() as reading:
                seeded = holds_current_catalog(reading)
        except CryqueueError:
            seeded = False
        if not seeded:
            conn.close()
            return None
        return peek

    @contextmanager
    def _reading(self) -> Iterator[Driver]:
        """The connection, in a transaction of its own on a server, with the driver's errors
        told as the full open tells them."""
        if isinstance(self._conn, sqlite3.Connection):
            assert isinstance(self._location, Path)
            try:
                yield self._conn
            except sqlite3.Error as exc:
                raise sqlite_failure(exc, self._location) from None
            return
        from cryqueue.storage import pg

        assert isinstance(self._conn, PgDriver) and isinstance(self._location, ServerUrl)
        try:
            with self._conn.connection.transaction():
                yield self._conn
        except pg.driver_errors() as exc:
            raise pg.failure(exc, self._location) from None

    def films(self, watched: Literal["all", "watched", "unwatched"] = "all") -> list[FilmEntry]:
        with self._reading() as conn:
            return read_films(conn, watched)

    def first_rows(self, limit: int) -> list[ListRow]:
        with self._reading() as conn:
            return rows_of(conn.execute(f"{LISTING_SQL} LIMIT ?", (limit,)))

    def stats(self) -> Stats:
        with self._reading() as conn:
            return stats_of(conn)

    def ranked_films(self, options: ExportOptions) -> Iterator[RankedFilms]:
        with self._reading() as conn:
            yield from ranked_films(conn, options)

    def diary(self, year: int | None = None) -> list[DiaryEntry]:
        from cryqueue.storage.insights import diary_entries  # lazy: start-up (list, export)

        with self._reading() as conn:
            return diary_entries(conn, year)

    def insights(self, year: int | None = None) -> Insights:
        from cryqueue.storage.insights import read_insights  # lazy: start-up (list, export)

        with self._reading() as conn:
            return read_insights(conn, year)

    def close(self) -> None:
        self._conn.close()
