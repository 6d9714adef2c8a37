"""Run the benchmark: `python -m bench [--quick] [--runs N] [--out FILE] [--only server]`.

Prints one Markdown table (figure, median, min-max, floor, ratio, target) and writes the same as
JSON. Figures are medians of several runs, compared against floors measured in the same run,
because this machine class drifts 20-35 % between runs."""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from pathlib import Path

from . import generate, server, terminal
from .keys import key_costs
from .search_cost import search_costs

ROOT = Path(__file__).resolve().parent.parent


@dataclass
class Figure:
    name: str
    unit: str
    samples: list[float]
    floor_name: str | None = None
    floor: float | None = None
    target: str = ""
    limit: float | None = None  # the figure (or its ratio to the floor, when there is one)

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
        value = self.ratio if self.floor is not None else self.median
        return value is not None and value <= self.limit


def timed(argv: list[str], runs: int, env: dict[str, str] | None = None) -> list[float]:
    samples = []
    for _ in range(runs):
        start = time.perf_counter()
        subprocess.run(argv, check=True, capture_output=True, env=env)
        samples.append(time.perf_counter() - start)
    return samples


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


def build_library(workdir: Path, size: int, runs: int) -> tuple[Path, str, list[float]]:
    """A library of `size` films made by `cryqueue import`; returns it, the title that shows
    first in the list, and the import times (each run into a fresh database)."""
    export = generate.write_export(workdir / f"films-{size}.json", size)
    first = json.loads(export.read_text(encoding="utf-8"))["films"][0]["title"]
    times = []
    for run in range(runs):
        db = workdir / f"lib-{size}-{run}.db"
        start = time.perf_counter()
        subprocess.run(
            [*cryqueue_argv(), "--db", str(db), "import", str(export)],
            check=True,
            capture_output=True,
        )
        times.append(time.perf_counter() - start)
    return db, first, times


def server_figures(workdir: Path, quick: bool, runs: int) -> list[Figure]:
    """6: PostgreSQL beside SQLite (issue #16), each held to within 3x of SQLite measured in
    the same run; none, with one line saying why, where no server can be had."""
    size = 2_000 if quick else 100_000
    found = server.compare(workdir, size, runs, samples=20 if quick else 200)
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


