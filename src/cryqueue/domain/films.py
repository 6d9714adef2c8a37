"""Plain, immutable views of films that the CLI, the exports and the app share."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any, NamedTuple

TEAR_MIN, TEAR_MAX = 0, 5


@dataclass(frozen=True)
class FilmEntry:
    """A film as the user sees it: catalog facts plus their own state."""

    id: int
    rank: int
    title: str
    original_title: str | None
    year: int
    kind: str = "film"
    director: str | None = None
    network: str | None = None
    cast: tuple[str, ...] = ()
    runtime_minutes: int | None = None
    episodes: int | None = None
    country: str | None = None
    imdb_id: str | None = None
    synopsis: str = ""
    key: str | None = None
    tear_level: int | None = None
    note: str = ""
    viewings: tuple[date, ...] = ()
    rating: float | None = None
    tags: tuple[str, ...] = ()
    watched_undated: bool = False

    @property
    def watched(self) -> bool:
        return bool(self.viewings) or self.watched_undated

    @property
    def watched_on(self) -> date | None:
        return max(self.viewings) if self.viewings else None

    @property
    def label(self) -> str:
        """How a film is named in messages: 'Title (Year)'."""
        return f"{self.title} ({self.year})"

    def list_row(self) -> ListRow:
        return ListRow(
            self.id, self.rank, self.title, self.original_title, self.year, self.watched,
            self.tear_level,
        )  # fmt: skip

    def to_json(self) -> dict[str, Any]:
        """The documented JSON object of `list --format json` and `export --format json`."""
        return {
            "rank": self.rank,
            "title": self.title,
            "original_title": self.original_title,
            "year": self.year,
            "kind": self.kind,
            "director": self.director,
            "network": self.network,
            "cast": list(self.cast),
            "runtime_minutes": self.runtime_minutes,
            "episodes": self.episodes,
            "country": self.country,
            "imdb_id": self.imdb_id,
            "synopsis": self.synopsis,
            "watched": self.watched,
            "watched_on": self.watched_on.isoformat() if self.watched_on else None,
            "viewings": len(self.viewings),
            "viewing_dates": [d.isoformat() for d in self.viewings],
            "watched_undated": self.watched_undated,
            "tear_level": self.tear_level,
            "rating": self.rating,
            "tags": list(self.tags),
            "note": self.note,
            "catalog_key": self.key,
        }


@dataclass(frozen=True)
class Viewings:
    """A film's watch record: the days it was watched, oldest first, and whether it was also
    watched on a day nobody recorded (imported without a date)."""

    days: tuple[date, ...] = ()
    undated: bool = False

    def __bool__(self) -> bool:
        return bool(self.days) or self.undated

    def plus(self, day: date) -> Viewings:
        return Viewings(tuple(sorted((*self.days, day))), self.undated)


def watched_text(entry: FilmEntry) -> str:
    """'Watched 2× — 2024-01-02, 2025-03-04', with a day nobody recorded counted in."""
    dates = [d.isoformat() for d in entry.viewings]
    if entry.watched_undated:
        dates.insert(0, "once on a day not recorded")
    if not dates:
        return "Not watched yet"
    return f"Watched {len(dates)}× — {', '.join(dates)}"


def rating_text(rating: float | None) -> str:
    """'4.5★', or '' when there is no rating."""
    if rating is None:
        return ""
    return f"{rating:g}★"


@dataclass(frozen=True)
class SourcePlace:
    source: str
    author: str | None
    site: str | None
    rank: int | None  # None: mentioned in passing


@dataclass(frozen=True)
class RelatedFilm:
    label: str  # "remake of", "original of", "companion of"
    film_id: int
    title: str
    year: int
    note: str | None


@dataclass(frozen=True)
class FilmDetails:
    entry: FilmEntry
    sources: tuple[SourcePlace, ...] = ()
    related: tuple[RelatedFilm, ...] = ()


@dataclass(frozen=True)
class Stats:
    total: int
    watched: int
    rated: int
    average_tears: float | None


@dataclass(frozen=True)
class FilmFacts:
    """What a user gives when adding or editing a film."""

    title: str
    year: int
    original_title: str | None = None
    kind: str = "film"
    director: str | None = None
    network: str | None = None
    cast: tuple[str, ...] = field(default=())
    runtime_minutes: int | None = None
    synopsis: str = ""


def tear_scale(level: int | None, filled: str = "●", empty: str = "○") -> str:
    """The tear level as a five-symbol scale; unrated shows as an empty string."""
    if level is None:
        return ""
    return filled * level + empty * (TEAR_MAX - level)


class ListRow(NamedTuple):
    """One line of the app's list: just what it shows, so 100,000 of them stay small (a tuple
    builds in a fifth of the time of a frozen dataclass)."""

    id: int
    rank: int
    title: str
    original_title: str | None
    year: int
    watched: bool
    tear_level: int | None


@dataclass(frozen=True)
class RemovedFilm:
    """Everything needed to put a removed film back exactly as it was (undo)."""

    row: dict[str, Any]
    viewings: tuple[date, ...]
    source_ranks: tuple[tuple[int, int | None], ...]  # (source id, rank)
    relations: tuple[tuple[int, str, int, str | None], ...]  # (film, kind, other, note)
    position: int


class RankedItem(NamedTuple):
    """What one list item shows: read straight from the database for a big export."""

    rank: int
    title: str
    original_title: str | None
    year: int
    viewings: tuple[date, ...]  # oldest first
    tear_level: int | None
    note: str
    watched_undated: bool = False

    @property
    def watched_on(self) -> date | None:
        return self.viewings[-1] if self.viewings else None

    @property
    def watched(self) -> bool:
        return bool(self.viewings) or self.watched_undated
