"""Letterboxd's files: its data export (watched, diary, ratings, watchlist, reviews, lists) and
the CSV its importer reads, which `export --format letterboxd` writes.

The export carries no IMDb ids, so its films are matched on title and year. Its `watched.csv`
Date is when a film was logged, not when it was seen: only `diary.csv` (and `reviews.csv`) hold
viewings. A rewatch on the first viewing anyone recorded means the film was seen before that."""

from __future__ import annotations

import csv
import functools
import io
import itertools
from collections import Counter
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import PurePosixPath

from cryqueue.domain import validate
from cryqueue.domain.errors import UsageError
from cryqueue.domain.films import FilmEntry, FilmFacts
from cryqueue.domain.import_records import ImportBatch, ImportRecord, Skip
from cryqueue.interop.csv_rows import (
    Kept,
    Row,
    column_key,
    header_of,
    read_rows,
    records,
    row_facts,
    table,
)
from cryqueue.interop.csv_source import CsvText

LIST_MARK = "letterboxd list export"
# The import CSV Letterboxd documents; `export --format letterboxd` writes these columns.
EXPORT_COLUMNS = ("Title", "Year", "imdbID", "WatchedDate", "Rating", "Rewatch", "Tags", "Review")
# The export's files in the order they are applied: later ones have the last word on ratings.
EXPORT_FILES = ("watchlist.csv", "watched.csv", "diary.csv", "reviews.csv", "ratings.csv")
# Files and folders of the export that hold no films of yours, and why they are left out.
NOT_FILMS = {"profile.csv": "your profile, not films", "comments.csv": "comments, not films"}
NOT_FILM_FOLDERS = {
    "likes": "likes, not films you logged",
    "deleted": "entries you deleted",
    "orphaned": "orphaned entries, set apart from your films by Letterboxd",
}
UNKNOWN = "not a Letterboxd file cryqueue reads (no Name, Title or imdbID column)"
ONLY_LIST = ""  # `ranking` value: the one list the import reads
NO_TABLE = "no 'Position,Name,Year' table"


def left_out(name: str) -> str | None:
    """Why the export's file `name` holds no films to import, by its name alone; or None."""
    path = PurePosixPath(name)
    for part in path.parts[:-1]:
        if part in NOT_FILM_FOLDERS:  # deleted/diary.csv holds entries the user deleted
            return NOT_FILM_FOLDERS[part]
    return NOT_FILMS.get(path.name)


def kind_of(name: str, text: str) -> str | None:
    """Which Letterboxd file `name` is: an EXPORT_FILES name, 'list', 'import' (the importer's
    CSV), or None when it holds no films (profile, comments, likes)."""
    if left_out(name) is not None:
        return None
    path = PurePosixPath(name)
    if text.lstrip("\ufeff").casefold().startswith(LIST_MARK):
        return "list"  # lists/watchlist.csv is a list someone named Watchlist
    if path.name in EXPORT_FILES and len(path.parts) == 1:
        return path.name
    header = set(header_of(text))
    if "name" in header:
        if "review" in header:
            return "reviews.csv"
        if "watcheddate" in header:
            return "diary.csv"
        if "rating" in header:
            return "ratings.csv"
        if "year" not in header and {"date", "url", "description"} <= header:
            return "list"  # a list from before the v7 preamble: it starts with a blank line
        if "date" in header:
            return "watchlist.csv" if "watchlist" in path.name.casefold() else "watched.csv"
    if header & {"title", "imdbid", "tmdbid", "letterboxduri"}:
        return "import"
    return None


def parse(
    files: Sequence[CsvText],
    ranking: str | None = None,
    *,
    single: bool = False,
    ignored: Sequence[tuple[str, str]] = (),
) -> ImportBatch:
    """An import of Letterboxd files (names relative to the export's folder). `ranking`: the
    name (or file name) of a list whose order becomes the personal ranking; ONLY_LIST when
    exactly one list is given. `single`: one file the user named, not a ZIP or folder.
    `ignored`: (file, why) of the ZIP or folder, left out already. Every file left out is
    named in `batch.ignored` with why.

    The files are read through once here, as they come, their records kept by `Kept`."""
    batch = ImportBatch([], ignored=list(ignored))
    kinds = _sorted_by_kind(files, batch, single)
    if not kinds:
        if single and batch.ignored:
            name, why = batch.ignored[0]
            raise UsageError(f"{name}: {why}; nothing to import")
        found = "; ".join(f"{n}: {why}" for n, why in sorted(batch.ignored)[:5]) or "no CSV files"
        raise UsageError(
            f"no Letterboxd film files found (watched.csv, diary.csv, lists/…); found {found}"
        )
    lists: list[tuple[str, str, list[int]]] = []  # (list name, file name, record indexes)
    kept = Kept()
    for kind in (*EXPORT_FILES, "import", "list"):
        for text in sorted(kinds.get(kind, ()), key=lambda text: text.name):
            part = _Part(kind, text, _diary_order(text, batch) if kind == "diary.csv" else None)
            start, titles = kept.count, list[str]()
            for record in part.records(batch.skipped, titles):
                kept.add(record)
            if titles:
                lists.append((titles[0], text.name, list(range(start, kept.count))))
            elif kind == "list" and single:
                raise UsageError(f"{text.name}: {NO_TABLE}; is it a Letterboxd list export?")
            elif kind == "list":  # one odd list does not cost the whole export
                batch.ignored.append((text.name, f"a list with {NO_TABLE}"))
    kept.finish(batch)
    batch.ignored.sort()
    if ranking is not None:
        batch.ranking = _chosen(lists, ranking)
    found_names = sorted({PurePosixPath(t.name).name for group in kinds.values() for t in group})
    batch.described = "Letterboxd " + ", ".join(found_names[:6])
    batch.described += " …" if len(found_names) > 6 else ""
    return batch


