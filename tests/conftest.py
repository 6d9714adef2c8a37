"""Shared fixtures: a fresh library in a temporary folder, an in-process CLI runner, and a guard
that keeps every test away from the real user data folder."""

from __future__ import annotations

import gc
import io
import os
import shutil
import sqlite3
import sys
import tempfile
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager
from pathlib import Path

import pytest
from hypothesis import HealthCheck, settings

from cryqueue.cli import commands
from cryqueue.cli.commands import main
from cryqueue.cli.parser import build_parser
from cryqueue.library import Library
from cryqueue.storage.location import ServerUrl, library_location
from pg_server import DatabasePool, PgServer, start_server

CliResult = tuple[int, str, str]
Cli = Callable[..., CliResult]


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers",
        "packaging: builds a wheel with pip (slowest test); deselect with -m 'not packaging'",
    )
    config.addinivalue_line(
        "markers",
        "sqlite_only(reason): a test of what only a SQLite file has (its path, its backups)",
    )
    config.addinivalue_line("markers", "server_only: a test of what only PostgreSQL has")


# Fixtures that look at the library's file: a test using one runs on SQLite only.
FILE_FIXTURES = {"db_path", "db_dump", "rank_keys", "seeded_template", "library_pair"}


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    """Every test of the library and the CLI (the `library` and `cli` fixtures) runs on both
    backends, SQLite and PostgreSQL, unless it looks at the file or is marked sqlite_only.
    The app's tests (tests/ui) run on SQLite."""
    names = set(metafunc.fixturenames)
    if "backend" not in names or names & FILE_FIXTURES:
        return
    if "ui" in metafunc.definition.path.parts[-2:-1]:
        return
    if metafunc.definition.get_closest_marker("sqlite_only"):
        return
    server_only = metafunc.definition.get_closest_marker("server_only")
    backends = ["postgresql"] if server_only else ["sqlite", "postgresql"]
    metafunc.parametrize("backend", backends, indirect=True)


# The slowest tests (file, test name or None for the whole file), slowest first. They run first,
# so that `pytest -n 3` does not end with one worker busy on a long test while the others wait.
SLOW_FIRST = [
    ("test_crash.py", None),
    ("test_other_writers.py", "test_every_key_on_a_film_another_writer_removed"),
    ("test_real_terminal.py", None),
    ("test_app_and_cli.py", None),
    ("test_server_library.py", "test_cli_processes_writing_at_once_lose_nothing"),
    ("test_two_writers.py", None),
    ("test_keys.py", "test_undo_and_redo_every_kind_of_change"),
    ("test_hostile_input.py", "test_notes_store_exactly_or_refuse"),
    ("test_other_writers.py", None),
    ("test_ranking.py", "test_any_sequence_of_changes_keeps_the_ranking_right"),
    ("test_startup.py", None),
]


# A young-generation collection every 10,000 allocations rather than Python's 700: an app's
# rendering makes and drops strips and segments by the thousand, and every tenth young
# collection's survivors led to a full one. On the whole suite (3 workers), a worker's full
# collections fell from 35-57 to 10-11, and their time from 12-15 s to 1-2 s; 50,000 saved no
# more.
GC_YOUNG_THRESHOLD = 10_000


def pytest_collection_finish(session: pytest.Session) -> None:
    """What is alive once the tests are collected (the modules, the test items) stays alive to
    the end: out of the garbage collector's sight, so that a full collection during a test
    looks at what the tests made rather than at 90,000 objects that cannot be garbage."""
    gc.collect()
    gc.freeze()
    gc.set_threshold(GC_YOUNG_THRESHOLD, *gc.get_threshold()[1:])


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    def place(item: pytest.Item) -> int:
        name = getattr(item, "originalname", item.name)
        for at, (file, test) in enumerate(SLOW_FIRST):
            if item.path.name == file and test in (None, name):
                return at
        return len(SLOW_FIRST)

    items.sort(key=place)  # stable: the rest keep their order


