"""Run the real app in a real terminal (tmux): keys in, screen out, database checked after."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from cryqueue.library import Library

from .conftest import big_library

TMUX = shutil.which("tmux")
pytestmark = pytest.mark.skipif(
    TMUX is None,
    reason="tmux is not installed; install it (e.g. 'sudo apt-get install tmux') to run the "
    "real-terminal test ('make test' installs it where it can)",
)


def _tmux(*args: str, socket: str) -> str:
    result = subprocess.run(
        [TMUX or "tmux", "-f", os.devnull, "-L", socket, *args],
        capture_output=True,
        text=True,
        check=False,
    )
    return result.stdout


def _wait_for(predicate, socket: str, timeout: float = 20.0) -> str:  # type: ignore[no-untyped-def]
    deadline = time.monotonic() + timeout
    screen = ""
    while time.monotonic() < deadline:
        screen = _tmux("capture-pane", "-p", "-t", "app", socket=socket)
        if predicate(screen):
            return screen
        time.sleep(0.05)
    raise AssertionError(f"the screen never showed what was expected; last screen:\n{screen}")


def _launch(tmp_path: Path, db: Path, socket: str, size: tuple[int, int] = (100, 30)) -> Path:
    """Start the app in a detached tmux session named 'app'; returns the file with its pid.
    Its home is inside tmp_path, so a default export folder is too."""
    pid_file = tmp_path / "app.pid"
    env_prefix = (
        f"LANG=C.UTF-8 HOME={tmp_path} XDG_CONFIG_HOME={tmp_path / 'config'} "
        f"XDG_DATA_HOME={tmp_path / 'data'} XDG_DOCUMENTS_DIR={tmp_path / 'Documents'} "
        "TERM=xterm-256color"
    )
    command = (
        f"sh -c 'echo $$ > {pid_file}; exec env -u COLUMNS -u LINES {env_prefix} "
        f"{sys.executable} -m cryqueue --db {db}'; echo EXITED $?; sleep 30"
    )
    width, height = (str(n) for n in size)
    _tmux("-u", "new-session", "-d", "-s", "app", "-x", width, "-y", height, command, socket=socket)
    return pid_file


def test_app_in_tmux(tmp_path: Path, db_path: Path) -> None:
    db = db_path  # a copy of the seeded library
    socket = f"cryqueue-test-{os.getpid()}"
    _launch(tmp_path, db, socket)
    try:
        screen = _wait_for(lambda s: "A Moment to Remember" in s and "Be with You" in s, socket)
        assert "내 머리 속의" in screen, "Hangul titles are shown"
        _tmux("send-keys", "-t", "app", "j", socket=socket)
        _wait_for(lambda s: "#2 in your ranking" in s, socket)
        _tmux("send-keys", "-t", "app", "w", socket=socket)
        _tmux("send-keys", "-t", "app", "4", socket=socket)
        _wait_for(lambda s: "Tears: ●●●●○ 4/5" in s, socket)
        _tmux("send-keys", "-t", "app", "K", socket=socket)
        _wait_for(lambda s: "#1 in your ranking" in s, socket)
        _tmux("send-keys", "-t", "app", "q", socket=socket)
        _wait_for(lambda s: "EXITED 0" in s, socket)
    finally:
        _tmux("kill-server", socket=socket)
    library = Library.open(db)
    try:
        top = library.films()[0]
        assert top.title == "The Letter"
        assert top.watched and top.tear_level == 4
    finally:
        library.close()


def _keys(socket: str, *keys: str) -> None:
    for key in keys:
        _tmux("send-keys", "-t", "app", key, socket=socket)


def _replace_input(socket: str, text: str, shown: str) -> None:
    """Clear the dialog's input, which shows `shown`, and type `text`. The dialog is drawn a
    moment before its input takes the focus, and keys sent before then are dropped: ctrl+u is
    sent until the input is seen empty, then the text."""
    _wait_for(lambda s: shown in s, socket)
    deadline = time.monotonic() + 10
    while shown in _tmux("capture-pane", "-p", "-t", "app", socket=socket):
        assert time.monotonic() < deadline, "the input never took ctrl+u"
        _keys(socket, "C-u")
        time.sleep(0.2)
    _tmux("send-keys", "-t", "app", "-l", text, socket=socket)
    _wait_for(lambda s: text[-30:] in s, socket)


def test_dialogs_import_diary_statistics_and_export_at_80x24(tmp_path: Path, db_path: Path) -> None:
    db = db_path  # a copy of the seeded library
    diary = tmp_path / "diary.csv"
    diary.write_text(
        "Date,Name,Year,Letterboxd URI,Rating\n"
        "2023-02-01,Il Mare,2000,u,4.5\n2023-02-02,Hachi: A Dog's Tale,2009,u,5\n",
        encoding="utf-8",
    )
    target = tmp_path / "shared.md"
    socket = f"cryqueue-dialogs-{os.getpid()}"
    _launch(tmp_path, db, socket, size=(80, 24))
    try:
        _wait_for(lambda s: "A Moment to Remember" in s, socket)
        _keys(socket, "a")  # the film form shows every field and its buttons at 80x24
        _wait_for(lambda s: "Cast (comma-separated)" in s and "Save" in s and "Cancel" in s, socket)
        _keys(socket, "Escape")
        _wait_for(lambda s: "Add a film" not in s, socket)
        _keys(socket, "i")
        _wait_for(lambda s: "Import from cryqueue" in s, socket)
        _replace_input(socket, str(diary), shown=f"{tmp_path.name}{os.sep}")
        _keys(socket, "Enter")
        # the question, its buttons, and the plan listing each film
        _wait_for(
            lambda s: all(
                t in s for t in ("Would import diary.csv", "Yes (y)", "Hachi", "Il Mare")
            ),
            socket,
        )
        _keys(socket, "y")
        _wait_for(lambda s: "Imported diary.csv" in s, socket)
        _keys(socket, "d")  # the diary shows the imported viewing...
        _wait_for(lambda s: "Diary ·" in s and "Hachi: A Dog's Tale" in s, socket)
        _keys(socket, "Escape")  # (a key sent with it would read as alt+key)
        _wait_for(lambda s: "Ranking" in s, socket)
        _keys(socket, "S")  # ...and the statistics its tears
        _wait_for(lambda s: "Tear levels" in s and "Viewings per month" in s, socket)
        _keys(socket, "Escape")
        _wait_for(lambda s: "Ranking" in s, socket)
        _keys(socket, "x")
        _wait_for(lambda s: "Export your ranking to Markdown" in s, socket)
        _replace_input(socket, str(target), shown="cryqueue-ranking.md")
        _keys(socket, "Enter")
        _wait_for(lambda s: "Exported your ranking" in s, socket)
        _keys(socket, "q")
        _wait_for(lambda s: "EXITED 0" in s, socket)
    finally:
        _tmux("kill-server", socket=socket)
    text = target.read_text(encoding="utf-8")
    assert "**Hachi: A Dog's Tale**" in text and "**Il Mare**" in text


def _note_of(db: Path, title: str) -> str:
    library = Library.open(db)
    try:
        return library.find(title).note
    finally:
        library.close()


@pytest.mark.parametrize(
    ("ending", "wait"),
    [
        ("SIGKILL about a second after typing stops", 1.2),
        ("terminal closed (SIGHUP) after the save delay", 1.2),
        ("terminal closed (SIGHUP) right after typing", 0.0),
    ],
)
def test_typed_notes_survive_the_app_being_killed(
    tmp_path: Path, db_path: Path, ending: str, wait: float
) -> None:
    db = db_path  # a copy of the seeded library
    socket = f"cryqueue-kill-{os.getpid()}"
    pid_file = _launch(tmp_path, db, socket)
    text = "잊지 않을게 - typed before the end"
    try:
        _wait_for(lambda s: "A Moment to Remember" in s, socket)
        _tmux("send-keys", "-t", "app", "n", socket=socket)
        _wait_for(lambda s: "Back to list" in s, socket)  # the notes pane has the focus
        _tmux("send-keys", "-t", "app", "-l", text, socket=socket)
        _wait_for(lambda s: "typed before the end" in s, socket)
        time.sleep(wait)
        if "SIGKILL" in ending:
            os.kill(int(pid_file.read_text()), signal.SIGKILL)
            _wait_for(lambda s: "EXITED" in s, socket)
        else:
            _tmux("kill-session", "-t", "app", socket=socket)
            _wait_gone(int(pid_file.read_text()))
    finally:
        _tmux("kill-server", socket=socket)
    assert _note_of(db, "A Moment to Remember") == text


def _wait_gone(pid: int, timeout: float = 10.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if _ended(pid):
            return
        time.sleep(0.02)
    raise AssertionError(f"the app (pid {pid}) did not end after its terminal closed")


def _ended(pid: int) -> bool:
    """Whether the process has exited. Its shell dies with the terminal, so the app's exit is
    collected by init, which on some machines does so seconds later: an exited process
    waiting for that (a zombie) has ended, and the time until it is collected is not the app's."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except FileNotFoundError:
        return True
    except OSError:  # no /proc: ask the process itself
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            return True
        return False
    return stat.rsplit(")", 1)[1].split()[0] in {"Z", "X"}


