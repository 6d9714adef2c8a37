"""A cryqueue export is read in a child process while the import writes (#17): a thread shared
one interpreter with the writing. The chunks that come back through the pipe must be the ones
a thread hands over, in order; an error must come where its chunk would; and a reader that
dies, or an import that stops early, must leave nothing behind."""

from __future__ import annotations

import multiprocessing
import os
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterable, Iterator
from datetime import date
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from conftest import library_property
from cryqueue.domain.errors import CryqueueError, UsageError
from cryqueue.domain.films import FilmFacts
from cryqueue.domain.import_records import BY_RANK, ImportBatch, ImportRecord
from cryqueue.library import Library
from cryqueue.storage import import_chunks
from cryqueue.storage.import_chunks import Chunk, Chunks
from cryqueue.storage.import_rows import NewRows

TODAY = date(2026, 12, 1)

record_strategy = st.builds(
    lambda title, year, original, cast, days, tags, tears, rating, imdb, rank, rewatch: (
        ImportRecord(
            FilmFacts(title, year, original_title=original, cast=tuple(cast)),
            viewings=tuple(days),
            tags=tuple(tags),
            tear_level=tears,
            rating=rating,
            imdb_id=imdb,
            rank=rank,
            rewatches=tuple(days[:1]) if rewatch else (),
            where="film record",
        )
    ),
    st.text(min_size=1, max_size=10),
    st.integers(1900, 2030),
    st.one_of(st.none(), st.sampled_from(["시월애", "클래식", "Él"])),
    st.lists(st.sampled_from(["Gong Yoo", "Son Ye-jin", "전지현"]), max_size=2),
    st.lists(st.dates(date(1990, 1, 1), date(2030, 1, 1)), max_size=3),
    st.lists(st.sampled_from(["rain", "sea"]), max_size=2),
    st.one_of(st.none(), st.integers(0, 5)),
    st.one_of(st.none(), st.sampled_from([0.5, 3.5, 5.0])),
    st.one_of(st.none(), st.sampled_from(["tt0282599", "tt0342300"])),
    st.one_of(st.none(), st.integers(1, 50)),
    st.booleans(),
)


class Where:
    """Records that note which process goes through them (in a file: a child's memory is its
    own), so that a test knows the reading really happened apart."""

    def __init__(self, folder: Path, records: Iterable[ImportRecord]) -> None:
        self.mark = folder / "reader-pid"
        self.records = records

    def __iter__(self) -> Iterator[ImportRecord]:
        self.mark.write_text(str(os.getpid()))
        yield from self.records

    def pid(self) -> int:
        return int(self.mark.read_text())


def read(
    records: Iterable[ImportRecord], *, apart: bool, stop_after: int | None = None
) -> list[Chunk]:
    got = []
    with Chunks(records, NewRows().early, TODAY, apart=apart) as chunks:
        for chunk in chunks:
            got.append(chunk)
            if len(got) == stop_after:
                break
    return got


@pytest.fixture
def small_chunks() -> Iterator[None]:
    size = import_chunks.CHUNK
    import_chunks.CHUNK = 3
    yield
    import_chunks.CHUNK = size


def test_this_test_process_may_fork() -> None:
    """The tests below mean something only where the reading can go apart (one thread)."""
    assert import_chunks.may_fork()


@library_property(15)
@given(records=st.lists(record_strategy, max_size=10))
def test_a_child_process_hands_over_the_chunks_a_thread_would(
    tmp_path_factory: pytest.TempPathFactory, small_chunks: None, records: list[ImportRecord]
) -> None:
    where = Where(tmp_path_factory.mktemp("apart"), records)
    apart = read(where, apart=True)
    assert where.pid() != os.getpid()
    here = Where(tmp_path_factory.mktemp("here"), records)
    assert read(here, apart=False) == apart
    assert here.pid() == os.getpid()
    assert [r for chunk in apart for r in chunk.records] == records


def failing(records: list[ImportRecord], error: Exception) -> Iterator[ImportRecord]:
    yield from records
    raise error


def records(count: int) -> list[ImportRecord]:
    return [ImportRecord(FilmFacts(f"Film {n}", 2000 + n % 20), rank=n + 1) for n in range(count)]


