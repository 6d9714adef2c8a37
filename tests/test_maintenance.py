"""`cryqueue backup`, `restore` and `doctor`: copies that restore exactly, refusals that change
nothing, and checks that name the problem and repairs that fix it."""

from __future__ import annotations

import os
import sqlite3
import stat
from pathlib import Path
from typing import Any

import pytest

from conftest import user_version
from cryqueue.library import Library


def tears_of(path: Path, title: str) -> int | None:
    lib = Library.open(path)
    try:
        return lib.find(title).tear_level
    finally:
        lib.close()


def backups(folder: Path, label: str) -> list[Path]:
    return sorted(folder.glob(f"cq.db.{label}-*.bak"))


def test_backup_then_restore_brings_back_the_old_state(db_path: Path, cli: Any) -> None:
    cli("tears", "Always", "5")
    code, out, _err = cli("backup", db_path.parent / "saved.bak")
    assert code == 0 and "saved.bak" in out
    assert stat.S_IMODE((db_path.parent / "saved.bak").stat().st_mode) == 0o600
    cli("tears", "Always", "1")
    cli("add", "Slip", "--year", "2020")

    code, out, _err = cli("restore", db_path.parent / "saved.bak")
    assert code == 0, out
    assert tears_of(db_path, "Always") == 5
    assert "Slip" not in cli("list")[1]
    # the replaced database is kept, privately, and holds the later changes
    kept = backups(db_path.parent, "pre-restore")
    assert len(kept) == 1 and str(kept[0]) in out
    assert stat.S_IMODE(kept[0].stat().st_mode) == 0o600
    assert tears_of(kept[0], "Always") == 1


def test_backup_without_a_path_writes_a_dated_file_beside_the_database(
    db_path: Path, cli: Any
) -> None:
    code, out, _err = cli("backup")
    assert code == 0
    made = backups(db_path.parent, "backup")
    assert len(made) == 1 and str(made[0]) in out
    # a backup is one self-contained file: no journal files appear beside it when read
    assert tears_of(made[0], "Always") is None
    assert not Path(f"{made[0]}-wal").exists()


def test_backup_is_consistent_while_another_connection_writes(db_path: Path, cli: Any) -> None:
    lib = Library.open(db_path)
    try:
        lib.set_tears(lib.find("Always").id, 3)  # committed in the WAL, not yet checkpointed
        assert cli("backup", db_path.parent / "live.bak")[0] == 0
    finally:
        lib.close()
    assert tears_of(db_path.parent / "live.bak", "Always") == 3


def test_backup_refuses_to_overwrite_a_file(db_path: Path, cli: Any) -> None:
    target = db_path.parent / "taken.bak"
    target.write_text("keep me")
    code, _out, err = cli("backup", target)
    assert code == 1 and "already exists" in err
    assert target.read_text() == "keep me"


@pytest.mark.parametrize(
    ("content", "reason"),
    [
        (b"not a database at all", "not an SQLite file"),
        (b"SQLite format 3\x00" + bytes(range(256)) * 16, "damaged"),
    ],
)
def test_restore_refuses_a_bad_backup_and_changes_nothing(
    db_path: Path, cli: Any, db_dump: Any, content: bytes, reason: str
) -> None:
    bad = db_path.parent / "bad.bak"
    bad.write_bytes(content)
    before = db_dump()
    listing = sorted(os.listdir(db_path.parent))
    code, out, err = cli("restore", bad)
    assert code == 1 and out == ""
    assert reason in err and "cannot be restored" in err and err.count("\n") == 1
    assert db_dump() == before
    assert sorted(os.listdir(db_path.parent)) == listing
    assert bad.read_bytes() == content


def test_restore_of_a_missing_file_says_so(cli: Any, tmp_path: Path) -> None:
    code, _out, err = cli("restore", tmp_path / "nowhere.bak")
    assert code == 1 and "does not exist" in err


def test_restore_replaces_a_damaged_database_and_keeps_it_aside(
    db_path: Path, cli: Any, tmp_path: Path
) -> None:
    cli("tears", "Always", "4")
    cli("backup", tmp_path / "good.bak")
    damaged = b"SQLite format 3\x00" + bytes(range(256)) * 16
    db_path.write_bytes(damaged)
    Path(f"{db_path}-wal").unlink(missing_ok=True)
    assert cli("list")[0] == 1
    code, out, err = cli("restore", tmp_path / "good.bak")
    assert code == 0, err
    assert tears_of(db_path, "Always") == 4
    aside = sorted(db_path.parent.glob("cq.db.damaged-*.bak"))
    assert len(aside) == 1 and aside[0].read_bytes() == damaged
    assert str(aside[0]) in out


