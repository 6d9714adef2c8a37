"""The app's list, held in memory as columns: every film in ranking order, some 65 bytes a
film with its titles (6.6 MB for the bench's 100,000 films, by tracemalloc) where a tuple per
film took 80 MB. A line's row is made when it is shown. Filtering and sorting make a view (the films' ids in the
order shown) and touch no database; the search index is built on the first search, from the
database's search column."""

from __future__ import annotations

import threading
from array import array
from bisect import bisect_left
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Mapping
from itertools import compress
from typing import Any, Literal, Protocol, TypeVar, overload, runtime_checkable

from cryqueue.domain.columns import NONE, Places, Texts
from cryqueue.domain.errors import Abandoned
from cryqueue.domain.films import ListRow, Stats, tally_stats
from cryqueue.domain.search import SearchIndex, TagIndex, films_tagged, split_tags, tag_index
from cryqueue.domain.text import norm, search_columns

WatchFilter = Literal["all", "watched", "unwatched"]
SortOrder = Literal["rank", "consensus", "year", "tears"]
T = TypeVar("T")
Stop = Callable[[], bool]  # asked now and then by long work: True means give up (Abandoned)
STOP_EVERY = 10_000  # items between two questions: a few milliseconds of work
_FLIP = bytes([1, 0]) + bytes(254)  # watched flags turned over, for the 'to watch' view
# (id, search column, note): what the search index reads from the database; the titles and
# tags are the listing's own
SearchRow = tuple[int, str, str]
SearchRows = Callable[[Stop | None], Iterable[SearchRow]]


def stoppable(items: Iterable[T], stop: Stop | None) -> Iterator[T]:
    """`items`, raising Abandoned as soon as `stop()` says so (checked every STOP_EVERY).
    Never closes `items` (a cursor) when dropped: its connection may be closed already."""
    if stop is None:
        return iter(items)
    return _stopping(items, stop)


def _stopping(items: Iterable[T], stop: Stop) -> Iterator[T]:
    for n, item in enumerate(items):
        if n % STOP_EVERY == 0 and stop():
            raise Abandoned
        yield item


@runtime_checkable
class Rows(Protocol):
    """What the list widget shows: rows by position, found by film id, changed in place."""

    def __len__(self) -> int: ...
    def __getitem__(self, position: int) -> ListRow: ...
    def __iter__(self) -> Iterator[ListRow]: ...
    def index_of(self, film_id: int) -> int | None: ...
    def replace(self, row: ListRow) -> None: ...
    def remove(self, film_id: int) -> None: ...
    def move(self, film_id: int, new_rank: int) -> int | None: ...


class _Shown:
    """Rows by position over a column of film ids (a listing, or a view of one). Rows
    compare as the list of what they show (in tests, and a listing read twice)."""

    ids: array[int]

    def _row_at(self, position: int) -> ListRow:
        raise NotImplementedError

    def __len__(self) -> int:
        return len(self.ids)

    @overload
    def __getitem__(self, position: int) -> ListRow: ...
    @overload
    def __getitem__(self, position: slice) -> list[ListRow]: ...
    def __getitem__(self, position: int | slice) -> ListRow | list[ListRow]:
        if isinstance(position, slice):
            return [self._row_at(p) for p in range(len(self))[position]]
        if position < 0:
            position += len(self)
        if not 0 <= position < len(self):
            raise IndexError(position)
        return self._row_at(position)

    def __iter__(self) -> Iterator[ListRow]:
        return map(self._row_at, range(len(self)))

    def __eq__(self, other: object) -> bool:
        if isinstance(other, _Shown | list):
            return list(self) == list(other)
        return NotImplemented

    __hash__ = None  # type: ignore[assignment]


