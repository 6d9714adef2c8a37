"""The seeded catalog shipped in `seed/catalog.json`: loading and validating it.

The file is meant to be edited by contributors, so every problem is reported with the film's key
and field rather than as a stack trace."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from cryqueue.domain.errors import CryqueueError

KINDS = ("film", "series")
RELATION_KINDS = ("remake_of", "companion_of")
CATALOG_FILE = "catalog.json"


@dataclass(frozen=True)
class CatalogRelation:
    kind: str
    film: str
    note: str | None = None


@dataclass(frozen=True)
class CatalogFilm:
    key: str
    title: str
    original_title: str | None
    original_language: str | None
    year: int
    kind: str
    director: str | None
    network: str | None
    cast: tuple[str, ...]
    runtime_minutes: int | None
    episodes: int | None
    country: str | None
    imdb_id: str | None
    synopsis: str
    relations: tuple[CatalogRelation, ...] = ()


@dataclass(frozen=True)
class CatalogSource:
    key: str
    title: str
    author: str | None
    site: str | None
    rankings: tuple[tuple[str, int], ...]
    mentions: tuple[str, ...] = field(default=())


@dataclass(frozen=True)
class Catalog:
    version: int
    films: tuple[CatalogFilm, ...]
    sources: tuple[CatalogSource, ...]


def seed_dir() -> Path:
    """The `seed/` folder: inside the installed package, or at the root of a source checkout."""
    package = Path(__file__).resolve().parents[1]  # cryqueue/; this module is in domain/
    packaged = package / "seed"
    if (packaged / CATALOG_FILE).is_file():
        return packaged
    return package.parents[1] / "seed"


_VERSION_FIELD = re.compile(rb'^\{\s*"catalog_version":\s*(\d+)')


def catalog_version(path: Path | None = None) -> int | None:
    """The catalog's version from the head of its file, without parsing the rest (every start
    asks; a full parse costs tens of milliseconds). None if the head is not as expected."""
    path = path or seed_dir() / CATALOG_FILE
    try:
        with path.open("rb") as handle:
            match = _VERSION_FIELD.match(handle.read(64))
    except OSError:
        return None
    return int(match[1]) if match else None


def load_catalog(path: Path | None = None) -> Catalog:
    path = path or seed_dir() / CATALOG_FILE
    try:
        raw = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise CryqueueError(f"the seed catalog {path} cannot be read: {exc}") from None
    return parse_catalog(raw, origin=str(path))


def parse_catalog(raw: Any, origin: str = "catalog") -> Catalog:
    check = _Checker(origin)
    version = check.integer(raw, "catalog_version", minimum=1)
    films = tuple(
        _parse_film(check, item, number) for number, item in enumerate(check.array(raw, "films"), 1)
    )
    keys = [f.key for f in films]
    duplicates = sorted({k for k in keys if keys.count(k) > 1})
    if duplicates:
        check.fail(f"duplicate film keys: {', '.join(duplicates)}")
    known = set(keys)
    for film in films:
        for relation in film.relations:
            if relation.film not in known:
                check.fail(f"film {film.key}: relation to unknown film {relation.film}")
    sources = tuple(_parse_source(check, item, known) for item in check.array(raw, "sources"))
    return Catalog(version=version, films=films, sources=sources)


def _parse_film(check: _Checker, item: Any, number: int) -> CatalogFilm:
    title = item.get("title") if isinstance(item, dict) else None
    check.where = f"film #{number}" + (f" {title!r}" if isinstance(title, str) else "")
    key = check.text(item, "key")
    check.where = f"film {key}"
    kind = check.text(item, "kind")
    if kind not in KINDS:
        check.fail(f"kind must be one of {', '.join(KINDS)}, not {kind!r}")
    network = check.optional_text(item, "network")
    if kind == "series" and not network:
        check.fail("a series needs its network")
    cast = tuple(check.strings(item, "cast"))
    relations = tuple(
        CatalogRelation(
            kind=_one_of(check, check.text(rel, "kind"), RELATION_KINDS),
            film=check.text(rel, "film"),
            note=check.optional_text(rel, "note"),
        )
        for rel in check.array(item, "relations")
    )
    film = CatalogFilm(
        key=key,
        title=check.text(item, "title"),
        original_title=check.optional_text(item, "original_title"),
        original_language=check.optional_text(item, "original_language"),
        year=check.integer(item, "year", minimum=1888, maximum=2100),
        kind=kind,
        director=check.optional_text(item, "director"),
        network=network,
        cast=cast,
        runtime_minutes=check.optional_integer(item, "runtime_minutes"),
        episodes=check.optional_integer(item, "episodes"),
        country=check.optional_text(item, "country"),
        imdb_id=check.optional_text(item, "imdb_id"),
        synopsis=check.text(item, "synopsis"),
        relations=relations,
    )
    check.where = ""
    return film


def _parse_source(check: _Checker, item: Any, known: set[str]) -> CatalogSource:
    key = check.text(item, "key")
    check.where = f"source {key}"
    rankings = []
    for entry in check.array(item, "rankings"):
        film = _one_of(check, check.text(entry, "film"), known)
        rankings.append((film, check.integer(entry, "rank", minimum=1)))
    mentions = tuple(_one_of(check, m, known) for m in check.strings(item, "mentions"))
    source = CatalogSource(
        key=key,
        title=check.text(item, "title"),
        author=check.optional_text(item, "author"),
        site=check.optional_text(item, "site"),
        rankings=tuple(rankings),
        mentions=mentions,
    )
    check.where = ""
    return source


def _one_of(check: _Checker, value: str, allowed: Any) -> str:
    if value not in allowed:
        check.fail(f"unknown value {value!r}")
    return value


class _Checker:
    """Small typed accessors that fail with the file and the film or source in question."""

    def __init__(self, origin: str) -> None:
        self.origin = origin
        self.where = ""

    def fail(self, message: str) -> None:
        where = f" ({self.where})" if self.where else ""
        raise CryqueueError(f"the seed catalog {self.origin} is invalid{where}: {message}")

    def _get(self, obj: Any, name: str) -> Any:
        if not isinstance(obj, dict):
            self.fail(f"expected an object holding {name!r}")
        if name not in obj:
            self.fail(f"missing {name!r}")
        return obj[name]

    def text(self, obj: Any, name: str) -> str:
        value = self._get(obj, name)
        if not isinstance(value, str) or not value.strip():
            self.fail(f"{name!r} must be non-empty text")
        return str(value)

    def optional_text(self, obj: Any, name: str) -> str | None:
        if not isinstance(obj, dict) or obj.get(name) is None:
            return None
        return self.text(obj, name)

    def integer(self, obj: Any, name: str, minimum: int = 0, maximum: int = 10**9) -> int:
        value = self._get(obj, name)
        if not isinstance(value, int) or isinstance(value, bool) or not minimum <= value <= maximum:
            self.fail(f"{name!r} must be a whole number from {minimum} to {maximum}")
        return int(value)

    def optional_integer(self, obj: Any, name: str) -> int | None:
        if not isinstance(obj, dict) or obj.get(name) is None:
            return None
        return self.integer(obj, name, minimum=1)

    def array(self, obj: Any, name: str) -> list[Any]:
        value = self._get(obj, name)
        if not isinstance(value, list):
            self.fail(f"{name!r} must be a list")
        return list(value)

    def strings(self, obj: Any, name: str) -> list[str]:
        values = self.array(obj, name)
        if not all(isinstance(v, str) and v.strip() for v in values):
            self.fail(f"{name!r} must be a list of non-empty texts")
        return [str(v) for v in values]
