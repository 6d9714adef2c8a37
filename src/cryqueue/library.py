"""The library service: the one API the CLI and the app use. Every write is one transaction;
nothing here imports Textual."""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Iterable, Iterator, Sequence
from datetime import UTC, date, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from cryqueue.domain import listing, validate
from cryqueue.domain.diary import DiaryEntry
from cryqueue.domain.errors import film_gone
from cryqueue.domain.export_options import DEFAULT_OPTIONS, ExportOptions
from cryqueue.domain.films import (
    FilmDetails,
    FilmEntry,
    FilmFacts,
    ListRow,
    RankedFilms,
    RemovedFilm,
    Stats,
    Viewings,
)
from cryqueue.domain.import_records import ImportBatch, ImportRecord, ImportSummary
from cryqueue.domain.insights import Insights
from cryqueue.domain.listing import SearchRow, Stop, WatchFilter
from cryqueue.interop import json_format as json_io
from cryqueue.interop.json_format import SourceDoc
from cryqueue.storage import diary, film_state, ranking
from cryqueue.storage.app_reads import read_details, read_listing, search_rows
from cryqueue.storage.database import Database
from cryqueue.storage.fast_read import (
    LISTING_SQL,
    ranked_films,
    read_films,
    rows_of,
    stats_of,
)
from cryqueue.storage.files import ExportFormat, write_export
from cryqueue.storage.files import default_export_name as default_export_name
from cryqueue.storage.film_rows import checked_facts, insert_film, refuse_duplicate
from cryqueue.storage.film_state import touch, update, viewings_of
from cryqueue.storage.insights import consensus_places, diary_entries, read_insights
from cryqueue.storage.location import Location, ServerUrl
from cryqueue.storage.opening import open_database
from cryqueue.storage.snapshots import (
    KEEP_AUTOMATIC_BACKUPS,
    backup_beside,
    save_server_snapshot,
)

if TYPE_CHECKING:
    from cryqueue.interop.import_sources import ImportFormat
    from cryqueue.storage.import_writer import Progress

# The file formats and the import writer are imported where they are used: most commands
# (list, show, watch…) need none of them, and each costs milliseconds of start-up. The app's
# reads and every write run on the driver (`db.reading`, `db.writing`); SQLAlchemy loads only
# to set up a library on a server, to migrate one and for `doctor`.

NOTE_CONFLICT_MARK = "--- also saved from another cryqueue meanwhile ---"