class Listing(_Shown):
    """All films in ranking order (position i has rank i + 1), a column per field. Rows come
    with `append` (or `of_rows`), then `done`."""

    def __init__(self, search_rows: SearchRows | None = None) -> None:
        self.ids: array[int] = array("i")  # "q" once an id needs it
        self._texts = Texts()
        self._title_at, self._title_len = array("I"), array("I")
        self._original_at, self._original_len = array("I"), array("I")
        self.years: array[int] = array("i")
        self.watched = bytearray()
        self.tears: array[int] = array("b")
        self.stars: array[int] = array("b")  # half stars: 9 is 4.5; NONE without a rating
        self.seen: array[int] = array("H")  # the latest viewing's day, in `_days`
        self._tags: array[int] = array("H")  # each film's tags, in `_tag_sets`
        self._tag_sets: list[tuple[str, ...]] = [()]  # each distinct set of tags once
        self._tag_set_at: dict[tuple[str, ...], int] = {(): 0}
        self.tags: Mapping[int, tuple[str, ...]] = _Tags(self)  # films with tags, by id
        self._days: list[str | None] = [None]  # each distinct day once (None: not seen)
        self._day_at: dict[str, int] = {}  # where each is in `_days`
        self._search_rows = search_rows
        self._places = Places(())
        self._search: SearchIndex | None = None
        self._tagged: TagIndex | None = None
        self._building = threading.Lock()  # one search index at a time (reader and filter)
        self._generation = 0  # bumped when the index is forgotten: a build under way is stale
        self._order = 0  # bumped when films change places (a move)
        # `_order` when the index was built, if its films were this listing's in this order:
        # until a film moves, what the index finds needs no mapping from ids to places.
        self._search_order: int | None = None
        # Films by (watched, tear level): the status line's figures, kept up to date as films
        # change, so that a key press never counts the whole list again.
        self._tally: Counter[tuple[int, int]] = Counter()

    @classmethod
    def of_rows(cls, rows: Iterable[ListRow]) -> Listing:
        """A listing of `rows`, in their order (the first page, before the whole list)."""
        listing = cls()
        for row in rows:
            listing.append(row)
        return listing.done()

    def append(self, row: ListRow, tags: tuple[str, ...] = ()) -> None:
        at = len(self.ids)
        try:
            self.ids.append(row.id)
        except OverflowError:  # an id past 2**31: 8 bytes each from now on
            self.ids = array("q", self.ids)
            self.ids.append(row.id)
        self._texts.add(row.title, self._title_at, self._title_len, at)
        self._texts.add(row.original_title, self._original_at, self._original_len, at)
        self.years.append(row.year)
        self.watched.append(row.watched)
        self.tears.append(NONE if row.tear_level is None else row.tear_level)
        self.stars.append(NONE if row.rating is None else round(row.rating * 2))
        self.seen.append(self._day(row.last_seen))
        self._tags.append(self._tag_set(tags))

    def done(self) -> Listing:
        self._places = Places(self.ids)
        self._tally = Counter(zip(self.watched, self.tears, strict=True))
        return self

    def _day(self, day: str | None) -> int:
        """Where `day` is in `_days` (added if new): 2 bytes a film, not a str's 8."""
        if day is None:
            return 0
        at = self._day_at.get(day)
        if at is None:
            at = self._day_at[day] = len(self._days)
            self._days.append(day)
            if at > 0xFFFF and self.seen.typecode == "H":  # 180 years of days
                self.seen = array("I", self.seen)
        return at

    def _tag_set(self, tags: tuple[str, ...]) -> int:
        """Where `tags` are in `_tag_sets` (added if new): a library repeats a few sets of
        tags, and 2 bytes a film cost less than a dict of the tagged films."""
        at = self._tag_set_at.get(tags)
        if at is None:
            at = self._tag_set_at[tags] = len(self._tag_sets)
            self._tag_sets.append(tags)
            if at > 0xFFFF and self._tags.typecode == "H":
                self._tags = array("I", self._tags)
        return at

    def tags_at(self, position: int) -> tuple[str, ...]:
        return self._tag_sets[self._tags[position]]

    def tag_marks(self) -> array[int]:
        """Each film's set of tags (0: none), in ranking order."""
        return self._tags

    # Reading ---------------------------------------------------------------------------------

    def _row_at(self, p: int) -> ListRow:
        tears, stars = self.tears[p], self.stars[p]
        return ListRow(
            self.ids[p],
            p + 1,
            self.title(p),
            self.original(p),
            self.years[p],
            self.watched[p] == 1,
            None if tears == NONE else tears,
            None if stars == NONE else stars / 2,
            self._days[self.seen[p]],
        )

    def title(self, position: int) -> str:
        return self._texts.get(self._title_at[position], self._title_len[position]) or ""

    def original(self, position: int) -> str | None:
        return self._texts.get(self._original_at[position], self._original_len[position])

    def index_of(self, film_id: int) -> int | None:
        return self._places.get(film_id)

    def marks(self, ids: Iterable[int]) -> bytearray:
        """A byte per position, 1 where a film of `ids` is."""
        return self._places.marks(ids, len(self.ids))

    def get(self, film_id: int) -> ListRow | None:
        at = self._places.get(film_id)
        return None if at is None else self._row_at(at)

    def stats(self) -> Stats:
        return tally_stats(
            ((seen == 1, None if level == NONE else level), films)
            for (seen, level), films in self._tally.items()
            if films
        )

    # Changing --------------------------------------------------------------------------------

    def replace(self, row: ListRow) -> None:
        """A film's shown facts changed (watched, tears, rating): same place, new values."""
        at = self._places.get(row.id)
        if at is None:
            return
        self._tally[self.watched[at], self.tears[at]] -= 1
        if row.title != self.title(at):
            self._texts.add(row.title, self._title_at, self._title_len, at)
        if row.original_title != self.original(at):
            self._texts.add(row.original_title, self._original_at, self._original_len, at)
        self.years[at] = row.year
        self.watched[at] = row.watched
        self.tears[at] = NONE if row.tear_level is None else row.tear_level
        self.stars[at] = NONE if row.rating is None else round(row.rating * 2)
        self.seen[at] = self._day(row.last_seen)
        self._tally[self.watched[at], self.tears[at]] += 1

    def remove(self, film_id: int) -> None:
        at = self._places.get(film_id)
        if at is None:
            return
        self._tally[self.watched[at], self.tears[at]] -= 1
        for column in self._columns():
            del column[at]
        self._places.drop(film_id)
        self._places.set(self.ids, at, len(self.ids))
        self._forget_search()

    def move(self, film_id: int, new_rank: int) -> int | None:
        """Move a film to `new_rank` (kept within the list), renumbering the films it passes:
        a shift of each column's stretch between the two places, in C. Returns the film's
        new position (None: not in the list)."""
        at = self._places.get(film_id)
        if at is None:
            return None
        to = max(0, min(new_rank - 1, len(self.ids) - 1))
        if to != at:
            for column in self._columns():
                value = column[at]
                del column[at]
                column.insert(to, value)
            self._places.set(self.ids, min(at, to), max(at, to) + 1)
            self._order += 1
        return to

    def _columns(self) -> tuple[array[int] | bytearray, ...]:
        return (
            self.ids,
            self._title_at,
            self._title_len,
            self._original_at,
            self._original_len,
            self.years,
            self.watched,
            self.tears,
            self.stars,
            self.seen,
            self._tags,
        )

    # Search ----------------------------------------------------------------------------------

    def search_index(self, stop: Stop | None = None) -> SearchIndex:
        """Built on first use (in a worker: when the filter opens, or its first keystroke)
        and kept until a note, tags or the films change. Titles are this listing's strings."""
        with self._building:
            index, generation, order = self._search, self._generation, self._order
            if index is None:
                films = self._search_films(stop)
                index = SearchIndex.build(stoppable(films, stop), other_normalised=True)
                if generation == self._generation:  # else a change came while building
                    self._search = index
                    # Films read in the list's order (SEARCH_SQL) unless another cryqueue
                    # changed the library meanwhile; compared in C.
                    self._search_order = order if index.ids == self.ids else None
            return index

    def found(self, text: str) -> bytes | bytearray:
        """A byte per position, 1 for the films the search index finds for `text`."""
        index = self.search_index()
        if index is self._search and self._search_order == self._order:
            return index.found_marks(text)
        return self.marks(index.found(text))

    def _search_films(self, stop: Stop | None) -> Iterator[tuple[int, str, str | None, str]]:
        """Each film's titles and search text: the database's search column and note, with
        the listing's tags; a listing made in memory has its titles' own column."""
        rows: Iterable[tuple[int, str | None, str]] = (
            ((film_id, None, "") for film_id in self.ids)
            if self._search_rows is None
            else self._search_rows(stop)
        )
        for film_id, key, note in rows:
            p = self.index_of(film_id)
            if p is None:
                continue  # added by another cryqueue since the list was read: shown on reload
            title, original = self.title(p), self.original(p)
            if key is None:
                key = search_columns(title, original, None, None, ())["search_norm"] or ""
            tags = self.tags_at(p)
            parts = [key, *tags, norm(note)] if note else [key, *tags] if tags else None
            yield film_id, title, original, key if parts is None else "\n".join(parts)

    def prepare(self, stop: Stop | None = None) -> None:
        """Build what the first filter keystroke needs (in a worker, when the filter opens)."""
        index = self.search_index(stop)
        if stop is not None and stop():
            raise Abandoned
        index.prepare()
        self.tagged(())

    def note_changed(self) -> None:
        """A note changed: the next search rebuilds the index (from the database)."""
        self._forget_search()

    def set_tags(self, film_id: int, tags: tuple[str, ...]) -> None:
        at = self._places.get(film_id)
        if at is not None:
            self._tags[at] = self._tag_set(tags)
        self._forget_search()
        self._tagged = None

    def _forget_search(self) -> None:
        """Without the build's lock: a note saved while the index builds (seconds at 100,000
        films, in a worker) must not wait for it; the build sees the new generation."""
        self._generation += 1
        self._search = None

    def tagged(self, wanted: tuple[str, ...]) -> set[int]:
        """The films carrying every wanted tag (or one starting with it, as the user types)."""
        if self._tagged is None:
            marks = self._tags  # the tagged films alone, in C
            tagged = zip(
                compress(self.ids, marks),
                map(self._tag_sets.__getitem__, filter(None, marks)),
                strict=True,
            )
            self._tagged = tag_index(tagged)
        return films_tagged(self._tagged, wanted)


