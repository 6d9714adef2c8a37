"""Plain, immutable views of films that the CLI, the exports and the app share."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import MISSING, dataclass, field, fields
from datetime import date
from itertools import compress
from operator import attrgetter, or_
from types import MappingProxyType
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
        seen = self.watched_on.isoformat() if self.watched_on else None
        return ListRow(
            self.id, self.rank, self.title, self.original_title, self.year, self.watched,
            self.tear_level, self.rating, seen,
        )  # fmt: skip

    def to_json(self) -> dict[str, Any]:
        """The documented JSON object of `list --format json` and `export --format json`: one
        key per column of `COLUMNS`, in its order."""
        values = list(_COLUMN_VALUES(self))
        for index, convert in _CONVERTED:
            values[index] = convert(values[index])
        return dict(zip(COLUMN_KEYS, values, strict=False))  # as long by construction

    def facts(self) -> FilmFacts:
        """The facts a user gives for this film (what an edit form starts from)."""
        return FilmFacts(**{name: getattr(self, name) for name in FACT_FIELDS})


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
    """A library's figures, made only by `tally_stats`: `rated` counts the films with a tear
    level; `average_tears` is over the watched ones among them."""

    total: int
    watched: int
    rated: int
    average_tears: float | None


# How many films share each (watched, tear level): what every reader counts, in SQL with a
# GROUP BY or from the list in memory, for `tally_stats` to turn into figures.
Tally = Iterable[tuple[tuple[bool, int | None], int]]


def tally_stats(tally: Tally) -> Stats:
    """The library's figures, defined once for the app's header, the CLI and the exports. The
    average tear level counts watched films only: a level given before watching is a guess."""
    total = watched = rated = tears = counted = 0
    for (seen, level), films in tally:
        total += films
        if seen:
            watched += films
        if level is not None:
            rated += films
            if seen:
                tears += level * films
                counted += films
    return Stats(total, watched, rated, tears / counted if counted else None)


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


FACT_FIELDS = tuple(f.name for f in fields(FilmFacts))


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
    rating: float | None = None
    last_seen: str | None = None  # the latest viewing's day, YYYY-MM-DD (shown, never parsed)


@dataclass(frozen=True)
class RemovedFilm:
    """Everything needed to put a removed film back exactly as it was (undo)."""

    row: dict[str, Any]
    viewings: tuple[date, ...]
    source_ranks: tuple[tuple[int, int | None], ...]  # (source id, rank)
    relations: tuple[tuple[int, str, int, str | None], ...]  # (film, kind, other, note)
    position: int


class RankedFilms(NamedTuple):
    """Every film of a Markdown export in ranking order, one tuple per field (a film's values
    at the same index in each): read, filtered and written a column at a time, in C loops,
    100,000 films cost a fraction of what a tuple per film did. A reader may leave out the
    notes and ratings an export does not show: '' and None then."""

    ranks: tuple[int, ...] = ()
    titles: tuple[str, ...] = ()
    original_titles: tuple[str | None, ...] = ()
    years: tuple[int, ...] = ()
    last_viewed: tuple[str | None, ...] = ()  # the latest viewing's YYYY-MM-DD
    viewing_counts: tuple[int, ...] = ()
    tear_levels: tuple[int | None, ...] = ()
    notes: tuple[str, ...] = ()
    watched_undated: tuple[bool, ...] = ()
    ratings: tuple[float | None, ...] = ()
    tags: tuple[tuple[str, ...], ...] = ()

    @classmethod
    def of(cls, entries: Iterable[FilmEntry]) -> RankedFilms:
        """The films of FilmEntry views, in their order and with their own ranks."""
        rows = [
            (
                e.rank, e.title, e.original_title, e.year, _day(e.watched_on), len(e.viewings),
                e.tear_level, e.note, e.watched_undated, e.rating, e.tags,
            )
            for e in entries
        ]  # fmt: skip
        return cls._make(zip(*rows, strict=True)) if rows else cls()

    def watched(self) -> list[bool]:
        """Whether each film is watched, as `FilmEntry.watched` tells it."""
        return list(map(or_, map(bool, self.viewing_counts), self.watched_undated))

    def only(self, keep: Sequence[bool]) -> RankedFilms:
        """The films whose place in `keep` is true."""
        return RankedFilms._make(tuple(compress(column, keep)) for column in self)


# The film's columns, declared once ----------------------------------------------------------


@dataclass(frozen=True)
class Column:
    """One column of a film as users see it. `key` names it in `list --format json`, the JSON
    export and (as its header) the CSV export, which all have every column, in `COLUMNS`'s
    order; `label` names it to a reader ("Original title"; from the key unless given). `attr`
    is the FilmEntry field or property it shows (its key unless given); `json` turns that
    value into JSON (None: as it is); `fact` says a value in a details view's facts line
    ("117 min"; None: as text), for the columns `FACT_LINE` names."""

    key: str
    attr: str = ""
    label: str = ""
    json: Callable[[Any], Any] | None = None
    fact: Callable[[Any], str] | None = None

    def __post_init__(self) -> None:
        if not self.attr:
            object.__setattr__(self, "attr", self.key)
        if not self.label:
            object.__setattr__(self, "label", self.key.replace("_", " ").capitalize())


def _day(day: date | None) -> str | None:
    return day.isoformat() if day else None


def _days(days: tuple[date, ...]) -> list[str]:
    return [d.isoformat() for d in days]


COLUMNS: tuple[Column, ...] = (
    Column("rank"),
    Column("title"),
    Column("original_title"),
    Column("year"),
    Column("kind"),
    Column("director", fact="directed by {}".format),
    Column("network"),
    Column("cast", json=list),
    Column("runtime_minutes", label="Runtime", fact="{} min".format),
    Column("episodes", fact="{} episodes".format),
    Column("country"),
    Column("imdb_id", label="IMDb id"),
    Column("synopsis"),
    Column("watched"),
    Column("watched_on", json=_day),
    Column("viewings", json=len),
    Column("viewing_dates", "viewings", json=_days),
    Column("watched_undated", label="Watched, day not recorded"),
    Column("tear_level"),
    Column("rating"),
    Column("tags", json=list),
    Column("note"),
    Column("catalog_key", "key"),
)
# FilmEntry's fields that no column shows: the library's own handle on a film.
INTERNAL_FIELDS = frozenset({"id"})
COLUMN_KEYS = tuple(c.key for c in COLUMNS)
LABELS: Mapping[str, str] = MappingProxyType({c.key: c.label for c in COLUMNS})
_BY_KEY = {c.key: c for c in COLUMNS}
# A details view's facts line ("2000 · series · KBS2, directed by … · 16 episodes"): these
# columns in this order, each said only when set (not None, 0 or empty); the columns of one
# group (who made it) may be joined more closely. The cast has a line of its own (`cast_line`).
FACT_LINE: tuple[tuple[Column, ...], ...] = tuple(
    tuple(_BY_KEY[key] for key in group)
    for group in (
        ("year",),
        ("kind",),
        ("network", "director"),
        ("runtime_minutes",),
        ("episodes",),
    )
)
FACT_SEPARATOR = " · "
_COLUMN_VALUES = attrgetter(*(c.attr for c in COLUMNS))
_CONVERTED = tuple((i, c.json) for i, c in enumerate(COLUMNS) if c.json is not None)


def _json_defaults() -> dict[str, Any]:
    defaults = {f.name: f.default for f in fields(FilmEntry) if f.default is not MISSING}
    return {
        c.key: c.json(defaults[c.attr]) if c.json else defaults[c.attr]
        for c in COLUMNS
        if c.attr in defaults
    }


# A film's JSON where nobody said otherwise: FilmEntry's defaults, as JSON (`kind` "film", `cast`
# [], ...): what an import takes for a key a file leaves out. Never changed.
JSON_DEFAULTS: Mapping[str, Any] = MappingProxyType(_json_defaults())


def fact_parts(entry: FilmEntry, credits: str | None = None) -> list[str]:
    """The parts of a details view's facts line. `credits` joins the columns of a group (the
    network and the director) into one part, as the command line says 'KBS2, directed by …';
    None keeps each a part of its own, as the app does."""
    parts: list[str] = []
    for group in FACT_LINE:
        said = [(c.fact or str)(value) for c in group if (value := getattr(entry, c.attr))]
        if credits is None:
            parts += said
        elif said:
            parts.append(credits.join(said))
    return parts


def facts_line(entry: FilmEntry, credits: str | None = None) -> str:
    """'2004 · film · directed by John H. Lee · 117 min': `fact_parts` as one line."""
    return FACT_SEPARATOR.join(fact_parts(entry, credits))


def cast_line(entry: FilmEntry) -> str:
    """'with Son Ye-jin, Jung Woo-sung', or '' when the cast is not known."""
    return f"with {', '.join(entry.cast)}" if entry.cast else ""
