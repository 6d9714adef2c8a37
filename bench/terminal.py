"""Programs in a real terminal (tmux): the time to their first frame, their peak memory, and a
running program to send keys to while its CPU time is read.

A program's CPU time is that of its whole process, every thread (live or already ended)
included: what /proc/PID/stat's utime + stime count, read instead from the process's CPU clock
(clock_gettime on the clock id Linux gives another process), which counts in nanoseconds where
/proc/PID/stat counts in 10 ms ticks; /proc/PID/stat is the fallback."""

from __future__ import annotations

import os
import shlex
import shutil
import subprocess
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

POLL = 0.005
WIDTH, HEIGHT = 120, 40
TICK = 1 / os.sysconf("SC_CLK_TCK")


def status_kib(pid: int, field: str) -> int | None:
    """A memory figure of /proc/PID/status ("VmRSS", "VmHWM") in KiB; None if the process has
    gone."""
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith(f"{field}:"):
                return int(line.split()[1])
    except (OSError, ValueError):
        return None
    return None


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


@dataclass
class Session:
    """A program running in its own tmux server, in a pane of WIDTH x HEIGHT."""

    socket: str
    pid_file: Path
    pid: int = 0

    def send(self, *keys: str, repeat: int = 1) -> None:
        """tmux key names (Down, NPage, S-Up, C-z, w), sent at once; `repeat` times each."""
        _tmux(
            self.socket, "send-keys", "-t", "b", *(["-N", str(repeat)] if repeat > 1 else []), *keys
        )

    def screen(self, escapes: bool = False) -> str:
        """What the pane shows; with `escapes`, its colours too (where the highlight is)."""
        return _tmux(self.socket, "capture-pane", "-p", *(["-e"] if escapes else []), "-t", "b")

    def cpu(self) -> float:
        """Seconds of CPU the program has used, all its threads."""
        try:
            return time.clock_gettime(((~self.pid) << 3) | 2)  # CPUCLOCK_SCHED of a process
        except OSError:
            fields = Path(f"/proc/{self.pid}/stat").read_text().rsplit(")", 1)[1].split()
            return (int(fields[11]) + int(fields[12])) * TICK  # utime + stime

    def runnable(self) -> bool:
        """Whether any of the program's threads is running or waiting for a core (on a busy
        machine a program can be kept off the cores with work still to do)."""
        try:
            tasks = list(Path(f"/proc/{self.pid}/task").iterdir())
        except OSError:
            return False
        for task in tasks:
            try:
                state = (task / "stat").read_text().rsplit(")", 1)[1].split()[0]
            except (OSError, IndexError):
                continue  # a thread that has just ended
            if state in ("R", "D"):
                return True
        return False

    def peak_rss_mib(self) -> float | None:
        peak = status_kib(self.pid, "VmHWM")
        return None if peak is None else peak / 1024

    def wait_idle(self, quiet: float = 1.0, timeout: float = 600.0) -> float:
        """Wait until the program has used under 2 % of a core for `quiet` seconds (a list read
        in a worker has finished); returns the seconds waited."""
        step = 0.25
        start = time.perf_counter()
        calm = 0.0
        used = self.cpu()
        while calm < quiet:
            if time.perf_counter() - start > timeout:
                raise RuntimeError(f"the program never went idle in {timeout:.0f} s")
            time.sleep(step)
            now = self.cpu()
            calm = calm + step if now - used < 0.02 * step else 0.0
            used = now
        return time.perf_counter() - start

    def close(self) -> None:
        _tmux(self.socket, "kill-server")


def _spawn(argv: list[str], workdir: Path, env: dict[str, str]) -> Session:
    """A tmux server whose pane's shell waits for a key before it execs the program, so that
    tmux's own start-up is not counted."""
    socket = f"cqbench-{os.getpid()}-{time.monotonic_ns()}"
    pid_file = workdir / f"{socket}.pid"
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
        str(WIDTH),
        "-y",
        str(HEIGHT),
        f"sh -c {shlex.quote(script)}",
    )
    time.sleep(0.2)  # the shell is up and waiting
    return Session(socket, pid_file)


def _start(session: Session, marker: str, argv: list[str], timeout: float) -> float:
    """Press the key that starts the program; the seconds until `marker` shows."""
    start = time.perf_counter()
    session.send("Enter")
    deadline = start + timeout
    while marker not in session.screen():
        if time.perf_counter() > deadline:
            raise RuntimeError(f"{argv} never showed {marker!r}:\n{session.screen()}")
        time.sleep(POLL)
    elapsed = time.perf_counter() - start
    session.pid = int(session.pid_file.read_text())
    return elapsed


def first_frame(
    argv: list[str], marker: str, workdir: Path, env: dict[str, str], idle: bool = False
) -> FrameTiming:
    """Start `argv` in a fresh terminal and time until `marker` shows on the screen; the peak
    RSS is read then, or with `idle` once the program has gone idle (read all it reads)."""
    session = _spawn(argv, workdir, env)
    try:
        elapsed = _start(session, marker, argv, timeout=300)
        if idle:
            session.wait_idle()
        rss = session.peak_rss_mib()
    finally:
        session.close()
    return FrameTiming(elapsed, rss)


@contextmanager
def running(
    argv: list[str], marker: str, workdir: Path, env: dict[str, str], timeout: float = 600.0
) -> Iterator[Session]:
    """`argv` started in a fresh terminal, shown `marker` and gone idle; closed after."""
    session = _spawn(argv, workdir, env)
    try:
        _start(session, marker, argv, timeout)
        session.wait_idle(timeout=timeout)
        yield session
    finally:
        session.close()
