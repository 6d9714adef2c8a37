"""Run the benchmark: `python -m bench [--quick] [--runs N] [--out FILE] [--only server]`.

Prints one Markdown table (figure, median, min-max, floor, ratio, target) and writes the same as
JSON. Figures are medians of several runs, compared against floors measured in the same run,
because this machine class drifts 20-35 % between runs."""

from __future__ import annotations

import argparse
import contextlib
import functools
import json
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from pathlib import Path

from . import generate, server, terminal, tty_keys
from .floor_keys_app import MAX_ROWS
from .keys import key_costs
from .search_cost import search_costs

ROOT = Path(__file__).resolve().parent.parent
QUICK_SIZE = 1_000  # films in the smoke run's big library (`--quick`)


@dataclass
class Figure:
    name: str
    unit: str
    samples: list[float]
    floor_name: str | None = None
    floor: float | None = None
    target: str = ""
    limit: float | None = None  # the figure (or its ratio to the floor, when there is one)
    absolute: bool = False  # the limit is on the figure itself, though a floor is shown

    @property
    def median(self) -> float:
        return statistics.median(self.samples)

    @property
    def ratio(self) -> float | None:
        return self.median / self.floor if self.floor else None

    @property
    def met(self) -> bool | None:
        if self.limit is None:
            return None
        value = self.ratio if self.floor is not None and not self.absolute else self.median
        return value is not None and value <= self.limit


def timed(argv: list[str], runs: int, env: dict[str, str] | None = None) -> list[float]:
    return [measured(argv, env)[0] for _ in range(runs)]


def alternating(
    argvs: list[list[str]], runs: int, env: dict[str, str] | None = None
) -> list[list[float]]:
    """Each command's times, the commands run in turn in every round: figures to compare as
    a ratio, measured side by side so that the machine's drift touches both alike."""
    samples: list[list[float]] = [[] for _ in argvs]
    for _ in range(runs):
        for argv, times in zip(argvs, samples, strict=True):
            times.extend(timed(argv, 1, env))
    return samples


def cryqueue_argv() -> list[str]:
    script = Path(sys.executable).parent / "cryqueue"
    return [str(script)] if script.exists() else [sys.executable, "-m", "cryqueue"]


def measured(argv: list[str], env: dict[str, str] | None = None) -> tuple[float, float]:
    """Seconds one command takes, start to exit, and its peak memory in MiB: the largest sum
    of the RSS of it and its child processes (an import reads its file in a child), sampled
    every 20 ms, or its own peak RSS (wait4's ru_maxrss) where that is larger. Pages a child
    shares with its parent count twice: the figure errs high."""
    with tempfile.TemporaryFile() as errors:
        start = time.perf_counter()
        child = subprocess.Popen(
            argv, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=errors, env=env
        )
        tree = _TreeMemory(child.pid)
        _, status, usage = os.wait4(child.pid, 0)
        elapsed = time.perf_counter() - start
        tree.stop()
        child.returncode = os.waitstatus_to_exitcode(status)
        if child.returncode:
            errors.seek(0)
            raise RuntimeError(f"{argv} failed: {errors.read().decode(errors='replace')}")
    return elapsed, max(usage.ru_maxrss / 1024, tree.peak_kib / 1024)


class _TreeMemory:
    """The largest RSS that a process and its descendants held together, sampled in a
    thread (which sleeps between samples: it takes no core from what it measures)."""

    def __init__(self, pid: int) -> None:
        self.pid = pid
        self.peak_kib = 0
        self._done = threading.Event()
        self._thread = threading.Thread(target=self._sample, daemon=True)
        self._thread.start()

    def stop(self) -> None:
        self._done.set()
        self._thread.join()

    def _sample(self) -> None:
        while not self._done.wait(0.02):
            rss = (terminal.status_kib(pid, "VmRSS") or 0 for pid in _tree(self.pid))
            self.peak_kib = max(self.peak_kib, sum(rss))


def _tree(pid: int) -> list[int]:
    """`pid` and its descendants, as /proc lists them now."""
    found, at = [pid], 0
    while at < len(found):
        with contextlib.suppress(OSError):
            for task in Path(f"/proc/{found[at]}/task").iterdir():
                found += map(int, (task / "children").read_text().split())
        at += 1
    return found


