"""Which film of the library an imported record names, for libraries of any size.

The library's names and IMDb ids are held as hashes, a few dozen bytes a film, so that a
million films can be matched in memory; a hash only points at candidates, and each candidate
is checked against what the film has stored. Those stored facts are read a chunk of records at
a time, for the candidates that chunk names."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any, NamedTuple

from cryqueue.domain.films import FilmFacts
from cryqueue.domain.import_records import ImportRecord
from cryqueue.domain.search import fold, identity_names
from cryqueue.storage.driver import Driver

FilmKey = tuple[str, int]  # folded title, year
IN_BATCH = 500  # ids in one `IN (…)` list


class State(NamedTuple):
    """A film's fields that an import may change, as the library has them."""

    label: str
    tear_level: int | None
    rating: float | None
    note: str
    tags_json: str
    watched_undated: bool
    imdb_id: str | None


class Stored(NamedTuple):
    """What matching checks a candidate against, and the state merging starts from."""

    names: frozenset[str]  # `identity_names`
    key: FilmKey  # its own title's
    state: State


_STORED_SQL = (
    "SELECT id, title, original_title, year, imdb_id, tear_level, rating, note, tags_json,"
    " watched_undated FROM film WHERE id IN ({})"
)


def rows_of_films(driver: Driver, sql: str, ids: Sequence[int]) -> Iterator[Sequence[Any]]:
    """The rows `sql` gives for these films, its `IN ({})` filled IN_BATCH ids at a time."""
    for start in range(0, len(ids), IN_BATCH):
        part = ids[start : start + IN_BATCH]
        yield from driver.execute(sql.format(", ".join("?" * len(part))), tuple(part))


def stored_of(row: Sequence[Any]) -> Stored:
    _fid, title, original, year, imdb_id, tears, rating, note, tags, undated = row
    state = State(f"{title} ({year})", tears, rating, note, tags, bool(undated), imdb_id)
    return Stored(frozenset(identity_names(title, original)), (fold(title), year), state)


def folded_original(facts: FilmFacts) -> str | None:
    """A record's original title as matching compares it (`fold`), None if it has none."""
    return fold(facts.original_title) if facts.original_title else None


def slot_of(record: ImportRecord, key: FilmKey) -> FilmKey:
    """What tells apart the films an import adds: the IMDb id where the file has one (two
    namesakes of a year), else the title and year."""
    return (record.imdb_id, 0) if record.imdb_id else key


@dataclass
class Known:
    """The films an import can match: the library's, and those the import has added so far.
    A dry run adds nothing; the films it would add or change are `pending`, by id (negative
    for a film it would add), and are matched as the real import would match them."""

    by_name: dict[int, int | list[int]] = field(default_factory=dict)
    by_imdb: dict[int, int | list[int]] = field(default_factory=dict)
    made: dict[int, int | list[int]] = field(default_factory=dict)  # the import's, by slot
    years: set[int] = field(default_factory=set)  # of the films `by_name` holds
    pending: dict[int, Stored] = field(default_factory=dict)
    _stored: dict[int, Stored] = field(default_factory=dict)  # the current chunk's candidates

    @classmethod
    def read(cls, driver: Driver) -> Known:
        known = cls()
        for fid, title, original, year, imdb_id in driver.execute(
            "SELECT id, title, original_title, year, imdb_id FROM film ORDER BY id"
        ):
            known.add(fid, identity_names(title, original), year, imdb_id)
        return known

    def add(self, fid: int, names: Iterable[str], year: int, imdb_id: str | None) -> None:
        for name in names:
            _put(self.by_name, hash((name, year)), fid)
        self.years.add(year)
        if imdb_id:
            _put(self.by_imdb, hash(imdb_id), fid)

    def load(
        self, driver: Driver, records: Iterable[tuple[ImportRecord, FilmKey, str | None]]
    ) -> list[bool]:
        """Read the stored facts of every film the records may name (see `match`). Returns,
        record by record, whether it may name one: a record that may not is a new film.
        Each record comes with its key and its original title folded (`folded_original`)."""
        wanted: set[int] = set()
        named: list[bool] = []
        for record, key, original in records:
            found = self._candidates(record, key, original)
            wanted.update(found)
            named.append(bool(found))
        self._stored = {fid: self.pending[fid] for fid in wanted if fid in self.pending}
        for row in rows_of_films(driver, _STORED_SQL, sorted(wanted - self._stored.keys())):
            self._stored[row[0]] = stored_of(row)
        return named

    def state(self, fid: int) -> State:
        return self._stored[fid].state

    def stored(self, fid: int) -> Stored:
        return self._stored[fid]

    def _candidates(self, record: ImportRecord, key: FilmKey, original: str | None) -> list[int]:
        # The names are not asked for a year no film of the library has (all of them, for a
        # new library's first import): folding the original title would cost more than the
        # rest. A film found by a hash of another year is not one `match` takes anyway.
        found: list[int] = []
        by_name = self.by_name
        if key[1] in self.years:
            found += _get(by_name, hash(key))
            if original:
                found += _get(by_name, hash((original, key[1])))
        if record.imdb_id and self.by_imdb:
            found += _get(self.by_imdb, hash(record.imdb_id))
        return found + _get(self.made, hash(slot_of(record, key)))

    def add_made(self, fid: int, slot: FilmKey) -> None:
        """A film the import adds, for the chunks after to find by its slot."""
        _put(self.made, hash(slot), fid)

    def made_by_import(self, slot: FilmKey) -> int | None:
        """The film an earlier chunk added for this slot (see `slot_of`), if any."""
        for fid in _get(self.made, hash(slot)):
            film = self._stored.get(fid)
            if film is None:
                continue  # another slot's hash: never read as a candidate
            if (film.state.imdb_id, 0) == slot if slot[1] == 0 else film.key == slot:
                return fid
        return None

    def match(self, record: ImportRecord, key: FilmKey, original: str | None) -> list[int]:
        """The films a record names: by IMDb id, else by title and year (`key`), English or
        original (`original`, folded); `load` has read the candidates."""
        wanted = record.imdb_id
        stored = self._stored
        if wanted:
            for fid in _get(self.by_imdb, hash(wanted)):
                if stored[fid].state.imdb_id == wanted:
                    return [fid]
        names = [key[0]] if not original else [key[0], original]
        found: list[int] = []
        for name in names:
            for fid in _get(self.by_name, hash((name, key[1]))):
                film = stored.get(fid)  # None: a name of another year with the same hash,
                if film is None:  # which `load` passed over (no film has this year)
                    continue
                if fid not in found and film.key[1] == key[1] and name in film.names:
                    found.append(fid)
        if wanted:  # a namesake known to be another title on IMDb is not this one
            found = [f for f in found if stored[f].state.imdb_id in (None, wanted)]
        return found


def _put(index: dict[int, int | list[int]], key: int, fid: int) -> None:
    have = index.get(key)
    if have is None:
        index[key] = fid
    elif isinstance(have, list):
        if fid not in have:
            have.append(fid)
    elif have != fid:
        index[key] = [have, fid]


def _get(index: dict[int, int | list[int]], key: int) -> list[int]:
    have = index.get(key)
    if have is None:
        return []
    return list(have) if isinstance(have, list) else [have]