def test_restore_of_an_older_schema_migrates_it(db_path: Path, cli: Any, tmp_path: Path) -> None:
    from cryqueue.storage import migrations as db_mod
    from cryqueue.storage import schema

    cli("watch", "Il Mare", "--tears", "4")
    old = tmp_path / "old.bak"
    cli("backup", old)
    conn = sqlite3.connect(old)  # as version 1 left it: without the columns 2 added
    for column in db_mod.ADDED_COLUMNS[2]["film"]:
        conn.execute(f"ALTER TABLE film DROP COLUMN {column}")
    conn.execute("PRAGMA user_version = 1")
    conn.commit()
    conn.close()
    cli("unwatch", "Il Mare")
    code, _out, err = cli("restore", old)
    assert code == 0, err
    assert user_version(db_path) == schema.SCHEMA_VERSION
    code, out, _err = cli("list", "--watched")
    assert "Il Mare" in out


def test_restore_refuses_a_backup_whose_version_does_not_match_its_tables(
    db_path: Path, cli: Any, tmp_path: Path
) -> None:
    old = tmp_path / "old.bak"
    cli("backup", old)
    conn = sqlite3.connect(old)
    conn.execute("PRAGMA user_version = 1")  # but it has version 2's columns
    conn.commit()
    conn.close()
    before = db_path.read_bytes()
    code, _out, err = cli("restore", old)
    assert code == 1 and "cannot be restored" in err and "schema 2's" in err, err
    assert db_path.read_bytes() == before


# doctor -------------------------------------------------------------------------------------------


@pytest.mark.sqlite_only("SQLite's integrity check")
def test_doctor_reports_a_healthy_library(cli: Any) -> None:
    code, out, _err = cli("doctor")
    assert code == 0
    assert "integrity check passed" in out
    assert "17 films in one order" in out
    assert "healthy" in out


def _raw(db_path: Path) -> sqlite3.Connection:
    conn = sqlite3.connect(db_path, isolation_level=None)
    conn.execute("PRAGMA foreign_keys = OFF")
    return conn


def test_doctor_finds_and_repairs_orphans_and_crowded_keys(
    db_path: Path, cli: Any, library: Library
) -> None:
    order = [e.title for e in library.films()]
    conn = _raw(db_path)
    conn.execute("INSERT INTO viewing (film_id, watched_on) VALUES (9999, '2020-01-01')")
    keys = [k for (k,) in conn.execute("SELECT rank_key FROM film ORDER BY rank_key")]
    conn.execute("UPDATE film SET rank_key = ? WHERE rank_key = ?", (keys[0] + 1, keys[1]))
    conn.close()

    code, out, _err = cli("doctor")
    assert code == 1
    assert "1 viewings of a missing film" in out
    assert "no room left" in out
    assert "doctor --repair" in out

    code, out, _err = cli("doctor", "--repair")
    assert code == 0, out
    assert "removed 1 viewings of a missing film" in out
    assert "re-spaced the ranking keys" in out
    assert "healthy" in out
    assert [e.title for e in library.films()] == order
    assert len(backups(db_path.parent, "pre-repair")) == 1
    assert cli("doctor")[0] == 0


@pytest.mark.sqlite_only("a damaged file")
def test_doctor_on_a_damaged_file_says_what_to_do_and_does_not_touch_it(
    tmp_path: Path, cli: Any
) -> None:
    path = tmp_path / "broken.db"
    content = b"SQLite format 3\x00" + bytes(range(256)) * 16
    path.write_bytes(content)
    for args in (["doctor"], ["doctor", "--repair"]):
        code, out, _err = cli(*args, db=path)
        assert code == 1
        assert "damaged" in out and "cryqueue restore" in out
    assert path.read_bytes() == content
    assert sorted(p.name for p in tmp_path.iterdir()) == ["broken.db", "cq.db"]


def test_doctor_finds_a_corrupted_page(db_path: Path, library: Library, cli: Any) -> None:
    for n in range(300):
        library.set_note(library.films()[n % 17].id, f"note {n} " * 200)
    library.close()
    conn = sqlite3.connect(db_path)
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    pages = conn.execute("PRAGMA page_count").fetchone()[0]
    conn.close()
    with db_path.open("r+b") as handle:
        handle.seek(4096 * (pages // 2))
        handle.write(b"\xff" * 4096)
    code, out, _err = cli("doctor")
    assert code == 1
    assert ("integrity check failed" in out or "damaged" in out) and "cryqueue restore" in out
    # and the library commands say the same in one line, without a traceback
    code, _out, err = cli("export", "--format", "json", "-o", "-")
    assert code == 1 and err.count("\n") == 1 and "cryqueue doctor" in err, err
