"""Crash safety: cryqueue processes are killed (SIGKILL) while they write; afterwards the database
is intact, every acknowledged write is there, and cryqueue starts normally.

Two ways to kill: at random moments (a hundred-odd writers, most forked from this test process,
a few the real `cryqueue` command, acknowledged by exiting 0), and at every SQL statement of each
kind of write in turn, where the database must then hold all of that write or none of it. The
second is what fails if a write stops being one transaction; the first reaches the moments in
between statements (inside SQLite's own commit). Forked writers start from a process that has
already opened a library and made each kind of write once, so a kill costs a few tens of
milliseconds rather than a library's first opening."""

from __future__ import annotations

import os
import random
import select
import shutil
import signal
import sqlite3
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest

from conftest import keys_in
from cryqueue.domain.films import FilmFacts
from cryqueue.library import Library
from cryqueue.maintenance.doctor import check

FORKED_KILLS = 100
CLI_KILLS = 5
CREATION_KILLS = 10
CREATION_STRIDE = 4  # kill creating a library at every 4th of its ~80 statements
pytestmark = pytest.mark.skipif(not hasattr(os, "fork"), reason="needs os.fork (POSIX)")


@dataclass
class Acknowledged:
    """What writers reported as done: every item must be in the database afterwards."""

    added: set[str] = field(default_factory=set)
    notes: dict[str, int] = field(default_factory=dict)  # film -> newest acknowledged version
    viewings: set[tuple[str, str]] = field(default_factory=set)


@pytest.fixture(scope="module")
def warm(tmp_path_factory: pytest.TempPathFactory) -> None:
    """Create a library and make each kind of write once in this process, so that forked
    writers inherit what a first opening and a first write load and build."""
    library = Library.open(tmp_path_factory.mktemp("warm") / "warm.db")
    try:
        film = library.add_film(FilmFacts(title="warm", year=2000, cast=("배우",)))
        library.set_note(film.id, "warm")
        library.mark_watched(film.id, "2000-01-01", tears=1)
        library.move_to(film.id, 1)
    finally:
        library.close()


def _writer(db: Path, k: int, out_fd: int) -> None:
    """Write forever, acknowledging each committed change on `out_fd` (run in a forked child)."""
    out = os.fdopen(out_fd, "w", buffering=1)
    rng = random.Random(k)
    library = Library.open(db)
    mine = f"crash {k}"
    film = library.add_film(FilmFacts(title=mine, year=2000))
    out.write(f"add\t{mine}\n")
    j = 0
    while True:
        j += 1
        op = j % 4
        if op == 0:
            title = f"crash {k}.{j}"
            library.add_film(FilmFacts(title=title, year=2001, cast=("배우", "Actor")))
            out.write(f"add\t{title}\n")
        elif op == 1:
            library.set_note(film.id, f"v{j} " + "눈물 " * rng.randint(1, 2000))
            out.write(f"note\t{mine}\t{j}\n")
        elif op == 2:
            day = (date(2000, 1, 1) + timedelta(days=j)).isoformat()
            library.mark_watched(film.id, day, tears=j % 6)
            out.write(f"watch\t{mine}\t{day}\n")
        else:
            library.move_to(film.id, rng.randint(1, 40))
            out.write("move\n")


def _run_and_kill(db: Path, k: int, delay: float, acks: Acknowledged, after_writes: int) -> None:
    """Fork a writer and SIGKILL it `delay` seconds after its `after_writes`-th acknowledged
    write (0: after it starts). Counting writes rather than time puts each kill among the
    writes however fast this machine opens the library and syncs the disk."""
    read_fd, write_fd = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child: never returns into pytest
        os.close(read_fd)
        try:
            _writer(db, k, write_fd)
        finally:
            os._exit(0)
    os.close(write_fd)
    chunks: list[bytes] = []
    if after_writes:
        give_up = time.monotonic() + 10
        while b"".join(chunks).count(b"\n") < after_writes and time.monotonic() < give_up:
            if select.select([read_fd], [], [], 0.5)[0]:
                chunks.append(os.read(read_fd, 65536))
    deadline = time.monotonic() + delay
    while (left := deadline - time.monotonic()) > 0:
        if select.select([read_fd], [], [], left)[0]:
            chunks.append(os.read(read_fd, 65536))
    os.kill(pid, signal.SIGKILL)
    os.waitpid(pid, 0)
    while chunk := os.read(read_fd, 65536):
        chunks.append(chunk)
    os.close(read_fd)
    text = b"".join(chunks).decode()
    for line in text.split("\n")[:-1]:  # a last line without its newline was never acknowledged
        kind, *rest = line.split("\t")
        if kind == "add":
            acks.added.add(rest[0])
        elif kind == "note":
            acks.notes[rest[0]] = max(acks.notes.get(rest[0], 0), int(rest[1]))
        elif kind == "watch":
            acks.viewings.add((rest[0], rest[1]))


