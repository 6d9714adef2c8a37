"""What every import format is read into before it touches the library: checked records, the
rows left out (with why), and which records, if any, set the personal ranking."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field, fields
from datetime import date
from operator import attrgetter
from typing import Any, Final, Literal

from cryqueue.domain.films import FilmFacts
from cryqueue.domain.validate import viewing_out_of_range
from cryqueue.domain.wording import counted


@dataclass(slots=True)  # not frozen: a frozen dataclass builds a third slower, per record
class ImportRecord:
    """One film as one row or object of a file gives it, already checked by its parser.

    Several records may name the same film (a Letterboxd diary has a row per viewing); the
    importer merges them: viewings as a multiset, the last rating given, every tag."""

    facts: FilmFacts
    episodes: int | None = None
    country: str | None = None
    imdb_id: str | None = None
    catalog_key: str | None = None
    viewings: tuple[date, ...] = ()
    tear_level: int | None = None
    note: str = ""
    rating: float | None = None
    tags: tuple[str, ...] = ()
    watched: bool = False  # watched, whether or not a day is known
    watched_undated: bool = False  # watched on a day nobody recorded
    rewatches: tuple[date, ...] = ()  # viewings the file marks as rewatches
    where: str = ""  # "diary.csv line 4": for messages
    source: str = ""  # the file of a row-per-viewing format; "" for a film's whole record
    rank: int | None = None  # its place in the file's own ranking (cryqueue's JSON)

    def __reduce__(self) -> tuple[type[ImportRecord], tuple[Any, ...]]:
        """Pickled as its fields in order: an import's reader in another process sends a
        million. A slotted dataclass's own pickling sets each field from Python, and took
        longer than reading the record."""
        return (ImportRecord, _record_fields(self))


_record_fields = attrgetter(*(f.name for f in fields(ImportRecord)))


@dataclass(frozen=True, slots=True)
class SkipGroup:
    """What skipped rows are counted as in a summary, said after a number: 'TV episode(s)',
    'without a year'. A loss is then visible at a glance ("722 TV episodes, 3 without a year")."""

    one: str
    many: str = ""

    def count(self, number: int) -> str:
        return f"{number} {self.one if number == 1 or not self.many else self.many}"

    @classmethod
    def bad(cls, what: str) -> SkipGroup:
        """Rows with a value that does not pass its check: 'with a bad rating'."""
        return cls(f"with a bad {what}")


NO_YEAR = SkipGroup("without a year")
AMBIGUOUS = SkipGroup("matching two films")
OTHER = SkipGroup("for another reason", "for other reasons")


@dataclass(frozen=True)
class Skip:
    """A row an import leaves out, and why (shown by --dry-run and in the summary)."""

    where: str
    name: str
    reason: str
    group: SkipGroup = OTHER


def skip_counts(skipped: Iterable[Skip]) -> str:
    """'722 TV episodes, 3 without a year': the skips by group, largest first."""
    counts = Counter(skip.group for skip in skipped)
    return ", ".join(group.count(n) for group, n in counts.most_common())


OddViewing = tuple[str, int, date]  # title, year, day


def odd_viewings(records: Iterable[ImportRecord], today: date) -> Iterator[OddViewing]:
    """The viewings that could not be logged by hand (more than a year before the film's
    year, or after today: `validate.viewing_out_of_range`)."""
    for record in records:
        year = record.facts.year
        for day in (*record.viewings, *record.rewatches):
            if viewing_out_of_range(day, year, today):
                yield record.facts.title, year, day


def viewings_kept_as_given(odd_seen: Iterable[OddViewing], shown: int = 5) -> list[str]:
    """The summary's note on `odd_viewings`: an import keeps what its file says, so they are
    kept, and named here (the first `shown` of them); [] when there are none. A viewing
    repeated by several rows or files is named once."""
    odd = list(dict.fromkeys(odd_seen))
    if not odd:
        return []
    named = ", ".join(f"{title} ({year}) on {day.isoformat()}" for title, year, day in odd[:shown])
    more = f" and {len(odd) - shown} more" if len(odd) > shown else ""
    verb = "was" if len(odd) == 1 else "were"
    return [
        f"{counted(len(odd), 'viewing')} dated more than a year before the film's year, or "
        f"after today, {verb} kept as given: {named}{more}"
    ]


BY_RANK: Final = "by rank"  # every record, in the order of its `rank` (else as read)


@dataclass
class ImportBatch:
    """Everything one import asks for. `ranking`: indexes into `records`, in the order that
    becomes the top of the personal ranking, or BY_RANK; None leaves the ranking alone."""

    records: list[ImportRecord]
    ranking: Sequence[int] | Literal["by rank"] | None = None
    skipped: list[Skip] = field(default_factory=list)
    described: str = ""  # what was read, e.g. "Letterboxd export (diary.csv, ratings.csv)"
    notes: list[str] = field(default_factory=list)  # e.g. a file read as Windows-1252
    ignored: list[tuple[str, str]] = field(default_factory=list)  # (file, why) not read
    strict: bool = False  # any skip is an error: nothing is written
    # Records read from their file each time they are gone through, in place of `records`:
    # a big export is never held whole.
    stream: Iterable[ImportRecord] | None = None

    def all_records(self) -> Iterable[ImportRecord]:
        return self.records if self.stream is None else self.stream


@dataclass(frozen=True)
class ImportSummary:
    """What an import did (or, dry, would do); `import_report.summary_lines` says it in words."""

    added: int
    matched: int
    skipped: tuple[Skip, ...] = ()
    lines: tuple[str, ...] = ()  # one per film: what the import does to it (for --dry-run)
    notes: tuple[str, ...] = ()  # e.g. a file read as Windows-1252, types not recognised
    ignored: tuple[tuple[str, str], ...] = ()  # (file, why) of a ZIP or folder, not read
