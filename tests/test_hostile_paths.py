"""Odd `--db` paths and damaged libraries: a path is a path, a damaged file is one clear line
naming `cryqueue doctor`, never a traceback, and nothing is left behind."""

from __future__ import annotations

import os
import sqlite3
import stat
import unicodedata
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from conftest import Cli


@pytest.mark.parametrize("name", ["a%20b/c.db", "lib?mode=rwc", "x#y.db", "file:z.db"])
def test_a_db_path_with_url_syntax_is_that_file(cli: Cli, tmp_path: Path, name: str) -> None:
    target = tmp_path / "p" / name
    target.parent.mkdir(parents=True, exist_ok=True)
    code, _out, err = cli("watch", "Il Mare", db=target)  # through SQLAlchemy
    assert code == 0, err
    code, out, err = cli("list", "--watched", db=target)  # through the first-frame reader
    assert code == 0, err
    assert "Il Mare" in out
    code, out, err = cli("doctor", db=target)  # through a read-only URI of its own
    assert code == 0 and "healthy" in out, out + err
    code, _out, err = cli("backup", tmp_path / "copy.bak", db=target)
    assert code == 0, err
    top = tmp_path / "p"
    made = sorted(p.relative_to(top).as_posix() for p in top.rglob("*") if p.is_file())
    assert [m for m in made if not m.endswith(("-wal", "-shm"))] == [name]
    assert (tmp_path / "copy.bak").is_file()


@pytest.mark.parametrize(
    "url",
    [
        "mysql://root:secret@localhost/films",
        "postgres:/x",
        "postgresql+psycopg2://ann:secret@localhost/films",
        "sqlite:///films.db",
    ],
)
@pytest.mark.parametrize("given_by", ["--db", "CRYQUEUE_DB"])
def test_a_database_url_cryqueue_cannot_open_is_refused_and_creates_nothing(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    url: str,
    given_by: str,
) -> None:
    from cryqueue.cli.commands import main

    monkeypatch.chdir(tmp_path)
    if given_by == "--db":
        argv = ["--db", url, "list"]
    else:
        monkeypatch.setenv("CRYQUEUE_DB", url)
        argv = ["list"]
    code = main(argv)
    assert code == 2
    assert not any(tmp_path.iterdir()), "no folder named after the URL"
    err = capsys.readouterr().err
    assert "give a SQLite file's path, or a PostgreSQL URL" in err and "secret" not in err
    assert len(err.strip().splitlines()) == 1


@pytest.mark.parametrize(
    "url",
    [
        "postgresql://ann:s3cr%40t@127.0.0.1:1/films",
        "postgres://ann@127.0.0.1:1/films?password=s3cr%40t&sslmode=prefer",
    ],
)
def test_a_server_that_cannot_be_reached_is_one_line_naming_no_password(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, url: str
) -> None:
    from cryqueue.cli.commands import main

    monkeypatch.chdir(tmp_path)
    assert main(["--db", url, "list"]) == 1
    err = capsys.readouterr().err
    assert "the server cannot be reached" in err and "127.0.0.1:1/films" in err
    assert "s3cr" not in err and "%40" not in err
    assert len(err.strip().splitlines()) == 1
    assert not any(tmp_path.iterdir()), "nothing written where it ran"


def _sql(path: Path, *statements: str) -> None:
    conn = sqlite3.connect(path)
    try:
        for statement in statements:
            conn.execute(statement)
        conn.commit()
    finally:
        conn.close()


def _one_line_naming_doctor(code: int, err: str) -> None:
    assert code == 1, err
    assert "Traceback" not in err and err.count("\n") == 1, err
    assert "cryqueue doctor" in err, err


@pytest.mark.sqlite_only("a FIFO given as the file")
def test_a_fifo_as_the_database_is_refused_and_nothing_is_left_beside_it(
    cli: Cli, tmp_path: Path
) -> None:
    fifo = tmp_path / "pipe.db"
    os.mkfifo(fifo)
    code, _out, err = cli("list", db=fifo)
    assert code == 1 and "not a regular file" in err, err
    assert sorted(p.name for p in tmp_path.iterdir()) == ["cq.db", "pipe.db"]