def build_library(
    workdir: Path, size: int, runs: int, env: dict[str, str] | None = None
) -> tuple[Path, str, list[tuple[float, float]]]:
    """A library of `size` films made by `cryqueue import`; returns it, the title that shows
    first in the list, and each import's seconds and peak RSS (each run into a fresh
    database)."""
    export = workdir / f"films-{size}.json"
    if not export.exists():
        generate.write_export(export, size)
    imports = []
    for run in range(runs):
        db = workdir / f"lib-{size}-{run}.db"
        imports.append(measured([*cryqueue_argv(), "--db", str(db), "import", str(export)], env))
    return db, generate.first_title(), imports


def import_figures(size: int, imports: list[tuple[float, float]]) -> list[Figure]:
    """The JSON import: at most 5 s for 100,000 films, 60 s for 1,000,000; and at most
    500 MiB of memory (the million's limit, which a smaller import is held to as well)."""
    seconds = 5.0 if size <= 100_000 else 60.0
    return [
        Figure(
            f"cryqueue import, {size:,} films (JSON)",
            "s",
            [s for s, _ in imports],
            target=f"<= {seconds:g} s",
            limit=seconds,
        ),
        Figure(
            f"cryqueue import, {size:,} films: peak RSS, with its reader",
            "MiB",
            [m for _, m in imports],
            target="<= 500 MiB",
            limit=500.0,
        ),
    ]


def first_frame_figures(
    workdir: Path,
    env: dict[str, str],
    libraries: list[tuple[str, Path, str]],
    runs: int,
    big_db: Path,
    limits: dict[str, float],
    rss_limit: float,
) -> list[Figure]:
    """First frame in a real terminal: the floor app and the app on each library in turn, in
    every run, so that the machine's drift touches them alike; and the app's peak RSS at the
    biggest size, read once it has read its whole list and gone idle."""
    floor: list[float] = []
    frames: dict[str, list[terminal.FrameTiming]] = {label: [] for label, _, _ in libraries}
    for _ in range(runs):
        floor.append(
            terminal.first_frame(
                [sys.executable, "-m", "bench.floor_app"],
                "FLOOR READY",
                workdir,
                env | {"PYTHONPATH": str(ROOT)},
            ).seconds
        )
        for label, db, marker in libraries:
            frames[label].append(
                terminal.first_frame(
                    [*cryqueue_argv(), "--db", str(db)], marker, workdir, env, idle=db == big_db
                )
            )
    figures = [Figure("floor app: Textual + sqlmodel, first frame", "s", floor)]
    for label, db, _ in libraries:
        limit = limits.get(label)
        figures.append(
            Figure(
                f"app first frame, {label} films",
                "s",
                [f.seconds for f in frames[label]],
                "floor app",
                statistics.median(floor),
                f"<= {limit} x floor" if limit else "",
                limit,
            )
        )
        rss = [f.peak_rss_mib for f in frames[label] if f.peak_rss_mib is not None]
        if db == big_db and rss:
            figures.append(
                Figure(
                    f"app peak RSS, {label} films (list read, idle)",
                    "MiB",
                    rss,
                    target=f"<= {rss_limit:g} MiB",
                    limit=rss_limit,
                )
            )
    return figures


def terminal_key_figures(
    workdir: Path,
    env: dict[str, str],
    db: Path,
    marker: str,
    size: int,
    rounds: int,
    rss_limit: float,
) -> list[Figure]:
    """Every key pressed on its own in a real terminal, against the floor app's cursor key
    measured in turn with it (see `tty_keys`); held keys; and the app's peak RSS after it all
    (undo reads the whole list again beside the one shown)."""
    rows = min(size, MAX_ROWS)
    app, floor = tty_keys.measure(
        [*cryqueue_argv(), "--db", str(db)],
        marker,
        [sys.executable, "-m", "bench.floor_keys_app", str(rows)],
        workdir,
        env,
        env | {"PYTHONPATH": str(ROOT)},
        rounds,
    )
    floor_name = f"floor {tty_keys.FLOOR_KEY}"
    floor_ms = floor.costs(floor.keys[tty_keys.FLOOR_KEY])
    floor_held = floor.costs(floor.held, tty_keys.BURST)
    figures = [
        Figure(
            f"floor app: {tty_keys.FLOOR_KEY}, OptionList of {rows:,} + details, Header, Footer",
            "ms",
            floor_ms,
        )
    ]
    for name, samples in app.keys.items():
        # A filter keystroke shows a new list, count and status: for reference beside the
        # floor's key; its target is the headless figure's (the 25 ms).
        held = not name.startswith("filter")
        figures.append(
            Figure(
                f"key at {size:,}: {name}",
                "ms",
                app.costs(samples),
                floor_name,
                statistics.median(floor_ms),
                "<= 1.3 x floor" if held else "",
                1.3 if held else None,
            )
        )
    figures.append(
        Figure(
            f"keys held at {size:,}: {tty_keys.BURST} cursor downs at once, per key",
            "ms",
            app.costs(app.held, tty_keys.BURST),
            "floor held",
            statistics.median(floor_held),
            "<= 8 ms",
            8.0,
            absolute=True,
        )
    )
    if app.peak_rss_mib is not None:
        figures.append(
            Figure(
                f"app peak RSS, {size:,} films, after the keys above (and a filter)",
                "MiB",
                [app.peak_rss_mib],
                target=f"<= {rss_limit:g} MiB",
                limit=rss_limit,
            )
        )
    figures.append(Figure("(app's idle CPU per second, subtracted above)", "ms", [app.idle_rate()]))
    figures.append(Figure("(floor's idle CPU per second, subtracted)", "ms", [floor.idle_rate()]))
    return figures


