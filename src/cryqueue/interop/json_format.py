"""cryqueue's own JSON document: the export that `import` reads back without loss.

Import is strict: the first bad record stops it with a message naming the record, so that a
damaged or hostile file changes nothing."""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from cryqueue.domain import validate
from cryqueue.domain.errors import UsageError
from cryqueue.domain.films import JSON_DEFAULTS, FilmEntry, FilmFacts
from cryqueue.domain.import_records import ImportRecord

FORMAT_NAME = "cryqueue"
FORMAT_VERSION = 2  # 2: rating, tags, watched_undated


@dataclass(frozen=True)
class SourceDoc:
    key: str
    title: str
    author: str | None
    site: str | None
    places: tuple[tuple[str, int, int | None], ...]  # (title, year, rank or None)


def export_document(
    entries: Sequence[FilmEntry], sources: Sequence[SourceDoc], now: datetime
) -> dict[str, Any]:
    return {
        "format": FORMAT_NAME,
        "version": FORMAT_VERSION,
        "exported_at": now.isoformat(timespec="seconds"),
        "films": [entry.to_json() for entry in entries],
        "sources": [
            {
                "key": s.key,
                "title": s.title,
                "author": s.author,
                "site": s.site,
                "films": [{"title": t, "year": y, "rank": r} for t, y, r in s.places],
            }
            for s in sources
        ],
    }


def dumps(document: Any) -> str:
    return json.dumps(document, ensure_ascii=False, indent=2) + "\n"


def parse_document(text: str | bytes) -> list[ImportRecord]:
    """Records of a cryqueue export (or of `list --format json`), in ranking order."""
    try:
        raw = json.loads(text)
    except RecursionError:
        raise UsageError("the file is nested too deeply to be a cryqueue export") from None
    except (ValueError, UnicodeDecodeError) as exc:
        raise UsageError(
            f"the file is not valid JSON ({exc}); give a cryqueue JSON export"
        ) from None
    if isinstance(raw, dict):
        if raw.get("format") != FORMAT_NAME:
            raise UsageError('the file is not a cryqueue export (no "format": "cryqueue")')
        version = raw.get("version")
        if (
            not isinstance(version, int)
            or isinstance(version, bool)
            or not 1 <= version <= FORMAT_VERSION
        ):
            raise UsageError(
                f"the export has version {version!r}; this cryqueue reads versions 1 to "
                f"{FORMAT_VERSION} (a newer one needs a newer cryqueue)"
            )
        films = raw.get("films")
    else:
        films = raw
    if not isinstance(films, list):
        raise UsageError("the file has no list of films; give a cryqueue JSON export")
    records = [_record(item, number) for number, item in enumerate(films, 1)]
    return _in_rank_order(records, films)


def _in_rank_order(records: list[ImportRecord], raw: list[Any]) -> list[ImportRecord]:
    ranks = [item.get("rank") for item in raw]
    if all(isinstance(r, int) and not isinstance(r, bool) for r in ranks):
        order = sorted(range(len(records)), key=lambda i: (ranks[i], i))
        return [records[i] for i in order]
    return records


def _record(item: Any, number: int) -> ImportRecord:
    if not isinstance(item, dict):
        raise UsageError(f"film record {number} is not an object")
    label = item.get("title") if isinstance(item.get("title"), str) else None
    where = f"film record {number}" + (f" ({label[:60]!r})" if label else "")
    try:
        return _checked_record(item)
    except UsageError as exc:
        raise UsageError(f"{where}: {exc}") from None
    except (TypeError, ValueError) as exc:
        raise UsageError(f"{where}: {exc}") from None


def _checked_record(item: dict[str, Any]) -> ImportRecord:
    """A key left out takes the film's default (`JSON_DEFAULTS`); so does a null kind or synopsis."""
    title = _text(item, "title", required=True)
    assert title is not None
    year = item.get("year")
    if not isinstance(year, int) or isinstance(year, bool):
        raise UsageError("'year' must be a whole number")
    cast = item.get("cast", JSON_DEFAULTS["cast"])
    if not isinstance(cast, list) or not all(isinstance(c, str) for c in cast):
        raise UsageError("'cast' must be a list of names")
    tears = item.get("tear_level")
    if tears is not None and (not isinstance(tears, int) or isinstance(tears, bool)):
        raise UsageError("'tear_level' must be a whole number from 0 to 5, or null")
    note = item.get("note", JSON_DEFAULTS["note"])
    if not isinstance(note, str):
        raise UsageError("'note' must be text")
    dates = item.get("viewing_dates")
    if dates is None:
        watched_on = item.get("watched_on")
        dates = [watched_on] if watched_on is not None else []
    if not isinstance(dates, list) or not all(isinstance(d, str) for d in dates):
        raise UsageError("'viewing_dates' must be a list of YYYY-MM-DD dates")
    tags = item.get("tags", JSON_DEFAULTS["tags"])
    if not isinstance(tags, list) or not all(isinstance(t, str) for t in tags):
        raise UsageError("'tags' must be a list of words")
    rating = item.get("rating")
    if rating is not None and (not isinstance(rating, int | float) or isinstance(rating, bool)):
        raise UsageError("'rating' must be a number from 0.5 to 5, or null")
    undated = item.get("watched_undated", JSON_DEFAULTS["watched_undated"])
    if not isinstance(undated, bool):
        raise UsageError("'watched_undated' must be true or false")
    kind = _text(item, "kind") or JSON_DEFAULTS["kind"]
    facts = FilmFacts(
        title=validate.title(title),
        year=validate.year(year),
        original_title=validate.optional_text(_text(item, "original_title"), "the original title"),
        kind=validate.kind(kind),
        director=validate.optional_text(_text(item, "director"), "the director"),
        network=validate.optional_text(_text(item, "network"), "the network"),
        cast=validate.cast(cast),
        runtime_minutes=_count(item, "runtime_minutes", maximum=10_000),
        synopsis=validate.clean_text(
            _text(item, "synopsis") or JSON_DEFAULTS["synopsis"],
            "the synopsis",
            multiline=True,
            limit=20_000,
        ),
    )
    return ImportRecord(
        facts=facts,
        episodes=_count(item, "episodes"),
        country=validate.optional_text(_text(item, "country"), "the country"),
        imdb_id=validate.imdb_id(_text(item, "imdb_id")),
        catalog_key=_text(item, "catalog_key"),
        viewings=tuple(sorted(validate.viewing_date(d) for d in dates)),
        tear_level=validate.tear_level(tears),
        note=validate.note(note),
        rating=validate.rating(rating),
        tags=validate.tags(tags),
        watched_undated=undated,
    )


def _text(item: dict[str, Any], name: str, *, required: bool = False) -> str | None:
    value = item.get(name)
    if value is None:
        if required:
            raise UsageError(f"{name!r} is missing")
        return None
    if not isinstance(value, str):
        raise UsageError(f"{name!r} must be text")
    return value


def _count(item: dict[str, Any], name: str, maximum: int = 100_000) -> int | None:
    value = item.get(name)
    if value is None:
        return None
    if not isinstance(value, int) or isinstance(value, bool) or not 1 <= value <= maximum:
        raise UsageError(f"{name!r} must be a whole number from 1 to {maximum}, or null")
    return value