class Library:
    """A user's library of films, over an open database."""

    def __init__(self, db: Database) -> None:
        self.db = db

    @classmethod
    def open(cls, location: Location) -> Library:
        """The library in a SQLite file (a Path) or a PostgreSQL database (a ServerUrl)."""
        return cls(open_database(location))

    def close(self) -> None:
        self.db.close()

    def watch_changes(self) -> None:
        """From now on, `changed_elsewhere` reports commits made by other processes."""
        self.db.watch.start()

    def changed_elsewhere(self) -> bool:
        """Whether another process (another cryqueue, the CLI) changed the library since the
        last call: one cheap query when nothing did, so the app can ask every half second."""
        return self.db.watch.changed_elsewhere()

    def exists(self, film_id: int) -> bool:
        with self.db.reading() as driver:
            return (
                driver.execute("SELECT 1 FROM film WHERE id = ?", (film_id,)).fetchone() is not None
            )

    # Reading -------------------------------------------------------------------------------

    def films(self, watched: WatchFilter = "all") -> list[FilmEntry]:
        """All films in ranking order, with their rank in the whole ranking."""
        with self.db.reading() as driver:
            return read_films(driver, watched)

    def get(self, film_id: int, rank: int | None = None) -> FilmEntry:
        """One film. Its place in the ranking is counted unless the caller knows it (`rank`):
        counting is the one step whose cost grows with the library."""
        with self.db.reading() as driver:
            return film_state.entry(driver, film_id, rank)

    def details(self, film_id: int, rank: int | None = None) -> FilmDetails:
        """A film with where the lists ranked it and its related titles; `rank` as in `get`.
        Read with the driver: the app asks on every rest of the cursor."""
        with self.db.reading() as driver:
            return read_details(driver, film_state.entry(driver, film_id, rank))

    def listing(self, stop: listing.Stop | None = None) -> listing.Listing:
        """Every film in ranking order, in one read; `stop` can end a long read early
        (Abandoned), when the app quits while it runs. The search text is read only when
        the list is first searched (`_search_rows`)."""
        with self.db.reading() as driver:
            return read_listing(driver, listing.Listing(self._search_rows), stop)

    def _search_rows(self, stop: Stop | None) -> Iterator[SearchRow]:
        with self.db.reading() as driver:
            yield from search_rows(driver, stop)

    def first_rows(self, limit: int) -> list[ListRow]:
        """The top of the ranking, read in a few milliseconds whatever the library's size: what
        the app paints first while the whole list loads."""
        with self.db.reading() as driver:
            return rows_of(driver.execute(f"{LISTING_SQL} LIMIT ?", (limit,)))

    def consensus_places(self) -> dict[int, int]:
        """Each listed film's place in the consensus of the source lists (see `consensus`)."""
        with self.db.reading() as driver:
            return consensus_places(driver)

    def stats(self) -> Stats:
        with self.db.reading() as driver:
            return stats_of(driver)

    def diary(self, year: int | None = None) -> list[DiaryEntry]:
        """Every viewing, newest first; each film's viewing on a day not recorded comes once,
        undated, at the end. With `year`, only that year's dated viewings."""
        with self.db.reading() as driver:
            return diary_entries(driver, year)

    def insights(self, year: int | None = None) -> Insights:
        """The statistics (see `domain.insights`), counted by SQL; with `year`, of the
        viewings in that year and the films watched in it."""
        with self.db.reading() as driver:
            return read_insights(driver, year)

    def find(self, query: str, year: int | None = None) -> FilmEntry:
        """The one film that `query` names (see `storage.finding.find_film`): the one lookup
        of every command."""
        from cryqueue.storage.finding import find_film  # lazy: start-up

        with self.db.reading() as driver:
            return film_state.entry(driver, find_film(driver, query, year))

    def sources(self) -> list[SourceDoc]:
        """The published lists with the films they rank or mention."""
        with self.db.reading() as driver:
            sources = driver.execute(
                "SELECT id, key, title, author, site FROM source ORDER BY id"
            ).fetchall()
            places = driver.execute(
                "SELECT sourcerank.source_id, film.title, film.year, sourcerank.rank"
                " FROM sourcerank JOIN film ON film.id = sourcerank.film_id"
                " ORDER BY sourcerank.rank IS NULL, sourcerank.rank, sourcerank.id"
            ).fetchall()
        by_source: dict[int, list[tuple[str, int, int | None]]] = defaultdict(list)
        for source_id, title, year, rank in places:
            by_source[source_id].append((title, year, rank))
        return [
            SourceDoc(key, title, author, site, tuple(by_source[source_id]))
            for source_id, key, title, author, site in sources
        ]

    def export_json(self, watched: WatchFilter = "all") -> str:
        entries = self.films(watched)
        return json_io.dumps(json_io.export_document(entries, self.sources(), datetime.now(UTC)))

    def ranked_films(self, options: ExportOptions) -> Iterator[RankedFilms]:
        with self.db.reading() as driver:
            yield from ranked_films(driver, options)

    def export_markdown(
        self, options: ExportOptions = DEFAULT_OPTIONS, today: date | None = None
    ) -> str:
        from cryqueue.interop.markdown import markdown_text  # lazy: start-up

        return markdown_text(self, options, today)

    def export_text(self, fmt: ExportFormat, options: ExportOptions = DEFAULT_OPTIONS) -> str:
        """An export as text: Markdown to share (notes, ratings and tags only as `options`
        ask), JSON to back up, Letterboxd's import CSV (notes as reviews only when asked), or
        CSV for a spreadsheet; only watched films with `options.watched_only`."""
        watched = options.watched
        if fmt == "json":
            return self.export_json(watched)
        if fmt == "letterboxd":
            from cryqueue.interop import letterboxd  # lazy: start-up

            return letterboxd.export_text(self.films(watched), options.notes)
        if fmt == "csv":
            from cryqueue.interop import spreadsheet  # lazy: start-up

            return spreadsheet.export_text(self.films(watched))
        return self.export_markdown(options)

    def export_file(
        self, path: Path, fmt: ExportFormat = "markdown", options: ExportOptions = DEFAULT_OPTIONS
    ) -> Path:
        """Write an export atomically; a folder gets the default file name inside it."""
        text = self.export_text(fmt, options)
        return write_export(path, fmt, text, library=self.db.path)

    # Writing -------------------------------------------------------------------------------

    def mark_watched(
        self, film_id: int, on: str | date | None = None, tears: int | str | None = None
    ) -> date:
        """Log a viewing (today unless `on` says otherwise), and the tear level if given, in one
        transaction; a film can be watched many times. A day after today, or more than a year
        before the film's year, is refused (see `validate.viewing_date`)."""
        today = date.today()
        day = validate.viewing_date(on, today)
        level = validate.tear_level(tears)
        with self.db.writing() as driver:
            (year,) = touch(driver, film_id, "year")
            validate.viewing_date(day, today, year)
            if tears is not None:
                update(driver, film_id, {"tear_level": level})
            film_state.add_viewings(driver, film_id, (day,))
        return day

    def unwatch(self, film_id: int) -> int:
        """Forget every viewing of a film (an undated one too); returns how many there were."""
        with self.db.writing() as driver:
            (undated,) = touch(driver, film_id, "watched_undated")
            update(driver, film_id, {"watched_undated": False})
            return len(film_state.forget_viewings(driver, film_id)) + int(bool(undated))

    def toggle_watched(self, film_id: int, on: date) -> tuple[Viewings, Viewings]:
        """Forget a watched film's viewings, or log one `on` that day for a film not watched:
        decided on the viewings stored now, in the same transaction. Returns before and after.
        `on` is the caller's today: a film more than a year from coming out is refused."""
        # As few statements as can be: on a server, each is a round trip of the key press.
        with self.db.writing() as driver:
            undated, year, watched = touch(driver, film_id, "watched_undated", "year", "watched")
            if watched:
                if undated:
                    update(driver, film_id, {"watched_undated": False})
                days = film_state.forget_viewings(driver, film_id)
                return Viewings(days, bool(undated)), Viewings()
            validate.viewing_date(on, on, year)
            film_state.add_viewings(driver, film_id, (on,))
            return Viewings(), Viewings((on,))

    def change_viewing(
        self, film_id: int, old: date | None, new: date | None, today: date
    ) -> tuple[Viewings, Viewings]:
        """Add a viewing on `new` (old None), delete the one on `old` (new None), or move it
        from `old` to `new`, in one transaction. `new` must be a day a viewing can be logged on
        (see `validate.viewing_date`). Returns the film's viewings before and after, for undo
        with `set_viewings`."""
        with self.db.writing() as driver:
            undated, title, year = touch(driver, film_id, "watched_undated", "title", "year")
            before = viewings_of(driver, film_id, undated)
            diary.change_viewing(driver, (film_id, title, year), old, new, today)
            return before, viewings_of(driver, film_id, undated)

    def set_viewings(self, film_id: int, viewings: Viewings) -> None:
        """Replace a film's watch record (used by undo to put back what was there)."""
        with self.db.writing() as driver:
            touch(driver, film_id)
            update(driver, film_id, {"watched_undated": viewings.undated})
            film_state.forget_viewings(driver, film_id)
            film_state.add_viewings(driver, film_id, viewings.days)

    def set_tears(self, film_id: int, level: int | str | None) -> int | None:
        return self.swap_tears(film_id, level)[1]

    def swap_tears(self, film_id: int, level: int | str | None) -> tuple[int | None, int | None]:
        """Set the tear level; returns the level before (read in the same transaction, for undo)
        and the level now."""
        value = validate.tear_level(level)
        return self._swap(film_id, "tear_level", value), value

    def _swap(self, film_id: int, column: str, value: Any) -> Any:
        """Set one of a film's columns; returns its value before, read in the same transaction."""
        with self.db.writing() as driver:
            (before,) = touch(driver, film_id, column)
            update(driver, film_id, {column: value})
        return before

    def viewings(self, film_id: int) -> Viewings:
        with self.db.reading() as driver:
            row = driver.execute(
                "SELECT watched_undated FROM film WHERE id = ?", (film_id,)
            ).fetchone()
            if row is None:
                raise film_gone()
            return viewings_of(driver, film_id, row[0])

    def swap_rating(
        self, film_id: int, value: float | str | None
    ) -> tuple[float | None, float | None]:
        """Set the star rating (0.5-5, or None); returns the rating before and now (for undo)."""
        stars = validate.rating(value)
        return self._swap(film_id, "rating", stars), stars

    def set_tags(self, film_id: int, tags: Iterable[str]) -> tuple[str, ...]:
        """Replace a film's tags; returns them as stored."""
        return self.retag(film_id, add=tags, replace=True)[1]

    def retag(
        self,
        film_id: int,
        add: Iterable[str] = (),
        remove: Iterable[str] = (),
        *,
        replace: bool = False,
    ) -> tuple[tuple[str, ...], tuple[str, ...]]:
        """Add and remove tags (or, with `replace`, set them); returns the tags before and
        after, read and written in one transaction."""
        adding = validate.tags(add)
        dropping = {validate.tag_key(t) for t in validate.tags(remove)}  # -hbomax drops HboMax
        with self.db.writing() as driver:
            (stored,) = touch(driver, film_id, "tags_json")
            before = tuple(json.loads(stored))
            kept = () if replace else before
            after = validate.tags(
                t for t in (*kept, *adding) if validate.tag_key(t) not in dropping
            )
            update(driver, film_id, {"tags_json": json.dumps(list(after), ensure_ascii=False)})
        return before, after

    def set_note(self, film_id: int, text: str, expected: str | None = None) -> str:
        """Save a note. With `expected` (the text the editor started from), a note changed
        meanwhile by another cryqueue is not overwritten: both versions are kept, and the
        merged text is returned."""
        value = validate.note(text)
        with self.db.writing() as driver:
            (stored,) = touch(driver, film_id, "note")
            if expected is not None and stored not in (expected, value):
                value = validate.note(f"{value.rstrip()}\n\n{NOTE_CONFLICT_MARK}\n{stored}")
            update(driver, film_id, {"note": value})
        return value

    def move_to(self, film_id: int, position: int) -> int:
        """Put a film at `position` (1 = top; past the end = bottom); returns where it landed."""
        return self.reposition(film_id, position)[1]

    def reposition(self, film_id: int, position: int) -> tuple[int, int]:
        """Like `move_to`, returning the film's old and new positions (read in the same
        transaction, so the app can tell whether another cryqueue reordered meanwhile)."""
        validate.position(position)
        with self.db.writing() as driver:
            known = touch(driver, film_id, "rank_key", "place")
            return ranking.reposition(driver, film_id, position, known=known)

    def move_past(self, film_id: int, other_id: int, up: bool) -> tuple[int, int]:
        """Move a film up (or down) just past `other_id`, judged by the ranking as stored: if
        another cryqueue has meanwhile put the film on that side of the other one, it stays
        where it is, so a screen that is behind never undoes their move. Returns the film's
        old and new positions."""
        with self.db.writing() as driver:
            touch(driver, film_id)
            return ranking.place_next_to(driver, film_id, other_id, up)

    def move_by(self, film_id: int, delta: int) -> int:
        """Move a film `delta` places (negative = up)."""
        with self.db.writing() as driver:
            known = touch(driver, film_id, "rank_key", "place")
            return ranking.reposition(driver, film_id, delta, relative=True, known=known)[1]

    def move_to_top(self, film_id: int) -> int:
        return self.move_to(film_id, 1)

    def move_to_bottom(self, film_id: int) -> int:
        with self.db.writing() as driver:
            touch(driver, film_id)
            update(driver, film_id, {"rank_key": ranking.bottom_key(driver)})
            return ranking.count(driver)

    def add_film(self, facts: FilmFacts) -> FilmEntry:
        """Add the user's own film at the bottom of the ranking."""
        values = checked_facts(facts)
        with self.db.writing() as driver:
            refuse_duplicate(driver, values["title"], values["year"], values["original_title"])
            film_id = insert_film(driver, {**values, "rank_key": ranking.bottom_key(driver)})
            return film_state.entry(driver, film_id)

    def edit_film(self, film_id: int, facts: FilmFacts) -> FilmEntry:
        """Change a film's facts; a catalog film edited by the user keeps the user's version."""
        values = checked_facts(facts)
        with self.db.writing() as driver:
            (key,) = touch(driver, film_id, "key")
            refuse_duplicate(
                driver, values["title"], values["year"], values["original_title"], film_id
            )
            update(driver, film_id, {**values, "user_edited": key is not None})
            return film_state.entry(driver, film_id)

    def remove_film(self, film_id: int) -> RemovedFilm:
        """Remove a film with its viewings; a removed catalog film stays removed on upgrades.
        Returns what `restore_film` needs to put it back."""
        from cryqueue.storage import removal  # lazy: start-up

        with self.db.writing() as driver:
            return removal.take_out(driver, film_id)

    def restore_film(self, removed: RemovedFilm) -> int:
        """Put a removed film back where it was, with its viewings, state and relations."""
        from cryqueue.storage import removal  # lazy: start-up

        with self.db.writing() as driver:
            return removal.put_back(driver, removed)

    def import_records(
        self, records: Sequence[ImportRecord], progress: Progress | None = None
    ) -> ImportSummary:
        """Merge a cryqueue export's records, whose order becomes the top of the ranking."""
        batch = ImportBatch(list(records), ranking=range(len(records)))
        return self.import_batch(batch, progress)

    @staticmethod
    def read_import(
        path: Path, fmt: ImportFormat = "auto", ranking: str | None = None
    ) -> ImportBatch:
        """Read and check a file, ZIP or folder to import (see `interop.import_sources`)."""
        from cryqueue.interop import import_sources  # lazy: start-up

        return import_sources.load(path, fmt, ranking)

    def backup_beside(self, label: str, keep: int | None = KEEP_AUTOMATIC_BACKUPS) -> Path:
        """A dated copy of the library beside it, the newest few of `label` kept; for a
        library on a server, a JSON snapshot in the user's data folder."""
        if isinstance(self.db.location, ServerUrl):
            return save_server_snapshot(self.export_text("json"), self.db.location, label, keep)
        return backup_beside(self.db.location, label, keep)

    def import_batch(
        self, batch: ImportBatch, progress: Progress | None = None, *, dry_run: bool = False
    ) -> ImportSummary:
        """Merge an import into the library in one transaction (see `importer`); a dry run
        works out the same summary and writes nothing."""
        from cryqueue.storage import import_writer as importer  # lazy: start-up

        if dry_run:
            with self.db.reading() as driver:
                return importer.import_batch(driver, batch, progress, dry_run=True)
        with self.db.writing() as driver:
            return importer.import_batch(driver, batch, progress)