class _Tags(Mapping[int, tuple[str, ...]]):
    """A listing's films with tags, by id: what a dict of them was, from its column."""

    def __init__(self, listing: Listing) -> None:
        self._listing = listing

    def __getitem__(self, film_id: int) -> tuple[str, ...]:
        tags = self._tags_of(film_id)
        if not tags:
            raise KeyError(film_id)
        return tags

    def get(self, film_id: int, default: Any = None) -> Any:
        """As a dict's, without an exception for each untagged film: the list asks for every
        line it draws, and most films have no tags."""
        return self._tags_of(film_id) or default

    def _tags_of(self, film_id: int) -> tuple[str, ...]:
        at = self._listing.index_of(film_id)
        return () if at is None else self._listing.tags_at(at)

    def __iter__(self) -> Iterator[int]:
        return compress(self._listing.ids, self._listing.tag_marks())

    def __len__(self) -> int:
        marks = self._listing.tag_marks()
        return len(marks) - marks.count(0)


class View(_Shown):
    """Some of a listing's films, in the order shown (a filter, a view, a sort): their ids,
    8 bytes a film; a row is the listing's, made when shown."""

    def __init__(self, listing: Listing, ids: array[int]) -> None:
        self.listing, self.ids = listing, ids

    def _row_at(self, position: int) -> ListRow:
        row = self.listing.get(self.ids[position])
        assert row is not None, "a view holds the listing's films"
        return row

    def index_of(self, film_id: int) -> int | None:
        try:
            return self.ids.index(film_id)  # a scan in C: a millisecond at 100,000
        except ValueError:
            return None

    def replace(self, row: ListRow) -> None:
        self.listing.replace(row)

    def remove(self, film_id: int) -> None:
        at = self.index_of(film_id)
        if at is not None:
            del self.ids[at]

    def move(self, film_id: int, new_rank: int) -> int | None:
        """The film moved to `new_rank` in the listing (which moves first): its place among
        the films shown, which are in ranking order."""
        at = self.index_of(film_id)
        if at is None:
            return None
        self.listing.move(film_id, new_rank)
        del self.ids[at]
        place = self.listing.index_of
        to = bisect_left(self.ids, place(film_id) or 0, key=lambda i: place(i) or 0)
        self.ids.insert(to, film_id)
        return to


