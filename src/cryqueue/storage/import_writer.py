"""Merging imported records into the library in one transaction, with bulk statements,
a chunk of records at a time, so that an import of any size holds only one chunk in memory.

ORM objects cost about 130 µs a film; 100,000 films would take most of a minute. So new films go
in with one multi-row INSERT, their ids come back with one SELECT, and viewings and updates go
in as executemany batches. A chunk's records are matched against the library as it is after
the chunks before it, so a film that two chunks name is added once and then met again.

A dry run goes through the same code and writes nothing: what it would write is kept
(`Known.pending`) for the chunks after, so it says what the import does, line for line."""

from __future__ import annotations

import sqlite3
from array import array
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from cryqueue.domain.bulk import collector_paused
from cryqueue.domain.errors import UsageError
from cryqueue.domain.import_records import (
    AMBIGUOUS,
    BY_RANK,
    ImportBatch,
    ImportRecord,
    ImportSummary,
    OddViewing,
    Skip,
    skip_counts,
    viewings_kept_as_given,
)
from cryqueue.domain.search import fold, identity_names
from cryqueue.storage import ranking
from cryqueue.storage.driver import Driver
from cryqueue.storage.import_chunks import Chunk, Chunks
from cryqueue.storage.import_matching import (
    FilmKey,
    Known,
    Stored,
    rows_of_films,
    slot_of,
)
from cryqueue.storage.import_merge import (
    NONE,
    MergedFilm,
    Sources,
    changes,
    lone_days,
    merge,
)
from cryqueue.storage.import_rows import NewRows
from cryqueue.storage.schema import quoted
from cryqueue.storage.shared_sql import day_of, sql_now

Progress = Callable[[str, int, int], None]  # (phase, done, total); total 0: not known yet


@dataclass
class _Run:
    """What an import keeps from chunk to chunk: a few bytes a record, whatever its size."""

    known: Known
    start_max: int  # the largest film id before the import: films above it are its own
    next_key: int  # the next new film's rank key (see `_key_above`)
    dry_run: bool
    staged: bool = False  # new films are written above the ranking (`_key_above`)
    added: int = 0
    matched: int = 0
    touched: bytearray = field(default_factory=bytearray)  # films here before, met once
    fid_of: array[int] = field(default_factory=lambda: array("q"))  # by record; 0: skipped
    rank_of: array[int] = field(default_factory=lambda: array("q"))  # by record (BY_RANK)
    ranked: bool = True  # every record has a rank
    later: list[str] | None = None  # indexes to build at the end (their SQL); None: not decided
    sorted_ranks: bool = True  # ... and they come in order
    skipped: list[Skip] = field(default_factory=list)
    lines: list[str] = field(default_factory=list)
    odd: dict[OddViewing, None] = field(default_factory=dict)
    carried: dict[int, Sources] = field(default_factory=dict)  # diary rows of earlier chunks
    pending_days: dict[int, Counter[date]] = field(default_factory=dict)  # (dry run)


