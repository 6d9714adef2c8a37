"""The cryqueue app: the ranked list, the highlighted film's details and the user's notes."""

from __future__ import annotations

import asyncio
import contextlib
import os
import signal
import threading
from collections.abc import Callable, Iterable, Iterator, Mapping
from datetime import date
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

from textual import work
from textual.actions import ActionParseResult
from textual.app import App, ComposeResult, SystemCommand
from textual.containers import Horizontal, Vertical
from textual.dom import DOMNode
from textual.events import DescendantFocus, Resize
from textual.notifications import SeverityLevel
from textual.screen import Screen
from textual.timer import Timer
from textual.widgets import Footer, Header, Input, Static
from textual.worker import get_current_worker

from cryqueue.domain.errors import Abandoned, CryqueueError, LookupFailed
from cryqueue.domain.films import FilmEntry, FilmFacts, ListRow, RemovedFilm, Stats, Viewings
from cryqueue.domain.import_records import ImportBatch
from cryqueue.domain.import_report import summary_lines
from cryqueue.domain.listing import Listing, SortOrder, WatchFilter, listing_stats, select
from cryqueue.domain.reading import LibraryReader
from cryqueue.domain.text import visible
from cryqueue.domain.validate import without_controls
from cryqueue.storage.config import config_path, read_config, save_config
from cryqueue.storage.paths import documents_dir
from cryqueue.ui.actions import bindings, palette
from cryqueue.ui.history import Change, History
from cryqueue.ui.screens.dialogs import ConfirmDialog, FilmFormDialog, HelpScreen, PromptDialog
from cryqueue.ui.widgets.details import DetailsPane
from cryqueue.ui.widgets.film_list import FilmList
from cryqueue.ui.widgets.notes import NotesEditor

if TYPE_CHECKING:
    from cryqueue.library import Library

VIEWS: tuple[tuple[WatchFilter, str], ...] = (
    ("all", "all films"),
    ("unwatched", "to watch"),
    ("watched", "watched"),
)
SORTS: tuple[tuple[SortOrder, str], ...] = (
    ("rank", "my ranking"),
    ("consensus", "list consensus"),
    ("year", "year"),
    ("tears", "tear level"),
)
NARROW_WIDTH = 70

T = TypeVar("T")
DETAILS_DELAY = 0.05  # seconds the cursor rests before the details pane follows
FIRST_PAGE = 200  # rows painted before the whole list is read
BACKGROUND_AT = 5_000  # lists this long are read and filtered in a worker thread
HANGUP_GRACE = 3.0  # seconds a hung-up app has to close before it is ended outright
WATCH_EVERY = 0.5  # seconds between looks for another cryqueue's changes
PLAN_EXAMPLES = 5  # skipped rows and ignored files listed by name in the import question


