"""Letterboxd's files: its data export (watched, diary, ratings, watchlist, reviews, lists) and
the CSV its importer reads, which `export --format letterboxd` writes.

The export carries no IMDb ids, so its films are matched on title and year. Its `watched.csv`
Date is when a film was logged, not when it was seen: only `diary.csv` (and `reviews.csv`) hold
viewings. A rewatch on the first viewing anyone recorded means the film was seen before that."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence
from datetime import date
from pathlib import PurePosixPath

from . import validate
from .csv_rows import Row, column_key, decode, header_of, records, row_facts, table
from .entries import FilmEntry, FilmFacts
from .errors import UsageError
from .records import ImportBatch, ImportRecord, Skip

LIST_MARK = "letterboxd list export"
# The import CSV Letterboxd documents; `export --format letterboxd` writes these columns.
EXPORT_COLUMNS = ("Title", "Year", "imdbID", "WatchedDate", "Rating", "Rewatch", "Tags", "Review")
# The export's files in the order they are applied: later ones have the last word on ratings.
EXPORT_FILES = ("watchlist.csv", "watched.csv", "diary.csv", "reviews.csv", "ratings.csv")
NOT_FILMS = ("profile.csv", "comments.csv")
ONLY_LIST = ""  # `ranking` value: the one list the import reads


def kind_of(name: str, text: str) -> str | None:
    """Which Letterboxd file `name` is: an EXPORT_FILES name, 'list', 'import' (the importer's
    CSV), or None when it holds no films (profile, comments, likes)."""
    path = PurePosixPath(name)
    if path.name in NOT_FILMS or any(p in ("likes", "deleted", "orphaned") for p in path.parts):
        return None  # deleted/diary.csv holds entries the user deleted: not viewings
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
        if "date" in header:
            return "watchlist.csv" if "watchlist" in path.name.casefold() else "watched.csv"
    if header & {"title", "imdbid", "tmdbid", "letterboxduri"}:
        return "import"
    return None


def parse(files: Sequence[tuple[str, bytes]], ranking: str | None = None) -> ImportBatch:
    """An import of Letterboxd files (names relative to the export's folder). `ranking`: the
    name (or file name) of a list whose order becomes the personal ranking; ONLY_LIST when
    exactly one list is given."""
    kinds: dict[str, list[tuple[str, str]]] = {}
    for name, data in files:
        text = decode(name, data)
        kind = kind_of(name, text)
        if kind is not None:
            kinds.setdefault(kind, []).append((name, text))
    batch = ImportBatch([])
    lists: list[tuple[str, str, list[int]]] = []  # (list name, file name, record indexes)
    for kind in (*EXPORT_FILES, "import", "list"):
        for name, text in sorted(kinds.get(kind, ())):
            start = len(batch.records)
            if kind == "list":
                title = _read_list(name, text, batch)
                lists.append((title, name, list(range(start, len(batch.records)))))
            else:
                _read_table(kind, name, text, batch)
    if not kinds:
        raise UsageError("no Letterboxd film files found (watched.csv, diary.csv, lists/…)")
    if ranking is not None:
        batch.ranking = _chosen(lists, ranking)
    found = sorted({PurePosixPath(n).name for group in kinds.values() for n, _t in group})
    batch.described = "Letterboxd " + ", ".join(found[:6]) + (" …" if len(found) > 6 else "")
    return batch


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


def _read_table(kind: str, name: str, text: str, batch: ImportBatch) -> None:
    rows = list(table(name, records(name, text)))
    if kind == "diary.csv":  # oldest first, so the latest viewing's rating is the one kept
        rows.sort(key=lambda row: row.get("watcheddate"))
    for row in rows:
        record = _record(kind, row, batch.skipped)
        if record is not None:
            batch.records.append(record)


def _read_list(name: str, text: str, batch: ImportBatch) -> str:
    """A list file: its name from the third record, then the films from the Position header on."""
    title = PurePosixPath(name).stem
    all_records = records(name, text)
    head: list[list[str]] = []
    for _line, fields in all_records:
        if fields and column_key(fields[0]) == "position":
            break
        head.append(fields)
    else:
        raise UsageError(f"{name}: no 'Position,Name,Year' table; is it a Letterboxd list export?")
    if len(head) >= 3 and head[1] and column_key(head[1][0]) == "date" and len(head[2]) > 1:
        title = head[2][1].strip() or title
    header_line = [(0, fields)]  # the Position header again, for `table`
    rows = table(name, iter([*header_line, *all_records]))
    for row in rows:
        facts = _facts(row, batch.skipped)
        if facts is not None:
            batch.records.append(ImportRecord(facts, where=row.where, source=name))
    return title


def _record(kind: str, row: Row, skipped: list[Skip]) -> ImportRecord | None:
    facts = _facts(row, skipped)
    if facts is None:
        return None
    day = _date(row, "watcheddate") if kind in ("diary.csv", "reviews.csv", "import") else None
    rewatch = day is not None and row.get("rewatch").casefold() in ("yes", "true", "1")
    note = row.raw("review") if kind in ("reviews.csv", "import") else ""
    return ImportRecord(
        facts,
        imdb_id=row.check(lambda: validate.imdb_id(row.get("imdbid"))),
        viewings=(day,) if day else (),
        rewatches=(day,) if day and rewatch else (),
        rating=_rating(row) if kind != "watchlist.csv" else None,
        tags=_tags(row),
        note=row.check(lambda: validate.note(note)),
        watched=kind != "watchlist.csv",
        where=row.where,
        source=row.file,
    )


def _facts(row: Row, skipped: list[Skip]) -> FilmFacts | None:
    title = row.get("name", "title")
    if not title:
        raise row.fail("the film has no Name or Title; fix or delete that row")
    return row_facts(row, title, skipped, "no year (Letterboxd has none for it)")


def _date(row: Row, column: str) -> date | None:
    value = row.get(column)
    return row.check(lambda: validate.viewing_date(value)) if value else None


def _rating(row: Row) -> float | None:
    stars = row.get("rating")
    if not stars and row.get("rating10"):
        tenths = row.get("rating10")
        return row.check(lambda: validate.stars_from_ten(tenths))
    return row.check(lambda: validate.rating(stars))


def _tags(row: Row) -> tuple[str, ...]:
    value = row.get("tags")
    return row.check(lambda: validate.tags(t for t in value.split(",") if t.strip()))


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