@pytest.mark.skipif(os.geteuid() != 0, reason="mknod of a device needs root")
@pytest.mark.parametrize("minor", [3, 5], ids=["a null device", "a zero device"])
def test_a_device_as_the_database_is_refused(cli: Cli, tmp_path: Path, minor: int) -> None:
    device = tmp_path / "dev.db"
    os.mknod(device, 0o600 | stat.S_IFCHR, os.makedev(1, minor))  # inside the test's folder
    code, _out, err = cli("list", db=device)
    assert code == 1 and "not a regular file" in err, err
    assert stat.S_ISCHR(device.stat().st_mode)
    assert not (tmp_path / "dev.db-journal").exists()


@pytest.mark.parametrize("command", [("list",), ("search", "love"), ("export", "-o", "x.md")])
def test_a_corrupted_page_is_one_line(cli: Cli, db_path: Path, command: tuple[str, ...]) -> None:
    data = bytearray(db_path.read_bytes())
    root = _root_page(db_path, "film")
    for page in (root + 1, root + 2):  # the film table's first leaf pages
        start = (page - 1) * 4096
        data[start + 8 : start + 200] = b"\xff" * 192
    db_path.write_bytes(bytes(data))
    _one_line_naming_doctor(*cli(*command)[::2])


def _root_page(path: Path, table: str) -> int:
    conn = sqlite3.connect(path)
    try:
        return int(
            conn.execute("SELECT rootpage FROM sqlite_master WHERE name = ?", (table,)).fetchone()[
                0
            ]
        )
    finally:
        conn.close()


@pytest.mark.parametrize("version", [0, -1, 1])
def test_a_wrong_schema_version_is_found_and_repaired(
    cli: Cli, db_path: Path, version: int
) -> None:
    _sql(db_path, f"PRAGMA user_version = {version}")
    _one_line_naming_doctor(*cli("list")[::2])
    assert not list(db_path.parent.glob("*.schema*")), "a failed start leaves no backup"
    code, out, _err = cli("doctor")
    assert code != 0 and "tables are schema 2's" in out, out
    code, out, err = cli("doctor", "--repair")
    assert code == 0, out + err
    assert "set the schema version to 2" in out
    code, out, err = cli("list")
    assert code == 0 and "Il Mare" in out, err


DAMAGE = {
    "a title that is not UTF-8": "UPDATE film SET title = CAST(X'4C6F7665FF' AS TEXT) WHERE id = 3",
    "tags that are not JSON": "UPDATE film SET tags_json = '[\"sad' WHERE id = 3",
    "cast that is not a list": "UPDATE film SET cast_json = '{\"a\": 1}' WHERE id = 3",
    "a viewing on a week date": "INSERT INTO viewing (film_id, watched_on) VALUES (3, '2020-W01-1')",
    "a viewing on no date": "INSERT INTO viewing (film_id, watched_on) VALUES (3, 'yesterday')",
    "a viewing stored as a number": "INSERT INTO viewing (film_id, watched_on) VALUES (3, 20240101)",
}


@pytest.mark.parametrize("damage", DAMAGE.values(), ids=DAMAGE.keys())
def test_row_damage_is_one_line_found_and_mended(cli: Cli, db_path: Path, damage: str) -> None:
    _sql(db_path, damage)
    for command in (
        ("list", "--format", "json"),
        ("show", "#3"),
        ("export", "-o", "x.json", "--format", "json"),
    ):
        code, _out, err = cli(*command)
        if command[0] == "show" and code == 2:
            continue  # '#3' is not a title; list and export read every film
        _one_line_naming_doctor(code, err)
    code, out, _err = cli("doctor")
    assert code != 0 and "fixable" in out, out
    code, out, err = cli("doctor", "--repair")
    assert code == 0 and ("mended 1" in out or "removed 1" in out), out + err
    code, out, err = cli("list", "--format", "json")
    assert code == 0, err
    code, out, _err = cli("doctor")
    assert code == 0 and "healthy" in out, out