def _sorted_by_kind(
    files: Sequence[CsvText], batch: ImportBatch, single: bool
) -> dict[str, list[CsvText]]:
    """The files by kind; the others go to `batch.ignored`. A file the export names (diary.csv,
    lists/…) or the one file given must be readable text; another CSV that is not is left out
    like any file that is not Letterboxd's."""
    kinds: dict[str, list[CsvText]] = {}
    for text in files:
        name = text.name
        why = left_out(name)
        if why is not None:
            batch.ignored.append((name, why))
            continue
        path = PurePosixPath(name)
        if text.error is not None:
            if single or path.name in EXPORT_FILES or "lists" in path.parts:
                raise text.error
            batch.ignored.append((name, "not UTF-8 or Windows-1252 text"))
            continue
        kind = kind_of(name, text.head)
        if kind is None:
            batch.ignored.append((name, UNKNOWN))
            continue
        if text.note:
            batch.notes.append(text.note)
        kinds.setdefault(kind, []).append(text)
    return kinds


def _chosen(lists: list[tuple[str, str, list[int]]], wanted: str) -> list[int]:
    if wanted == ONLY_LIST:
        if len(lists) != 1:
            raise UsageError(
                f"--ranking needs one list, and the import has {len(lists)}; "
                "name the list: --ranking 'LIST NAME'"
            )
        return lists[0][2]
    key = column_key(wanted)
    for title, file, indexes in lists:
        if key in (column_key(title), column_key(PurePosixPath(file).stem)):
            return indexes
    names = ", ".join(repr(title) for title, _f, _i in lists) or "none"
    raise UsageError(f"no list named {wanted!r} in the import; its lists: {names}")


KeyRange = tuple[str, str]  # the first and last Watched Date of a part of a diary
DIARY_PART = 20_000  # rows of an unsorted diary sorted in memory at a time


@dataclass(frozen=True)
class _Part:
    """One file of the import: `order`, for a diary not in Watched Date order, the ranges of
    dates read one after the other (see `_diary_order`)."""

    kind: str
    text: CsvText
    order: list[KeyRange] | None

    def records(self, skipped: list[Skip], titles: list[str]) -> Iterator[ImportRecord]:
        """The file's records; its skipped rows go to `skipped`, a list's name to `titles`."""
        if self.kind == "list":
            return _list_records(self.text, skipped, titles)
        if self.kind == "diary.csv":
            rows = _diary_rows(self.text, self.order)
        else:
            rows = table(self.text.name, records(self.text), skipped)
        read = functools.partial(_record, self.kind)
        return (record for _row, record in read_rows(rows, skipped, read))


def _watched(row: Row) -> str:
    return row.get("watcheddate")


def _diary_order(text: CsvText, batch: ImportBatch) -> list[KeyRange] | None:
    """A diary is read oldest viewing first, so that the latest viewing's rating is the one
    kept. Most diaries are in that order already (None: read as it is). Another is read in
    ranges of Watched Dates of about DIARY_PART rows each, a range sorted in memory at a
    time: memory holds one range, not the diary. Its rows with too many values are skipped
    here, all before the rows skipped for their values, as when the diary was sorted whole."""
    dates: Counter[str] = Counter()
    last, in_order = "", True
    for row in table(text.name, records(text), batch.skipped):
        day = _watched(row)
        dates[day] += 1
        in_order = in_order and day >= last
        last = day
    if in_order:
        return None
    ranges: list[KeyRange] = []
    first, size = "", 0
    for day in sorted(dates):
        first = first if size else day
        size += dates[day]
        if size >= DIARY_PART:
            ranges.append((first, day))
            size = 0
    if size:
        ranges.append((first, max(dates)))
    return ranges


def _diary_rows(text: CsvText, order: list[KeyRange] | None) -> Iterator[Row]:
    """The diary's rows oldest viewing first (its rows with too many values, already counted
    by `_diary_order`, are left out quietly)."""
    if order is None:
        yield from table(text.name, records(text), [])
        return
    for first, last in order:
        rows = list(table(text.name, _dated(records(text), first, last), []))
        rows.sort(key=_watched)
        yield from rows