@pytest.mark.parametrize("apart", [True, False])
def test_a_reading_error_comes_after_the_chunks_before_it(small_chunks: None, apart: bool) -> None:
    got: list[Chunk] = []
    error = UsageError("film record 8: 'year' must be a whole number")
    with (
        pytest.raises(UsageError, match=r"^film record 8: 'year' must be"),
        Chunks(failing(records(7), error), None, TODAY, apart=apart) as chunks,
    ):
        got.extend(chunks)
    assert [len(c.records) for c in got] == [3, 3]  # the third was being read


def test_an_error_that_cannot_cross_is_told_in_words(small_chunks: None) -> None:
    class Odd(Exception):
        def __init__(self, a: str, b: str) -> None:  # unpickling calls it with one argument
            super().__init__(f"{a} {b}")

    with (
        pytest.raises(CryqueueError, match=r"^reading the file failed: disk gone$"),
        Chunks(failing(records(2), Odd("disk", "gone")), None, TODAY, apart=True) as chunks,
    ):
        list(chunks)


def dying(records: list[ImportRecord]) -> Iterator[ImportRecord]:
    yield from records
    os.kill(os.getpid(), signal.SIGKILL)  # the reader, killed (out of memory, say)


def test_a_reader_that_dies_fails_the_import_and_writes_nothing(
    db_path: Path, db_dump: Callable[[], list[str]], small_chunks: None
) -> None:
    """The whole database as it was (an export's text would differ by its time stamp when a
    second passes meanwhile)."""
    before = db_dump()
    lib = Library.open(db_path)
    try:
        batch = ImportBatch([], BY_RANK, described="export", stream=dying(records(7)))
        with pytest.raises(CryqueueError, match=r"^the import's reading process ended before"):
            lib.import_batch(batch)
    finally:
        lib.close()
    assert db_dump() == before


def test_an_import_that_stops_early_ends_its_reader(small_chunks: None) -> None:
    assert len(read(records(30), apart=True, stop_after=1)) == 1
    assert multiprocessing.active_children() == []


def test_with_another_thread_running_the_reading_stays_here(tmp_path: Path) -> None:
    """The app imports from a worker thread: a fork there could copy a lock another thread
    holds, so the file is read in a thread."""
    release = threading.Event()
    other = threading.Thread(target=release.wait)
    other.start()
    try:
        where = Where(tmp_path, records(5))
        assert [len(c.records) for c in read(where, apart=True)] == [5]
        assert where.pid() == os.getpid()
    finally:
        release.set()
        other.join()


ORPHANED = """
import os, signal, sys
from datetime import date
from itertools import count
import multiprocessing
from cryqueue.domain.films import FilmFacts
from cryqueue.domain.import_records import ImportRecord
from cryqueue.storage.import_chunks import Chunks

endless = (ImportRecord(FilmFacts(f"Film {n}", 2000)) for n in count())
with Chunks(endless, None, date(2026, 12, 1), apart=True) as chunks:
    next(chunks)
    print(multiprocessing.active_children()[0].pid, flush=True)
    os.kill(os.getpid(), signal.SIGKILL)  # the import dies: no clean-up runs
"""


def test_a_reader_whose_import_dies_ends_too(tmp_path: Path) -> None:
    """Killed, the import cannot end its reader: the broken pipe must. (The fork gave the
    reader a copy of the import's end of the pipe; held, the pipe never broke, and a reader
    blocked on it stayed for ever.)"""
    out = tmp_path / "out"
    with out.open("w") as stdout:  # a file, not a pipe: a reader left behind would hold it
        died = subprocess.run([sys.executable, "-c", ORPHANED], stdout=stdout, timeout=60)
    assert died.returncode == -signal.SIGKILL
    reader = int(out.read_text())
    deadline = time.monotonic() + 10
    while _state(reader) != "Z":
        if time.monotonic() > deadline:
            os.kill(reader, signal.SIGKILL)
            pytest.fail("the reader outlived its import")
        time.sleep(0.05)


def _state(pid: int) -> str:
    """A process's state letter (Z: ended, not yet reaped by whoever adopted it)."""
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return "Z"  # gone