def server_figures(workdir: Path, quick: bool, runs: int) -> list[Figure]:
    """6: PostgreSQL beside SQLite (issue #16), each held to within 3x of SQLite measured in
    the same run; none, with one line saying why, where no server can be had."""
    size = QUICK_SIZE if quick else 100_000  # quick: the export the run already wrote
    found = server.compare(workdir, size, runs, samples=5 if quick else 200)
    if isinstance(found, str):
        print(f"PostgreSQL figures skipped: {found}", file=sys.stderr)
        return []
    return [
        Figure(
            f"PostgreSQL: {c.name}",
            c.unit,
            c.server,
            "SQLite",
            statistics.median(c.sqlite),
            "≤ 3x SQLite",
            3.0,
        )
        for c in found
    ]


# Every program is measured as an installed one runs: from bytecode. Where
# PYTHONDONTWRITEBYTECODE is set (as on this machine class), each run compiled every module it
# imported, which cost its first frame time and the app 5-9 MiB of memory more than a user's.
# The Makefile's targets keep their bytecode here too.
PYCACHE = ROOT / ".venv" / "pycache"
BYTECODE = {"PYTHONDONTWRITEBYTECODE": "", "PYTHONPYCACHEPREFIX": str(PYCACHE)}
# Imports every module of cryqueue (and so what they import), to compile it all once.
_WARM = """
import importlib, pkgutil, cryqueue
for module in pkgutil.walk_packages(cryqueue.__path__, "cryqueue."):
    if not module.name.endswith("__main__"):
        try:
            importlib.import_module(module.name)
        except ImportError:
            pass  # an optional driver not installed (psycopg)
import bench.floor_keys_app
"""


@functools.cache
def _compile_once(path: str) -> None:
    """Compile into PYCACHE what the programs measured import (`_WARM`), run from `path`."""
    env = os.environ | BYTECODE | {"PYTHONPATH": path}
    subprocess.run([sys.executable, "-c", _WARM], check=True, env=env)


def bench_env(workdir: Path) -> dict[str, str]:
    """What every program run here gets: its config and data in the run's folder, bytecode
    kept in PYCACHE (compiled on the first call), and the PYTHONPATH given, which can point
    the run at another checkout's `src`."""
    given = {"PYTHONPATH": os.environ["PYTHONPATH"]} if "PYTHONPATH" in os.environ else {}
    env = given | {
        "XDG_CONFIG_HOME": str(workdir / "config"),
        "XDG_DATA_HOME": str(workdir / "data"),
        "LANG": "C.UTF-8",
        "TERM": "xterm-256color",
        **BYTECODE,
    }
    _compile_once(os.pathsep.join(filter(None, [given.get("PYTHONPATH"), str(ROOT)])))
    return env


def no_tmux() -> None:
    print(
        "tmux not found: first-frame, memory and real-terminal key figures skipped (install tmux)",
        file=sys.stderr,
    )


