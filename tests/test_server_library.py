"""A library on PostgreSQL: what only a server library has (its refusals, its backups as JSON
snapshots, several writers at once, moving a library between backends). Everything else a
library does is tested on both backends by the shared fixtures (see conftest)."""

from __future__ import annotations

import itertools
import json
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import psycopg
import pytest

from cryqueue.library import Library
from cryqueue.storage.location import ServerUrl
from pg_server import PgServer
from test_export_import import export_json, lived_in

pytestmark = pytest.mark.server_only  # the `library` and `cli` fixtures: on PostgreSQL

_names = itertools.count(1)
NewDatabase = Callable[[], str]


@pytest.fixture
def empty_database(pg_template: tuple[PgServer, str]) -> Iterator[NewDatabase]:
    """`empty_database()`: the URL of a new, empty database on the test server."""
    server, _template = pg_template
    made: list[str] = []

    def make() -> str:
        name = f"cq_empty_{next(_names)}"
        server.admin(f"CREATE DATABASE {name}")
        made.append(name)
        return server.url(name)

    yield make
    for name in made:
        server.admin(f"DROP DATABASE {name} WITH (FORCE)")


def sql(url: str, statement: str) -> list[tuple[Any, ...]]:
    with psycopg.connect(url, autocommit=True) as conn:
        cursor = conn.execute(statement)
        return cursor.fetchall() if cursor.description else []


def test_a_new_database_becomes_a_seeded_library(cli: Any, empty_database: NewDatabase) -> None:
    url = empty_database()
    code, out, err = cli("list", "--format", "json", db=url)
    assert (code, err) == (0, "")
    assert len(json.loads(out)) == 17
    marks = dict(sql(url, "SELECT key, value FROM meta WHERE key <> 'catalog_version'"))
    assert marks["schema_version"] == "2" and marks["application_id"] == "43525951"


def test_a_database_holding_other_tables_is_refused_and_left_alone(
    cli: Any, empty_database: NewDatabase
) -> None:
    url = empty_database()
    sql(url, "CREATE TABLE invoices (id serial PRIMARY KEY, total numeric)")
    code, out, err = cli("list", db=url)
    assert (code, out) == (1, "")
    assert "holds tables (invoices) but is not a cryqueue library" in err
    assert err.count("\n") == 1
    tables = sql(
        url, "SELECT table_name FROM information_schema.tables WHERE table_schema = 'public'"
    )
    assert tables == [("invoices",)]


def test_a_newer_schema_is_refused(cli: Any, db_location: str) -> None:
    sql(db_location, "UPDATE meta SET value = '99' WHERE key = 'schema_version'")
    code, _out, err = cli("list")
    assert code == 1
    assert "was written by a newer cryqueue (schema 99, this version knows 2)" in err


def test_moving_a_library_between_backends_is_lossless(
    cli: Any, tmp_path: Path, empty_database: NewDatabase
) -> None:
    """PostgreSQL to SQLite and back to a new database: the same list and the same export."""
    lived_in(cli)  # on the test's library, on the server
    start = export_json(cli)
    file = tmp_path / "moved.db"
    assert cli("import", _snapshot(cli, tmp_path / "a.json"), db=file)[0] == 0
    server = empty_database()
    assert cli("import", _snapshot(cli, tmp_path / "b.json", db=file), db=server)[0] == 0
    for target in (file, server):
        assert export_json(cli, db=target)["films"] == start["films"]
        assert _listed(cli, target) == _listed(cli, "default")


def _snapshot(cli: Any, path: Path, db: Path | str = "default") -> Path:
    assert cli("export", "--format", "json", "-o", path, db=db)[0] == 0
    return path


def _listed(cli: Any, db: Path | str) -> Any:
    code, out, _err = cli("list", "--format", "json", db=db)
    assert code == 0
    return json.loads(out)


@pytest.mark.parametrize("fmt", ["markdown", "json", "letterboxd", "csv"])
def test_the_same_changes_export_the_same_on_both_backends(
    cli: Any, tmp_path: Path, empty_database: NewDatabase, fmt: str
) -> None:
    exports = []
    for db in (tmp_path / "same.db", empty_database()):
        for args in (
            ["watch", "Always", "--on", "2024-03-01", "--tears", "5"],
            ["rate", "Always", "4.5"],
            ["tag", "Always", "+rain"],
            ["note", "Il Mare", "Letters *across* time."],
            ["move", "Il Mare", "--top"],
            ["add", "Hachi", "--year", "2009"],
        ):
            assert cli(*args, db=db)[0] == 0
        options = ["--include-notes", "--include-rating", "--include-tags"] * (fmt == "markdown")
        code, out, err = cli("export", "--format", fmt, *options, "-o", "-", db=db)
        assert (code, err) == (0, "")
        exports.append(out)
    if fmt == "json":  # when it was exported aside
        exports = [json.dumps({**json.loads(e), "exported_at": None}) for e in exports]
    assert exports[0] == exports[1]