@pytest.fixture(autouse=True, scope="session")
def _one_parser_per_worker() -> Iterator[None]:
    """A `cryqueue` process builds its command line's parser once; the tests run `main()` in
    process some thousands of times, and building it (every command's options, with a help
    formatter made for each and argparse's gettext lookups on disk) cost 5-13 ms each time.
    Parsing leaves a parser as it was, so one per worker serves every test."""
    parser = build_parser()
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(commands, "build_parser", lambda: parser)
        yield


@pytest.fixture
def backend(request: pytest.FixtureRequest) -> str:
    """Which database the test's library is on (SQLite unless parametrized)."""
    return str(getattr(request, "param", "sqlite"))


@pytest.fixture(scope="session")
def pg_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[PgServer | str]:
    """One throwaway PostgreSQL server for the session (per xdist worker), or why none. No
    autovacuum: its workers cost the suite some 4 s of CPU, tidying databases of a few dozen
    rows that the pool empties and refills (the benchmark's server keeps it)."""
    server = start_server(tmp_path_factory.mktemp("pg"), autovacuum=False)
    yield server
    if isinstance(server, PgServer):
        server.stop()


@pytest.fixture(scope="session")
def pg_template(pg_server: PgServer | str) -> tuple[PgServer, str]:
    """A seeded library on the server, copied (CREATE DATABASE … TEMPLATE) for each test."""
    if isinstance(pg_server, str):
        pytest.skip(f"PostgreSQL tests skipped: {pg_server}")
    pg_server.admin("CREATE DATABASE cq_template")
    Library.open(ServerUrl(pg_server.url("cq_template"))).close()
    return pg_server, "cq_template"


@pytest.fixture(scope="session")
def pg_pool(pg_template: tuple[PgServer, str]) -> DatabasePool:
    """Seeded databases for the tests, each the template row for row when handed out."""
    server, template = pg_template
    return DatabasePool(server, template, prefix="cq_test")


@pytest.fixture
def pg_database(pg_pool: DatabasePool) -> Iterator[str]:
    """The URL of a seeded library on the server, the test's own until it ends."""
    name = pg_pool.take()
    yield pg_pool.url(name)
    pg_pool.give_back(name)


@pytest.fixture
def db_location(backend: str, request: pytest.FixtureRequest) -> str:
    """The test's library as --db names it: a fresh seeded copy, a file or a database."""
    if backend == "sqlite":
        return str(request.getfixturevalue("db_path"))
    return str(request.getfixturevalue("pg_database"))