def run(quick: bool, runs: int, only: str | None = None) -> tuple[list[Figure], dict[str, str]]:
    big = QUICK_SIZE if quick else 100_000
    medium = None if quick else 10_000
    runs = 1 if quick else runs
    repeats = 1 if quick else runs * 3  # of the short commands (a smoke run needs one each)
    if only == "server":
        with tempfile.TemporaryDirectory(prefix="cqbench-") as tmp:
            return server_figures(Path(tmp), quick, runs), machine_of(quick, runs, "PG only")
    figures: list[Figure] = []
    add = figures.append
    with tempfile.TemporaryDirectory(prefix="cqbench-") as tmp:
        workdir = Path(tmp)
        env = bench_env(workdir)
        child_env = os.environ | env
        seed_db = workdir / "seed.db"
        subprocess.run(
            [*cryqueue_argv(), "--db", str(seed_db), "list"],
            check=True,
            capture_output=True,
            env=child_env,
        )
        big_db, big_first, imports = build_library(workdir, big, runs, child_env)
        libraries = [("seed", seed_db, "A Moment to Remember"), (f"{big:,}", big_db, big_first)]
        if medium:
            medium_db, medium_first, _ = build_library(workdir, medium, 1, child_env)
            libraries.insert(1, (f"{medium:,}", medium_db, medium_first))

        # 1, 2, 5: first frame in a real terminal, against the floor app; peak memory;
        # 3: every key in a real terminal, against the floor app's cursor key
        if terminal.available():
            limits = {"seed": 1.2, f"{big:,}": 1.5}
            figures += first_frame_figures(workdir, env, libraries, runs, big_db, limits, 100.0)
            rounds = 0 if quick else 10  # quick: the round that checks every key, only
            figures += terminal_key_figures(workdir, env, big_db, big_first, big, rounds, 100.0)
        else:
            no_tmux()

        # 3b: keys headless (pilot-driven): the list's own cost without a terminal
        costs = key_costs(big_db, workdir, samples=2 if quick else 30)
        baseline = costs.pop("_baseline")[0]
        for name, samples in costs.items():
            limit = 25.0 if name == "filter keystroke" else None
            target = "<= 25 ms" if limit else ""
            if "details" in name:
                target = "follows 50 ms after the last key"
            add(
                Figure(
                    f"headless key at {big:,}: {name}", "ms", samples, target=target, limit=limit
                )
            )

        # 3c: one keystroke's search, ranked (`cryqueue search`) and as the app's filter
        for name, samples in search_costs(big_db, rounds=1 if quick else 5).items():
            limit = 25.0 if name.startswith("filter") else None
            target = "<= 25 ms" if limit else "once per command"
            add(Figure(f"search at {big:,}: {name}", "ms", samples, target=target, limit=limit))

        # 4: the command line
        python_pass = timed([sys.executable, "-c", "pass"], repeats)
        import_sqlmodel = timed([sys.executable, "-c", "import sqlmodel"], repeats)
        add(Figure("python -c pass", "s", python_pass))
        add(Figure("python -c 'import sqlmodel'", "s", import_sqlmodel))
        for flag in ("--version", "--help"):
            add(
                Figure(
                    f"cryqueue {flag}",
                    "s",
                    timed([*cryqueue_argv(), flag], repeats, child_env),
                    "python -c pass",
                    statistics.median(python_pass),
                    "<= 1.5 x floor",
                    1.5,
                )
            )
        add(
            Figure(
                "cryqueue list --format json, seed",
                "s",
                timed(
                    [*cryqueue_argv(), "--db", str(seed_db), "list", "--format", "json"],
                    repeats,
                    child_env,
                ),
                "import sqlmodel",
                statistics.median(import_sqlmodel),
                "<= 1.2 x floor",
                1.2,
            )
        )
        # 4b: the statistics at the big size, counted by SQL: no slower than listing it
        listing, stats = alternating(
            [
                [*cryqueue_argv(), "--db", str(big_db), "list", "--format", "json"],
                [*cryqueue_argv(), "--db", str(big_db), "stats"],
            ],
            runs,
            child_env,
        )
        add(Figure(f"cryqueue list --format json, {big:,} films", "s", listing))
        add(
            Figure(
                f"cryqueue stats, {big:,} films",
                "s",
                stats,
                "list --format json",
                statistics.median(listing),
                "<= 1.0 x list",
                1.0,
            )
        )
        # 7: the Markdown export, against reading the same rows with sqlite3 alone
        raw_read, export = alternating(
            [
                [sys.executable, "-m", "bench.raw_read", str(big_db), str(workdir / "raw.md")],
                [*cryqueue_argv(), "--db", str(big_db), "export", "-o", str(workdir / "out.md")],
            ],
            runs * 2 if quick else runs,
            child_env | {"PYTHONPATH": str(ROOT)},
        )
        add(Figure(f"raw sqlite3 read of the export's rows, {big:,} films", "s", raw_read))
        add(
            Figure(
                f"cryqueue export, {big:,} films to Markdown",
                "s",
                export,
                "raw read",
                statistics.median(raw_read),
                "<= 2.0 x floor",
                2.0,
            )
        )
        # 8: the JSON import (the runs that built the library)
        figures += import_figures(big, imports)
        add(Figure("(pilot overhead per headless key, subtracted above)", "ms", [baseline]))
        figures.extend(server_figures(workdir, quick, runs))
    return figures, machine_of(quick, runs)