def test_backup_restore_and_doctor_on_a_server(cli: Any, tmp_path: Path, db_location: str) -> None:
    cli("note", "Il Mare", "kept")
    code, out, err = cli("backup", tmp_path)
    assert (code, err) == (0, "")
    (snapshot,) = tmp_path.glob("*.json")
    assert json.loads(snapshot.read_text(encoding="utf-8"))["films"]
    assert cli("remove", "Il Mare", "--yes")[0] == 0
    code, out, err = cli("restore", snapshot)
    assert (code, err) == (0, ""), err
    assert "brought back" in out
    code, out, _err = cli("show", "Il Mare")
    assert code == 0 and "kept" in out
    code, out, _err = cli("doctor")
    assert code == 0 and out.rstrip().endswith("The database is healthy.")


def test_the_password_is_never_shown(cli: Any, db_location: str) -> None:
    with_password = db_location.replace("cryqueue_test@", "cryqueue_test:hunter2@")
    for args in (["list"], ["doctor"], ["show", "Nothing Like It"], ["backup"]):
        _code, out, err = cli(*args, db=with_password)
        assert "hunter2" not in out + err
    assert "cryqueue_test:***@" in cli("doctor", db=with_password)[1]


def test_writers_on_two_connections_lose_nothing(db_location: str) -> None:
    """Four writers move, rate and note films at once: every change lands, keys stay unique,
    and each library sees the others' commits."""
    url = ServerUrl(db_location)
    libraries = [Library.open(url) for _ in range(4)]
    for library in libraries:
        library.watch_changes()
    ids = [film.id for film in libraries[0].films()]
    errors: list[BaseException] = []

    def work(n: int) -> None:
        library = libraries[n]
        try:
            for step in range(15):
                film = ids[(n * 7 + step) % len(ids)]
                library.move_to(film, 1 + (step * 5 + n) % len(ids))
                library.set_note(film, f"writer {n} step {step}")
        except BaseException as exc:
            errors.append(exc)

    threads = [threading.Thread(target=work, args=(n,)) for n in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    keys = sql(db_location, "SELECT count(DISTINCT rank_key), count(*) FROM film")
    assert keys == [(17, 17)]
    assert all(library.changed_elsewhere() for library in libraries)
    notes = {film.note for film in libraries[0].films() if film.note}
    assert len(notes) >= 4
    for library in libraries:
        library.close()


def test_a_server_library_loads_no_driver_for_a_file_library(tmp_path: Path) -> None:
    """psycopg is imported only for a PostgreSQL URL: a file library starts as before."""
    script = (
        "import sys; from cryqueue.cli.commands import main; "
        f"main(['--db', {str(tmp_path / 'x.db')!r}, 'list']); "
        "print('psycopg' in sys.modules)"
    )
    out = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True)
    assert out.stdout.strip().splitlines()[-1] == "False"


def test_libpq_parameters_pass_through_the_url(cli: Any, db_location: str) -> None:
    """The test server speaks no TLS: sslmode=disable works, sslmode=require is refused by
    libpq itself, in one line naming the URL."""
    assert cli("list", db=f"{db_location}?sslmode=disable")[0] == 0
    code, _out, err = cli("list", db=f"{db_location}?sslmode=require")
    assert code == 1 and "sslmode=require" in err and "SSL" in err
    assert err.count("\n") == 1


def test_cli_processes_writing_at_once_lose_nothing(db_location: str) -> None:
    """Six real `cryqueue` processes add a film each and move it to the top, all at once."""
    commands = [
        f"{sys.executable} -m cryqueue --db '{db_location}' add 'Film {n}' --year 2001 && "
        f"{sys.executable} -m cryqueue --db '{db_location}' move 'Film {n}' --top"
        for n in range(6)
    ]
    procs = [subprocess.Popen(["sh", "-c", c], stderr=subprocess.PIPE) for c in commands]
    for proc in procs:
        _out, err = proc.communicate(timeout=60)
        assert proc.returncode == 0, err.decode()
    rows = sql(db_location, "SELECT title FROM film ORDER BY rank_key")
    assert sorted(t for (t,) in rows[:6]) == [f"Film {n}" for n in range(6)]
    assert sql(db_location, "SELECT count(DISTINCT rank_key), count(*) FROM film") == [(23, 23)]