def import_batch(
    driver: Driver,
    batch: ImportBatch,
    progress: Progress | None = None,
    *,
    dry_run: bool = False,
) -> ImportSummary:
    """Matched films get the file's tear level, rating and note where it has them (a note is
    added below the film's own, never over it), its tags and viewings added to theirs; other
    films are added as the user's own. With `batch.ranking`, those films lead the ranking."""
    report = progress or (lambda _phase, _done, _total: None)
    ((start_max,),) = driver.execute("SELECT coalesce(max(id), 0) FROM film")
    above = _key_above(driver) if batch.ranking == BY_RANK else None
    first_key = ranking.bottom_key(driver) if above is None else above
    run = _Run(Known.read(driver), int(start_max), first_key, dry_run, staged=above is not None)
    run.touched = bytearray(run.start_max + 1)
    run.skipped = list(batch.skipped)
    total = len(batch.records) if batch.stream is None else 0
    today = date.today()
    done = 0
    plan = NewRows()
    early = None if dry_run else plan.early  # a dry run adds no lone films
    with (
        collector_paused(),
        _roomy_cache(driver),
        Chunks(batch.all_records(), early, today, apart=batch.stream is not None) as chunks,
    ):
        for chunk in chunks:
            report("reading", done, total)
            run.odd.update(dict.fromkeys(chunk.odd))
            _import_chunk(driver, run, chunk, plan, batch.ranking == BY_RANK)
            done += len(chunk.records)
        for sql in run.later or ():
            driver.execute(sql)
    report("reading", done, total)
    if batch.strict and run.skipped:
        raise UsageError(_strict_refusal(run.skipped))
    if not dry_run and batch.ranking is not None:
        report("ranking", 0, 1)
        order = _order(run, batch.ranking)
        if not (run.staged and _place_among_new(driver, run, order)):
            _place(driver, run, order)
    report("done", 1, 1)
    return ImportSummary(
        added=run.added,
        matched=run.matched,
        skipped=tuple(run.skipped),
        lines=tuple(run.lines),
        notes=(*batch.notes, *viewings_kept_as_given(run.odd)),
        ignored=tuple(batch.ignored),
    )


@contextmanager
def _roomy_cache(driver: Driver) -> Iterator[None]:
    """A connection's page cache (`database.CACHE_KIB`) is smaller than the indexes a big
    import writes into, so their pages would be dropped and read back again and again: 64 MB
    while it writes."""
    if not isinstance(driver, sqlite3.Connection):
        yield
        return
    ((before,),) = driver.execute("PRAGMA cache_size")
    driver.execute("PRAGMA cache_size = -65536")
    try:
        yield
    finally:
        driver.execute(f"PRAGMA cache_size = {int(before)}")


Lone = tuple[ImportRecord, FilmKey, tuple[Any, ...]]  # a new film only this record names, its
# slot, its row but for the last columns (`NewRows.early`)
Pick = MergedFilm | int | None  # a record's film: merged, a lone one's place in `new`, none


def _import_chunk(
    driver: Driver,
    run: _Run,
    chunk: Chunk,
    plan: NewRows,
    by_rank: bool,
) -> None:
    named = run.known.load(driver, zip(chunk.records, chunk.keys, chunk.originals, strict=True))
    now = sql_now()
    films, new, picks = _gather(run, chunk, named, plan, now)
    matched = [f.fid for f in films.values() if f.fid is not None]
    pending = run.pending_days
    have_days = _days_of(driver, [fid for fid in matched if fid not in pending])
    have_days.update((fid, pending[fid]) for fid in matched if fid in pending)
    lines = run.lines if run.dry_run else None
    updates, viewings = changes(films.values(), run.known.state, have_days, lines)
    fids: list[int] = []
    if run.dry_run:
        _pretend(run, films)
    else:
        fids = _write(driver, run, plan, new, now, updates, viewings)
    for film in films.values():
        if film.fid is not None and any(film.sources):  # a diary-like file's rows
            run.carried[film.fid] = {k: v for k, v in film.sources.items() if k}
    fid_of = run.fid_of
    for pick in picks:
        if pick is None:
            fid_of.append(0)
        elif isinstance(pick, int):
            fid_of.append(fids[pick])
        else:
            fid_of.append(pick.fid or 0)
    if by_rank:
        for record in chunk.records:
            _rank(run, record.rank)


def _rank(run: _Run, rank: int | None) -> None:
    if rank is None:
        run.ranked = False
        rank = 0
    elif run.rank_of and rank < run.rank_of[-1]:
        run.sorted_ranks = False
    run.rank_of.append(rank)