def run_scale(size: int, runs: int) -> tuple[list[Figure], dict[str, str]]:
    """The figures at a million films (`make bench-scale`): importing the JSON export (which
    builds the library the rest use), the first frame against the floor app, peak RSS, and
    every key in a real terminal against the floor app's cursor key."""
    figures: list[Figure] = []
    with tempfile.TemporaryDirectory(prefix="cqbench-scale-") as tmp:
        workdir = Path(tmp)
        env = bench_env(workdir)
        db, first, imports = build_library(workdir, size, 1, os.environ | env)
        (workdir / f"films-{size}.json").unlink()  # a gigabyte of disk, no longer needed
        if terminal.available():
            label = f"{size:,}"
            figures += first_frame_figures(
                workdir, env, [(label, db, first)], runs, db, {label: 1.0}, 600.0
            )
            figures += terminal_key_figures(workdir, env, db, first, size, 5, 600.0)
        else:
            no_tmux()
        figures += import_figures(size, imports)
    return figures, machine_of(False, runs, f"scale, {size:,} films")


def machine_of(quick: bool, runs: int, scope: str = "") -> dict[str, str]:
    mode = "quick" if quick else f"full, {runs} runs"
    return {
        "date": datetime.now(UTC).strftime("%Y-%m-%d"),
        "machine": f"{platform.machine()}, {os.cpu_count()} cores, {platform.system()} {platform.release()}",
        "python": platform.python_version(),
        "mode": f"{mode}, {scope}" if scope else mode,
    }


def table(figures: list[Figure], machine: dict[str, str]) -> str:
    def num(value: float | None, unit: str = "") -> str:
        if value is None:
            return ""
        return f"{value:.3f}{unit}" if unit == " s" else f"{value:.1f}{unit}"

    lines = [
        f"Run {machine['date']} on {machine['machine']}, Python {machine['python']} ({machine['mode']}).",
        "",
        "| figure | median | min-max | floor | ratio | target | met |",
        "|---|---|---|---|---|---|---|",
    ]
    for f in figures:
        unit = f" {f.unit}"
        spread = (
            f"{num(min(f.samples), unit)}-{num(max(f.samples), unit)}" if len(f.samples) > 1 else ""
        )
        floor = f"{f.floor_name} {num(f.floor, unit)}" if f.floor is not None else ""
        ratio = f"{f.ratio:.2f}" if f.ratio is not None else ""
        met = {True: "yes", False: "**no**", None: ""}[f.met]
        lines.append(
            f"| {f.name} | {num(f.median, unit)} | {spread} | {floor} | {ratio} | {f.target} | {met} |"
        )
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__)
    parser.add_argument("--quick", action="store_true", help="small sizes, one run (a smoke test)")
    parser.add_argument(
        "--runs", type=int, help="runs per figure (default 5; 3 first frames with --scale)"
    )
    parser.add_argument(
        "--scale",
        action="store_true",
        help="only the figures at a million films (make bench-scale): import, first frame, "
        "memory, keys; writes bench/results-scale.json",
    )
    parser.add_argument(
        "--size", type=int, default=1_000_000, help="the library's size with --scale"
    )
    parser.add_argument(
        "--out",
        type=Path,
        help="JSON results file (default: bench/results.json, or none with --quick)",
    )
    parser.add_argument(
        "--show", type=Path, metavar="JSON", help="print the table of a results file"
    )
    parser.add_argument(
        "--only",
        choices=["server"],
        help="only these figures (server: PostgreSQL beside SQLite); no results file unless --out",
    )
    args = parser.parse_args(argv)
    if args.show:
        document = json.loads(args.show.read_text(encoding="utf-8"))
        fields = {"name", "unit", "samples", "floor_name", "floor", "target", "limit", "absolute"}
        saved = [Figure(**{k: v for k, v in f.items() if k in fields}) for f in document["figures"]]
        print(table(saved, document))
        return 0
    if args.scale:
        figures, machine = run_scale(args.size, args.runs or 3)
    else:
        figures, machine = run(args.quick, args.runs or 5, args.only)
    print(table(figures, machine))
    default = ROOT / "bench" / ("results-scale.json" if args.scale else "results.json")
    out = args.out or (None if args.quick or args.only else default)
    if out:
        document = {
            **machine,
            "figures": [
                asdict(f) | {"median": f.median, "ratio": f.ratio, "met": f.met} for f in figures
            ],
        }
        out.write_text(json.dumps(document, indent=2) + "\n", encoding="utf-8")
    missed = [f.name for f in figures if f.met is False]
    if missed and not args.quick:
        print(f"targets missed: {', '.join(missed)}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