def run(quick: bool, runs: int, only: str | None = None) -> tuple[list[Figure], dict[str, str]]:
    big = 1_000 if quick else 100_000
    medium = None if quick else 10_000
    runs = 1 if quick else runs
    if only == "server":
        with tempfile.TemporaryDirectory(prefix="cqbench-") as tmp:
            return server_figures(Path(tmp), quick, runs), machine_of(quick, runs, "PG only")
    figures: list[Figure] = []
    add = figures.append
    with tempfile.TemporaryDirectory(prefix="cqbench-") as tmp:
        workdir = Path(tmp)
        env = {
            "XDG_CONFIG_HOME": str(workdir / "config"),
            "XDG_DATA_HOME": str(workdir / "data"),
            "LANG": "C.UTF-8",
            "TERM": "xterm-256color",
        }
        child_env = os.environ | env
        seed_db = workdir / "seed.db"
        subprocess.run(
            [*cryqueue_argv(), "--db", str(seed_db), "list"], check=True, capture_output=True
        )
        big_db, big_first, import_times = build_library(workdir, big, runs)
        libraries = [("seed", seed_db, "A Moment to Remember"), (f"{big:,}", big_db, big_first)]
        if medium:
            medium_db, medium_first, _ = build_library(workdir, medium, 1)
            libraries.insert(1, (f"{medium:,}", medium_db, medium_first))

        # 1, 2, 5: first frame in a real terminal, against the floor app; peak memory
        if terminal.available():
            floor = [
                terminal.first_frame(
                    [sys.executable, "-m", "bench.floor_app"],
                    "FLOOR READY",
                    workdir,
                    env | {"PYTHONPATH": str(ROOT)},
                ).seconds
                for _ in range(runs)
            ]
            add(Figure("floor app: Textual + sqlmodel, first frame", "s", floor))
            for label, db, marker in libraries:
                frames = [
                    terminal.first_frame(
                        [*cryqueue_argv(), "--db", str(db)],
                        marker,
                        workdir,
                        env,
                        settle=2.0 if db == big_db else 0.0,
                    )
                    for _ in range(runs)
                ]
                limit = 1.2 if label == "seed" else 1.5 if db == big_db else None
                add(
                    Figure(
                        f"app first frame, {label} films",
                        "s",
                        [f.seconds for f in frames],
                        "floor app",
                        statistics.median(floor),
                        f"<= {limit} x floor" if limit else "",
                        limit,
                    )
                )
                if db == big_db:
                    rss = [f.peak_rss_mib for f in frames if f.peak_rss_mib is not None]
                    if rss:
                        add(
                            Figure(
                                f"app peak RSS, {label} films",
                                "MiB",
                                rss,
                                target="<= 200 MiB",
                                limit=200,
                            )
                        )
        else:
            print(
                "tmux not found: first-frame and memory figures skipped (install tmux)",
                file=sys.stderr,
            )

        # 3: per-key cost at the big size
        costs = key_costs(big_db, workdir, samples=5 if quick else 30)
        baseline = costs.pop("_baseline")[0]
        for name, samples in costs.items():
            limit = 50.0 if name == "filter keystroke" else None if "details" in name else 16.0
            target = f"<= {limit:g} ms" if limit else "follows 50 ms after the last key"
            add(Figure(f"key at {big:,}: {name}", "ms", samples, target=target, limit=limit))

        # 3b: one keystroke's search, ranked (`cryqueue search`) and as the app's filter
        for name, samples in search_costs(big_db, rounds=1 if quick else 5).items():
            limit = 50.0 if name.startswith("filter") else None
            target = "<= 50 ms" if limit else "once per command"
            add(Figure(f"search at {big:,}: {name}", "ms", samples, target=target, limit=limit))

        # 4: the command line
        python_pass = timed([sys.executable, "-c", "pass"], runs * 3)
        import_sqlmodel = timed([sys.executable, "-c", "import sqlmodel"], runs * 3)
        add(Figure("python -c pass", "s", python_pass))
        add(Figure("python -c 'import sqlmodel'", "s", import_sqlmodel))
        for flag in ("--version", "--help"):
            add(
                Figure(
                    f"cryqueue {flag}",
                    "s",
                    timed([*cryqueue_argv(), flag], runs * 3, child_env),
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
                    runs * 3,
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
        out = workdir / "export.md"
        add(
            Figure(
                f"cryqueue export, {big:,} films to Markdown",
                "s",
                timed(
                    [*cryqueue_argv(), "--db", str(big_db), "export", "-o", str(out)],
                    runs,
                    child_env,
                ),
                target="<= 2 s",
                limit=2.0,
            )
        )
        add(
            Figure(
                f"cryqueue import, {big:,} films (JSON)",
                "s",
                import_times,
                target="<= 15 s",
                limit=15.0,
            )
        )
        add(Figure("(pilot overhead per key, subtracted above)", "ms", [baseline]))
        figures.extend(server_figures(workdir, quick, runs))
    return figures, machine_of(quick, runs)


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
    parser.add_argument("--runs", type=int, default=5, help="runs per figure (default 5)")
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
        fields = {"name", "unit", "samples", "floor_name", "floor", "target", "limit"}
        saved = [Figure(**{k: v for k, v in f.items() if k in fields}) for f in document["figures"]]
        print(table(saved, document))
        return 0
    figures, machine = run(args.quick, args.runs, args.only)
    print(table(figures, machine))
    out = args.out or (None if args.quick or args.only else ROOT / "bench" / "results.json")
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
