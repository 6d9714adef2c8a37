"""Crash safety: cryqueue processes are killed (SIGKILL) at random points while they write, a few
hundred times; afterwards the database is intact, every acknowledged write is there, and cryqueue
starts normally.

Most writers are forked from this test process (the imports are already paid for, so a kill can
land every few milliseconds, including in the middle of creating and seeding the database); a few
are the real `cryqueue` command, acknowledged by exiting 0."""

from __future__ import annotations

import os
import random
import select
import signal
import sqlite3
import subprocess
import sys
import time
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path

import pytest

from cryqueue.domain.films import FilmFacts
from cryqueue.library import Library
from cryqueue.maintenance.doctor import check

FORKED_KILLS = 240
CLI_KILLS = 8
CREATION_KILLS = 20
pytestmark = pytest.mark.skipif(not hasattr(os, "fork"), reason="needs os.fork (POSIX)")


@dataclass
class Acknowledged:
    """What writers reported as done: every item must be in the database afterwards."""

    added: set[str] = field(default_factory=set)
    notes: dict[str, int] = field(default_factory=dict)  # film -> newest acknowledged version
    viewings: set[tuple[str, str]] = field(default_factory=set)


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


def test_random_sigkills_while_writing_lose_nothing_acknowledged(tmp_path: Path) -> None:
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