def test_restore_refuses_triggers_views_and_changed_tables(
    cli: Cli, db_path: Path, tmp_path: Path
) -> None:
    for name, change in {
        "trigger": "CREATE TRIGGER wipe AFTER UPDATE ON film BEGIN DELETE FROM viewing; END",
        "view": "CREATE VIEW v AS SELECT title FROM film",
        "dropped": "ALTER TABLE film DROP COLUMN note",
    }.items():
        backup = tmp_path / f"{name}.bak"
        assert cli("backup", backup)[0] == 0
        _sql(backup, change)
        before = db_path.read_bytes()
        code, _out, err = cli("restore", backup)
        assert code == 1 and "cannot be restored" in err, (name, err)
        assert db_path.read_bytes() == before, name
        code, out, _err = cli("doctor", db=backup)
        assert code != 0 and "healthy" not in out, (name, out)


def test_doctor_repair_drops_a_foreign_trigger(cli: Cli, db_path: Path) -> None:
    _sql(db_path, "CREATE TRIGGER wipe AFTER UPDATE ON film BEGIN DELETE FROM viewing; END")
    code, out, _err = cli("doctor")
    assert code != 0 and "trigger 'wipe'" in out, out
    code, out, _err = cli("doctor", "--repair")
    assert code == 0 and "dropped the trigger 'wipe'" in out, out
    cli("watch", "Il Mare")
    cli("tears", "Il Mare", "3")  # an update that the trigger would have answered
    code, out, _err = cli("list", "--watched")
    assert "Il Mare" in out


@pytest.mark.parametrize(
    "name", ["cq.db", "cq.db-wal", "cq.db-shm", "cq.db.pre-import-x.bak", "link"]
)
def test_export_never_writes_over_the_library(cli: Cli, db_path: Path, name: str) -> None:
    target = db_path.parent / name
    if name == "link":
        target.symlink_to(db_path)
    elif name.endswith(".bak"):
        target.write_bytes(b"kept")
    before = {p.name: p.read_bytes() for p in db_path.parent.iterdir() if p.is_file()}
    for fmt in ("markdown", "json"):
        code, _out, err = cli("export", "-o", target, "--format", fmt)
        assert code == 1 and "your library's database or one of its backups" in err, err
    after = {p.name: p.read_bytes() for p in db_path.parent.iterdir() if p.is_file()}
    assert after == before
    code, out, _err = cli("list")
    assert code == 0 and "Il Mare" in out


def test_the_apps_export_never_writes_over_the_library(db_path: Path) -> None:
    from cryqueue.domain.errors import CryqueueError
    from cryqueue.library import Library

    library = Library.open(db_path)
    try:
        with pytest.raises(CryqueueError, match="database or one of its backups"):
            library.export_file(db_path.parent / "." / "cq.db")
    finally:
        library.close()


OSC52 = "\x1b]52;c;aGVsbG8=\x07\x1b[2J"  # writes the clipboard, then clears the screen


def test_error_messages_show_control_characters_instead_of_obeying_them(
    cli: Cli, tmp_path: Path
) -> None:
    missing = tmp_path / f"export{OSC52}.csv"
    code, out, err = cli("import", missing)
    assert code != 0
    assert "\x1b" not in err + out and "\x07" not in err + out
    assert "\\x1b]52;c;aGVsbG8=\\x07" in err, err


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_files_and_folders_are_private_whatever_the_umask_and_links(
    cli: Cli, tmp_path: Path
) -> None:
    old = os.umask(0)
    try:
        deep = tmp_path / "a" / "b" / "c" / "lib.db"
        assert cli("list", db=deep)[0] == 0
        link = tmp_path / "link.db"
        target = tmp_path / "real" / "target.db"
        target.parent.mkdir(mode=0o700)
        link.symlink_to(target)
        assert cli("list", db=link)[0] == 0
    finally:
        os.umask(old)
    assert [_mode(p) for p in (tmp_path / "a", tmp_path / "a" / "b", deep.parent)] == [0o700] * 3
    assert _mode(deep) == 0o600
    assert link.is_symlink() and _mode(target) == 0o600


