"""The cryqueue app: configuration, theme, lifecycle and the command palette. The ranked list,
the details and the notes are the main screen's (`screens/main.py`)."""

from __future__ import annotations

import asyncio
import contextlib
import os
import signal
import threading
from collections.abc import Callable, Iterable, Mapping
from dataclasses import asdict, fields
from datetime import date
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, Any

from textual.actions import ActionParseResult
from textual.app import App, SystemCommand
from textual.command import CommandPalette
from textual.dom import DOMNode
from textual.notifications import SeverityLevel
from textual.screen import Screen

from cryqueue.domain.errors import CryqueueError
from cryqueue.domain.export_options import ExportOptions
from cryqueue.domain.reading import LibraryReader
from cryqueue.domain.text import visible
from cryqueue.storage.config import config_path, load_config, read_config, save_config
from cryqueue.ui.actions import bindings, palette
from cryqueue.ui.palette import FilmProvider, MarkedThemeProvider, key_help
from cryqueue.ui.screens.dialogs import HelpScreen
from cryqueue.ui.screens.main import MainScreen
from cryqueue.ui.screens.main_view import LastExport

if TYPE_CHECKING:
    from cryqueue.library import Library

HANGUP_GRACE = 3.0  # seconds a hung-up app has to close before it is ended outright


class CryqueueApp(App[None]):
    CSS_PATH = "cryqueue.tcss"
    TITLE = "cryqueue"
    BINDINGS = bindings("app")
    COMMANDS = App.COMMANDS | {FilmProvider}

    def __init__(
        self,
        library: Library | Callable[[], Library],
        *,
        peek: LibraryReader | None = None,
        config_file: Path | None = None,
        export_dir: Path | None = None,
        today: Callable[[], date] = date.today,
    ) -> None:
        """`library`, or a function that opens it: then `peek` paints the first frame and the
        library opens just after."""
        super().__init__()
        self._library = library if not callable(library) else None
        self._open_library = library if callable(library) else None
        self._peek = peek
        self.config_file = config_file or config_path()
        self.export_dir = export_dir
        self.today = today

    @property
    def library(self) -> Library:
        if self._library is None:
            assert self._open_library is not None
            self._library = self._open_library()
        return self._library

    def get_default_screen(self) -> Screen[Any]:
        return MainScreen(self._peek)

    @property
    def main(self) -> MainScreen:
        """The main screen, under any dialog."""
        screen = self.screen_stack[0]
        assert isinstance(screen, MainScreen)
        return screen

    def on_mount(self) -> None:
        config, problem = read_config(self.config_file)
        if problem:
            self.notify(problem, severity="warning", timeout=8)
        theme = config.get("theme")
        if isinstance(theme, str) and theme in self.available_themes:
            self.theme = theme
        self.theme_changed_signal.subscribe(self, self._remember_theme)
        if not self.is_headless:
            self._save_on_hangup()

    def _remember_theme(self, theme: Any) -> None:
        self._remember("theme", {"theme": theme.name})

    def _remember(self, what: str, values: dict[str, Any]) -> None:
        try:
            save_config(values, self.config_file)
        except CryqueueError as exc:
            self.notify(f"{what} not saved: {exc}", severity="warning")

    def last_export(self) -> LastExport:
        """The last export's file and choices, as saved (anything odd in the file: defaults)."""
        saved = load_config(self.config_file).get("export")
        if not isinstance(saved, dict):
            return LastExport(None, ExportOptions())
        path = saved.get("path")
        choices = {
            f.name: saved[f.name] for f in fields(ExportOptions) if saved.get(f.name) is True
        }
        return LastExport(path if isinstance(path, str) else None, ExportOptions(**choices))

    def remember_export(self, path: str, options: ExportOptions) -> None:
        self._remember("export choices", {"export": {"path": path, **asdict(options)}})

    # Failures ------------------------------------------------------------------------------

    async def run_action(
        self,
        action: str | ActionParseResult,
        default_namespace: DOMNode | None = None,
        namespaces: Mapping[str, DOMNode] | None = None,
    ) -> bool:
        """Every action (key, palette, help) fails the same way: a notification, never the
        app's end. No action needs to remember to ask for this."""
        try:
            return await super().run_action(action, default_namespace, namespaces)
        except CryqueueError as exc:
            self.main.failed(exc)
            return True

    def notify(
        self,
        message: str,
        *,
        title: str = "",
        severity: SeverityLevel = "information",
        timeout: float | None = None,
        markup: bool = True,
    ) -> None:
        """Every notification shows its text as text: a file name or title in a message is
        neither markup (`[REC]`) nor a terminal sequence (an ESC made visible)."""
        super().notify(
            visible(message), title=visible(title), severity=severity, timeout=timeout, markup=False
        )

    # Help, palette, quitting ---------------------------------------------------------------

    def action_help(self) -> None:
        self.push_screen(HelpScreen())

    def get_system_commands(self, screen: Screen[Any]) -> Iterable[SystemCommand]:
        yield from super().get_system_commands(screen)
        for command in palette():
            assert command.palette is not None
            # The main screen's commands run there, whichever screen the palette opened on.
            where = self if command.where == "app" else self.main
            run = partial(self.run_action, command.action, where)
            yield SystemCommand(command.palette[0], key_help(command), run)

    def search_themes(self) -> None:
        self.push_screen(
            CommandPalette(providers=[MarkedThemeProvider], placeholder="Search for themes…")
        )

    async def action_quit(self) -> None:
        self.main.notes.save_now()
        self.exit()

    def on_unmount(self) -> None:
        if self.screen_stack:
            self.main.notes.save_now()

    def _save_on_hangup(self) -> None:
        """A closed terminal (SIGHUP) or a polite kill (SIGTERM) saves the note, then quits,
        whatever the app is doing then (starting, reading, already quitting)."""
        loop = asyncio.get_running_loop()

        def hung_up(signum: int, _frame: object) -> None:
            # First the backstop, from the signal itself: with the terminal gone, restoring it
            # or a thread still at work can hold the process; it ends within HANGUP_GRACE.
            backstop = threading.Timer(HANGUP_GRACE, os._exit, (128 + signum,))
            backstop.daemon = True
            backstop.start()
            with contextlib.suppress(RuntimeError):  # the loop has closed: nothing to save
                loop.call_soon_threadsafe(self._save_and_exit, signum == signal.SIGHUP)

        for signum in (signal.SIGHUP, signal.SIGTERM):
            with contextlib.suppress(ValueError):
                signal.signal(signum, hung_up)

    def _save_and_exit(self, terminal_gone: bool = False) -> None:
        if self.screen_stack:  # not yet torn down: the note being typed is saved
            self.main.notes.save_now()
        if terminal_gone:
            # Every change is committed by now. Textual's shutdown would restore a terminal
            # that is gone, and its writer thread can wait on it for seconds: end here.
            os._exit(128 + signal.SIGHUP)
        self.exit()


def run_app(library: Library | Callable[[], Library], peek: LibraryReader | None = None) -> None:
    CryqueueApp(library, peek=peek).run()
