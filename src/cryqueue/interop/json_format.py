"""cryqueue's own JSON document: the export that `import` reads back without loss.

Import is strict: the first bad record stops it with a message naming the record, so that a
damaged or hostile file changes nothing."""

from __future__ import annotations

import io
import json
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from itertools import repeat
from pathlib import Path
from typing import Any

from cryqueue.domain import validate
from cryqueue.domain.errors import UsageError
from cryqueue.domain.films import JSON_DEFAULTS, FilmEntry, FilmFacts
from cryqueue.domain.import_records import ImportRecord
from cryqueue.interop import json_stream

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
    data = text.encode("utf-8") if isinstance(text, str) else text
    records = list(read_records(io.BytesIO(data).read))
    if all(r.rank is not None for r in records):
        records.sort(key=lambda r: r.rank or 0)  # stable: file order among equal ranks
    return records


class DocumentRecords:
    """The films of a cryqueue export file, read from the file each time they are gone
    through (a dry run, then the import) and never held whole: a million films stream."""

    def __init__(self, path: Path, limit: int, where: str) -> None:
        self.path = path
        self.limit = limit
        self.where = where  # what messages call the file

    def __iter__(self) -> Iterator[ImportRecord]:
        try:
            with self.path.open("rb") as handle:
                yield from read_records(handle.read, self.limit)
        except OSError as exc:
            raise UsageError(f"cannot read {self.where}: {exc.strerror}") from None
        except UsageError as exc:
            raise UsageError(f"{self.where}: {exc}") from None


def read_records(read: Callable[[int], bytes], limit: int = 1 << 62) -> Iterator[ImportRecord]:
    """The records of a cryqueue export read from `read` as they come, each with its `rank`
    (None where the file gives none). A file that is not a cryqueue export, or a bad record,
    stops the reading with a one-line `UsageError`."""
    seen: list[bytes] = []  # the first bytes read, kept to say where a broken file breaks

    def keeping(size: int) -> bytes:
        data = read(size)
        if len(seen) <= KEPT_CHUNKS:
            seen.append(data)
        return data

    try:
        reader = json_stream.Reader(keeping, limit)
        yield from _document(reader)
        json_stream.end(reader)
    except json_stream.TooLarge:
        raise UsageError(
            f"the file is larger than {limit >> 20} MiB; split it and import the parts"
        ) from None
    except RecursionError:
        raise UsageError("the file is nested too deeply to be a cryqueue export") from None
    except (ValueError, UnicodeDecodeError) as exc:
        raise _not_json(_where(seen, exc)) from None
    except UsageError:
        # A file that is not JSON at all is told so first, as when it was read whole.
        while len(seen) <= KEPT_CHUNKS and keeping(json_stream.CHUNK):
            pass
        broken = _where(seen, None)
        if broken is not None:
            raise _not_json(broken) from None
        raise


def _not_json(problem: object) -> UsageError:
    return UsageError(f"the file is not valid JSON ({problem}); give a cryqueue JSON export")


KEPT_CHUNKS = 64  # a broken file up to 64 MiB is told with its line and column


def _where(seen: list[bytes], exc: Exception | None) -> object:
    """The error as `json.loads` gives it for the whole document, its line and column counted
    from the file's start (the streaming reader counts from its buffer); for a bigger file,
    what is wrong without where. None: the document read so far is valid JSON."""
    if len(seen) <= KEPT_CHUNKS:
        try:
            json.loads(b"".join(seen))
        except (ValueError, UnicodeDecodeError) as whole:
            return whole
        except RecursionError:
            pass
        return exc
    return exc.msg if isinstance(exc, json.JSONDecodeError) else exc


def _document(reader: json_stream.Reader) -> Iterator[ImportRecord]:
    if reader.peek() == "[":
        yield from _records(json_stream.items(reader))
        return
    if reader.peek() != "{":
        reader.value()  # valid JSON, or the error that says where it is not
        raise UsageError("the file has no list of films; give a cryqueue JSON export")
    header: dict[str, Any] = {}
    films = False
    for key in json_stream.members(reader):
        if key == "films" and reader.peek() == "[":
            _check_header(header, complete=False)
            films = True
            yield from _records(json_stream.items(reader))
        else:
            header[key] = reader.value()
    _check_header(header, complete=True)
    if not films:
        raise UsageError("the file has no list of films; give a cryqueue JSON export")


def _check_header(header: dict[str, Any], *, complete: bool) -> None:
    """The export's format and version, once they have been read (an export writes them
    before its films; a file written by hand may not)."""
    if "format" not in header and not complete:
        return
    if header.get("format") != FORMAT_NAME:
        raise UsageError('the file is not a cryqueue export (no "format": "cryqueue")')
    version = header.get("version")
    if (
        not isinstance(version, int)
        or isinstance(version, bool)
        or not 1 <= version <= FORMAT_VERSION
    ):
        raise UsageError(
            f"the export has version {version!r}; this cryqueue reads versions 1 to "
            f"{FORMAT_VERSION} (a newer one needs a newer cryqueue)"
        )


def _records(items: Iterator[Any]) -> Iterator[ImportRecord]:
    today = date.today()  # for every viewing date's check: asking the clock costs
    for number, item in enumerate(items, 1):
        record = _record(item, number, today)
        rank = item.get("rank")
        if isinstance(rank, int) and not isinstance(rank, bool):
            record.rank = rank
        yield record


