"""IMDb's CSV exports of ratings, the watchlist and lists, in the current column set (with
`Original Title`) and the older ones (`You rated`, `Title type`, lower-case names).

IMDb rates 1-10; cryqueue keeps stars, so a rating is halved (7 -> 3.5). A rated title has been
seen, on a day IMDb does not say (its Date Rated is when the rating was given)."""

from __future__ import annotations

import re

from . import validate
from .csv_rows import Row, column_key, decode, header_of, records, row_facts, table
from .errors import UsageError
from .records import ImportBatch, ImportRecord, Skip

# Title types, compared without spaces or case ('TV Series' and 'tvSeries' are one).
FILM_TYPES = {
    "movie", "tvmovie", "short", "tvshort", "tvspecial", "video", "videomovie",
    "featurefilm", "shortfilm", "documentary", "tvfilm",
}  # fmt: skip
SERIES_TYPES = {"tvseries", "tvminiseries", "miniseries"}
_NUMBER = re.compile(r"[0-9]{1,9}")


def looks_like(text: str) -> bool:
    return "const" in header_of(text)


def parse(name: str, data: bytes, ranked: bool = False) -> ImportBatch:
    """An IMDb export; `ranked`: its order (by Position) becomes the personal ranking."""
    text = decode(name, data)
    if not looks_like(text):
        raise UsageError(
            f"{name}: no 'Const' column; is it an IMDb ratings, watchlist or list export?"
        )
    batch = ImportBatch([], described=f"IMDb {name}")
    placed: list[tuple[int, int]] = []  # (position, record index)
    for row in table(name, records(name, text)):
        record = _record(row, batch.skipped)
        if record is None:
            continue
        position = row.get("position")
        at = int(position) if _NUMBER.fullmatch(position) else len(placed) + 1
        placed.append((at, len(batch.records)))
        batch.records.append(record)
    if ranked:
        if "position" not in header_of(text):
            raise UsageError(f"{name} is not a list (no Position column); --ranking needs a list")
        batch.ranking = [index for _position, index in sorted(placed)]
    return batch


def _record(row: Row, skipped: list[Skip]) -> ImportRecord | None:
    title = row.get("title")
    if not title:
        raise row.fail("the title is empty; fix or delete that row")
    kind_name = column_key(row.get("titletype"))
    if kind_name in SERIES_TYPES:
        kind = "series"
    elif kind_name in FILM_TYPES or not kind_name:
        kind = "film"
    else:
        skipped.append(Skip(row.where, title, f"a {row.get('titletype')}, not a film or series"))
        return None
    runtime = row.get("runtimemins")
    original = row.get("originaltitle")
    stars = row.get("yourrating", "yourated")
    facts = row_facts(
        row,
        title,
        skipped,
        "no year yet (not released)",
        original_title=row.check(
            lambda: validate.optional_text(
                original if original != title else None, "Original Title"
            )
        ),
        kind=kind,
        runtime_minutes=row.check(lambda: _minutes(runtime)),
    )
    if facts is None:
        return None
    rating = row.check(lambda: validate.stars_from_ten(stars)) if stars else None
    return ImportRecord(
        facts,
        imdb_id=row.check(lambda: validate.imdb_id(row.get("const"))),
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