def _cli_kill(db: Path, k: int, delay: float, acks: Acknowledged) -> bool:
    """Run a real `cryqueue add`, kill it after `delay`; True if it finished first."""
    title = f"cli crash {k}"
    proc = subprocess.Popen(
        [sys.executable, "-m", "cryqueue", "add", title, "--year", "2002", "--db", str(db)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        code = proc.wait(timeout=delay)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()
        return False
    if code == 0:
        acks.added.add(title)
    return True


def _verify(db: Path, acks: Acknowledged) -> None:
    conn = sqlite3.connect(f"{db.resolve().as_uri()}?mode=ro", uri=True)
    try:
        assert conn.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
    finally:
        conn.close()
    report = check(db)
    assert report.healthy, report.lines()

    library = Library.open(db)
    try:
        films = library.films()
        entries = {e.title: e for e in films}
        missing = acks.added - entries.keys()
        assert not missing, f"acknowledged additions lost: {sorted(missing)[:5]}"
        for title, version in acks.notes.items():
            stored = int(entries[title].note.split(" ")[0][1:])
            assert stored >= version, f"{title}: note v{version} was acknowledged, found v{stored}"
        for title, day in acks.viewings:
            assert date.fromisoformat(day) in entries[title].viewings, (title, day)
        ranks = [e.rank for e in films]
        assert sorted(ranks) == list(range(1, len(ranks) + 1))
    finally:
        library.close()


def test_random_sigkills_while_writing_lose_nothing_acknowledged(
    tmp_path: Path, warm: None
) -> None:
    db = tmp_path / "crash.db"  # created by the first writers, which may die while seeding it
    rng = random.Random(20261123)
    acks = Acknowledged()
    for k in range(FORKED_KILLS):
        # the first writers create and seed the database, and are killed anywhere in that;
        # the rest are killed at a random point among their writes
        if k < CREATION_KILLS:
            _run_and_kill(db, k, rng.uniform(0.0, 0.4), acks, after_writes=0)
        else:
            _run_and_kill(db, k, rng.uniform(0.0, 0.02), acks, after_writes=rng.randint(1, 8))
    # the first real command is killed in its first 50 ms (surely mid-start), the rest anywhere
    delays = [0.05] + [rng.uniform(0.2, 1.5) for _ in range(CLI_KILLS - 1)]
    finished = sum(_cli_kill(db, k, delay, acks) for k, delay in enumerate(delays))
    assert len(acks.added) >= FORKED_KILLS - CREATION_KILLS, "each writer got writes in"
    assert len(acks.notes) >= 10 and len(acks.viewings) >= 10
    assert finished < CLI_KILLS, "at least one real cryqueue was killed mid-command"

    _verify(db, acks)
    started = subprocess.run(
        [sys.executable, "-m", "cryqueue", "list", "--format", "json", "--db", str(db)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert started.returncode == 0, started.stderr
    assert "A Moment to Remember" in started.stdout


Write = Callable[[Library, int], object]

# Each kind of write the random writers make, and a move that must re-space the ranking: each is
# killed at every one of its SQL statements in turn (see test_a_write_killed_at_any_statement…).
WRITES: dict[str, Write] = {
    "add a film": lambda lib, _film: lib.add_film(
        FilmFacts(title="killed", year=2001, cast=("배우", "Actor"))
    ),
    "set a note": lambda lib, film: lib.set_note(film, "눈물 " * 500),
    "log a viewing with tears": lambda lib, film: lib.mark_watched(film, "2001-02-03", tears=4),
    "move": lambda lib, film: lib.move_to(film, 10),
    "move that re-spaces the ranking": lambda lib, film: lib.move_to(film, 2),
}


def _traced_write(
    db: Path, write: Callable[[Library], object] | None, kill_at: int | None, mp: pytest.MonkeyPatch
) -> int:
    """Open `db` and make `write` (None: only open, which creates and seeds a new library),
    counting the SQL statements started from then on (from the opening, with None); with
    `kill_at`, SIGKILL this process as that statement starts. Returns the count."""
    started = 0
    counting = write is None

    def on_statement(_sql: str) -> None:
        nonlocal started
        if counting:
            started += 1
            if started == kill_at:
                os.kill(os.getpid(), signal.SIGKILL)

    connect = sqlite3.connect

    def traced(*args: Any, **kwargs: Any) -> sqlite3.Connection:
        conn: sqlite3.Connection = connect(*args, **kwargs)
        conn.set_trace_callback(on_statement)
        return conn

    with mp.context() as patched:
        patched.setattr(sqlite3, "connect", traced)
        library = Library.open(db)
        try:
            if write is not None:
                counting = True
                write(library)
        finally:
            library.close()
    return started


def _killed_at(
    db: Path, write: Callable[[Library], object] | None, statement: int, mp: pytest.MonkeyPatch
) -> None:
    """Make `write` on `db` in a forked process, killed as its `statement`-th statement starts."""
    pid = os.fork()
    if pid == 0:  # the child: never returns into pytest
        try:
            _traced_write(db, write, statement, mp)
        finally:
            os._exit(1)  # only if the statement never came
    _, status = os.waitpid(pid, 0)
    assert os.waitstatus_to_exitcode(status) == -signal.SIGKILL, f"no statement {statement}"


def _rows(db: Path) -> dict[str, list[tuple[Any, ...]]]:
    """Every table's rows, without the moments they were written (columns named *_at, which
    differ between two runs of one write): what "all of a write or none of it" is judged on."""
    conn = sqlite3.connect(f"{db.resolve().as_uri()}?mode=ro", uri=True)
    try:
        assert conn.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
        rows = {}
        for (table,) in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'"):
            info = conn.execute(f'PRAGMA table_info("{table}")').fetchall()
            columns = ", ".join(f'"{c[1]}"' for c in info if not c[1].endswith("_at"))
            found = conn.execute(f'SELECT {columns} FROM "{table}"').fetchall()
            rows[table] = sorted(found, key=repr)
        return rows
    finally:
        conn.close()


@pytest.fixture(scope="module")
def squeezed(tmp_path_factory: pytest.TempPathFactory, warm: None) -> tuple[Path, int]:
    """A library with a film of ours at the bottom, and the gap between the first two places
    used up (two films moved into it in turn), so that moving into it re-spaces the ranking."""
    db = tmp_path_factory.mktemp("squeezed") / "cq.db"
    library = Library.open(db)
    try:
        film = library.add_film(FilmFacts(title="crash", year=2000)).id
        x, y = (f.id for f in library.films()[-3:-1])
        for turn in range(64):
            library.move_to(x if turn % 2 == 0 else y, 2)
            first, second = sorted(keys_in(db).values())[:2]
            if second - first == 1:
                break
        else:
            pytest.fail("the first gap was never used up")
    finally:
        library.close()
    assert not db.with_name("cq.db-wal").exists()
    return db, film


@pytest.mark.parametrize("name", list(WRITES))
def test_a_write_killed_at_any_statement_is_all_or_nothing(
    squeezed: tuple[Path, int], tmp_path: Path, monkeypatch: pytest.MonkeyPatch, name: str
) -> None:
    base, film = squeezed

    def write(library: Library) -> object:
        return WRITES[name](library, film)

    done = tmp_path / "done.db"
    shutil.copyfile(base, done)
    statements = _traced_write(done, write, None, monkeypatch)
    before, after = _rows(base), _rows(done)
    keys = keys_in(base)
    moved = {f for f, key in keys_in(done).items() if keys.get(f) != key}
    if name.startswith("move"):
        assert (len(moved) > 1) == ("re-spaces" in name), moved
    assert statements > 2 and before != after
    for statement in range(1, statements + 1):
        db = tmp_path / f"killed-{statement}.db"
        shutil.copyfile(base, db)
        _killed_at(db, write, statement, monkeypatch)
        assert _rows(db) in (before, after), (
            f"{name}: killed at statement {statement} of {statements}, part of it was kept"
        )


def test_creating_a_library_killed_at_any_statement_opens_whole(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, warm: None
) -> None:
    """Killed anywhere while it creates and seeds a library, the next opening finishes it: the
    same library as one created in one go (every CREATION_STRIDE-th statement, and the last)."""
    reference = tmp_path / "reference.db"
    statements = _traced_write(reference, None, None, monkeypatch)
    expected = _rows(reference)
    for statement in sorted({*range(1, statements + 1, CREATION_STRIDE), statements}):
        db = tmp_path / f"killed-{statement}.db"
        _killed_at(db, None, statement, monkeypatch)
        Library.open(db).close()
        assert _rows(db) == expected, f"killed at statement {statement} of {statements}"