def _read_time(db: Path) -> float:
    """How long the app's whole-list read takes on this machine now (the search index is
    built later, when the filter first opens)."""
    library = Library.open(db)
    try:
        start = time.monotonic()
        library.listing()
        return time.monotonic() - start
    finally:
        library.close()


@pytest.fixture(scope="module")
def big_template(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, float]:
    """A library of 300,000 films, built once for the tests that need one (each gets a copy),
    and how long the app's whole-list read of it takes on this machine."""
    db = tmp_path_factory.mktemp("big-template") / "big.db"
    big_library(db, 300_000)
    reading = _read_time(db)
    assert not db.with_name("big.db-wal").exists(), "the copies must be whole"
    return db, reading


@pytest.mark.xdist_group("big-template")  # one worker builds it (make test: --dist loadgroup)
@pytest.mark.parametrize("ending", ["q", "terminal closed (SIGHUP)"])
def test_the_app_ends_at_once_while_a_big_list_is_read(
    tmp_path: Path, ending: str, big_template: tuple[Path, float]
) -> None:
    """Quitting, or closing the terminal, while the list is still being read ends the app
    long before the read would have finished, with the note typed meanwhile saved."""
    template, reading = big_template
    db = tmp_path / "big.db"
    shutil.copyfile(template, db)
    socket = f"cryqueue-big-{os.getpid()}"
    pid_file = _launch(tmp_path, db, socket)
    try:
        _wait_for(lambda s: "A Moment to Remember" in s, socket)
        _tmux("send-keys", "-t", "app", "n", socket=socket)
        _wait_for(lambda s: "Back to list" in s, socket)  # the notes pane has the focus
        # A word of its own: the empty note's hint says "saved as you type".
        _tmux("send-keys", "-t", "app", "-l", "kept-at-the-end", socket=socket)
        _wait_for(lambda s: "kept-at-the-end" in s, socket)
        start = time.monotonic()
        if ending == "q":
            _tmux("send-keys", "-t", "app", "Escape", socket=socket)
            _wait_for(lambda s: "Back to list" not in s, socket)  # else ESC q reads as alt+q
            start = time.monotonic()
            _tmux("send-keys", "-t", "app", "q", socket=socket)
            _wait_for(lambda s: "EXITED 0" in s, socket)
        else:
            _tmux("kill-session", "-t", "app", socket=socket)
            _wait_gone(int(pid_file.read_text()))
        took = time.monotonic() - start
    finally:
        _tmux("kill-server", socket=socket)
    assert took < max(reading, 1.0), (
        f"{ending}: ended after {took:.1f} s; the read takes {reading:.1f} s"
    )
    assert _note_of(db, "A Moment to Remember") == "kept-at-the-end"