def _gather(
    run: _Run,
    chunk: Chunk,
    named: list[bool],
    plan: NewRows,
    now: str,
) -> tuple[dict[FilmKey | int, MergedFilm], list[MergedFilm | Lone], list[Pick]]:
    """A chunk's records grouped by the film they name, in first-mention order; the films
    it adds, in that order; and each record's film. A record that may name no film of the
    library or of the import, and whose slot no other record of the chunk has, is a lone
    new film (`import_merge.is_lone`): it skips the merging, which cannot change it."""
    known = run.known
    films: dict[FilmKey | int, MergedFilm] = {}
    new: list[MergedFilm | Lone] = []
    picks: list[Pick] = []
    records, keys = chunk.records, chunk.keys
    slots = list(map(slot_of, records, keys))
    twice = {slot for slot, n in Counter(slots).items() if n > 1}
    for record, key, original, row, may_name, own in zip(
        records, keys, chunk.originals, chunk.rows, named, slots, strict=True
    ):
        if not may_name and row is not None and own not in twice:
            picks.append(len(new))
            new.append((record, own, row))
            continue
        facts = record.facts
        matches = known.match(record, key, original)
        if len(matches) > 1:
            names = " and ".join(known.state(m).label for m in matches[:2])
            label = f"{facts.title} ({facts.year})"
            run.skipped.append(Skip(record.where, label, f"matches {names}", AMBIGUOUS))
            picks.append(None)
            continue
        slot: FilmKey | int = matches[0] if matches else own
        if isinstance(slot, tuple) and (earlier := known.made_by_import(slot)) is not None:
            slot, matches = earlier, [earlier]
        film = films.get(slot)
        if film is None:
            if matches:
                film = MergedFilm(known.state(matches[0]).label, matches[0])
                film.sources = _copy(run.carried.get(matches[0]))
                _count_match(run, matches[0])
            else:
                columns = plan.columns_of(record, now)
                film = MergedFilm(f"{facts.title} ({facts.year})", None, columns)
                film.slot = own
                new.append(film)
            films[slot] = film
        merge(film, record)
        picks.append(film)
    return films, new, picks


def _count_match(run: _Run, fid: int) -> None:
    """A film that was here before is counted matched once, however many chunks name it."""
    if 0 < fid <= run.start_max and not run.touched[fid]:
        run.touched[fid] = 1
        run.matched += 1


def _copy(sources: Sources | None) -> Sources:
    if not sources:
        return {}
    return {name: (Counter(days), Counter(again)) for name, (days, again) in sources.items()}


def _write(
    driver: Driver,
    run: _Run,
    plan: NewRows,
    new: list[MergedFilm | Lone],
    now: str,
    updates: list[tuple[Any, ...]],
    viewings: list[tuple[int, str]],
) -> list[int]:
    """A chunk's statements: new films, changes to matched ones, everybody's new viewings.
    Returns the new films' ids, in `new`'s order."""
    fids = _write_new(driver, run, plan, new, now) if new else []
    for film, fid in zip(new, fids, strict=True):
        days = film.days.elements() if isinstance(film, MergedFilm) else lone_days(film[0])
        viewings += [(fid, day.isoformat()) for day in days]
    if updates:
        driver.executemany(
            "UPDATE film SET tear_level = coalesce(?, tear_level),"
            " rating = coalesce(?, rating), note = coalesce(?, note),"
            " tags_json = coalesce(?, tags_json), watched_undated = coalesce(?, watched_undated),"
            " imdb_id = coalesce(imdb_id, ?), updated_at = ? WHERE id = ?",  # `change`'s order
            updates,
        )
    if viewings:
        driver.executemany("INSERT INTO viewing (film_id, watched_on) VALUES (?, ?)", viewings)
    return fids


def _write_new(
    driver: Driver, run: _Run, plan: NewRows, new: list[MergedFilm | Lone], now: str
) -> list[int]:
    """Insert the chunk's new films, in order, from `run.next_key` on, and learn their ids."""
    if run.later is None:
        run.later = _index_later(driver, len(new))
    key, gap = run.next_key, ranking.GAP
    rows = [
        plan.merged(film, key + n * gap)
        if isinstance(film, MergedFilm)
        else plan.finish(film[2], now, key + n * gap)
        for n, film in enumerate(new)
    ]
    run.next_key += len(new) * gap
    ((first,),) = driver.execute("SELECT coalesce(max(id), 0) FROM film")
    driver.executemany(plan.sql, rows)
    added = driver.execute("SELECT id FROM film WHERE id > ? ORDER BY id", (first,))
    fids = [int(fid) for (fid,) in added]
    for film, fid in zip(new, fids, strict=True):
        if isinstance(film, MergedFilm):
            film.fid = fid
            film.columns = None
            assert film.slot is not None
            run.known.add_made(fid, film.slot)
        else:
            run.known.add_made(fid, film[1])
    run.added += len(new)
    return fids


