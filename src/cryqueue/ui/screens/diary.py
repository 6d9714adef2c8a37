"""The diary (d): every viewing, newest first, by month. Enter goes to the film; a viewing's date
can be changed, a viewing forgotten or added, each one step of the main screen's undo."""

from __future__ import annotations

from functools import partial
from typing import TYPE_CHECKING, Protocol

from textual import work
from textual.app import ComposeResult
from textual.screen import Screen
from textual.widgets import Static

from cryqueue.domain import validate
from cryqueue.domain.diary import DiaryEntry
from cryqueue.domain.errors import CryqueueError
from cryqueue.domain.films import Viewings
from cryqueue.domain.wording import counted
from cryqueue.ui.actions import bindings
from cryqueue.ui.history import Change
from cryqueue.ui.screens.dialogs import PromptDialog
from cryqueue.ui.widgets.calm_footer import CalmFooter
from cryqueue.ui.widgets.diary_list import DiaryList, Line, diary_lines

if TYPE_CHECKING:
    from cryqueue.library import Library
    from cryqueue.ui.history import History
    from cryqueue.ui.screens.main_view import Host


class DiaryHost(Protocol):
    """What the diary needs of the main screen: the library, undo, and the list to update."""

    @property
    def library(self) -> Library: ...

    @property
    def cq(self) -> Host: ...

    history: History

    def go_to(self, film_id: int) -> None: ...

    def refresh_film(self, film_id: int) -> None: ...

    def action_undo(self) -> None: ...


class DiaryScreen(Screen[None]):
    BINDINGS = bindings("diary")

    def __init__(self, main: DiaryHost) -> None:
        super().__init__()
        self.main = main

    def compose(self) -> ComposeResult:
        yield Static("", id="diary-title")
        yield DiaryList(id="diary")
        yield CalmFooter()

    def on_mount(self) -> None:
        self.reload()
        self.query_one(DiaryList).focus()

    def reload(self, keep: DiaryEntry | None = None) -> None:
        """Read the diary in a worker: 33,000 viewings take most of a second to read and lay
        out, and the keys must not wait for that."""
        if not self.query_one(DiaryList).lines:
            self.query_one("#diary-title", Static).update(" Diary · reading…")
        self._read(keep)

    @work(thread=True, exclusive=True, group="diary", description="read the diary")
    def _read(self, keep: DiaryEntry | None) -> None:
        try:
            entries = self.main.library.diary()
        except CryqueueError as exc:
            self.app.call_from_thread(self.notify, str(exc), severity="error", timeout=6)
            return
        dated = sum(1 for e in entries if e.day is not None)
        title = (
            f" Diary · {counted(len(entries), 'viewing')}"
            + (f", {len(entries) - dated} on a day not recorded" if dated < len(entries) else "")
            + " · enter: go to the film"
        )
        self.app.call_from_thread(self._show, title, diary_lines(entries), keep)

    def _show(self, title: str, lines: list[Line], keep: DiaryEntry | None) -> None:
        self.query_one("#diary-title", Static).update(title)
        self.query_one(DiaryList).set_lines(lines, keep)

    def _current(self) -> DiaryEntry | None:
        entry = self.query_one(DiaryList).current
        if entry is None:
            self.app.bell()
        return entry

    def action_go_to_film(self) -> None:
        entry = self._current()
        if entry is not None:
            self.dismiss()
            self.main.go_to(entry.film_id)

    def _changed(self, label: str, entry: DiaryEntry, before: Viewings, after: Viewings) -> None:
        """Record a change of one film's viewings for undo and show it here and in the list."""
        library = self.main.library
        film = entry.film_id
        self.main.history.record(
            Change.setting(label, film, partial(library.set_viewings, film), before, after)
        )
        self.main.refresh_film(film)
        self.reload(keep=entry)

    def _log_day(self, entry: DiaryEntry, adding: bool, value: str) -> str | None:
        """Put the viewing on the day typed: a new viewing when `adding`, else this one moved
        (a viewing on a day not recorded gets its day)."""
        if not value.strip():
            return "give a date, YYYY-MM-DD"
        library, today = self.main.library, self.main.cq.today()
        day = validate.viewing_date(value.strip(), today, entry.year)
        if adding or entry.day is not None:
            old = None if adding else entry.day
            before, after = library.change_viewing(entry.film_id, old, day, today)
        else:
            before = library.viewings(entry.film_id)
            after = Viewings(before.plus(day).days, undated=False)
            library.set_viewings(entry.film_id, after)
        self._changed("added viewing" if adding else "viewing date", entry, before, after)
        return None

    def action_edit_day(self) -> None:
        entry = self._current()
        if entry is not None:
            self._ask_day(entry, f"Date of this viewing of “{entry.title}”", adding=False)

    def action_add_viewing(self) -> None:
        entry = self._current()
        if entry is not None:
            self._ask_day(entry, f"Another viewing of “{entry.title}”", adding=True)

    def _ask_day(self, entry: DiaryEntry, question: str, *, adding: bool) -> None:
        shown = self.main.cq.today() if adding or entry.day is None else entry.day
        submit = partial(self._log_day, entry, adding)
        self.app.push_screen(
            PromptDialog(question, "Date (YYYY-MM-DD):", shown.isoformat(), submit)
        )

    def action_forget_viewing(self) -> None:
        entry = self._current()
        if entry is None:
            return
        library = self.main.library
        if entry.day is None:
            before = library.viewings(entry.film_id)
            after = Viewings(before.days, undated=False)
            library.set_viewings(entry.film_id, after)
        else:
            today = self.main.cq.today()
            before, after = library.change_viewing(entry.film_id, entry.day, None, today)
        self._changed("forgotten viewing", entry, before, after)
        when = entry.day.isoformat() if entry.day else "a day not recorded"
        self.notify(f"Forgot the viewing of {entry.title} on {when}; ctrl+z to undo.")

    def action_undo(self) -> None:
        self.main.action_undo()
        self.reload(keep=self.query_one(DiaryList).current)
