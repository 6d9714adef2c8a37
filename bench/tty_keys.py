"""What one key costs the app in a real terminal, beside the same cursor key in a floor app.

Both programs run at once, each in its own tmux terminal, on the library (and the floor on as
many rows, see `floor_keys_app`). Keys are sent one at a time, app and floor in turn (a floor
cursor-down before every app key), so that the machine's drift touches both alike. A key's
cost is the CPU its program's process uses (all threads) from just before tmux sends it until
the program has gone quiet again: at least `MIN_WINDOW` (the keys are that far apart, and the
details pane follows the cursor after 50 ms) and then until two `STEP`s in a row pass with
under `QUIET` of CPU and end with none of its threads runnable (on a loaded machine a program
can be kept off the cores mid-work, which would look quiet). Each program's idle CPU (its timers) is measured the same way with no
key, `IDLE_WINDOWS` times in every round, and its median rate over a key's window is
subtracted. The CPU is the process's own (see `terminal.Session.cpu`): tmux's is not counted.

Before the measured rounds one unmeasured round checks that every key really did its thing on
screen (the rating key asks for the stars and enter stores them, undo puts the list back as it was
before the toggle, every other key changes what the screen shows), so that a key which landed
nowhere cannot pass for a cheap one; the app must have read its whole list before it starts.

Held keys: `BURST` cursor-downs written to the terminal at once (`tmux send-keys -N`), as a
key held down repeats faster than the app paints; their CPU over the keys."""

from __future__ import annotations

import re
import statistics
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from .terminal import Session, running

MIN_WINDOW = 0.1  # seconds from a key to the next, at the least
STEP = 0.04
QUIET = 0.0015  # CPU seconds per STEP under which a program is quiet
BURST = 30
IDLE_WINDOWS = 3  # per program and round
ESCAPES = re.compile(r"\x1b\[[0-9;:]*[a-zA-Z]")
FLOOR_KEY = "cursor down"

# The screens before the previous key, before this key and after it -> what went wrong.
Check = Callable[[str, str, str], str | None]


def changed(earlier: str, before: str, after: str) -> str | None:
    return None if before != after else "the screen did not change"


def anything(earlier: str, before: str, after: str) -> str | None:
    return None


def shows(text: str) -> Check:
    def check(earlier: str, before: str, after: str) -> str | None:
        return None if text in after else f"{text!r} is not on the screen"

    return check


def gone(text: str) -> Check:
    def check(earlier: str, before: str, after: str) -> str | None:
        return None if text not in after and text in before else f"{text!r} did not go"

    return check


def _list_pane(screen: str) -> list[str]:
    """The list's lines as text, left of where notifications show."""
    return [ESCAPES.sub("", line)[:55] for line in screen.splitlines()[1:-1]]


def undone(earlier: str, before: str, after: str) -> str | None:
    """The list as it was before the previous key (undo can take longer than its
    notification shows, at 100,000 films)."""
    if _list_pane(before) == _list_pane(earlier):
        return "the key before it changed nothing to undo"
    return None if _list_pane(after) == _list_pane(earlier) else "the list is not as it was"


@dataclass(frozen=True)
class Step:
    """A key (tmux's name), one variant per round in turn; measured as `name` (None:
    unmeasured, only to get where the next key needs). Keys are sent one at a time: a
    control key and a character in one write lost the character (C-u then 4)."""

    name: str | None
    variants: tuple[tuple[str, ...], ...]
    check: Check = changed


# One round of the app's keys; cryqueue's keys as bound in src/cryqueue/ui/actions.py.
APP_ROUND = (
    Step("cursor down", (("Down",),)),
    Step("page down", (("NPage",),)),
    Step("toggle watched (w)", (("w",),)),
    Step("undo (ctrl+z, of the toggle)", (("C-z",),), undone),
    Step("tears (3 / 4)", (("3",), ("4",))),
    Step("rate (r, asks for the stars)", (("r",),), shows("Rate “")),
    Step(None, (("C-u",),), anything),  # the stars, typed into the question (each key alone)
    Step(None, (("4",), ("3",))),
    Step("rate (enter, stores the stars)", (("Enter",),), gone("Rate “")),
    Step("move up (shift+up)", (("S-Up",),)),
    Step("move down (shift+down)", (("S-Down",),)),
    Step("end", (("End",),)),
    Step("home", (("Home",),)),
    # The filter: opening it builds the search index in a worker (in its unmeasured window),
    # so the letters measure a keystroke, and the memory after the keys holds the index.
    Step(None, (("/",),)),
    Step("filter keystroke (l)", (("l",),)),
    Step("filter keystroke (o, narrowing)", (("o",),)),
    Step(None, (("Escape",),)),
    Step(None, (("NPage",),)),  # back down the list, so that shift+up has room
    Step(None, (("NPage",),)),
)
FLOOR_STEP = Step(FLOOR_KEY, (("Down",),))


@dataclass
class Measured:
    """Per program: CPU ms of each key (idle not yet subtracted) with its window's seconds."""

    keys: dict[str, list[tuple[float, float]]] = field(default_factory=dict)
    idle: list[tuple[float, float]] = field(default_factory=list)
    held: list[tuple[float, float]] = field(default_factory=list)
    peak_rss_mib: float | None = None  # once every key has been pressed

    def idle_rate(self) -> float:
        """CPU ms per second of the program doing nothing: the median window's, as a window
        now and then holds a notification going away (which the key that showed it paid)."""
        return statistics.median(ms / s for ms, s in self.idle) if self.idle else 0.0

    def costs(self, samples: list[tuple[float, float]], per: int = 1) -> list[float]:
        rate = self.idle_rate()
        return [max(ms - rate * s, 0.0) / per for ms, s in samples]


