"""PostgreSQL beside SQLite at the same size (issue #16): importing the JSON export into a fresh
library, `list --format json`, moving a film one place and toggling it watched.

A throwaway server (tests/pg_server.py) is started for the run and stopped after it. Every
figure is measured on both backends in turn (PostgreSQL, SQLite, PostgreSQL, ...), so that the
machine's drift touches both alike; the SQLite figure is the floor a PostgreSQL figure is held
to. Where no server can be had, `compare` returns why in one line instead."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from cryqueue.library import Library
from cryqueue.storage.location import Location, ServerUrl

from . import generate

ROOT = Path(__file__).resolve().parent.parent
TESTS = str(ROOT / "tests")  # where pg_server.py, the tests' throwaway server, lives
Pair = tuple[Location, Location]  # the same library on PostgreSQL and on SQLite


@dataclass(frozen=True)
class Target:
    """The film an in-process figure acts on, and the one just above it in the ranking."""

    id: int
    above: int


Operation = Callable[[Library, Target], object]


@dataclass
class Comparison:
    """One figure measured on both backends: PostgreSQL's samples and SQLite's."""

    name: str
    unit: str
    server: list[float]
    sqlite: list[float]


def compare(workdir: Path, size: int, runs: int, samples: int) -> list[Comparison] | str:
    """The figures at `size` films: whole-process ones `runs` times per backend, in-process
    ones `samples` times; or why no PostgreSQL server could be had."""
    if TESTS not in sys.path:
        sys.path.insert(0, TESTS)
    from pg_server import start_server

    work = workdir / "server-bench"
    work.mkdir(parents=True, exist_ok=True)
    server = start_server(work)
    if isinstance(server, str):
        return server
    try:
        env = os.environ | {
            "XDG_CONFIG_HOME": str(work / "config"),
            "XDG_DATA_HOME": str(work / "data"),
            "LANG": "C.UTF-8",
        }
        export = workdir / f"films-{size}.json"
        if not export.exists():
            generate.write_export(export, size)
        label = f"{size:,} films"
        results: list[Comparison] = []

        # import: each run into a fresh database and a fresh file, the last ones kept
        imports: tuple[list[float], list[float]] = ([], [])
        pair: Pair | None = None
        for run in range(max(runs, 1)):
            server.admin(f"CREATE DATABASE cq_import_{run}")
            fresh: Pair = (ServerUrl(server.url(f"cq_import_{run}")), work / f"import-{run}.db")
            for location, times in zip(fresh, imports, strict=True):
                times.append(_process(["--db", _arg(location), "import", str(export)], env))
            if run:  # only the last pair is kept for the figures below
                server.admin(f"DROP DATABASE cq_import_{run - 1} WITH (FORCE)")
                (work / f"import-{run - 1}.db").unlink()
            pair = fresh
        results.append(Comparison(f"cryqueue import, {label} (JSON)", "s", *imports))
        assert pair is not None

        # list: the whole process, its output thrown away
        listing: tuple[list[float], list[float]] = ([], [])
        for _ in range(runs):
            for location, times in zip(pair, listing, strict=True):
                times.append(_process(["--db", _arg(location), "list", "--format", "json"], env))
        results.append(Comparison(f"cryqueue list --format json, {label}", "s", *listing))

        # move and watch: in-process, one library method call per sample
        middle = json.loads(export.read_text(encoding="utf-8"))["films"][size // 2]["title"]
        today = date.today()
        operations: dict[str, list[Operation]] = {
            "move one place (app key: move_past)": [
                lambda lib, film: lib.move_past(film.id, film.above, up=True),
                lambda lib, film: lib.move_past(film.id, film.above, up=False),
            ],
            "move one place (CLI: move_by)": [
                lambda lib, film: lib.move_by(film.id, 1),
                lambda lib, film: lib.move_by(film.id, -1),
            ],
            "toggle watched": [lambda lib, film: lib.toggle_watched(film.id, today)],
        }
        for name, variants in operations.items():
            server_ms, sqlite_ms = _in_process(pair, middle, variants, samples)
            results.append(Comparison(f"{name}, {label}", "ms", server_ms, sqlite_ms))
        return results
    finally:
        server.stop()


def _arg(location: Location) -> str:
    return location.url if isinstance(location, ServerUrl) else str(location)


def _process(args: list[str], env: dict[str, str]) -> float:
    """Seconds one cryqueue command takes, start to exit, its output thrown away."""
    script = Path(sys.executable).parent / "cryqueue"
    argv = [str(script)] if script.exists() else [sys.executable, "-m", "cryqueue"]
    start = time.perf_counter()
    done = subprocess.run(
        [*argv, *args],
        stdin=subprocess.DEVNULL,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        env=env,
        text=True,
        check=False,
    )
    elapsed = time.perf_counter() - start
    if done.returncode:
        raise RuntimeError(f"cryqueue {' '.join(args)} failed: {done.stderr.strip()}")
    return elapsed


def _target(library: Library, title: str) -> Target:
    """The film of that title (unique in a generated export: it ends in its number)."""
    film = library.find(title)
    *_, above, itself = library.first_rows(film.rank)
    assert itself.id == film.id
    return Target(film.id, above.id)


def _in_process(
    pair: Pair, title: str, variants: list[Operation], samples: int
) -> tuple[list[float], list[float]]:
    """Milliseconds per call of an operation, its variants taken in turn (a move up, then back
    down), on PostgreSQL and SQLite alternately. One unmeasured round first warms both."""
    libraries = [Library.open(location) for location in pair]
    try:
        films = [_target(library, title) for library in libraries]
        times: tuple[list[float], list[float]] = ([], [])
        for sample in range(-len(variants), samples):
            operation = variants[sample % len(variants)]
            for library, film, measured in zip(libraries, films, times, strict=True):
                start = time.perf_counter()
                operation(library, film)
                elapsed = (time.perf_counter() - start) * 1000
                if sample >= 0:
                    measured.append(elapsed)
        return times
    finally:
        for library in libraries:
            library.close()