def _dated(
    rows: Iterator[tuple[int, list[str]]], first: str, last: str
) -> Iterator[tuple[int, list[str]]]:
    """The header, and the records whose Watched Date is from `first` to `last`: the others
    are passed over before they are made rows (`table`'s header: the first not blank)."""
    column: int | None = None
    for line, fields in rows:
        if column is None:
            if any(f.strip() for f in fields):
                keys = [column_key(f) for f in fields][::-1]  # a repeated name: the last wins
                column = len(keys) - 1 - keys.index("watcheddate") if "watcheddate" in keys else -1
            yield line, fields
            continue
        day = fields[column].strip() if 0 <= column < len(fields) else ""
        if first <= day <= last:
            yield line, fields


LIST_HEAD = 1_000  # records of a list's preamble kept to find its name (it is the 3rd)


def _list_records(text: CsvText, skipped: list[Skip], titles: list[str]) -> Iterator[ImportRecord]:
    """A list file: its name from the record under the `Date,Name,…` header (the v7 preamble
    has a `Letterboxd list export` line above it, older files a blank line), put in `titles`,
    then the films from the Position header on. Nothing: the file has no Position header."""
    name = text.name
    all_records = records(text)
    head: list[list[str]] = []
    for _line, fields in all_records:
        if fields and column_key(fields[0]) == "position":
            break
        if len(head) < LIST_HEAD:
            head.append(fields)
    else:
        return
    titles.append(_list_name(head) or PurePosixPath(name).stem)
    header_line = [(0, fields)]  # the Position header again, for `table`
    rows = table(name, itertools.chain(header_line, all_records), skipped)
    for row, facts in read_rows(rows, skipped, _facts):
        yield ImportRecord(facts, where=row.where, source=name)


def _list_name(head: list[list[str]]) -> str:
    """The Name under the list's own `Date,Name,Tags,URL,Description` header, if it has one."""
    for at, fields in enumerate(head[:-1]):
        keys = [column_key(f) for f in fields]
        if keys[:1] == ["date"] and "name" in keys:
            values = head[at + 1]
            column = keys.index("name")
            return values[column].strip() if column < len(values) else ""
    return ""


def _record(kind: str, row: Row) -> ImportRecord:
    facts = _facts(row)
    day = _date(row, "watcheddate") if kind in ("diary.csv", "reviews.csv", "import") else None
    rewatch = day is not None and row.get("rewatch").casefold() in ("yes", "true", "1")
    note = row.raw("review") if kind in ("reviews.csv", "import") else ""
    return ImportRecord(
        facts,
        imdb_id=row.check(lambda: validate.imdb_id(row.get("imdbid")), "imdbID"),
        viewings=(day,) if day else (),
        rewatches=(day,) if day and rewatch else (),
        rating=_rating(row) if kind != "watchlist.csv" else None,
        tags=_tags(row),
        note=row.check(lambda: validate.note(note), "review"),
        watched=kind != "watchlist.csv",
        where=row.where,
        source=row.file,
    )


def _facts(row: Row) -> FilmFacts:
    title = row.get("name", "title")
    return row_facts(row, title, "no year (Letterboxd has none for it)")


def _date(row: Row, column: str) -> date | None:
    value = row.get(column)
    return row.check(lambda: validate.viewing_date(value), "date") if value else None


def _rating(row: Row) -> float | None:
    """Stars, or Rating10 halved; `4,5` is 4.5 (a spreadsheet's decimal comma)."""
    stars = row.get("rating").replace(",", ".")
    if not stars and row.get("rating10"):
        tenths = row.get("rating10")
        return row.check(lambda: validate.stars_from_ten(tenths), "rating")
    return row.check(lambda: validate.rating(stars), "rating")


def _tags(row: Row) -> tuple[str, ...]:
    value = row.get("tags")
    if not value:
        return ()
    return row.check(lambda: validate.tags(t for t in value.split(",") if t.strip()), "tag")


# Export ----------------------------------------------------------------------------------------


def export_rows(entries: Iterable[FilmEntry], include_notes: bool) -> list[list[str]]:
    """One row per viewing of every watched film (a film watched on a day nobody recorded gets a
    row without a date), oldest first, then by title: the order does not depend on the
    ranking, so export -> import -> export gives the same file. The note, if included, goes
    with the film's latest row only (one review, not one per viewing)."""
    rows: list[tuple[tuple[str, str, int], list[str]]] = []
    for e in entries:
        if not e.watched:
            continue
        days: list[date | None] = [None] if e.watched_undated else []
        days += list(e.viewings)
        rating = f"{e.rating:g}" if e.rating is not None else ""
        tags = ", ".join(e.tags)
        for n, day in enumerate(days):
            review = e.note if include_notes and n == len(days) - 1 else ""
            stamp = day.isoformat() if day else ""
            rewatch = "Yes" if day is not None and n > 0 else ""
            values = [e.title, str(e.year), e.imdb_id or "", stamp, rating, rewatch, tags, review]
            rows.append(((stamp, e.title.casefold(), e.year), values))
    rows.sort(key=lambda item: item[0])
    return [values for _key, values in rows]


def export_text(entries: Iterable[FilmEntry], include_notes: bool = False) -> str:
    out = io.StringIO(newline="")
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(EXPORT_COLUMNS)
    writer.writerows(export_rows(entries, include_notes))
    return out.getvalue()