def window(session: Session, keys: tuple[str, ...], repeat: int = 1) -> tuple[float, float]:
    """CPU ms and seconds from sending `keys` (none: an idle window) until quiet again."""
    start = time.perf_counter()
    used = session.cpu()
    if keys:
        session.send(*keys, repeat=repeat)
    time.sleep(max(MIN_WINDOW - (time.perf_counter() - start), 0.0))
    calm, last = 0, session.cpu()
    while calm < 2:
        time.sleep(STEP)
        now = session.cpu()
        calm = calm + 1 if now - last < QUIET and not session.runnable() else 0
        last = now
        if time.perf_counter() - start > 120:
            break  # a runaway: the figure will show it
    return (last - used) * 1000, time.perf_counter() - start


def _play(
    session: Session, step: Step, round_: int, verify: bool, earlier: list[str]
) -> tuple[float, float]:
    """One key (of this round's variant), measured; when verifying, every variant in turn,
    and at least one must pass the step's check (a tear level set to the one it had shows
    no change). `earlier` holds the screen before the previous key, and is updated."""
    if not verify:
        return window(session, step.variants[round_ % len(step.variants)])
    wrong: list[str] = []
    for keys in step.variants:
        before = session.screen(escapes=True)
        result = window(session, keys)
        problem = step.check(earlier[0], before, session.screen(escapes=True))
        earlier[0] = before
        if problem is None:
            return result
        wrong.append(f"{' '.join(keys)}: {problem}")
    raise RuntimeError(
        f"{step.name or 'an unmeasured key'} did not do its thing ({'; '.join(wrong)}); "
        f"screen:\n{session.screen()}"
    )


def measure(
    app_argv: list[str],
    app_marker: str,
    floor_argv: list[str],
    workdir: Path,
    env: dict[str, str],
    floor_env: dict[str, str],
    rounds: int,
) -> tuple[Measured, Measured]:
    """The app's keys and the floor's cursor key, side by side, in `rounds` measured rounds
    after the checking one; with none (the smoke run), the checking round's figures."""
    app, floor = Measured(), Measured()
    with (
        running(floor_argv, "FLOOR KEYS", workdir, floor_env) as floor_session,
        running(app_argv, app_marker, workdir, env) as app_session,
    ):
        if "reading" in app_session.screen():
            raise RuntimeError("the app went idle while its list was still being read")
        app_earlier, floor_earlier = [""], [""]
        for round_ in range(-1, rounds):  # round -1: a warm-up that checks every key
            verify = round_ < 0
            kept = not verify or rounds == 0
            for step in APP_ROUND:
                if step.name is None:
                    _play(app_session, step, round_, verify, app_earlier)
                    continue
                floor_cost = _play(floor_session, FLOOR_STEP, round_, verify, floor_earlier)
                app_cost = _play(app_session, step, round_, verify, app_earlier)
                if kept:
                    floor.keys.setdefault(FLOOR_KEY, []).append(floor_cost)
                    app.keys.setdefault(step.name, []).append(app_cost)
            for measured, session in ((floor, floor_session), (app, app_session)):
                idle = [window(session, ()) for _ in range(IDLE_WINDOWS)]
                held = window(session, ("Down",), repeat=BURST)
                if kept:
                    measured.idle += idle
                    measured.held.append(held)
        app.peak_rss_mib = app_session.peak_rss_mib()
    return app, floor


if __name__ == "__main__":
    import shutil
    import sys
    import tempfile

    from .__main__ import ROOT, bench_env, cryqueue_argv

    marker = sys.argv[2]
    rows = sys.argv[3] if len(sys.argv) > 3 else "100000"
    # The keys change the library (watched, tears, a move): they run on a copy, with the
    # config and data folders of a scratch folder, never the user's.
    with tempfile.TemporaryDirectory(prefix="cqkeys-") as tmp:
        workdir = Path(tmp)
        db = workdir / "keys.db"
        shutil.copyfile(sys.argv[1], db)
        env = bench_env(workdir)
        app_m, floor_m = measure(
            [*cryqueue_argv(), "--db", str(db)],
            marker,
            [sys.executable, "-m", "bench.floor_keys_app", rows],
            workdir,
            env,
            env | {"PYTHONPATH": str(ROOT)},
            rounds=int(sys.argv[4]) if len(sys.argv) > 4 else 5,
        )
    floor_ms = statistics.median(floor_m.costs(floor_m.keys[FLOOR_KEY]))
    print(f"floor {FLOOR_KEY}: {floor_ms:.1f} ms (idle {floor_m.idle_rate():.2f} ms/s)")
    for name, samples in app_m.keys.items():
        ms = statistics.median(app_m.costs(samples))
        print(f"{name}: {ms:.1f} ms = {ms / floor_ms:.2f} x floor")
    print(f"held: app {statistics.median(app_m.costs(app_m.held, BURST)):.1f} ms/key, ", end="")
    print(f"floor {statistics.median(floor_m.costs(floor_m.held, BURST)):.1f} ms/key")
    print(f"app idle {app_m.idle_rate():.2f} ms/s, peak RSS {app_m.peak_rss_mib} MiB")