@pytest.fixture(scope="session")
def _homes(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("homes")


@pytest.fixture(autouse=True)
def _private_data_dirs(_homes: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """No test may read or write the user's real database, config or data folders, nor their
    home or Documents folder (where an export goes by default). Each test's home is made in a
    folder of their own: pytest numbers a folder it makes by reading every name beside it, and
    a worker's temporary folder holds one per test."""
    home = Path(tempfile.mkdtemp(prefix="home", dir=_homes))
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.delenv("XDG_DOCUMENTS_DIR", raising=False)
    monkeypatch.setenv("CRYQUEUE_DB", str(home / "env-db" / "cryqueue.db"))
    monkeypatch.setenv("XDG_DATA_HOME", str(home / "xdg-data"))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(home / "xdg-config"))


@pytest.fixture(scope="session")
def seeded_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A library created and seeded once per session (creating one takes most of a test's time)."""
    path = tmp_path_factory.mktemp("template") / "cq.db"
    Library.open(path).close()
    assert not path.with_name("cq.db-wal").exists()
    return path


@pytest.fixture
def db_path(tmp_path: Path, seeded_template: Path) -> Path:
    """The test's database: a private copy of a freshly seeded library, at tmp_path/cq.db.
    (Tests of creating a database use paths of their own.)"""
    path = tmp_path / "cq.db"
    shutil.copyfile(seeded_template, path)
    path.chmod(0o600)
    return path


@pytest.fixture
def library_pair(
    tmp_path: Path, seeded_template: Path
) -> Callable[[], AbstractContextManager[tuple[Library, Library]]]:
    """`with library_pair() as (first, second)`: two fresh seeded libraries, new on each call
    (property tests run many examples in one test)."""

    @contextmanager
    def make() -> Iterator[tuple[Library, Library]]:
        folder = Path(tempfile.mkdtemp(dir=tmp_path))
        for name in ("a.db", "b.db"):
            shutil.copyfile(seeded_template, folder / name)
        first, second = Library.open(folder / "a.db"), Library.open(folder / "b.db")
        try:
            yield first, second
        finally:
            first.close()
            second.close()

    return make


@pytest.fixture
def library(db_location: str) -> Iterator[Library]:
    lib = Library.open(library_location(db_location))
    try:
        yield lib
    finally:
        lib.close()


@pytest.fixture
def cli(
    db_location: str, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> Cli:
    """Run `cryqueue ARGS --db <the test's library>` in-process; returns (exit code, stdout,
    stderr).

    `db=None` leaves out --db (to test CRYQUEUE_DB and the default path); `db=PATH` uses PATH."""

    def run(
        *args: object, stdin: str | None = None, db: Path | str | None = "default"
    ) -> CliResult:
        if stdin is not None:
            monkeypatch.setattr(sys, "stdin", io.StringIO(stdin))
        argv = [str(a) for a in args]
        target = db_location if db == "default" else db
        if target is not None:
            argv += ["--db", str(target)]
        capsys.readouterr()
        try:
            code = main(argv)
        except SystemExit as exc:  # argparse: --help, --version, usage errors
            code = exc.code if isinstance(exc.code, int) else 0 if exc.code is None else 1
        out, err = capsys.readouterr()
        return code, out, err

    return run


def user_version(path: Path) -> int:
    conn = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
    try:
        return int(conn.execute("PRAGMA user_version").fetchone()[0])
    finally:
        conn.close()


def _read_only(path: Path) -> sqlite3.Connection:
    return sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)


def _dump(path: Path) -> list[str]:
    conn = _read_only(path)
    try:
        return list(conn.iterdump())
    finally:
        conn.close()


def keys_in(path: Path) -> dict[int, int]:
    """{film id: rank_key} straight from the file, read-only."""
    conn = _read_only(path)
    try:
        return dict(conn.execute("SELECT id, rank_key FROM film").fetchall())
    finally:
        conn.close()


@pytest.fixture
def db_dump(db_path: Path) -> Callable[..., list[str]]:
    """`db_dump()`: the whole database (default: the test's) as SQL text, read-only."""
    return lambda path=None: _dump(path or db_path)


@pytest.fixture
def rank_keys(db_path: Path) -> Callable[..., dict[int, int]]:
    """`rank_keys()`: {film id: rank_key} straight from the file, read-only."""
    return lambda path=None: keys_in(path or db_path)


# Property tests: `make test` runs a third of each one's examples (the same strategies, so the
# same kinds of input, and new ones on every run); HYPOTHESIS_PROFILE=deep runs them all, and the
# tests that set no count three times Hypothesis's 100.
DEEP = os.environ.get("HYPOTHESIS_PROFILE") == "deep"
settings.register_profile("deep", max_examples=300)
if DEEP:
    settings.load_profile("deep")


def examples(count: int) -> int:
    """A property test's examples: `count` in a deep run, a third of them (at least 10) else."""
    return count if DEEP else max(10, count // 3)


def library_property(count: int) -> settings:
    """A property test over a library fixture: examples are slow (each writes a database), and
    none is kept in a .hypothesis folder of the repository."""
    return settings(
        max_examples=examples(count),
        deadline=None,
        database=None,
        suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
    )