def select(
    listing: Listing,
    watched: WatchFilter = "all",
    sort: SortOrder = "rank",
    search: str = "",
    consensus: Callable[[], Mapping[int, int]] | None = None,
) -> Listing | View:
    """The films the list shows for a view, a sort and a filter text: the listing itself when
    it shows them all in ranking order, else a view."""
    ids: Iterable[int] = listing.ids
    chosen = False
    kept: bytes | bytearray | None = None  # a byte a position: 1 for the films shown
    if watched != "all":
        kept = listing.watched if watched == "watched" else listing.watched.translate(_FLIP)
    tags, text = split_tags(search)
    if norm(text):
        found = listing.found(text)
        kept = found if kept is None else _both(kept, found)
    if kept is not None:
        ids, chosen = compress(ids, kept), True
    if tags:
        ids, chosen = filter(listing.tagged(tags).__contains__, ids), True
    if sort == "rank":
        return View(listing, array("q", ids)) if chosen else listing
    place = listing.index_of
    years, tears = listing.years, listing.tears

    def at(film_id: int) -> int:
        return place(film_id) or 0

    if sort == "year":
        order = sorted(ids, key=lambda i: (-years[at(i)], at(i)))
    elif sort == "tears":
        order = sorted(ids, key=lambda i: (tears[at(i)] == NONE, -tears[at(i)], at(i)))
    else:
        places = consensus() if consensus else {}
        order = sorted(ids, key=lambda i: (places.get(i, len(places)), at(i)))
    return View(listing, array("q", order))


def _both(a: bytes | bytearray, b: bytes | bytearray) -> bytes:
    """Two rows of flags (0 or 1 a byte, as long) and-ed, in C: as whole numbers."""
    return (int.from_bytes(a, "little") & int.from_bytes(b, "little")).to_bytes(len(a), "little")


def listing_stats(rows: Iterable[ListRow]) -> Stats:
    """The status line's figures from rows in memory (no database read)."""
    tally = Counter((bool(row.watched), row.tear_level) for row in rows)
    return tally_stats(tally.items())