def _index_later(driver: Driver, adding: int) -> list[str]:
    """(SQLite) When a chunk adds at least as many films as the library has, drop the film
    table's plain indexes, to be built again once every film is in (`import_batch`): filling
    an index in one sorted pass costs a fifth of what inserting each row into it costs. Only
    the statements of this one transaction see the table without them (none looks films up by
    those columns), and an import that fails rolls the drop back with everything else. UNIQUE
    indexes stay, so every row is still checked as it goes in. Returns their CREATE statements."""
    if not isinstance(driver, sqlite3.Connection):
        return []
    ((films,),) = driver.execute("SELECT count(*) FROM film")
    if adding < films:
        return []
    listed = driver.execute("PRAGMA index_list(film)").fetchall()
    found = []
    for name in [name for _seq, name, unique, origin, *_ in listed if not unique and origin == "c"]:
        ((sql,),) = driver.execute("SELECT sql FROM sqlite_master WHERE name = ?", (name,))
        driver.execute(f"DROP INDEX {quoted(name)}")
        found.append(str(sql))
    return found


def _pretend(run: _Run, films: dict[FilmKey | int, MergedFilm]) -> None:
    """(Dry run) Keep what the chunk would write, for the chunks after it to match."""
    for film in films.values():
        assert film.after is not None
        if film.fid is None:
            run.added += 1
            film.fid = -run.added
            assert film.columns is not None and film.slot is not None
            run.known.add_made(film.fid, film.slot)
            title, original, year = (film.columns[n] for n in ("title", "original_title", "year"))
            names = frozenset(identity_names(title, original))
            run.known.pending[film.fid] = Stored(names, (fold(title), year), film.after)
        else:
            run.known.pending[film.fid] = run.known.stored(film.fid)._replace(state=film.after)
        run.pending_days[film.fid] = film.after_days or NONE


def _strict_refusal(skipped: list[Skip]) -> str:
    """The first skipped row's problem, and how many more there are: one line."""
    first, count = skipped[0], len(skipped)
    return (
        f"{first.where}: {first.reason}; --strict: {count} row{'s' if count > 1 else ''} "
        f"would be skipped ({skip_counts(skipped)}), so nothing was written"
    )


def _days_of(driver: Driver, fids: list[int]) -> dict[int, Counter[date]]:
    """The viewings the library has of these films, day by day."""
    days: dict[int, Counter[date]] = {}
    sql = "SELECT film_id, watched_on FROM viewing WHERE film_id IN ({})"
    for fid, day in rows_of_films(driver, sql, fids):
        days.setdefault(fid, Counter())[day_of(day, fid)] += 1
    return days


def _order(run: _Run, wanted: Iterable[int] | str) -> list[int]:
    """The films of the import's ranking, in its order, each once where first named."""
    if wanted == BY_RANK:
        indexes: Iterable[int] = range(len(run.fid_of))
        if run.ranked and not run.sorted_ranks:
            indexes = sorted(indexes, key=run.rank_of.__getitem__)  # stable: file order
    else:
        assert not isinstance(wanted, str)
        indexes = wanted
    seen: set[int] = set()
    order: list[int] = []
    for index in indexes:
        fid = run.fid_of[index]
        if fid and fid not in seen:
            seen.add(fid)
            order.append(fid)
    return order


