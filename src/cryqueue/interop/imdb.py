"""IMDb's CSV exports of ratings, the watchlist and lists, in the current column set (with
`Original Title`) and the older ones (`You rated`, `Title type`, lower-case names), from any of
IMDb's sites (title types in their language, see `imdb_types`), in UTF-8 or Windows-1252.

IMDb rates 1-10; cryqueue keeps stars, so a rating is halved (7 -> 3.5). A rated title has been
seen, on a day IMDb does not say (its Date Rated is when the rating was given)."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterator

from cryqueue.domain import validate
from cryqueue.domain.errors import UsageError
from cryqueue.domain.import_records import ImportBatch, ImportRecord, Skip, SkipGroup
from cryqueue.interop import imdb_types
from cryqueue.interop.csv_rows import (
    Kept,
    Row,
    RowSkipped,
    header_of,
    read_rows,
    records,
    row_facts,
    table,
)
from cryqueue.interop.csv_source import CsvText

_NUMBER = re.compile(r"[0-9]{1,9}")


def looks_like(text: str) -> bool:
    return "const" in header_of(text)


def parse(text: CsvText, ranked: bool = False) -> ImportBatch:
    """An IMDb export; `ranked`: its order (by Position) becomes the personal ranking. Its
    dates (Date Rated, created, Release Date, in whatever form) are not viewings, so they are
    never read, and an odd one never costs a row. The file is read as it comes, its records
    kept by `Kept`."""
    name = text.checked().name
    batch = ImportBatch([], described=f"IMDb {name}")
    if text.note:
        batch.notes.append(text.note)
    if not looks_like(text.head):
        raise UsageError(
            f"{name}: no 'Const' column; is it an IMDb ratings, watchlist or list export?"
        )
    if ranked and "position" not in header_of(text.head):
        raise UsageError(f"{name} is not a list (no Position column); --ranking needs a list")
    unknown: Counter[str] = Counter()  # title types imported as films, though not known
    placed: list[tuple[int, int]] = []  # (position, record index), for the ranking only
    kept = Kept()
    for position, record in _records(text, batch.skipped, unknown):
        if ranked:
            at = int(position) if _NUMBER.fullmatch(position) else kept.count + 1
            placed.append((at, kept.count))
        kept.add(record)
    kept.finish(batch)
    if unknown:
        types = ", ".join(f"{kind} ({n})" for kind, n in unknown.most_common(5))
        count = unknown.total()
        batch.notes.append(
            f"{name}: {count} row{'s' if count > 1 else ''} of a title type not recognised "
            f"imported as films: {types}"
        )
    if ranked:
        batch.ranking = [index for _position, index in sorted(placed)]
    return batch


def _records(
    text: CsvText, skipped: list[Skip], unknown: Counter[str]
) -> Iterator[tuple[str, ImportRecord]]:
    """(its Position, the record) for every row read; skipped rows go to `skipped`."""
    rows = table(text.name, records(text), skipped)
    for row, record in read_rows(rows, skipped, lambda row: _record(row, unknown)):
        yield row.get("position"), record


def _record(row: Row, unknown: Counter[str]) -> ImportRecord:
    title = row.get("title")
    given = row.get("titletype")
    kind = imdb_types.kind_of(given)
    if isinstance(kind, SkipGroup):
        english = imdb_types.type_key(given) == imdb_types.type_key(kind.one)
        said = "" if english else f" ({given!r} on IMDb)"
        raise RowSkipped(f"a {kind.one}{said}, not a film or series", kind)
    runtime = row.get("runtimemins")
    original = row.get("originaltitle")
    stars = row.get("yourrating", "yourated")
    facts = row_facts(
        row,
        title,
        "no year yet (not released)",
        original_title=row.check(
            lambda: validate.optional_text(
                original if original != title else None, "Original Title"
            ),
            "original title",
        ),
        kind=kind or imdb_types.FILM,
        runtime_minutes=row.check(lambda: _minutes(runtime), "runtime"),
    )
    if kind is None:
        unknown[given] += 1
    rating = row.check(lambda: validate.stars_from_ten(stars), "rating") if stars else None
    return ImportRecord(
        facts,
        imdb_id=row.check(lambda: validate.imdb_id(row.get("const")), "IMDb id"),
        rating=rating,
        watched=rating is not None,
        where=row.where,
        source=row.file,
    )


def _minutes(value: str) -> int | None:
    if not value:
        return None
    if not _NUMBER.fullmatch(value) or not 1 <= int(value) <= 10_000:
        raise UsageError(f"runtime {value!r} is not a number of minutes")
    return int(value)
