"""Noticing that another process changed the library, so an open app can show it.

SQLite's `PRAGMA data_version` on a connection that never writes changes whenever anyone
commits: it is the cheap question asked on a timer. It cannot tell this process's commits from
others', so every write transaction also counts itself in a `generation` row of `meta`, while
it holds the write lock: a generation that moved by more than this process's own commits means
another writer came in between. On a server the generation is itself the cheap question (every
cryqueue that writes there counts itself)."""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass

from cryqueue.domain.errors import CryqueueError
from cryqueue.storage.driver import Driver

GENERATION_KEY = "generation"


class WatchBusy(Exception):
    """Another process holds the file just now; look again on the next tick."""


_BUMP_SQL = (
    "INSERT INTO meta (key, value) VALUES (?, '1') ON CONFLICT (key) DO UPDATE "
    "SET value = CAST(meta.value AS INTEGER) + 1 RETURNING CAST(value AS INTEGER)"
)
GENERATION_SQL = f"SELECT CAST(value AS INTEGER) FROM meta WHERE key = '{GENERATION_KEY}'"


@dataclass(frozen=True)
class Probe:
    """How to look at one library without writing: a connection of its own that reads each
    query in a short transaction, the question whose answer moves on every commit, and what
    the driver's errors mean (busy: look again later)."""

    connect: Callable[[], Driver]
    version_sql: str
    errors: tuple[type[BaseException], ...]
    busy: Callable[[BaseException], bool]
    failure: Callable[[BaseException], CryqueueError]


class ChangeWatch:
    """This process's view of who last changed one database file."""

    def __init__(self, probe: Probe) -> None:
        self._probe = probe
        self._conn: Driver | None = None
        self._lock = threading.Lock()
        self._version: int | None = None  # data_version when last asked; None: not watching
        self._generation: int | None = None  # the newest generation this process knows of
        self._wrote = False  # this process committed since the last look
        self._elsewhere = False  # a commit of ours found another writer's before it

    def committing(self, conn: Driver, changed: bool) -> int | None:
        """Count a write transaction that changed something, just before it commits (the
        caller holds the write lock, so nobody else can commit in between). Returns the
        generation to hand to `committed` once the commit succeeded; None if nothing changed."""
        if not changed:
            return None  # nothing changed: the file stays as it was, generation included
        return self.bump(conn)()

    @staticmethod
    def bump(conn: Driver) -> Callable[[], int]:
        """`committing` for a transaction known to have changed something, its generation
        read by the call returned: on a server, after the COMMIT sent with it in one round
        trip; sqlite3's statement is read at once, as it must end before its COMMIT."""
        rows = conn.execute(_BUMP_SQL, (GENERATION_KEY,))
        if isinstance(conn, sqlite3.Connection):
            (generation,) = rows.fetchone()
            return lambda: int(generation)
        return lambda: int(rows.fetchone()[0])

    def committed(self, generation: int | None) -> None:
        """The commit counted by `committing` is in the file: it was ours."""
        if generation is None:
            return
        with self._lock:
            if self._generation is not None and generation != self._generation + 1:
                self._elsewhere = True
            self._generation = generation
            self._wrote = True

    def lost_count(self) -> None:
        """A commit failed after counting itself: which generation is ours is no longer
        known, so the next look reads everything again rather than miss another writer."""
        with self._lock:
            self._elsewhere = True

    def start(self) -> None:
        """Take the library as it is now as seen: later changes by others are reported."""
        with self._lock, self._reading() as conn:
            self._version = _number(conn, self._probe.version_sql)
            self._generation = _generation(conn)
            self._wrote = self._elsewhere = False

    def changed_elsewhere(self) -> bool:
        """Whether another process committed since the last look (one cheap query when not).
        A writer holding the file past a moment counts as nothing yet: the next look sees it."""
        try:
            if self._version is None:
                self.start()
                return False
            return self._look()
        except WatchBusy:
            return False

    def _look(self) -> bool:
        with self._lock, self._reading() as conn:
            version = _number(conn, self._probe.version_sql)
            elsewhere, self._elsewhere = self._elsewhere, False
            if version == self._version:
                return elsewhere
            self._version = version
            generation = _generation(conn)
            wrote, self._wrote = self._wrote, False
            # Not our commit if we made none (an older cryqueue does not count generations),
            # or if the count went past ours.
            changed = elsewhere or not wrote or generation != self._generation
            self._generation = generation
            return changed

    def close(self) -> None:
        with self._lock:
            self._drop()
            self._version = None

    @contextmanager
    def _reading(self) -> Iterator[Driver]:
        """The connection; the driver's errors as one-line messages (busy: look later)."""
        try:
            if self._conn is None:
                self._conn = self._probe.connect()
            yield self._conn
        except self._probe.errors as exc:
            if self._probe.busy(exc):
                raise WatchBusy from None
            self._drop()  # a server gone away: the next look connects anew
            raise self._probe.failure(exc) from None

    def _drop(self) -> None:
        if self._conn is not None:
            with suppress(*self._probe.errors):  # already broken
                self._conn.close()
            self._conn = None


def _number(conn: Driver, sql: str) -> int:
    row = conn.execute(sql).fetchone()
    return int(row[0]) if row and row[0] is not None else 0


def _generation(conn: Driver) -> int:
    return _number(conn, GENERATION_SQL)
