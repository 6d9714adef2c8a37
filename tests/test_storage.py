"""Where the database lives, who may read it, which files are refused (and left alone), and
schema migrations with a backup first."""

from __future__ import annotations

import os
import re
import sqlite3
import stat
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from conftest import user_version
from cryqueue.domain.errors import CryqueueError, DatabaseRefused
from cryqueue.domain.films import FilmFacts
from cryqueue.library import Library
from cryqueue.storage import migrations as db_mod
from cryqueue.storage import opening, paths, schema


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


# Location and privacy ---------------------------------------------------------------------------


def test_new_database_and_its_folder_are_private(tmp_path: Path) -> None:
    path = tmp_path / "data" / "cryqueue.db"
    Library.open(path).close()
    assert mode(path) == 0o600
    assert mode(path.parent) == 0o700


def test_private_even_with_a_permissive_umask(tmp_path: Path) -> None:
    old = os.umask(0)
    try:
        path = tmp_path / "open" / "cq.db"
        Library.open(path).close()
    finally:
        os.umask(old)
    assert mode(path) == 0o600
    assert mode(path.parent) == 0o700


def test_existing_folder_permissions_are_left_alone(tmp_path: Path) -> None:
    folder = tmp_path / "shared"
    folder.mkdir(mode=0o755)
    os.chmod(folder, 0o755)
    Library.open(folder / "cq.db").close()
    assert mode(folder) == 0o755
    assert mode(folder / "cq.db") == 0o600


def test_default_path_honours_xdg_data_home(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.delenv("CRYQUEUE_DB")
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "xdg"))
    assert paths.default_location() == tmp_path / "xdg" / "cryqueue" / "cryqueue.db"


def test_cli_uses_xdg_data_home_without_db_or_env(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, cli: Any
) -> None:
    monkeypatch.delenv("CRYQUEUE_DB")
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "xdg"))
    code, _out, err = cli("watch", "Il Mare", "--on", "2024-05-01", db=None)
    assert (code, err) == (0, "")
    expected = tmp_path / "xdg" / "cryqueue" / "cryqueue.db"
    assert mode(expected) == 0o600
    assert mode(expected.parent) == 0o700
    lib = Library.open(expected)
    try:
        assert lib.find("Il Mare").viewings == (date(2024, 5, 1),)
    finally:
        lib.close()


def test_cryqueue_db_env_overrides_the_default(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, cli: Any
) -> None:
    env_db = tmp_path / "env" / "mine.db"
    monkeypatch.setenv("CRYQUEUE_DB", str(env_db))
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "xdg"))
    assert paths.default_location() == env_db
    code, _out, _err = cli("tears", "Always", "3", db=None)
    assert code == 0
    assert env_db.exists()
    assert not (tmp_path / "xdg").exists()


def test_db_option_overrides_the_env(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, cli: Any
) -> None:
    env_db = tmp_path / "env.db"
    monkeypatch.setenv("CRYQUEUE_DB", str(env_db))
    given = tmp_path / "given.db"
    assert cli("tears", "Always", "3", db=given)[0] == 0
    assert given.exists()
    assert not env_db.exists()


def test_db_option_before_the_command(tmp_path: Path, cli: Any) -> None:
    given = tmp_path / "before.db"
    code, out, _err = cli("--db", given, "list", db=None)
    assert code == 0
    assert "A Moment to Remember" in out
    assert given.exists()


def test_db_option_expands_home(monkeypatch: pytest.MonkeyPatch, tmp_path: Path, cli: Any) -> None:
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    assert cli("list", db="~/films/cq.db")[0] == 0
    assert (tmp_path / "home" / "films" / "cq.db").exists()


# Refusals ---------------------------------------------------------------------------------------


def _text_file(path: Path) -> None:
    path.write_text("My favourite films:\n" + "A Moment to Remember\n" * 20, encoding="utf-8")


def _short_file(path: Path) -> None:
    path.write_bytes(b"SQLite format 3\x00 but short")


def _other_sqlite(path: Path) -> None:
    conn = sqlite3.connect(path)
    conn.execute("CREATE TABLE invoices (id INTEGER PRIMARY KEY, total REAL)")
    conn.execute("INSERT INTO invoices (total) VALUES (12.5)")
    conn.commit()
    conn.close()