# Room above the ranking for the films one ranked import adds (2**32 of them), and the lowest
# key it may start from: a 64-bit key leaves room for thousands of such imports.
_ABOVE = (1 << 32) * ranking.GAP
_LOWEST = -(1 << 62)
# At most this many films of a ranked import (films the library had) are given their places
# among its new ones one by one; more re-key the whole order (`_place`).
_FEW_MOVED = 10_000


def _key_above(driver: Driver) -> int | None:
    """Where a ranked import's new films start, above the ranking; None if the keys have run
    too low for its room. Every film of a ranked import (BY_RANK: every record has its place)
    goes to the top, so its new films are written there at once, in file order, and only the
    films the library had need moving (`_place_among_new`): at a million films, a million
    updates fewer."""
    ((front,),) = driver.execute("SELECT min(rank_key) FROM film")
    start = (0 if front is None else int(front)) - _ABOVE
    return start if start >= _LOWEST else None


def _place_among_new(driver: Driver, run: _Run, order: list[int]) -> bool:
    """Give the order's other films (the library's, matched by the file) their places among
    its new ones, which were written above the ranking in the order's order: each stretch of
    them gets keys spread between the new films around it. False, with nothing written, when
    the new films are not in the order's order (ranks out of file order), when none were
    added, or when too many would move: `_place` then re-keys the whole order."""
    if run.ranked and not run.sorted_ranks:
        return False
    new = [fid > run.start_max for fid in order]
    if all(new):
        return True
    if not any(new) or len(order) - sum(new) > _FEW_MOVED:
        return False
    moves: list[tuple[int, int]] = []
    start = 0
    while start < len(order):
        if new[start]:
            start += 1
            continue
        end = start
        while end < len(order) and not new[end]:
            end += 1
        lo = ranking.key_of(driver, order[start - 1]) if start else None
        hi = ranking.key_of(driver, order[end]) if end < len(order) else None
        keys = _spread(lo, hi, end - start)
        if keys is None:
            return False
        moves += zip(keys, order[start:end], strict=True)
        start = end
    driver.executemany("UPDATE film SET rank_key = ? WHERE id = ?", moves)
    return True


def _spread(lo: int | None, hi: int | None, count: int) -> list[int] | None:
    """`count` keys in order strictly between `lo` and `hi` (None: open end), spaced evenly;
    None if there is no room."""
    gap = ranking.GAP
    if hi is None:
        return None if lo is None else [lo + (n + 1) * gap for n in range(count)]
    if lo is None:
        return [hi - (count - n) * gap for n in range(count)]
    step = (hi - lo) // (count + 1)
    return [lo + (n + 1) * step for n in range(count)] if step >= 1 else None


def _place(driver: Driver, run: _Run, order: list[int]) -> None:
    """Put the import's ranking at the top, in its order, unless it is there already: the
    n-th film gets the key `base + n * GAP`, below every film's, so no key collides on the way
    (UNIQUE is checked row by row). Films with consecutive ids in consecutive places (the
    films an import adds, as it added them) are moved by one statement for the stretch,
    instead of one for each film."""
    if not order:
        return
    top = [
        fid
        for (fid,) in driver.execute("SELECT id FROM film ORDER BY rank_key LIMIT ?", (len(order),))
    ]
    if top == order:
        return
    gap = ranking.GAP
    ((front,),) = driver.execute("SELECT min(rank_key) FROM film")
    base = int(front) - len(order) * gap
    driver.executemany(
        "UPDATE film SET rank_key = ? + (id - ?) * CAST(? AS BIGINT) WHERE id BETWEEN ? AND ?",
        [(base + n * gap, first, gap, first, last) for n, first, last in stretches(order)],
    )


def stretches(ids: Sequence[int]) -> Iterator[tuple[int, int, int]]:
    """The runs of consecutive ids in `ids` (5, 6, 7, 3, 4 -> 5..7, 3..4), each as (its
    place in `ids`, first id, last id)."""
    start = 0
    for end in range(1, len(ids) + 1):
        if end == len(ids) or ids[end] != ids[end - 1] + 1:
            yield start, ids[start], ids[end - 1]
            start = end
