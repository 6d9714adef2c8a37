"""An import's records a chunk at a time, read, checked and prepared in a thread while the
chunk before is written.

SQLite lets go of the interpreter while it stores rows, so whatever Python work a chunk needs
before it meets the library is done here, beside the writing, not after it: reading and
checking the file, normalising each title once, and building the row of every film that may
turn out to be new and named only once (most films of a big import).

A file streamed from disk (a cryqueue export: `apart`) is read in a child process instead,
where the platform forks cheaply and safely (Linux, one thread): a thread shares one
interpreter with the writing, so their Python work took turns, and reading a big export costs
as much as writing it. Chunks come back pickled, in order, through a pipe, and are given their
rows here (the child, reading and checking, is the busier of the two)."""

from __future__ import annotations

import pickle
import signal
import sys
import threading
from collections.abc import Callable, Iterable, Iterator
from contextlib import suppress
from dataclasses import dataclass
from datetime import date
from itertools import islice
from queue import Full, Queue
from typing import TYPE_CHECKING, Any

from cryqueue.domain.errors import CryqueueError
from cryqueue.domain.import_records import ImportRecord, OddViewing, odd_viewings
from cryqueue.domain.search import folded
from cryqueue.domain.text import norm
from cryqueue.storage.import_matching import FilmKey, folded_original
from cryqueue.storage.import_merge import is_lone

if TYPE_CHECKING:
    from multiprocessing.connection import Connection
    from multiprocessing.process import BaseProcess

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
    return _with_rows(*_checked(records, today), early)


def _checked(records: list[ImportRecord], today: date) -> tuple[Chunk, list[str]]:
    """A chunk but for its rows (None each), and each record's title as `norm` gives it."""
    norms = [norm(record.facts.title) for record in records]
    keys = [(folded(n), record.facts.year) for n, record in zip(norms, records, strict=True)]
    originals = [folded_original(record.facts) for record in records]
    odd = list(odd_viewings(records, today))
    return Chunk(records, keys, originals, [None] * len(records), odd), norms


def _with_rows(chunk: Chunk, norms: list[str], early: Early | None) -> Chunk:
    """`chunk` with the row of each film named only once built early (`early`), if wanted."""
    if early is not None:
        chunk.rows = [
            early(r, n) if is_lone(r) else None for r, n in zip(chunk.records, norms, strict=True)
        ]
    return chunk


class Chunks:
    """The records as prepared chunks. A reading error is raised where the chunk would have
    come. `apart`: read them in a child process where one can be forked (`may_fork`)."""

    def __init__(
        self,
        records: Iterable[ImportRecord],
        early: Early | None,
        today: date,
        *,
        apart: bool = False,
    ) -> None:
        self._records = records
        self._early = early
        self._today = today
        self._queue: Queue[Chunk | BaseException | None] = Queue(maxsize=2)
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._read, name="import-reader", daemon=True)
        self._apart = apart and may_fork()
        self._child: BaseProcess | None = None
        self._pipe: Connection | None = None

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
        if self._apart:
            return self._chunks_apart()
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

    def _chunks_apart(self) -> Iterator[Chunk]:
        import multiprocessing  # lazy: only a big import needs it

        context = multiprocessing.get_context("fork")
        self._pipe, sending = context.Pipe(duplex=False)
        for stream in (sys.stdout, sys.stderr):
            with suppress(OSError, ValueError):  # a closed or broken stream has nothing to copy
                stream.flush()  # else the child writes what is buffered again when it ends
        self._child = context.Process(
            target=_read_apart,
            args=(self._records, self._today, sending, self._pipe),
            name="import-reader",
            daemon=True,
        )
        self._child.start()
        sending.close()  # the child's now: its end closing tells us it is gone
        return self._received(self._pipe)

    def _received(self, pipe: Connection) -> Iterator[Chunk]:
        """The child's chunks, each given its rows here: the child is the slower of the two,
        and the rows cost it more to build and send than they cost this process to build."""
        while True:
            try:
                got = pickle.loads(pipe.recv_bytes())
            except EOFError:
                raise CryqueueError(
                    "the import's reading process ended before the file was read (out of "
                    "memory, or stopped by a signal); nothing was written, try again"
                ) from None
            if isinstance(got, BaseException):
                raise got
            if got is None:
                return
            chunk, norms = got
            yield _with_rows(chunk, norms, self._early)

    def __exit__(self, *_exc: object) -> None:
        self._stop.set()
        if self._child is None:
            if self._thread.is_alive():
                self._thread.join()
            return
        if self._child.is_alive():
            self._child.terminate()  # an import that stopped early: no more chunks needed
        self._child.join()
        assert self._pipe is not None
        self._pipe.close()


def may_fork() -> bool:
    """Whether a child process can read the file: on Linux, where a fork is cheap and, from a
    process with no other thread, safe (a thread holding a lock at the fork would leave that
    lock held in the child forever; the app has threads and reads in a thread)."""
    return sys.platform == "linux" and threading.active_count() == 1


def _read_apart(
    records: Iterable[ImportRecord], today: date, pipe: Connection, import_end: Connection
) -> None:
    """The child process: every chunk but for its rows (`_checked`), then None, or the error
    that stopped the reading. It leaves ^C to the import, which ends it; if the import dies,
    the pipe breaks and so does this (its copy of the import's end, which the fork gave it,
    is closed first: else the pipe would never break, and it would wait on it for ever)."""
    import_end.close()
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    try:
        items = iter(records)
        while chunk := list(islice(items, CHUNK)):
            pipe.send_bytes(pickle.dumps(_checked(chunk, today), pickle.HIGHEST_PROTOCOL))
        pipe.send_bytes(pickle.dumps(None))
    except BrokenPipeError:
        pass  # the import has stopped listening
    except Exception as exc:  # handed over: the import raises it where the chunk would come
        with suppress(BrokenPipeError):  # unless it has stopped listening meanwhile
            pipe.send_bytes(_pickled(exc))


def _pickled(exc: Exception) -> bytes:
    """`exc` as the import can raise it: itself if it survives pickling, else what it says."""
    try:
        data = pickle.dumps(exc, pickle.HIGHEST_PROTOCOL)
        pickle.loads(data)
        return data
    except Exception:
        return pickle.dumps(CryqueueError(f"reading the file failed: {exc}"))