def _record(item: Any, number: int, today: date) -> ImportRecord:
    if not isinstance(item, dict):
        raise UsageError(f"film record {number} is not an object")
    try:
        return _checked_record(item, today)
    except (UsageError, TypeError, ValueError) as exc:
        label = item.get("title") if isinstance(item.get("title"), str) else None
        where = f"film record {number}" + (f" ({label[:60]!r})" if label else "")
        raise UsageError(f"{where}: {exc}") from None


def _checked_record(item: dict[str, Any], today: date) -> ImportRecord:
    """A key left out takes the film's default (`JSON_DEFAULTS`); so does a null kind or
    synopsis. The checks run in one fixed order, so a record with several faults is always
    told the same one. A key that is null or left out skips its checks: they cost more than
    the rest of the reading, a million times over. (`type(v) is int`: a JSON value that is an
    int is never a bool; nor is a JSON string ever a subclass of `str`.)"""
    get = item.get
    title = _text(item, "title", required=True)
    assert title is not None
    year = get("year")
    if type(year) is not int:
        raise UsageError("'year' must be a whole number")
    cast = get("cast", _CAST)
    if type(cast) is not list or not all(map(isinstance, cast, repeat(str))):
        raise UsageError("'cast' must be a list of names")
    tears = get("tear_level")
    if tears is not None and type(tears) is not int:
        raise UsageError("'tear_level' must be a whole number from 0 to 5, or null")
    note = get("note", _NOTE)
    if type(note) is not str:
        raise UsageError("'note' must be text")
    dates = get("viewing_dates")
    if dates is None:
        watched_on = get("watched_on")
        dates = [watched_on] if watched_on is not None else []
    if type(dates) is not list or not all(map(isinstance, dates, repeat(str))):
        raise UsageError("'viewing_dates' must be a list of YYYY-MM-DD dates")
    tags = get("tags", _TAGS)
    if type(tags) is not list or not all(map(isinstance, tags, repeat(str))):
        raise UsageError("'tags' must be a list of words")
    rating = get("rating")
    if rating is not None and type(rating) is not float and type(rating) is not int:
        raise UsageError("'rating' must be a number from 0.5 to 5, or null")
    undated = get("watched_undated", _UNDATED)
    if type(undated) is not bool:
        raise UsageError("'watched_undated' must be true or false")
    kind = get("kind")
    if kind != "film":
        kind = _text(item, "kind") or _KIND
    facts = _facts(
        title=validate.title(title),
        year=validate.year(year),
        original_title=_optional(item, "original_title", "the original title"),
        kind=kind if kind == "film" else validate.kind(kind),
        director=_optional(item, "director", "the director"),
        network=_optional(item, "network", "the network"),
        cast=_names(cast) if cast else (),
        runtime_minutes=_count(item, "runtime_minutes", maximum=10_000),
        synopsis=_synopsis(item),
    )
    imdb_id = get("imdb_id")
    return ImportRecord(
        facts=facts,
        episodes=_count(item, "episodes"),
        country=_optional(item, "country", "the country"),
        imdb_id=imdb_id if imdb_id is None else validate.imdb_id(_text(item, "imdb_id")),
        catalog_key=_text(item, "catalog_key"),
        viewings=tuple(sorted(validate.viewing_date(d, today) for d in dates)) if dates else (),
        tear_level=tears if tears is None else validate.tear_level(tears),
        note=validate.note(note) if note else note,
        rating=rating if rating is None else validate.rating(rating),
        tags=validate.tags(tags) if tags else (),
        watched_undated=undated,
    )


_CAST, _NOTE, _TAGS, _UNDATED, _KIND, _SYNOPSIS = (
    JSON_DEFAULTS[key] for key in ("cast", "note", "tags", "watched_undated", "kind", "synopsis")
)


def _facts(**fields: Any) -> FilmFacts:
    """FilmFacts of checked values, every field given, set without its `__init__`: a frozen
    dataclass's sets each field through `object.__setattr__`, a fifth of checking a film."""
    facts = object.__new__(FilmFacts)
    facts.__dict__.update(fields)
    return facts


def _optional(item: dict[str, Any], name: str, what: str) -> str | None:
    value = item.get(name)
    if value is None:
        return value
    clean = _PASSED.get(value) if type(value) is str else None
    if clean is None:
        clean = _passed(_text(item, name), what)
    return clean or None  # as `validate.optional_text`


def _names(cast: list[str]) -> tuple[str, ...]:
    """`validate.cast` of a list of strings, each name checked once (see `_passed`)."""
    names = []
    for name in cast:
        clean = _PASSED.get(name)
        if clean is None:
            clean = _passed(name, "a cast name")
        if clean:
            names.append(clean)
    return tuple(names)


def _passed(value: str | None, what: str) -> str:
    """`value` stripped and checked as one line of text (`validate.clean_text`), kept in
    `_PASSED` once it passes: the same director, network, country or actor comes back in
    film after film, and the check gives the same answer each time ('' for blank text)."""
    clean = validate.clean_text((value or "").strip(), what)
    if value:
        if len(_PASSED) >= _PASSED_MAX:
            _PASSED.clear()
        _PASSED[value] = clean
    return clean


# Texts that passed `_passed`'s check, and what they became; emptied when full.
_PASSED: dict[str, str] = {}
_PASSED_MAX = 1 << 16


def _synopsis(item: dict[str, Any]) -> str:
    value: str = _text(item, "synopsis") or _SYNOPSIS
    if not value:
        return value
    return validate.clean_text(value, "the synopsis", multiline=True, limit=20_000)


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
