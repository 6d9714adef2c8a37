"""Noticing other writers (`Library.changed_elsewhere`), and changes computed against the
database as it is now: a toggle reads the stored viewings, a move the stored neighbours."""

from __future__ import annotations

import sqlite3
import subprocess
import sys
from collections.abc import Callable, Iterator
from datetime import date
from pathlib import Path

import pytest

from cryqueue.domain.films import Viewings
from cryqueue.interop.import_sources import load
from cryqueue.library import Library


@pytest.fixture
def pair(tmp_path: Path) -> Iterator[tuple[Library, Library]]:
    """The app's library and another writer's, on one file."""
    mine = Library.open(tmp_path / "cq.db")
    theirs = Library.open(tmp_path / "cq.db")
    mine.watch_changes()
    yield mine, theirs
    mine.close()
    theirs.close()


def film_id(library: Library, title: str) -> int:
    return library.find(title).id


def test_own_writes_are_not_reported(pair: tuple[Library, Library]) -> None:
    mine, _theirs = pair
    mine.set_tears(film_id(mine, "Il Mare"), 3)
    mine.move_to(film_id(mine, "Il Mare"), 1)
    assert not mine.changed_elsewhere()
    assert not mine.changed_elsewhere()


def test_another_writer_is_reported_once(pair: tuple[Library, Library]) -> None:
    mine, theirs = pair
    theirs.set_tears(film_id(theirs, "Il Mare"), 3)
    assert mine.changed_elsewhere()
    assert not mine.changed_elsewhere()


def test_another_writer_between_own_writes_is_reported(pair: tuple[Library, Library]) -> None:
    mine, theirs = pair
    mine.set_tears(film_id(mine, "Il Mare"), 1)
    theirs.set_tears(film_id(theirs, "Always"), 2)  # before my next commit
    mine.set_tears(film_id(mine, "Il Mare"), 3)
    assert mine.changed_elsewhere()


def test_another_writer_after_an_own_write_is_reported(pair: tuple[Library, Library]) -> None:
    mine, theirs = pair
    mine.set_tears(film_id(mine, "Il Mare"), 1)
    theirs.set_tears(film_id(theirs, "Always"), 2)
    assert mine.changed_elsewhere()


def test_another_process_is_reported(pair: tuple[Library, Library], tmp_path: Path) -> None:
    mine, _theirs = pair
    subprocess.run(
        [sys.executable, "-m", "cryqueue", "--db", str(tmp_path / "cq.db"), "rate", "Il Mare", "4"],
        check=True,
        capture_output=True,
    )
    assert mine.changed_elsewhere()


def test_a_write_that_changes_nothing_leaves_the_file_alone(
    pair: tuple[Library, Library], tmp_path: Path
) -> None:
    mine, theirs = pair
    export = tmp_path / "export.json"
    theirs.export_file(export, "json")
    batch = load(export)
    theirs.import_batch(batch)  # the library has all of it already
    assert not mine.changed_elsewhere()


def test_toggle_reads_the_viewings_stored_now(pair: tuple[Library, Library]) -> None:
    mine, theirs = pair
    il_mare = film_id(mine, "Il Mare")
    theirs.mark_watched(il_mare, "2020-05-01")  # my screen still says "not watched"
    before, after = mine.toggle_watched(il_mare, date(2026, 1, 1))
    assert before == Viewings((date(2020, 5, 1),)) and after == Viewings()
    assert mine.viewings(il_mare) == Viewings()
    before, after = mine.toggle_watched(il_mare, date(2026, 1, 1))
    assert after == Viewings((date(2026, 1, 1),))


def test_move_past_follows_the_stored_ranking(pair: tuple[Library, Library]) -> None:
    mine, theirs = pair
    order = [f.id for f in mine.films()]
    fifth, fourth = order[4], order[3]
    theirs.move_to(fifth, 1)  # my screen still shows it fifth, below the fourth
    assert mine.move_past(fifth, fourth, up=True) == (1, 1), "never back down to 4"
    assert mine.films()[0].id == fifth
    assert mine.move_past(fifth, order[1], up=False) == (1, 3)
    assert [f.id for f in mine.films()][:3] == [order[0], order[1], fifth]
    assert mine.move_past(fifth, order[0], up=True) == (3, 1)


@pytest.mark.parametrize("path", ["driver", "session"])
def test_a_failed_commit_never_hides_the_next_writer(
    pair: tuple[Library, Library], monkeypatch: pytest.MonkeyPatch, path: str
) -> None:
    """On both ways a write is made: a key press's on the driver, a repair's (`doctor
    --repair`) in a session."""
    from sqlalchemy import text
    from sqlmodel import Session

    from cryqueue.domain.errors import CryqueueError
    from cryqueue.storage.database import Database

    mine, theirs = pair

    def full_disk(*_args: object) -> None:
        raise sqlite3.OperationalError("database or disk is full")

    with monkeypatch.context() as patched, pytest.raises(CryqueueError, match="disk is full"):
        if path == "driver":
            patched.setattr(Database, "_commit", full_disk)
            mine.set_tears(film_id(mine, "Il Mare"), 3)  # counted itself, then never committed
        else:
            patched.setattr(Session, "commit", full_disk)
            with mine.db.write() as session:
                session.execute(text("UPDATE film SET tear_level = 3 WHERE title = 'Il Mare'"))
    assert mine.find("Il Mare").tear_level != 3
    theirs.set_tears(film_id(theirs, "Always"), 2)  # takes the generation mine had counted
    assert mine.changed_elsewhere()


def test_a_look_says_sqlite_errors_in_words_and_waits_out_a_busy_file(
    pair: tuple[Library, Library], monkeypatch: pytest.MonkeyPatch
) -> None:
    from cryqueue.domain.errors import CryqueueError
    from cryqueue.storage import change_watch

    mine, _theirs = pair

    def fails(message: str) -> Callable[[sqlite3.Connection, str], int]:
        def data_version(_conn: sqlite3.Connection, _sql: str) -> int:
            raise sqlite3.OperationalError(message)

        return data_version

    monkeypatch.setattr(change_watch, "_number", fails("database is locked"))
    assert mine.changed_elsewhere() is False  # not now: the next look will tell
    monkeypatch.setattr(change_watch, "_number", fails("disk I/O error"))
    with pytest.raises(CryqueueError, match="disk I/O error"):
        mine.changed_elsewhere()


def test_a_restore_is_seen_by_an_open_library(
    pair: tuple[Library, Library], tmp_path: Path
) -> None:
    from cryqueue.maintenance.restore import restore
    from cryqueue.storage.snapshots import backup_to

    mine, _theirs = pair
    mine.changed_elsewhere()
    backup = backup_to(tmp_path / "cq.db", tmp_path / "before.bak")
    mine.set_tears(film_id(mine, "Il Mare"), 3)  # our own commit, not looked at yet
    conn = sqlite3.connect(tmp_path / "cq.db")
    (ours,) = conn.execute("SELECT value FROM meta WHERE key = 'generation'").fetchone()
    conn.close()
    conn = sqlite3.connect(backup)  # a backup whose count happens to be ours
    conn.execute("UPDATE meta SET value = ? WHERE key = 'generation'", (ours,))
    conn.commit()
    conn.close()
    restore(backup, tmp_path / "cq.db")
    assert mine.changed_elsewhere()
    assert mine.find("Il Mare").tear_level is None
