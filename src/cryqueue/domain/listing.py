"""The app's list, held in memory: every film in ranking order with its search key, filtered and
sorted in Python. One read of 100,000 rows takes a fraction of a second; after that a filter
keystroke, a view or sort change, and a move touch no database at all."""

from __future__ import annotations

from bisect import bisect_left
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from itertools import filterfalse
from operator import itemgetter
from typing import Literal, TypeVar

from cryqueue.domain.errors import Abandoned
from cryqueue.domain.films import ListRow, Stats, tally_stats
from cryqueue.domain.search import SearchIndex, TagIndex, films_tagged, split_tags, tag_index
from cryqueue.domain.text import norm

WatchFilter = Literal["all", "watched", "unwatched"]
SortOrder = Literal["rank", "consensus", "year", "tears"]
T = TypeVar("T")
Stop = Callable[[], bool]  # asked now and then by long work: True means give up (Abandoned)
STOP_EVERY = 10_000  # items between two questions: a few milliseconds of work


def stoppable(items: Iterable[T], stop: Stop | None) -> Iterator[T]:
    """`items`, raising Abandoned as soon as `stop()` says so (checked every STOP_EVERY)."""
    if stop is None:
        yield from items
        return
    for n, item in enumerate(items):
        if n % STOP_EVERY == 0 and stop():
            raise Abandoned
        yield item


@dataclass
class Listing:
    """All films in ranking order (row i has rank i + 1) and each film's search key."""

    rows: list[ListRow]
    keys: dict[int, str]  # the normalised search column: titles, people
    notes: dict[int, str] = field(default_factory=dict)  # films with a note
    tags: dict[int, tuple[str, ...]] = field(default_factory=dict)  # films with tags
    index: dict[int, int] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.index = {row.id: i for i, row in enumerate(self.rows)}
        self._search: SearchIndex | None = None
        self._tagged: TagIndex | None = None
        # Films by (watched, tear level): the status line's figures, kept up to date as films
        # change, so that a key press never counts the whole list again.
        self._tally: Counter[tuple[bool, int | None]] = _tally(self.rows)

    def stats(self) -> Stats:
        return tally_stats(item for item in self._tally.items() if item[1])

    def search_index(self, stop: Stop | None = None) -> SearchIndex:
        """Built on first use (in the worker that filters, for a big list) and kept."""
        if self._search is None:
            films = (
                (row.id, row.title, row.original_title, self._other(row.id)) for row in self.rows
            )
            self._search = SearchIndex.build(stoppable(films, stop), other_normalised=True)
        return self._search

    def _other(self, film_id: int) -> str:
        parts = [self.keys.get(film_id, "")]
        parts.extend(self.tags.get(film_id, ()))
        note = self.notes.get(film_id)
        if note:
            parts.append(norm(note))
        return "\n".join(parts)

    def prepare(self, stop: Stop | None = None) -> None:
        """Build what the first filter keystroke needs (in the worker that reads the list)."""
        index = self.search_index(stop)
        if stop is not None and stop():
            raise Abandoned
        index.prepare()
        self.tagged(())

    def set_note(self, film_id: int, note: str) -> None:
        """A note changed: the next search rebuilds the index."""
        self.notes[film_id] = note
        self._search = None

    def set_tags(self, film_id: int, tags: tuple[str, ...]) -> None:
        """A film's tags changed: the next search rebuilds the index."""
        self.tags[film_id] = tags
        self._search = None
        self._tagged = None

    def tagged(self, wanted: tuple[str, ...]) -> set[int]:
        """The films carrying every wanted tag (or one starting with it, as the user types)."""
        if self._tagged is None:
            self._tagged = tag_index(self.tags.items())
        return films_tagged(self._tagged, wanted)

    def get(self, film_id: int) -> ListRow | None:
        at = self.index.get(film_id)
        return None if at is None else self.rows[at]

    def replace(self, row: ListRow) -> None:
        """A film's shown facts changed (watched, tears): same place, new values."""
        at = self.index.get(row.id)
        if at is not None:
            old = self.rows[at]
            self._tally[old.watched, old.tear_level] -= 1
            self._tally[row.watched, row.tear_level] += 1
            self.rows[at] = row._replace(rank=at + 1)

    def move(self, film_id: int, new_rank: int) -> None:
        move_row(self.rows, self.index, film_id, new_rank)


def move_row(rows: list[ListRow], index: dict[int, int], film_id: int, new_rank: int) -> int:
    """Move a film to `new_rank` in `rows` (sorted by rank, possibly filtered), renumbering the
    films it passes; keeps `index` (id -> position) right. Work is proportional to the distance
    moved, not to the length of the list. Returns the film's new position in `rows`."""
    at = index[film_id]
    old_rank = rows[at].rank
    if new_rank == old_rank:
        return at
    moved = rows.pop(at)
    step = 1 if new_rank < old_rank else -1
    low, high = (new_rank, old_rank - 1) if new_rank < old_rank else (old_rank + 1, new_rank)
    i = _first_at_least(rows, low)
    while i < len(rows) and rows[i].rank <= high:
        rows[i] = rows[i]._replace(rank=rows[i].rank + step)
        i += 1
    target = _first_at_least(rows, new_rank)
    rows.insert(target, moved._replace(rank=new_rank))
    for i in range(min(at, target), max(at, target) + 1):  # the positions that shifted
        index[rows[i].id] = i
    return target


def _first_at_least(rows: list[ListRow], rank: int) -> int:
    return bisect_left(rows, rank, key=lambda row: row.rank)


def select(
    listing: Listing,
    watched: WatchFilter = "all",
    sort: SortOrder = "rank",
    search: str = "",
    consensus: Callable[[], Mapping[int, int]] | None = None,
) -> list[ListRow]:
    """The rows the list shows for a view, a sort and a filter text."""
    rows = listing.rows
    if watched != "all":
        want = watched == "watched"
        rows = [row for row in rows if row.watched is want]
    tags, text = split_tags(search)
    if tags:
        tagged = listing.tagged(tags)
        rows = [row for row in rows if row.id in tagged]
    if norm(text):
        matched = listing.search_index().matching(text)
        rows = [row for row in rows if row.id in matched]
    if sort == "year":
        rows = sorted(rows, key=lambda r: (-r.year, r.rank))
    elif sort == "tears":
        rows = sorted(rows, key=lambda r: (r.tear_level is None, -(r.tear_level or 0), r.rank))
    elif sort == "consensus":
        places = consensus() if consensus else {}
        rows = sorted(rows, key=lambda r: (places.get(r.id, len(places)), r.rank))
    elif rows is listing.rows:
        rows = list(rows)
    return rows


_WATCHED = itemgetter(ListRow._fields.index("watched"))
_TEARS = itemgetter(ListRow._fields.index("tear_level"))


def listing_stats(rows: list[ListRow]) -> Stats:
    """The status line's figures from the list in memory (no database read)."""
    return tally_stats(_tally(rows).items())


def _tally(rows: list[ListRow]) -> Counter[tuple[bool, int | None]]:
    """Films by (watched, tear level), counted in two C-level passes: as quick at 100,000
    films as the sums they replaced."""
    seen = Counter(map(_TEARS, filter(_WATCHED, rows)))
    unseen = Counter(map(_TEARS, filterfalse(_WATCHED, rows)))
    tally: Counter[tuple[bool, int | None]] = Counter()
    for watched, counts in ((True, seen), (False, unseen)):
        for level, films in counts.items():
            tally[watched, level] = films
    return tally