def test_a_bad_config_is_reported_and_ignored(tmp_path: Path) -> None:
    from cryqueue.storage.config import read_config

    path = tmp_path / "config.json"
    path.write_text("[" * 100_000 + "]" * 100_000)
    values, problem = read_config(path)
    assert values == {} and problem is not None and "using the defaults" in problem
    path.write_text('{"theme": "nord"}')
    assert read_config(path) == ({"theme": "nord"}, None)


def test_a_read_only_library_creates_no_files_and_names_what_to_make_writable(
    cli: Cli, db_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Root may write anything, so whether a file is writable is simulated."""
    stale = db_path.parent / "cq.db-shm"
    stale.write_bytes(b"")  # left by an older cryqueue that opened the library read-only
    read_only = {db_path, stale}
    monkeypatch.setattr(os, "access", lambda path, _mode: Path(path) not in read_only)
    before = sorted(p.name for p in db_path.parent.iterdir())
    for command in (("list",), ("tears", "Always", "5"), ("export", "-o", "-")):
        code, _out, err = cli(*command)
        assert code == 1 and f"chmod u+w {db_path} {stale}" in err, err
    assert sorted(p.name for p in db_path.parent.iterdir()) == before
    read_only.discard(db_path)  # the user follows the advice for the database only
    code, _out, err = cli("list")
    assert code == 1 and f"chmod u+w {stale}" in err, err
    read_only.clear()
    stale.unlink()
    assert cli("tears", "Always", "5")[0] == 0


def test_csv_export_guards_a_formula_at_the_cells_start_only() -> None:
    from cryqueue.interop.spreadsheet import cell

    assert cell(["rain", "=cmd", "-sad"]) == "rain; =cmd; -sad"
    assert cell(["=cmd", "rain"]) == "'=cmd; rain"
    assert cell("+1") == "'+1" and cell(None) == "" and cell(True) == "yes"


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [("version", -5, "version -5"), ("version", 0, "version 0"), ("imdb_id", "nm123", "IMDb id")],
)
def test_json_import_refuses_impossible_versions_and_ids(
    cli: Cli, tmp_path: Path, field: str, value: object, message: str
) -> None:
    import json

    export = tmp_path / "export.json"
    assert cli("export", "--format", "json", "-o", export)[0] == 0
    document = json.loads(export.read_text(encoding="utf-8"))
    if field == "version":
        document["version"] = value
    else:
        document["films"][0]["imdb_id"] = value
    export.write_text(json.dumps(document), encoding="utf-8")
    code, _out, err = cli("import", export)
    assert code == 2 and message in err, err


@given(st.text())
def test_visible_text_carries_no_control_character(text: str) -> None:
    from cryqueue.domain.text import visible

    shown = visible(text)
    assert not any(unicodedata.category(ch) == "Cc" for ch in shown)
    assert not any("\u202a" <= ch <= "\u202e" or "\u2066" <= ch <= "\u2069" for ch in shown)
    if not any(
        unicodedata.category(ch) == "Cc"
        or ch in "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"
        for ch in text
    ):
        assert shown == text  # ordinary text, Hangul and emoji included, is left alone
    lines = visible(text, lines=True)
    assert lines.replace("\n", "").replace("\t", "") == visible(
        text.replace("\n", "").replace("\t", "")
    )


@pytest.mark.parametrize("day", ["2020-W01-1", "20200101", "2020-001"])
def test_watch_on_takes_only_year_month_day(cli: Cli, day: str) -> None:
    code, _out, err = cli("watch", "Il Mare", "--on", day)
    assert code == 2 and "use YYYY-MM-DD" in err, err
    code, out, _err = cli("list", "--watched")
    assert "Il Mare" not in out


def test_importing_a_fifo_or_a_device_is_refused_without_waiting(cli: Cli, tmp_path: Path) -> None:
    fifo = tmp_path / "diary.csv"
    os.mkfifo(fifo)  # nobody writes to it: opening it would wait for ever
    code, _out, err = cli("import", fifo)
    assert code == 2 and "not a regular file" in err, err
    if os.geteuid() == 0:
        zero = tmp_path / "zero.csv"
        os.mknod(zero, 0o600 | stat.S_IFCHR, os.makedev(1, 5))  # /dev/zero's twin, in tmp
        code, _out, err = cli("import", zero)
        assert code == 2 and "not a regular file" in err, err


def test_a_zip_bomb_is_refused_as_it_unpacks(cli: Cli, db_path: Path, tmp_path: Path) -> None:
    import zipfile

    bomb = tmp_path / "letterboxd.zip"
    row = b"2023-01-01,Il Mare,2000,https://boxd.it/x,4,,,2023-01-01\n"
    with (
        zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as archive,
        archive.open("diary.csv", "w", force_zip64=True) as member,
    ):
        member.write(b"Date,Name,Year,Letterboxd URI,Rating,Rewatch,Tags,Watched Date\n")
        chunk = row * 20_000
        for _ in range(40):  # about 48 MB that packs to a few hundred KB
            member.write(chunk)
    assert bomb.stat().st_size < 1_000_000
    before = db_path.read_bytes()
    code, _out, err = cli("import", bomb)
    assert code == 2 and "ZIP bomb" in err, err
    assert db_path.read_bytes() == before


def test_the_size_cap_counts_bytes_read(
    cli: Cli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from cryqueue.interop import csv_source
    from cryqueue.interop import import_sources as import_files

    monkeypatch.setattr(import_files, "MAX_BYTES", 1000)
    monkeypatch.setattr(csv_source, "CHUNK", 100)  # read in pieces: the cap counts as they come
    big = tmp_path / "diary.csv"
    big.write_text("Date,Name,Year,Letterboxd URI,Rating\n" + "2023-01-01,X,2001,u,4\n" * 100)
    code, _out, err = cli("import", big)
    assert code == 2 and "larger than" in err, err


def test_an_unterminated_quote_names_its_line(cli: Cli, tmp_path: Path) -> None:
    broken = tmp_path / "ratings.csv"
    broken.write_text(
        "Date,Name,Year,Letterboxd URI,Rating\n"
        "2023-01-01,Il Mare,2000,u,4\n"
        '2023-01-01,"Always,2011,u,5\n'
        "2023-01-01,Windstruck,2004,u,3\n"
    )
    code, _out, err = cli("import", broken)
    assert code == 2 and "ratings.csv line 3" in err and "never closed" in err, err


@pytest.mark.parametrize(
    ("title", "year", "original"),
    [("Twín", 2000, None), ("오직 그대만", 2011, None), ("Only You", 2011, "오직 그대만")],
    ids=["accented namesake", "an original title as title", "the same original title"],
)
def test_one_rule_of_film_identity_for_add_and_import(
    cli: Cli, tmp_path: Path, title: str, year: int, original: str | None
) -> None:
    assert cli("add", "Twin", "--year", "2000")[0] == 0
    extra = ["--original-title", original] if original else []
    code, _out, err = cli("add", title, "--year", str(year), *extra)
    assert code == 2 and "already in the library" in err, err
    export = tmp_path / "all.json"
    assert cli("export", "--format", "json", "-o", export)[0] == 0
    fresh = tmp_path / "fresh.db"
    assert cli("import", export, db=fresh)[0] == 0
    assert cli("list", "--format", "json", db=fresh)[1] == cli("list", "--format", "json")[1]


def test_a_viewing_removed_by_repair_leaves_its_film_watched(cli: Cli, db_path: Path) -> None:
    _sql(db_path, "INSERT INTO viewing (film_id, watched_on) VALUES (3, 'yesterday')")
    code, out, _err = cli("doctor", "--repair")
    assert code == 0 and "removed 1 viewings whose date is not a date" in out, out
    conn = sqlite3.connect(db_path)
    (title,) = conn.execute("SELECT title FROM film WHERE id = 3").fetchone()
    conn.close()
    code, out, _err = cli("list", "--watched")
    assert code == 0 and title in out, out


def test_doctor_and_restore_refuse_a_library_from_a_newer_cryqueue(
    cli: Cli, db_path: Path, tmp_path: Path
) -> None:
    newer = tmp_path / "newer.bak"
    assert cli("backup", newer)[0] == 0
    _sql(
        newer,
        "PRAGMA user_version = 3",
        "CREATE TRIGGER t3 AFTER UPDATE ON film BEGIN SELECT 1; END",
    )
    code, out, _err = cli("doctor", db=newer)
    assert code != 0 and "newer cryqueue" in out and "healthy" not in out, out
    code, _out, err = cli("restore", newer)
    assert code == 1 and "cannot be restored" in err, err


def test_a_trigger_named_like_sqlites_own_is_still_foreign(
    cli: Cli, db_path: Path, tmp_path: Path
) -> None:
    backup = tmp_path / "wipe.bak"
    assert cli("backup", backup)[0] == 0
    _sql(backup, "CREATE TRIGGER sqlitexwipe AFTER UPDATE ON film BEGIN DELETE FROM viewing; END")
    code, _out, err = cli("restore", backup)
    assert code == 1 and "sqlitexwipe" in err, err


def test_a_big_korean_csv_is_read_as_utf8(cli: Cli, tmp_path: Path) -> None:
    rows = "".join(f"2023-01-01,눈물의 영화 {n},2001,u,4\n" for n in range(3000))  # > 64 KiB
    path = tmp_path / "ratings.csv"
    path.write_text("Date,Name,Year,Letterboxd URI,Rating\n" + rows, encoding="utf-8")
    assert path.stat().st_size > 65536
    code, out, err = cli("import", path, "--dry-run")
    assert code == 0 and "3000 added" in out and "Windows-1252" not in out, out + err


def test_a_file_name_that_is_not_utf8_is_shown_escaped() -> None:
    from cryqueue.domain.text import visible

    name = b"caf\xe9.csv".decode("utf-8", "surrogateescape")
    shown = visible(name)
    assert shown == "caf\\udce9.csv"
    shown.encode("utf-8")  # a strict UTF-8 terminal can print it


def test_doctor_checks_every_text_column_the_app_reads(cli: Cli, db_path: Path) -> None:
    _sql(db_path, "UPDATE film SET search_norm = CAST(X'FF' AS TEXT) WHERE id = 3")
    code, out, _err = cli("doctor")
    assert code != 0 and "search norm is not UTF-8" in out, out
    code, out, _err = cli("doctor", "--repair")
    assert code == 0 and "mended 1" in out, out
    assert "healthy" in cli("doctor")[1]


def test_a_carriage_return_inside_a_value_is_not_an_open_quote(cli: Cli, tmp_path: Path) -> None:
    path = tmp_path / "ratings.csv"
    path.write_bytes(
        b"Date,Name,Year,Letterboxd URI,Rating\n"
        b'2023-01-01,"Il Mare\rRemastered",2000,u,4\n'
        b"2023-01-01,Always,2011,u,5\n"
    )
    code, out, err = cli("import", path, "--dry-run")
    assert code == 0 and "never closed" not in err, out + err


def test_export_refuses_a_hard_link_to_the_library(cli: Cli, db_path: Path) -> None:
    link = db_path.parent / "ranking.md"
    os.link(db_path, link)  # the same file under another name, as a case variant would be
    before = db_path.read_bytes()
    code, _out, err = cli("export", "-o", link)
    assert code == 1 and "your library's database" in err, err
    assert db_path.read_bytes() == before


def test_many_small_zip_bombs_add_up_like_one(cli: Cli, db_path: Path, tmp_path: Path) -> None:
    import zipfile

    bomb = tmp_path / "letterboxd.zip"
    header = b"Date,Name,Year,Letterboxd URI,Rating,Rewatch,Tags,Watched Date\n"
    row = b"2023-01-01,Il Mare,2000,https://boxd.it/x,4,,,2023-01-01\n"
    with zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as archive:
        for n in range(3):  # each under the one-member limit, together far past the ratio
            archive.writestr(f"lists/list-{n}.csv", header + row * 180_000)
    before = db_path.read_bytes()
    code, _out, err = cli("import", bomb)
    assert code == 2 and "ZIP bomb" in err, err
    assert db_path.read_bytes() == before