class CryqueueApp(App[None]):
    CSS_PATH = "cryqueue.tcss"
    TITLE = "cryqueue"
    BINDINGS = bindings("app")

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
        library (with SQLAlchemy behind it) opens just after."""
        super().__init__()
        self._library = library if not callable(library) else None
        self._open_library = library if callable(library) else None
        self._peek = peek
        self.config_file = config_file or config_path()
        self.export_dir = export_dir
        self.today = today
        self.history = History()
        self.view_index = 0
        self.sort_index = 0
        self.search_text = ""
        self._details_timer: Timer | None = None
        self._status_timer: Timer | None = None
        self.listing: Listing | None = None  # every film, once read; the list shows a view of it
        self._consensus: dict[int, int] | None = None
        self._stats: Stats | None = None
        self._changes = 0  # bumped by every change: a list read that started before is stale
        self._importing = False  # an import is writing: changes wait instead of blocking the app
        self.started = False  # True once everything after the first frame is in place
        self.watch_timer: Timer | None = None  # looks for other writers' changes

    @property
    def library(self) -> Library:
        if self._library is None:
            assert self._open_library is not None
            self._library = self._open_library()
        return self._library

    # Layout --------------------------------------------------------------------------------

    def compose(self) -> ComposeResult:
        # The header and footer (some 80 ms of widgets) are mounted just after the first frame,
        # into rows kept for them, so the list shows sooner and nothing moves when they arrive.
        yield Static(" 💧 cryqueue", id="header-slot")
        with Horizontal(id="panes"):
            with Vertical(id="left"):
                yield FilmList(id="films")
                yield Input(placeholder="filter: title, cast, director…", id="search")
            with Vertical(id="right"):
                yield DetailsPane(id="details")
                yield NotesEditor(self._save_note, id="notes")
        yield Static("", id="footer-slot")

    async def _finish_start(self) -> None:
        """After the first frame: the header and footer, the library, the whole list."""
        if not self.screen_stack or not self.screen_stack[0].is_attached:
            return  # quitting already
        screen = self.screen_stack[0]
        await screen.mount(Header(icon="💧"), before=screen.query_one("#header-slot"))
        await screen.mount(Footer(), after=screen.query_one("#footer-slot"))
        await screen.query_one("#header-slot").remove()
        await screen.query_one("#footer-slot").remove()
        if self._peek is not None:
            self._peek.close()
            self._peek = None
        # Opened here, on the app's thread, before any worker needs it; changes by others
        # are watched from before the list is read, so none falls between the two.
        self.library.watch_changes()
        self.reload()
        self.watch_timer = self.set_interval(WATCH_EVERY, self._look_for_changes)
        self.started = True

    def on_mount(self) -> None:
        config, problem = read_config(self.config_file)
        if problem:
            self.notify(problem, severity="warning", timeout=8)
        theme = config.get("theme")
        if isinstance(theme, str) and theme in self.available_themes:
            self.theme = theme
        self.theme_changed_signal.subscribe(self, self._remember_theme)
        self.query_one("#left").border_title = "Ranking"
        self.query_one("#details").border_title = "Details"
        self.notes.border_title = "Notes"
        first: LibraryReader = self._peek or self.library
        self._films.set_rows(first.first_rows(FIRST_PAGE))
        self._stats = first.stats()
        self.update_status(recount=False)
        self.film_list.focus()
        self.call_after_refresh(self._finish_start)
        if not self.is_headless:
            self._save_on_hangup()

    def _save_on_hangup(self) -> None:
        """A closed terminal (SIGHUP) or a polite kill (SIGTERM) saves the note, then quits,
        whatever the app is doing then (starting, reading, already quitting)."""
        loop = asyncio.get_running_loop()

        def hung_up(_signum: int, _frame: object) -> None:
            # First the backstop, from the signal itself: with the terminal gone, restoring it
            # or a thread still at work can hold the process; it ends within HANGUP_GRACE.
            backstop = threading.Timer(HANGUP_GRACE, os._exit, (129,))
            backstop.daemon = True
            backstop.start()
            with contextlib.suppress(RuntimeError):  # the loop has closed: nothing to save
                loop.call_soon_threadsafe(self._save_and_exit)

        for signum in (signal.SIGHUP, signal.SIGTERM):
            with contextlib.suppress(ValueError):
                signal.signal(signum, hung_up)

    def _save_and_exit(self) -> None:
        if self.screen_stack:  # not yet torn down: the note being typed is saved
            self.notes.save_now()
        self.exit()

    # Failures and other writers ------------------------------------------------------------

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
            self._failed(exc)
            return True

    @contextlib.contextmanager
    def _said(self) -> Iterator[None]:
        """Where a handler that is not an action (a dialog's answer, a timer, a keystroke in
        the filter) reads the library: a failure is a notification. (An exception reaching
        Textual from a handler would stop the app's message loop.)"""
        try:
            yield
        except CryqueueError as exc:
            self.notify(str(exc), severity="error", timeout=6)

    def _guarded(self, callback: Callable[[T], None]) -> Callable[[T], None]:
        """A dialog's answer, its failures said the same way as an action's."""

        def answered(result: T) -> None:
            try:
                callback(result)
            except CryqueueError as exc:
                self._failed(exc)

        return answered

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

    def _failed(self, error: CryqueueError) -> None:
        self.notify(str(error), severity="error", timeout=6)
        if isinstance(error, LookupFailed):  # the film went: show the list as it is now
            self.catch_up()

    def _look_for_changes(self) -> None:
        """On a timer: show another cryqueue's changes within about a second."""
        if self._importing:
            return  # the import's own commits; the list is read again when it ends
        if not self.is_running or not self.screen_stack or not self.screen_stack[0].query("#films"):
            return  # quitting: the main screen is gone, nothing to show changes on
        try:
            changed = self.library.changed_elsewhere()
        except CryqueueError:
            return  # busy: look again on the next tick
        if changed:
            self.catch_up()

    def catch_up(self) -> None:
        """Read the list, counts, details and note as the database has them now (a note being
        edited is kept, and merged when saved)."""
        self._changes += 1
        self.reload()

    def action_reload(self) -> None:
        self.catch_up()
        self.notify("Reloaded the library.", timeout=2)

    def on_resize(self, event: Resize) -> None:
        self.screen.set_class(event.size.width < NARROW_WIDTH, "narrow")

    def _remember_theme(self, theme: Any) -> None:
        try:
            save_config({"theme": theme.name}, self.config_file)
        except CryqueueError as exc:
            self.notify(f"theme not saved: {exc}", severity="warning")

    @property
    def film_list(self) -> FilmList:
        return (
            self.screen.query_one("#films", FilmList) if self._main_screen_active else self._films
        )

    @property
    def _films(self) -> FilmList:
        return self.screen_stack[0].query_one("#films", FilmList)

    @property
    def _main_screen_active(self) -> bool:
        return self.screen is self.screen_stack[0]

    @property
    def notes(self) -> NotesEditor:
        return self.screen_stack[0].query_one("#notes", NotesEditor)

    @property
    def details(self) -> DetailsPane:
        return self.screen_stack[0].query_one("#details", DetailsPane)

    # Data ----------------------------------------------------------------------------------

    @property
    def view(self) -> WatchFilter:
        return VIEWS[self.view_index][0]

    @property
    def sort(self) -> SortOrder:
        return SORTS[self.sort_index][0]

    def reload(self, keep_id: int | None = None) -> None:
        """Read the whole list afresh (at start, after an undo or another writer's reorder);
        in a worker thread when the library is big, so the app stays responsive."""
        keep = self._keep(keep_id)
        if self._big:
            self._read_listing(keep, self._changes)
        else:
            with self._said():
                self._set_listing(self.library.listing(), keep)

    # The description: the default is a repr of the arguments (100,000 rows).
    @work(thread=True, exclusive=True, group="listing", description="read the list")
    def _read_listing(self, keep: int | None, changes: int) -> None:
        # A newer read (exclusive group) or quitting cancels this one: it stops within
        # milliseconds instead of keeping the app from closing until a million rows are read.
        worker = get_current_worker()
        try:
            listing = self.library.listing(stop=lambda: worker.is_cancelled)
            listing.prepare(stop=lambda: worker.is_cancelled)  # indexes built off the app thread
        except Abandoned:
            return
        except CryqueueError as exc:  # a damaged library: say so, keep what is on screen
            self.call_from_thread(self._failed, exc)
            return
        self.call_from_thread(self._listing_read, listing, keep, changes)

    def _listing_read(self, listing: Listing, keep: int | None, changes: int) -> None:
        if changes != self._changes:  # something changed while reading: read again
            self.reload(self._keep(keep))
        else:
            self._set_listing(listing, self._keep(keep))

    def _set_listing(self, listing: Listing, keep: int | None) -> None:
        self.listing = listing
        self._consensus = None
        self._stats = None
        self.apply_view(keep)

    @property
    def _big(self) -> bool:
        known = len(self.listing.rows) if self.listing else len(self._films.rows)
        return known >= BACKGROUND_AT or (self.listing is None and known >= FIRST_PAGE)

    def _keep(self, keep_id: int | None) -> int | None:
        current = self._films.current
        return keep_id if keep_id is not None else (current.id if current else None)

    def apply_view(self, keep_id: int | None = None) -> None:
        """Show the view, sort and filter chosen, from the list in memory."""
        if self.listing is None:
            return
        keep = self._keep(keep_id)
        choice = (self.view, self.sort, self.search_text)
        if self._big:
            self._select_rows(self.listing, choice, keep)
        else:
            with self._said():
                self._show_rows(select(self.listing, *choice, self._consensus_places), keep)

    @work(thread=True, exclusive=True, group="view", description="filter and sort the list")
    def _select_rows(
        self, listing: Listing, choice: tuple[WatchFilter, SortOrder, str], keep: int | None
    ) -> None:
        try:
            rows = select(listing, *choice, self._consensus_places)
        except CryqueueError as exc:
            self.call_from_thread(self.notify, str(exc), severity="error", timeout=6)
            return
        self.call_from_thread(self._rows_selected, listing, choice, rows, keep)

    def _rows_selected(
        self,
        listing: Listing,
        choice: tuple[WatchFilter, SortOrder, str],
        rows: list[ListRow],
        keep: int | None,
    ) -> None:
        if listing is self.listing and choice == (self.view, self.sort, self.search_text):
            self._show_rows(rows, keep)  # else a newer keystroke's result is on its way

    def _show_rows(self, rows: list[ListRow], keep: int | None) -> None:
        films = self._films
        films.set_rows(rows, keep, total=len(self.listing.rows) if self.listing else None)
        if not films.rows:
            self._show_film(None)
        else:
            self._details_soon()
        self.update_status(recount=False)

    def _consensus_places(self) -> dict[int, int]:
        if self._consensus is None:
            self._consensus = self.library.consensus_places()
        return self._consensus

    def update_status(self, recount: bool = True) -> None:
        """The header's status line; `recount=False` reuses the figures (a filter keystroke
        changes what is shown, not what is in the library)."""
        if recount or self._stats is None:
            with self._said():
                self._stats = (
                    listing_stats(self.listing.rows) if self.listing else self.library.stats()
                )
        stats = self._stats
        if stats is None:
            return
        tears = f"{stats.average_tears:.1f}" if stats.average_tears is not None else "–"
        parts = [
            f"watched {stats.watched} of {stats.total}",
            f"avg tears {tears}",
            VIEWS[self.view_index][1],
            f"sorted by {SORTS[self.sort_index][1]}",
        ]
        if self.search_text:
            parts.append(f"filter “{self.search_text}”")
        self.sub_title = " · ".join(parts)

    def _status_soon(self) -> None:
        if self._status_timer is not None:
            self._status_timer.stop()
        self._status_timer = self.set_timer(DETAILS_DELAY, self.update_status)

    def on_film_list_highlighted(self, message: FilmList.Highlighted) -> None:
        """The list moves at once; the details and notes follow when the cursor rests, so that
        holding a key scrolls smoothly through 100,000 films."""
        self._details_soon()

    def _details_soon(self) -> None:
        if self._details_timer is not None:
            self._details_timer.stop()
        self._details_timer = self.set_timer(DETAILS_DELAY, self.show_highlighted)

    def on_descendant_focus(self, event: DescendantFocus) -> None:
        if isinstance(event.widget, NotesEditor):  # never type into the previous film's note
            self.show_highlighted()

    def show_highlighted(self) -> None:
        """Bring the details and notes up to the highlighted film now, if they lag behind."""
        if self._details_timer is None:
            return
        self._details_timer.stop()
        self._details_timer = None
        if self.screen_stack:  # not while the app is closing
            self._show_film(self._films.current)

    def _show_film(self, row: ListRow | None) -> None:
        if row is None:
            self.details.show(None)
            self.notes.show_note(None, "")
            return
        try:
            details = self.library.details(row.id)
        except LookupFailed:  # removed by another cryqueue
            self.catch_up()
            return
        except CryqueueError as exc:  # damaged: reading again would fail again
            self.details.show(None)
            self._failed(exc)
            return
        self.details.show(details)
        if self.notes.film_id != row.id or not self.notes.dirty:
            self.notes.show_note(row.id, details.entry.note)
        fresh = details.entry.list_row()
        if fresh != row and fresh.rank == row.rank:  # changed by another cryqueue meanwhile
            if self.listing is not None:
                self.listing.replace(fresh)
            self._films.replace_row(fresh)

    def _refresh_film(self, film_id: int) -> None:
        """After a change to one film: its line at once; the details and status a moment later.
        The line is read back, so it shows what is stored, whoever stored it."""
        self._changes += 1
        shown = self._films.row_of(film_id)
        known = self.listing.get(film_id) if self.listing else None
        rank = known.rank if known else shown.rank if shown else None
        row = self.library.get(film_id, rank=rank).list_row()
        if self.listing is not None:
            self.listing.replace(row)
        self._films.replace_row(row)
        current = self._films.current
        if current and current.id == film_id:
            self._details_soon()
        self._status_soon()

    def _current(self) -> ListRow | None:
        """The highlighted film, for an action that changes it; None (with a bell, or a word on
        why) when there is none, an import holds the library or another cryqueue removed it.
        Another cryqueue's changes are read first, so the screen catches up before a change."""
        if self._import_running():
            return None
        return self._highlighted()

    def _import_running(self) -> bool:
        """While an import holds the library, a change would wait on its lock with the app
        frozen: say so instead (the change can be made again once it has finished)."""
        if self._importing:
            self.notify("An import is running; try again when it has finished.", timeout=4)
        return self._importing

    def _highlighted(self) -> ListRow | None:
        """The highlighted film, once the screen has caught up with other writers."""
        row = self._films.current
        if row is None:
            self.bell()
            return None
        if self.started and self.library.changed_elsewhere():
            self.catch_up()
            if not self.library.exists(row.id):
                raise LookupFailed(
                    f"{row.title} ({row.year}) is no longer in the library; "
                    "another cryqueue removed it"
                )
        return row

    # Watched and tears -----------------------------------------------------------------------

    def action_toggle_watched(self) -> None:
        row = self._current()
        if row is None:
            return
        before, after = self.library.toggle_watched(row.id, self.today())
        self._record_viewings(row.id, before, after, "watched" if after else "unwatched")

    def _record_viewings(self, film_id: int, before: Viewings, after: Viewings, label: str) -> None:
        self.history.record(
            Change.setting(
                label, film_id, partial(self.library.set_viewings, film_id), before, after
            )
        )
        self._refresh_film(film_id)
        self._after_view_change(film_id)

    def _after_view_change(self, film_id: int) -> None:
        """In the 'to watch' / 'watched' views a toggled film leaves the list."""
        if self.view != "all" or self.sort == "tears":
            self.apply_view(keep_id=film_id)

    def action_watched_on(self) -> None:
        row = self._current()
        if row is None:
            return

        def submit(value: str) -> str | None:
            before = self.library.viewings(row.id)
            day = self.library.mark_watched(row.id, value.strip() or None)
            after = before.plus(day)
            self._record_viewings(row.id, before, after, "watched")
            return None

        self.push_screen(
            PromptDialog(
                f"Watched “{row.title}” on…",
                "Date (YYYY-MM-DD):",
                self.today().isoformat(),
                submit,
            )
        )

    def action_tears(self, level: int) -> None:
        row = self._current()
        if row is None:
            return
        value = None if level < 0 else level
        before, value = self.library.swap_tears(row.id, value)

        self.history.record(
            Change.setting(
                "tear level", row.id, partial(self.library.set_tears, row.id), before, value
            )
        )
        self._refresh_film(row.id)
        if self.sort == "tears":
            self.apply_view(keep_id=row.id)

    def action_rate(self) -> None:
        row = self._current()
        if row is None:
            return
        current = self.library.get(row.id, rank=row.rank).rating

        def submit(value: str) -> str | None:
            before, after = self.library.swap_rating(row.id, value)
            rate = partial(self.library.swap_rating, row.id)
            self.history.record(Change.setting("rating", row.id, rate, before, after))
            self._refresh_film(row.id)
            return None

        shown = f"{current:g}" if current is not None else ""
        self.push_screen(
            PromptDialog(f"Rate “{row.title}”", "Stars, 0.5 to 5 (empty for none):", shown, submit)
        )

    def action_edit_tags(self) -> None:
        row = self._current()
        if row is None:
            return
        current = self.library.get(row.id, rank=row.rank).tags

        def submit(value: str) -> str | None:
            wanted = [t for t in value.split(",") if t.strip()]
            before, after = self.library.retag(row.id, wanted, replace=True)
            self.history.record(
                Change.setting("tags", row.id, partial(self._set_tags, row.id), before, after)
            )
            self._tags_changed(row.id, after)
            return None

        self.push_screen(
            PromptDialog(
                f"Tags of “{row.title}”",
                "Tags, separated by commas (filter with /#tag):",
                ", ".join(current),
                submit,
            )
        )

    def _set_tags(self, film_id: int, tags: tuple[str, ...]) -> None:
        self._tags_changed(film_id, self.library.set_tags(film_id, tags))

    def _tags_changed(self, film_id: int, tags: tuple[str, ...]) -> None:
        if self.listing is not None:
            self.listing.set_tags(film_id, tags)
        self._refresh_film(film_id)
        if "#" in self.search_text:
            self.apply_view(keep_id=film_id)

    # Ranking ---------------------------------------------------------------------------------

    def _ranking_order(self) -> bool:
        if self.sort != "rank":
            self.notify(
                f"Moving works in “my ranking” order (now sorted by {SORTS[self.sort_index][1]}); "
                "press s to switch.",
                severity="warning",
            )
            return False
        return True

    def action_move(self, step: int) -> None:
        row = self._current()
        if row is None or not self._ranking_order():
            return
        films = self._films
        at = films.cursor + step
        if not 0 <= at < len(films.rows):
            self.bell()
            return
        neighbour = films.rows[at].id
        self._move(row, lambda: self.library.move_past(row.id, neighbour, up=step < 0))

    def action_move_top(self) -> None:
        row = self._current()
        if row is not None and self._ranking_order():
            self._move(row, lambda: self.library.reposition(row.id, 1))

    def action_move_bottom(self) -> None:
        row = self._current()
        if row is not None and self._ranking_order():
            total = self.library.stats().total  # not in memory: it may be loading
            self._move(row, lambda: self.library.reposition(row.id, total))

    def action_move_to(self) -> None:
        row = self._current()
        if row is None or not self._ranking_order():
            return

        def submit(value: str) -> str | None:
            if not value.strip().isdigit() or int(value) < 1:
                return "Give a position: a whole number from 1."
            self._move(row, lambda: self.library.reposition(row.id, int(value)))
            return None

        self.push_screen(
            PromptDialog(f"Move “{row.title}” to…", "Position:", str(row.rank), submit)
        )

    def _move(self, row: ListRow, reposition: Callable[[], tuple[int, int]]) -> None:
        """Make a move (`reposition` returns the old and new places, as stored) undoable and
        show it: in memory when the screen agreed with the database, else by reading again."""
        old, new = reposition()
        if new == old:
            if old != row.rank:
                self.catch_up()  # the screen was behind; the film stays where others put it
            return
        self._changes += 1

        self.history.record(
            Change.setting("move", row.id, partial(self.library.move_to, row.id), old, new)
        )
        if old == row.rank and self.listing is not None:
            self.listing.move(row.id, new)
            self._films.move_row(row.id, new)
            self._details_soon()
        else:
            self.reload(keep_id=row.id)  # another cryqueue reordered meanwhile

    # Notes -----------------------------------------------------------------------------------

    def action_edit_note(self) -> None:
        row = self._highlighted()
        if row is not None:
            self.show_highlighted()
            if self.notes.film_id != row.id:  # pressed before the details ever followed
                self._show_film(row)
            self.notes.focus()

    def action_focus_list(self) -> None:
        self._films.focus()

    def _save_note(self, film_id: int, text: str, base: str) -> str | None:
        if self._importing:  # the editor keeps the text; saved when the import ends
            self.notify("The note will be saved when the import has finished.", timeout=4)
            return None
        try:
            stored = self.library.set_note(film_id, without_controls(text), expected=base)
        except CryqueueError as exc:
            self.notify(
                f"note not saved: {exc}; your text is still in the editor",
                severity="error",
                timeout=8,
            )
            return None

        self.history.record(
            Change.setting("note", film_id, partial(self.library.set_note, film_id), base, stored)
        )
        if self.listing is not None:
            self.listing.set_note(film_id, stored)
        if stored != text and stored != without_controls(text):
            self.notify(
                "This note was also changed by another cryqueue; both versions are kept.",
                severity="warning",
                timeout=8,
            )
        return stored

    # Add, edit, remove -------------------------------------------------------------------------

    def action_add_film(self) -> None:
        if self._import_running():
            return

        def submit(facts: FilmFacts) -> FilmEntry:
            entry = self.library.add_film(facts)
            cell: dict[str, Any] = {"id": entry.id}

            def undo() -> None:
                cell["removed"] = self.library.remove_film(cell["id"])

            def redo() -> int:
                cell["id"] = self.library.restore_film(cell["removed"])
                return int(cell["id"])

            self.history.record(Change("add", undo, redo))
            return entry

        def added(entry: FilmEntry | None) -> None:
            if entry is not None:
                self.reload(keep_id=entry.id)
                self.notify(f"Added {entry.label} at #{entry.rank}.")

        self.push_screen(FilmFormDialog("Add a film", submit), self._guarded(added))

    def action_edit_film(self) -> None:
        row = self._current()
        if row is None:
            return
        start = self.library.get(row.id)
        before = _facts_of(start)

        def submit(facts: FilmFacts) -> FilmEntry:
            entry = self.library.edit_film(row.id, facts)

            edit = partial(self.library.edit_film, row.id)
            self.history.record(Change.setting("edit", row.id, edit, before, facts))
            return entry

        def edited(entry: FilmEntry | None) -> None:
            if entry is not None:
                self.reload(keep_id=entry.id)

        self.push_screen(
            FilmFormDialog(f"Edit {start.label}", submit, start), self._guarded(edited)
        )

    def action_remove_film(self) -> None:
        row = self._current()
        if row is None:
            return

        def answered(yes: bool | None) -> None:
            if yes:
                self._remove(row)

        self.push_screen(
            ConfirmDialog(f"Remove “{row.title}” ({row.year}) and its notes and viewings?"),
            self._guarded(answered),
        )

    def _remove(self, row: ListRow) -> None:
        self.notes.save_now()
        cell: dict[str, Any] = {"removed": self.library.remove_film(row.id)}

        def undo() -> int:
            removed: RemovedFilm = cell["removed"]
            cell["id"] = self.library.restore_film(removed)
            return int(cell["id"])

        def redo() -> None:
            cell["removed"] = self.library.remove_film(cell["id"])

        self.history.record(Change("remove", undo, redo))
        self.notes.film_id = None
        self._films.remove_row(row.id)  # at once; the ranks below it follow with the read
        self.catch_up()
        self.notify(f"Removed {row.title} ({row.year}). Press ctrl+z to undo.")

    # Undo --------------------------------------------------------------------------------------

    def action_undo(self) -> None:
        if self._import_running():
            return
        self._replay(self.history.undo, "Undid", "Nothing to undo.")

    def action_redo(self) -> None:
        if self._import_running():
            return
        self._replay(self.history.redo, "Redid", "Nothing to redo.")

    def _replay(
        self, step: Callable[[], tuple[Change, int | None] | None], verb: str, empty: str
    ) -> None:
        self.notes.save_now()
        done = step()
        if done is None:
            self.notify(empty)
            return
        change, focus = done
        self.notes.film_id = None  # the note shown may have changed underneath
        self.reload(keep_id=focus)
        self.notify(f"{verb} {change.label}.")

    # View, sort, filter ----------------------------------------------------------------------

    def action_cycle_view(self) -> None:
        self.view_index = (self.view_index + 1) % len(VIEWS)
        self.apply_view()

    def action_cycle_sort(self) -> None:
        self.sort_index = (self.sort_index + 1) % len(SORTS)
        self.apply_view()

    def action_search(self) -> None:
        search = self.screen_stack[0].query_one("#search", Input)
        search.add_class("visible")
        search.focus()

    def on_input_changed(self, event: Input.Changed) -> None:
        if event.input.id == "search":
            self.search_text = event.value
            self.apply_view()  # its reads say their failures (_said)

    def on_input_submitted(self, event: Input.Submitted) -> None:
        if event.input.id == "search":
            self._films.focus()

    def on_key(self, event: Any) -> None:
        search = self.screen_stack[0].query_one("#search", Input)
        if (
            event.key == "escape"
            and self._main_screen_active
            and (search.has_focus or self.search_text)
        ):
            event.stop()
            search.value = ""
            search.remove_class("visible")
            self.search_text = ""
            self.apply_view()
            self._films.focus()

    # Export, help, quit ----------------------------------------------------------------------

    def action_export(self) -> None:
        folder = self.export_dir or documents_dir()
        # Not at the top: the app's first frame is drawn before SQLAlchemy (library) loads.
        from cryqueue.library import default_export_name

        default = str(folder / default_export_name("markdown"))

        def submit(value: str) -> str | None:
            if not value.strip():
                return "Give a file path."
            try:
                target = self.library.export_file(Path(value.strip()))
            except CryqueueError as exc:
                return str(exc)
            self.notify(f"Exported your ranking to {target}", title="Export", timeout=8)
            return None

        self.push_screen(PromptDialog("Export to Markdown", "Save as:", default, submit))

    def action_import_file(self) -> None:
        """Ask for a file; read it and work out what importing it would do (in a thread: a big
        file takes seconds); show that and import on a yes. A backup is made first: an import
        is one transaction, but not one ctrl+z."""
        folder = self.export_dir or documents_dir()

        def submit(value: str) -> str | None:
            path = Path(value.strip()).expanduser()
            if not value.strip() or not path.exists():
                return f"{path} does not exist; give a file, a Letterboxd ZIP or its folder."
            return None

        def chosen(value: str | None) -> None:
            if value:
                self._import_worker(self._plan_import, Path(value.strip()).expanduser())

        self.push_screen(
            PromptDialog(
                "Import from cryqueue, Letterboxd or IMDb",
                "File, Letterboxd ZIP or folder:",
                str(folder) + os.sep,
                submit,
            ),
            self._guarded(chosen),
        )

    @work(thread=True, exclusive=True, group="import", description="import a file")
    def _import_worker(self, task: Callable[[Path], None], path: Path) -> None:
        """Run import work in a thread; a failure is a notification, never the app's end
        (the import's transaction has been rolled back by then)."""
        try:
            task(path)
        except CryqueueError as exc:
            self.call_from_thread(self.notify, str(exc), severity="error", timeout=10)
        except Exception as exc:  # anything else must not close the app
            message = f"the import failed ({exc}); nothing was changed"
            self.call_from_thread(self.notify, message, severity="error", timeout=10)

    def _plan_import(self, path: Path) -> None:

        self.call_from_thread(self.notify, f"Reading {path.name}…", timeout=3)
        batch = self.library.read_import(path)
        plan = self.library.import_batch(batch, dry_run=True)
        lines = summary_lines(plan, path.name, dry_run=True, examples=PLAN_EXAMPLES)
        question = "\n".join(
            [*lines, "", f"Import it ({batch.described})? A backup is made first."]
        )

        def answered(yes: bool | None) -> None:
            if yes:
                self._import_worker(partial(self._import, batch=batch), path)

        self.call_from_thread(self.push_screen, ConfirmDialog(question), self._guarded(answered))

    def _import(self, path: Path, batch: ImportBatch) -> None:

        self._importing = True
        try:
            backup = self.library.backup_beside("pre-import")
            summary = self.library.import_batch(batch)
        finally:
            self._importing = False
            self.call_from_thread(self.notes.save_now)  # a note typed meanwhile
        headline = summary_lines(summary, path.name, examples=0)[0]
        message = f"{headline} The library before it is kept as {backup.name}."
        self.call_from_thread(self._imported, message)

    def _imported(self, message: str) -> None:
        self._changes += 1
        self.reload()
        self.notify(message, title="Import", timeout=10)

    def action_help(self) -> None:
        self.push_screen(HelpScreen())

    async def action_quit(self) -> None:
        self.notes.save_now()
        self.exit()

    def on_unmount(self) -> None:
        if self.screen_stack:
            self.notes.save_now()

    def get_system_commands(self, screen: Screen[Any]) -> Iterable[SystemCommand]:
        yield from super().get_system_commands(screen)
        for title, help_text, action in palette():
            yield SystemCommand(title, help_text, partial(self.run_action, action))


def _facts_of(entry: FilmEntry) -> FilmFacts:
    return FilmFacts(
        title=entry.title,
        year=entry.year,
        original_title=entry.original_title,
        kind=entry.kind,
        director=entry.director,
        network=entry.network,
        cast=entry.cast,
        runtime_minutes=entry.runtime_minutes,
        synopsis=entry.synopsis,
    )


def run_app(library: Library | Callable[[], Library], peek: LibraryReader | None = None) -> None:
    CryqueueApp(library, peek=peek).run()
