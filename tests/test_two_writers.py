"""Two cryqueues on one database at once: no "database is locked" reaches the user, and no change
made by one is overwritten by stale state from the other."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from cryqueue.library import Library
from cryqueue.maintenance.doctor import check

WRITES = 120

# Each writer adds its own films, moves them about, and edits the notes and tear levels of films
# the other writer edits too, as fast as it can.
WRITER = textwrap.dedent(
    """
    import sys
    from pathlib import Path
    from cryqueue.domain.films import FilmFacts
    from cryqueue.library import Library

    name, db, writes = sys.argv[1], Path(sys.argv[2]), int(sys.argv[3])
    lib = Library.open(db)
    shared = [lib.find("Always").id, lib.find("Il Mare").id]
    print("ready", flush=True)
    sys.stdin.readline()  # both start writing at the same moment
    for i in range(writes):
        film = lib.add_film(FilmFacts(title=f"{name} {i}", year=2010))
        lib.move_to(film.id, 1 + i % 7)
        lib.set_tears(shared[i % 2], i % 6)
        lib.mark_watched(shared[0], f"2020-01-{1 + i % 28:02d}")
        lib.set_note(shared[1], f"{name} {i}", expected=None)
    print("done", flush=True)
    """
)


def _start(name: str, db: Path) -> subprocess.Popen[str]:
    proc = subprocess.Popen(
        [sys.executable, "-c", WRITER, name, str(db), str(WRITES)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    assert proc.stdout is not None
    assert proc.stdout.readline().strip() == "ready"
    return proc


def test_two_processes_writing_at_once(db_path: Path) -> None:
    writers = [_start("left", db_path), _start("right", db_path)]
    for proc in writers:
        assert proc.stdin is not None
        proc.stdin.write("go\n")
        proc.stdin.flush()
    for proc in writers:
        out, err = proc.communicate(timeout=300)
        assert proc.returncode == 0, err
        assert "locked" not in err and out.strip() == "done"

    assert check(db_path).healthy
    library = Library.open(db_path)
    try:
        films = library.films()
        titles = {f.title for f in films}
        for name in ("left", "right"):
            assert {f"{name} {i}" for i in range(WRITES)} <= titles
        assert [f.rank for f in films] == list(range(1, 17 + 2 * WRITES + 1))
        assert len(library.find("Always").viewings) == 2 * WRITES
        assert library.find("Il Mare").note in {f"left {WRITES - 1}", f"right {WRITES - 1}"}
    finally:
        library.close()


def test_opening_the_library_again_keeps_this_process_s_locks(db_path: Path) -> None:
    """A second open of the file in one process (the app's first frame, then its library) must
    not drop the locks the first one holds: another cryqueue closing would then take itself for
    the last one and delete the WAL, and the first one's later writes would be lost."""
    first = Library.open(db_path)
    first.set_tears(first.find("Always").id, 1)  # its connections are in WAL mode, open
    Library.open(db_path).close()
    subprocess.run(
        [sys.executable, "-m", "cryqueue", "--db", str(db_path), "tears", "Il Mare", "4"],
        check=True,
        capture_output=True,
    )
    assert Path(f"{db_path}-wal").exists()  # the other cryqueue knew it was not the last
    first.set_tears(first.find("Always").id, 5)
    first.close()
    again = Library.open(db_path)
    assert again.find("Always").tear_level == 5
    assert again.find("Il Mare").tear_level == 4
    again.close()
    assert check(db_path).healthy


def test_a_failed_read_never_leaves_an_old_view_behind(db_path: Path) -> None:
    """A read that fails while a statement of it is still running (its cursor kept alive by
    the traceback) must not hand that statement's snapshot to the next read: the connection
    is closed, not kept, and the next read sees another cryqueue's change."""
    library = Library.open(db_path)
    kept = []
    with pytest.raises(RuntimeError), library.db.reading() as driver:
        cursor = driver.execute("SELECT id FROM film")
        cursor.fetchone()
        kept.append(cursor)  # still running, as a failed read's cursor can be
        raise RuntimeError("the read failed")
    subprocess.run(
        [sys.executable, "-m", "cryqueue", "--db", str(db_path), "tears", "Il Mare", "4"],
        check=True,
        capture_output=True,
    )
    assert library.get(library.find("Il Mare").id).tear_level == 4
    library.close()
