"""An import's records a chunk at a time, read, checked and prepared in a thread while the
chunk before is written.

SQLite lets go of the interpreter while it stores rows, so whatever Python work a chunk needs
before it meets the library is done here, beside the writing, not after it: reading and
checking the file, normalising each title once, and building the row of every film that may
turn out to be new and named only once (most films of a big import)."""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from datetime import date
from itertools import islice
from queue import Full, Queue
from typing import Any

from cryqueue.domain.import_records import ImportRecord, OddViewing, odd_viewings
from cryqueue.domain.search import folded
from cryqueue.domain.text import norm
from cryqueue.storage.import_matching import FilmKey, folded_original
from cryqueue.storage.import_merge import is_lone

CHUNK = 5_000  # records merged and written at a time


@dataclass
class Chunk:
    """A chunk's records, each with its match key (folded title, year), its original title
    folded (`folded_original`), and, for a record that may be a lone new film (`is_lone`),
    its row as `NewRows.early` gives it (else None, and None for all when `early` is not
    asked for)."""

    records: list[ImportRecord]
    keys: list[FilmKey]
    originals: list[str | None]
    rows: list[tuple[Any, ...] | None]
    odd: list[OddViewing]  # `odd_viewings`


Early = Callable[[ImportRecord, str], tuple[Any, ...]]


def prepared(records: list[ImportRecord], early: Early | None, today: date) -> Chunk:
    norms = [norm(record.facts.title) for record in records]
    keys = [(folded(n), record.facts.year) for n, record in zip(norms, records, strict=True)]
    if early is None:
        rows: list[tuple[Any, ...] | None] = [None] * len(records)
    else:
        rows = [early(r, n) if is_lone(r) else None for r, n in zip(records, norms, strict=True)]
    originals = [folded_original(record.facts) for record in records]
    odd = list(odd_viewings(records, today))
    return Chunk(records, keys, originals, rows, odd)


class Chunks:
    """The records as prepared chunks. A reading error is raised where the chunk would have
    come."""

    def __init__(self, records: Iterable[ImportRecord], early: Early | None, today: date) -> None:
        self._records = records
        self._early = early
        self._today = today
        self._queue: Queue[Chunk | BaseException | None] = Queue(maxsize=2)
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._read, name="import-reader", daemon=True)

    def _read(self) -> None:
        try:
            records = iter(self._records)
            while not self._stop.is_set():
                chunk = list(islice(records, CHUNK))
                if not chunk:
                    self._put(None)
                    return
                self._put(prepared(chunk, self._early, self._today))
        except BaseException as exc:  # handed over: the import's thread raises it
            self._put(exc)

    def _put(self, item: Chunk | BaseException | None) -> None:
        while not self._stop.is_set():
            try:
                self._queue.put(item, timeout=0.1)
                return
            except Full:
                continue

    def __enter__(self) -> Iterator[Chunk]:
        self._thread.start()
        return self._chunks()

    def _chunks(self) -> Iterator[Chunk]:
        while True:
            got = self._queue.get()
            if isinstance(got, BaseException):
                raise got
            if got is None:
                return
            yield got

    def __exit__(self, *_exc: object) -> None:
        self._stop.set()
        self._thread.join()
