"""The main screen's list: read from the library (in a worker thread when it is big), shown
as the view, sort and filter chosen (from memory), and read again when this or another
cryqueue changes it. `MainView` builds the panes on it; failures are said here, the same way
for every caller."""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING, TypeVar

from textual import work
from textual.events import Key
from textual.screen import Screen
from textual.widgets import Input
from textual.worker import get_current_worker

from cryqueue.domain.errors import Abandoned, CryqueueError, LookupFailed
from cryqueue.domain.films import Stats
from cryqueue.domain.listing import Listing, Rows, SortOrder, WatchFilter, select
from cryqueue.ui.widgets.film_list import FilmList

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
FIRST_PAGE = 200  # rows painted before the whole list is read
BACKGROUND_AT = 5_000  # lists this long are read and filtered in a worker thread

T = TypeVar("T")


class ListReading(Screen[None]):
    """The list, its reads and its choices; what shows them is the subclass's."""

    def __init__(self) -> None:
        super().__init__()
        self.view_index = 0
        self.sort_index = 0
        self.search_text = ""
        self.listing: Listing | None = None  # every film, once read; the list shows a view of it
        self._consensus: dict[int, int] | None = None
        self._stats: Stats | None = None
        self._changes = 0  # bumped by every reordering: a list read that started before is stale
        # Films changed in place (watched, tears, tags…) since the list read began: their rows
        # are read again when it ends, rather than the whole list (seconds at a million films,
        # and started over on every key pressed meanwhile).
        self._touched: set[int] = set()
        self.importing = False  # an import is writing: changes wait instead of blocking the app

    @property
    def library(self) -> Library:
        raise NotImplementedError

    @property
    def film_list(self) -> FilmList:
        raise NotImplementedError

    def _show_rows(self, rows: Rows, keep: int | None) -> None:
        """Show the rows chosen, keeping the highlight on film `keep`."""
        raise NotImplementedError

    # Failures and other writers ------------------------------------------------------------

    @contextlib.contextmanager
    def said(self) -> Iterator[None]:
        """Where a handler that is not an action (a dialog's answer, a timer, a keystroke in
        the filter) reads the library: a failure is a notification. (An exception reaching
        Textual from a handler would stop the app's message loop.)"""
        try:
            yield
        except CryqueueError as exc:
            self.notify(str(exc), severity="error", timeout=6)

    def guarded(self, callback: Callable[[T], None]) -> Callable[[T], None]:
        """A dialog's answer, its failures said the same way as an action's."""

        def answered(result: T) -> None:
            try:
                callback(result)
            except CryqueueError as exc:
                self.failed(exc)

        return answered

    def failed(self, error: CryqueueError) -> None:
        self.notify(str(error), severity="error", timeout=6)
        if isinstance(error, LookupFailed):  # the film went: show the list as it is now
            self.catch_up()

    def _look_for_changes(self) -> None:
        """On a timer: show another cryqueue's changes within about a second."""
        if self.importing:
            return  # the import's own commits; the list is read again when it ends
        if not self.is_attached or not self.app.is_running:
            return  # quitting: nothing to show changes on
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
        self._touched.clear()  # this read shows them, or they are noted again meanwhile
        if self._big:
            self._read_listing(keep, self._changes)
        else:
            with self.said():
                self._set_listing(self.library.listing(), keep)

    # The description: the default is a repr of the arguments (100,000 rows).
    @work(thread=True, exclusive=True, group="listing", description="read the list")
    def _read_listing(self, keep: int | None, changes: int) -> None:
        # A newer read (exclusive group) or quitting cancels this one: it stops within
        # milliseconds instead of keeping the app from closing until a million rows are read.
        worker = get_current_worker()
        try:
            listing = self.library.listing(stop=lambda: worker.is_cancelled)
        except Abandoned:
            return
        except CryqueueError as exc:  # a damaged library: say so, keep what is on screen
            self.app.call_from_thread(self.failed, exc)
            return
        self.app.call_from_thread(self._listing_read, listing, keep, changes)

    def _listing_read(self, listing: Listing, keep: int | None, changes: int) -> None:
        if changes != self._changes:  # reordered while reading: read again
            self.reload(self._keep(keep))
        else:
            self._read_touched(listing)
            self._set_listing(listing, self._keep(keep))

    def _read_touched(self, listing: Listing) -> None:
        """The rows of films changed while `listing` was read, as stored now."""
        touched, self._touched = self._touched, set()
        for film_id in touched:
            known = listing.get(film_id)
            if known is None:
                continue  # not in this read: added or removed meanwhile, which reads again
            try:
                listing.replace(self.library.get(film_id, rank=known.rank).list_row())
            except LookupFailed:
                continue  # removed by another cryqueue since: the next look reads again

    def _set_listing(self, listing: Listing, keep: int | None) -> None:
        self.listing = listing
        self.film_list.tags = listing.tags
        self._consensus = None
        self._stats = None
        self.apply_view(keep)

    @property
    def _big(self) -> bool:
        known = len(self.listing) if self.listing else len(self.film_list.rows)
        return known >= BACKGROUND_AT or (self.listing is None and known >= FIRST_PAGE)

    def _keep(self, keep_id: int | None) -> int | None:
        current = self.film_list.current
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
            with self.said():
                self._show_rows(select(self.listing, *choice, self._consensus_places), keep)

    @work(thread=True, exclusive=True, group="view", description="filter and sort the list")
    def _select_rows(
        self, listing: Listing, choice: tuple[WatchFilter, SortOrder, str], keep: int | None
    ) -> None:
        try:
            rows = select(listing, *choice, self._consensus_places)
        except CryqueueError as exc:
            self.app.call_from_thread(self.notify, str(exc), severity="error", timeout=6)
            return
        self.app.call_from_thread(self._rows_selected, listing, choice, rows, keep)

    def _rows_selected(
        self,
        listing: Listing,
        choice: tuple[WatchFilter, SortOrder, str],
        rows: Rows,
        keep: int | None,
    ) -> None:
        if listing is self.listing and choice == (self.view, self.sort, self.search_text):
            self._show_rows(rows, keep)  # else a newer keystroke's result is on its way

    def _consensus_places(self) -> dict[int, int]:
        if self._consensus is None:
            self._consensus = self.library.consensus_places()
        return self._consensus

    # View, sort, filter ----------------------------------------------------------------------

    def action_cycle_view(self) -> None:
        self.view_index = (self.view_index + 1) % len(VIEWS)
        self.apply_view()

    def action_cycle_sort(self) -> None:
        self.sort_index = (self.sort_index + 1) % len(SORTS)
        self.apply_view()

    def action_search(self) -> None:
        self.query_one("#filter-bar").add_class("visible")
        self.query_one("#search", Input).focus()
        if self.listing is not None and self._big:
            self._prepare_search(self.listing)

    @work(thread=True, exclusive=True, group="search", description="build the search index")
    def _prepare_search(self, listing: Listing) -> None:
        """The search index, built while the user types the first letters (a few tenths of a
        second at 100,000 films). The list does not keep it until it is first wanted: it is
        as big as the list itself."""
        worker = get_current_worker()
        with contextlib.suppress(Abandoned, CryqueueError):  # the filter's search says why
            listing.prepare(stop=lambda: worker.is_cancelled)

    def on_input_changed(self, event: Input.Changed) -> None:
        if event.input.id == "search":
            self.search_text = event.value
            self.apply_view()  # its reads say their failures (said)

    def on_input_submitted(self, event: Input.Submitted) -> None:
        if event.input.id == "search":
            self.film_list.focus()

    def on_key(self, event: Key) -> None:
        search = self.query_one("#search", Input)
        if event.key == "escape" and (search.has_focus or self.search_text):
            event.stop()
            search.value = ""
            self.query_one("#filter-bar").remove_class("visible")
            self.search_text = ""
            self.apply_view()
            self.film_list.focus()