def _newer_cryqueue(path: Path) -> None:
    conn = sqlite3.connect(path)
    conn.execute("CREATE TABLE film (id INTEGER PRIMARY KEY, title TEXT)")
    conn.execute("INSERT INTO film (title) VALUES ('From the future')")
    conn.execute(f"PRAGMA application_id = {schema.APPLICATION_ID}")
    conn.execute(f"PRAGMA user_version = {schema.SCHEMA_VERSION + 1}")
    conn.commit()
    conn.close()


def _damaged(path: Path) -> None:
    path.write_bytes(b"SQLite format 3\x00" + bytes(range(256)) * 16)


REFUSED: dict[str, tuple[Callable[[Path], None], str]] = {
    "text file": (_text_file, "not an SQLite file"),
    "short file": (_short_file, "not an SQLite file"),
    "other SQLite database": (_other_sqlite, "not a cryqueue one"),
    "newer cryqueue schema": (_newer_cryqueue, "newer cryqueue"),
    "damaged file": (_damaged, "damaged or unreadable"),
}


@pytest.mark.parametrize("case", REFUSED)
def test_foreign_files_are_refused_and_left_untouched(case: str, tmp_path: Path, cli: Any) -> None:
    make, reason = REFUSED[case]
    folder = tmp_path / "folder"
    folder.mkdir()
    path = folder / "cq.db"
    make(path)
    before = path.read_bytes()
    listing = sorted(os.listdir(folder))

    for command in (["list"], ["watch", "Always"], ["export", "-o", "-"]):
        code, out, err = cli(*command, db=path)
        assert code == 1, command
        assert out == ""
        assert err.count("\n") == 1
        assert err.startswith("cryqueue: ")
        assert reason in err
        assert str(path) in err
        assert "Traceback" not in err

    with pytest.raises(DatabaseRefused):
        Library.open(path)
    assert path.read_bytes() == before
    assert sorted(os.listdir(folder)) == listing


def test_refusal_messages_only_suggest_real_commands(tmp_path: Path, cli: Any) -> None:
    from cryqueue.cli.commands import COMMANDS, FILE_COMMANDS

    for make, _reason in REFUSED.values():
        path = tmp_path / f"{make.__name__}.db"
        make(path)
        _code, _out, err = cli("list", db=path)
        suggested = re.findall(r"'cryqueue (\w+)", err)
        assert all(c in COMMANDS or c in FILE_COMMANDS for c in suggested), err


def test_a_folder_is_refused(tmp_path: Path, cli: Any) -> None:
    code, _out, err = cli("list", db=tmp_path)
    assert code == 1
    assert "is a folder" in err
    assert err.count("\n") == 1


def test_empty_file_becomes_a_new_library(tmp_path: Path, cli: Any) -> None:
    path = tmp_path / "empty.db"
    path.touch()
    code, out, _err = cli("list", db=path)
    assert code == 0
    assert "A Moment to Remember" in out
    assert user_version(path) == schema.SCHEMA_VERSION


@pytest.mark.skipif(os.geteuid() == 0, reason="root can write to read-only files")
def test_read_only_database_is_refused(tmp_path: Path, cli: Any) -> None:
    path = tmp_path / "ro.db"
    Library.open(path).close()
    os.chmod(path, 0o400)
    code, _out, err = cli("list", db=path)
    assert code == 1
    assert "read-only" in err


