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
        time.sleep(0.1)
    raise AssertionError(f"the screen never showed what was expected; last screen:\n{screen}")


def _launch(tmp_path: Path, db: Path, socket: str) -> Path:
    """Start the app in a detached tmux session named 'app'; returns the file with its pid."""
    pid_file = tmp_path / "app.pid"
    env_prefix = (
        f"LANG=C.UTF-8 XDG_CONFIG_HOME={tmp_path / 'config'} "
        f"XDG_DATA_HOME={tmp_path / 'data'} TERM=xterm-256color"
    )
    command = (
        f"sh -c 'echo $$ > {pid_file}; exec env -u COLUMNS -u LINES {env_prefix} "
        f"{sys.executable} -m cryqueue --db {db}'; echo EXITED $?; sleep 30"
    )
    _tmux("-u", "new-session", "-d", "-s", "app", "-x", "100", "-y", "30", command, socket=socket)
    return pid_file


def test_app_in_tmux(tmp_path: Path) -> None:
    db = tmp_path / "real.db"
    Library.open(db).close()
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
def test_typed_notes_survive_the_app_being_killed(tmp_path: Path, ending: str, wait: float) -> None:
    db = tmp_path / "real.db"
    Library.open(db).close()
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
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            return
        time.sleep(0.05)
    raise AssertionError(f"the app (pid {pid}) did not end after its terminal closed")
