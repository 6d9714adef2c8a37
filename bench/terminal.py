"""Time to first frame, and peak memory, of a program in a real terminal (tmux)."""

from __future__ import annotations

import os
import shlex
import shutil
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path

POLL = 0.005


@dataclass(frozen=True)
class FrameTiming:
    seconds: float
    peak_rss_mib: float | None


def available() -> bool:
    return shutil.which("tmux") is not None


def _tmux(socket: str, *args: str) -> str:
    result = subprocess.run(
        ["tmux", "-f", os.devnull, "-L", socket, *args], capture_output=True, text=True, check=False
    )
    return result.stdout


def first_frame(
    argv: list[str], marker: str, workdir: Path, env: dict[str, str], settle: float = 0.0
) -> FrameTiming:
    """Start `argv` in a fresh 120x40 terminal and time until `marker` shows on the screen.

    The shell in the pane waits for a key before it execs the program, so tmux's own start-up is
    not counted; then `settle` seconds more pass before the peak RSS is read."""
    socket = f"cqbench-{os.getpid()}-{time.monotonic_ns()}"
    pid_file = workdir / "bench.pid"
    pid_file.unlink(missing_ok=True)
    exports = " ".join(f"{k}={shlex.quote(v)}" for k, v in env.items())
    program = " ".join(shlex.quote(a) for a in argv)
    script = f"read go; echo $$ > {pid_file}; exec env {exports} {program}"
    _tmux(
        socket,
        "-u",
        "new-session",
        "-d",
        "-s",
        "b",
        "-x",
        "120",
        "-y",
        "40",
        f"sh -c {shlex.quote(script)}",
    )
    try:
        time.sleep(0.2)  # the shell is up and waiting
        start = time.perf_counter()
        _tmux(socket, "send-keys", "-t", "b", "Enter")
        deadline = start + 60
        while marker not in _tmux(socket, "capture-pane", "-p", "-t", "b"):
            if time.perf_counter() > deadline:
                raise RuntimeError(f"{argv} never showed {marker!r}")
            time.sleep(POLL)
        elapsed = time.perf_counter() - start
        time.sleep(settle)
        rss = _peak_rss(pid_file)
    finally:
        _tmux(socket, "kill-server")
    return FrameTiming(elapsed, rss)


def _peak_rss(pid_file: Path) -> float | None:
    try:
        pid = int(pid_file.read_text())
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except (OSError, ValueError):
        return None
    return None