def test_read_only_database_is_refused_even_when_running_as_root(
    db_path: Path, cli: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Root may write to a 0400 file, so the check is simulated: the refusal path is the same."""
    before = db_path.read_bytes()
    monkeypatch.setattr(os, "access", lambda _path, _mode: False)
    code, out, err = cli("tears", "Always", "5")
    assert (code, out) == (1, "")
    assert "read-only" in err and "chmod u+w" in err and err.count("\n") == 1
    assert db_path.read_bytes() == before


def test_a_data_folder_that_cannot_be_created_is_reported(
    tmp_path: Path, cli: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    def refuse(_path: Path) -> None:
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(opening, "ensure_private_dir", refuse)
    code, _out, err = cli("list", db=tmp_path / "locked" / "cq.db")
    assert code == 1
    assert "cannot create the data folder" in err and "Permission denied" in err
    assert err.count("\n") == 1
    assert not (tmp_path / "locked").exists()


@pytest.mark.skipif(os.geteuid() == 0, reason="root can write into read-only folders")
def test_a_data_folder_inside_a_read_only_folder(tmp_path: Path, cli: Any) -> None:
    parent = tmp_path / "ro"
    parent.mkdir(mode=0o500)
    code, _out, err = cli("list", db=parent / "data" / "cq.db")
    assert code == 1 and "cannot create the data folder" in err


def test_a_missing_data_folder_is_created(tmp_path: Path, cli: Any) -> None:
    code, _out, _err = cli("list", db=tmp_path / "new" / "deeper" / "cq.db")
    assert code == 0
    assert (tmp_path / "new" / "deeper" / "cq.db").is_file()


# Migrations -------------------------------------------------------------------------------------


def _add_mood_column(conn: sqlite3.Connection) -> None:
    conn.execute("ALTER TABLE film ADD COLUMN mood TEXT NOT NULL DEFAULT 'teary'")


@pytest.fixture
def v1_library(db_path: Path) -> Path:
    lib = Library.open(db_path)
    try:
        always = lib.find("Always")
        lib.mark_watched(always.id, date(2024, 2, 3), tears=5)
        lib.set_note(always.id, "Boxing and blindness.")
        lib.move_to_top(always.id)
        lib.add_film(FilmFacts(title="Hachi", year=2009))
    finally:
        lib.close()
    return db_path


def _state(path: Path) -> list[tuple[Any, ...]]:
    lib = Library.open(path)
    try:
        return [(f.id, f.title, f.viewings, f.tear_level, f.note) for f in lib.films()]
    finally:
        lib.close()


def test_migration_keeps_data_bumps_version_and_backs_up(
    v1_library: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    before = _state(v1_library)
    old_version = schema.SCHEMA_VERSION
    monkeypatch.setattr(schema, "SCHEMA_VERSION", old_version + 1)
    monkeypatch.setitem(db_mod.MIGRATIONS, old_version, _add_mood_column)

    after = _state(v1_library)
    assert after == before
    assert after[0][1:] == ("Always", (date(2024, 2, 3),), 5, "Boxing and blindness.")
    assert user_version(v1_library) == old_version + 1
    conn = sqlite3.connect(v1_library)
    try:
        moods = {m for (m,) in conn.execute("SELECT mood FROM film")}
    finally:
        conn.close()
    assert moods == {"teary"}

    backups = list(v1_library.parent.glob(f"{v1_library.name}.schema{old_version}-*.bak"))
    assert len(backups) == 1
    assert mode(backups[0]) == 0o600
    assert user_version(backups[0]) == old_version
    conn = sqlite3.connect(f"{backups[0].resolve().as_uri()}?mode=ro", uri=True)
    try:
        titles = {t for (t,) in conn.execute("SELECT title FROM film")}
        columns = {row[1] for row in conn.execute("PRAGMA table_info(film)")}
    finally:
        conn.close()
    assert "Hachi" in titles
    assert "mood" not in columns


def test_migrated_database_is_not_migrated_again(
    v1_library: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    old_version = schema.SCHEMA_VERSION
    monkeypatch.setattr(schema, "SCHEMA_VERSION", old_version + 1)
    monkeypatch.setitem(db_mod.MIGRATIONS, old_version, _add_mood_column)
    _state(v1_library)
    _state(v1_library)  # a second ALTER TABLE would fail with "duplicate column"
    assert len(list(v1_library.parent.glob("*.bak"))) == 1


def test_failed_migration_leaves_the_database_as_it_was(
    v1_library: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    before = _state(v1_library)
    old_version = schema.SCHEMA_VERSION

    def half_done(conn: sqlite3.Connection) -> None:
        _add_mood_column(conn)
        raise sqlite3.OperationalError("disk I/O error")

    monkeypatch.setattr(schema, "SCHEMA_VERSION", old_version + 1)
    monkeypatch.setitem(db_mod.MIGRATIONS, old_version, half_done)
    with pytest.raises(CryqueueError, match="disk I/O error"):
        Library.open(v1_library)
    assert user_version(v1_library) == old_version
    assert not list(v1_library.parent.glob("*.schema*.bak")), "no backup of a failed start"
    monkeypatch.setattr(schema, "SCHEMA_VERSION", old_version)
    assert _state(v1_library) == before


def test_only_the_newest_migration_backups_are_kept(
    v1_library: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = v1_library.parent
    old = [folder / f"{v1_library.name}.schema0-2020010{i}-000000-000000.bak" for i in range(1, 7)]
    for path in old:
        path.write_bytes(b"old backup")
    unrelated = folder / "notes.txt.bak"
    unrelated.write_text("mine")
    old_version = schema.SCHEMA_VERSION
    monkeypatch.setattr(schema, "SCHEMA_VERSION", old_version + 1)
    monkeypatch.setitem(db_mod.MIGRATIONS, old_version, _add_mood_column)
    _state(v1_library)
    kept = sorted(folder.glob(f"{v1_library.name}.schema*.bak"))
    assert len(kept) == 5
    assert not old[0].exists() and not old[1].exists()
    assert any(p.name.startswith(f"{v1_library.name}.schema{old_version}-") for p in kept)
    assert unrelated.exists()


def test_a_schema_1_library_gains_ratings_tags_and_undated_viewings(
    library: Library, db_path: Path
) -> None:
    """The real first migration: a library as cryqueue 1 wrote it (no rating, tags or
    watched_undated columns) opens with every film, viewing and note as it was."""
    film = library.find("Il Mare")
    library.mark_watched(film.id, "2020-01-01", tears=4)
    library.set_note(film.id, "보고 싶다")
    before = [(f.id, f.rank, f.title, f.viewings, f.tear_level, f.note) for f in library.films()]
    library.close()
    conn = sqlite3.connect(db_path)
    for column in ("rating", "tags_json", "watched_undated"):
        conn.execute(f"ALTER TABLE film DROP COLUMN {column}")
    conn.execute("PRAGMA user_version = 1")
    conn.commit()
    conn.close()

    reopened = Library.open(db_path)
    try:
        films = reopened.films()
        assert [(f.id, f.rank, f.title, f.viewings, f.tear_level, f.note) for f in films] == before
        assert all(f.rating is None and f.tags == () and not f.watched_undated for f in films)
        reopened.retag(film.id, ["rain"])
        assert reopened.swap_rating(film.id, "4.5") == (None, 4.5)
        assert reopened.find("Il Mare").tags == ("rain",)
    finally:
        reopened.close()
    assert user_version(db_path) == schema.SCHEMA_VERSION == 2
    assert len(list(db_path.parent.glob(f"{db_path.name}.schema1-*.bak"))) == 1


def _schema_of(path: Path) -> list[tuple[str, str, str, str]]:
    conn = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
    try:
        rows = conn.execute(
            "SELECT type, name, tbl_name, sql FROM sqlite_master ORDER BY type, name"
        ).fetchall()
        return [(t, n, tb, sql or "") for t, n, tb, sql in rows]
    finally:
        conn.close()


def test_a_migrated_library_is_a_new_one_inside(db_path: Path, tmp_path: Path) -> None:
    """Every older version, migrated, has exactly a new library's schema (sqlite_master:
    column order and defaults included), and keeps its rows."""
    fresh = tmp_path / "fresh.db"
    Library.open(fresh).close()
    for version in range(1, schema.SCHEMA_VERSION):
        old = tmp_path / f"v{version}.db"
        old.write_bytes(db_path.read_bytes())
        conn = sqlite3.connect(old)
        for later in range(version + 1, schema.SCHEMA_VERSION + 1):
            for table, columns in db_mod.ADDED_COLUMNS[later].items():
                for column in columns:
                    conn.execute(f"ALTER TABLE {table} DROP COLUMN {column}")
        conn.execute(f"PRAGMA user_version = {version}")
        conn.commit()
        conn.close()
        library = Library.open(old)
        try:
            assert len(library.films()) == 17
        finally:
            library.close()
        assert _schema_of(old) == _schema_of(fresh), f"from version {version}"