def test_a_missing_database_or_user_says_what_to_do(cli: Any, db_location: str) -> None:
    server = db_location.rsplit("/", 1)[0]
    code, _out, err = cli("list", db=f"{server}/nowhere")
    assert code == 1
    assert 'database "nowhere" does not exist; create it first (createdb NAME)' in err
    code, _out, err = cli("list", db=db_location.replace("cryqueue_test@", "ghost@"))
    assert code == 1 and 'role "ghost" does not exist; check the user name in the URL' in err


def test_a_commit_the_server_refuses_changes_nothing_and_hides_no_writer(
    db_location: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A key press's write sends its count and its COMMIT in one round trip; when the server
    refuses that batch, the change is not made, and the next writer is still seen."""
    from cryqueue.domain.errors import CryqueueError
    from cryqueue.storage.database import Database

    mine, theirs = Library.open(ServerUrl(db_location)), Library.open(ServerUrl(db_location))
    try:
        mine.watch_changes()
        film = mine.find("Il Mare").id
        with monkeypatch.context() as patched:
            patched.setattr(Database, "_commit", staticmethod(lambda d: d.execute("SELECT 1/0")))
            with pytest.raises(CryqueueError, match="division by zero"):
                mine.set_tears(film, 3)
        assert mine.get(film).tear_level != 3
        mine.set_tears(film, 4)  # the pool is fine after it
        theirs.set_tears(theirs.find("Always").id, 2)
        assert mine.changed_elsewhere()
        assert mine.get(film).tear_level == 4
    finally:
        mine.close()
        theirs.close()


def test_a_dropped_connection_costs_one_message_then_reconnects(db_location: str) -> None:
    """The server ends every connection (a restart, a failover): the change watch says so
    once, then looks again on a new connection; pooled connections are replaced unseen."""
    from cryqueue.domain.errors import CryqueueError

    mine, theirs = Library.open(ServerUrl(db_location)), Library.open(ServerUrl(db_location))
    try:
        mine.watch_changes()
        mine.set_tears(mine.find("Il Mare").id, 2)  # a pooled connection, about to be ended
        sql(
            db_location,
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity"
            " WHERE datname = current_database() AND pid <> pg_backend_pid()",
        )
        with pytest.raises(CryqueueError, match="cannot use the library at postgresql://"):
            mine.changed_elsewhere()
        theirs.set_tears(theirs.find("Always").id, 4)
        assert mine.changed_elsewhere()
        mine.set_tears(mine.find("Il Mare").id, 3)
        assert mine.find("Il Mare").tear_level == 3
    finally:
        mine.close()
        theirs.close()


def test_commands_on_a_ready_server_library_load_no_sqlalchemy(db_location: str) -> None:
    """Reading (`list`, `stats`, the Markdown export) and writing (`tears`, `watch`) on a
    library that needs no set-up use psycopg alone, as a file's use sqlite3 alone: the check
    that the database is a library reads the catalog on the driver."""
    script = (
        "import sys; from cryqueue.cli.commands import main; "
        f"codes = [main(['--db', {db_location!r}, *a]) for a in "
        "(['list'], ['stats'], ['export', '-o', '-'], ['tears', 'Il Mare', '3'],"
        " ['watch', 'Il Mare'])]; "
        "print(codes, 'sqlalchemy' in sys.modules)"
    )
    out = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True)
    assert out.stdout.strip().splitlines()[-1] == "[0, 0, 0, 0, 0] False"
    library = Library.open(ServerUrl(db_location))
    try:
        assert library.find("Il Mare").tear_level == 3
    finally:
        library.close()


def test_a_writer_waits_for_the_write_lock_then_says_busy(
    db_location: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Writers queue on one transaction lock; one held past the timeout is the usual one-line
    'stayed busy', and the change is not made."""
    from cryqueue.domain.errors import CryqueueError
    from cryqueue.storage import pg

    monkeypatch.setattr(pg, "BUSY_TIMEOUT_MS", 300)
    library = Library.open(ServerUrl(db_location))
    film = library.find("Il Mare").id
    for _ in range(3):  # idle connections in the pool: a busy one is not tried again on them
        with library.db.reading(), library.db.reading():
            pass
    holder = psycopg.connect(db_location)  # another machine, mid-write
    try:
        holder.execute(f"SELECT pg_advisory_xact_lock({pg.WRITE_LOCK})")
        start = time.monotonic()
        with pytest.raises(CryqueueError, match="stayed busy"):
            library.set_tears(film, 5)
        assert time.monotonic() - start < 0.9, "waited once, not once per idle connection"
        holder.rollback()
        library.set_tears(library.find("Il Mare").id, 5)
        assert library.find("Il Mare").tear_level == 5
    finally:
        holder.close()
        library.close()
