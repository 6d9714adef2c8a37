"""What the main screen shows: the three panes, the details that follow the cursor, the
header's status line and which pane the keys go to. The list it shows is read, viewed and
kept up in `list_reading.py`; the actions that change films build on this in `main.py`."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import date
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, NamedTuple, Protocol, cast

from textual import work
from textual.app import ComposeResult
from textual.binding import ActiveBinding
from textual.containers import Horizontal, Vertical
from textual.events import DescendantFocus
from textual.reactive import Reactive
from textual.timer import Timer
from textual.widget import Widget
from textual.widgets import Input, Label, Static

from cryqueue.domain.errors import CryqueueError, LookupFailed
from cryqueue.domain.export_options import ExportOptions
from cryqueue.domain.films import ListRow, Stats
from cryqueue.domain.listing import Rows
from cryqueue.domain.reading import LibraryReader
from cryqueue.ui.actions import bindings, footer_place
from cryqueue.ui.screens.list_reading import FIRST_PAGE, SORTS, VIEWS, ListReading
from cryqueue.ui.widgets.answers import Submit
from cryqueue.ui.widgets.border_text import set_border_text
from cryqueue.ui.widgets.calm_footer import CalmFooter
from cryqueue.ui.widgets.details import DetailsPane
from cryqueue.ui.widgets.film_list import LEGEND, FilmList, ListHeader
from cryqueue.ui.widgets.line_input import LineInput
from cryqueue.ui.widgets.notes import NotesEditor
from cryqueue.ui.widgets.prompt_bar import PromptBar
from cryqueue.ui.widgets.status_header import StatusHeader

if TYPE_CHECKING:
    from cryqueue.library import Library
    from cryqueue.ui.widgets.notes_preview import NotesPreview

NARROW_WIDTH = 70
SHORT_HEIGHT = 16
FIRST_STEPS = "w watched  0-5 tears  n notes  ? help"

DETAILS_DELAY = 0.05  # seconds the cursor rests before the details pane follows
SAID_FOR = 4.0  # seconds a word on the last key stays in the status line
WATCH_EVERY = 0.5  # seconds between looks for another cryqueue's changes


class LastExport(NamedTuple):
    """The export the user made last: the app offers the same again."""

    path: str | None
    options: ExportOptions


class Host(Protocol):
    """What the main screen needs of the app that shows it."""

    @property
    def library(self) -> Library: ...

    today: Callable[[], date]
    export_dir: Path | None

    def last_export(self) -> LastExport: ...

    def remember_export(self, path: str, options: ExportOptions) -> None: ...


class MainView(ListReading):
    BINDINGS = bindings("screen")
    HORIZONTAL_BREAKPOINTS = [(0, "-narrow"), (NARROW_WIDTH, "-wide")]  # -narrow: stacked
    VERTICAL_BREAKPOINTS = [(0, "-short"), (SHORT_HEIGHT, "-tall")]  # -short: one pane
    # Textual's Screen repaints the whole screen whenever focus moves. What shows focus here
    # repaints itself (`:focus` styles, `_show_where_keys_go`), so a question in the footer's
    # row (r, #, m) repaints that row, not every pane.
    focused: Reactive[Widget | None] = Reactive(None, repaint=False)

    def __init__(self, peek: LibraryReader | None = None) -> None:
        """`peek` paints the first frame; the library opens just after."""
        super().__init__()
        self._peek = peek
        self._details_timer: Timer | None = None
        self._status_timer: Timer | None = None
        self.status_line = ""  # shown in the header, after the title
        self._header: StatusHeader | None = None  # mounted just after the first frame
        self._said = ""  # a word on what the last key did, at the head of the status line
        self._said_timer: Timer | None = None
        self.started = False  # True once everything after the first frame is in place
        self.watch_timer: Timer | None = None  # looks for other writers' changes

    @property
    def active_bindings(self) -> dict[str, ActiveBinding]:
        """The footer's keys, the essential ones first (see `actions.FOOTER_FIRST`)."""
        found = super().active_bindings
        return dict(sorted(found.items(), key=lambda item: footer_place(item[1].binding.action)))

    @property
    def cq(self) -> Host:
        return cast(Host, self.app)

    @property
    def library(self) -> Library:
        return self.cq.library

    # Layout --------------------------------------------------------------------------------

    def compose(self) -> ComposeResult:
        # The classes the first resize and the list's focus would give, given now: each of
        # those changes restyled the whole screen before the first frame.
        width, height = self.app.size
        for breakpoints, cells in (
            (self.HORIZONTAL_BREAKPOINTS, width),
            (self.VERTICAL_BREAKPOINTS, height),
        ):
            self.add_class(*self._get_breakpoint_classes(cells, breakpoints), update=False)
        # The header and footer (some 80 ms of widgets) are mounted just after the first frame,
        # into rows kept for them, so the list shows sooner and nothing moves when they arrive.
        yield Static(" 💧 cryqueue", id="header-slot")
        with Horizontal(id="panes"):
            with Vertical(id="left", classes="-active"):  # the list has the focus
                films = FilmList(id="films")
                yield ListHeader(films, id="list-header")
                yield films
                with Horizontal(id="filter-bar"):
                    yield Label("Filter /", id="filter-prompt")
                    yield LineInput(
                        placeholder="title, cast, director, #tag…", id="search", compact=True
                    )
                    yield Label("", id="filter-count")
            with Vertical(id="right"):
                yield DetailsPane(id="details")
                yield NotesEditor(self._save_note, id="notes")
        yield Static("", id="footer-slot")
        yield PromptBar(id="prompt-bar")

    def on_mount(self) -> None:
        set_border_text(self.query_one("#left"), title="Ranking")
        self.details.border_title = "Details"
        self.notes.border_title = "Notes"
        first: LibraryReader = self._peek or self.library
        rows = first.first_rows(FIRST_PAGE)
        self.film_list.set_rows(rows)
        if len(rows) < FIRST_PAGE:  # the whole library: its figures cost next to nothing
            self._stats = first.stats()
            self.update_status(recount=False)
        self.film_list.focus()
        self.call_after_refresh(self._finish_start)

    async def _finish_start(self) -> None:
        """After the first frame: the header and footer, the library, the whole list."""
        header = StatusHeader(icon="💧", status=self.status_line)
        steps: tuple[Callable[[], Awaitable[object]], ...] = (
            lambda: self.mount(header, before=self.query_one("#header-slot")),
            lambda: self.mount(CalmFooter(), after=self.query_one("#footer-slot")),
            lambda: self.query_one("#header-slot").remove(),
            lambda: self.query_one("#footer-slot").remove(),
        )
        for step in steps:
            if not self.is_attached:
                return  # the app is quitting (q pressed as it started): nothing to finish
            await step()
        if not self.is_attached:
            return
        self._header = header  # kept, not queried: the app may be closing meanwhile
        self.refresh_bindings()  # the footer lists the keys once it hears of them
        if self._peek is not None:
            self._peek.close()
            self._peek = None
        # Opened here, on the app's thread, before any worker needs it; changes by others
        # are watched from before the list is read, so none falls between the two.
        self.library.watch_changes()
        self.started = True
        if self._stats is None:
            self._count_films()
        self.reload()
        self.watch_timer = self.set_interval(WATCH_EVERY, self._look_for_changes)

    def ask(self, question: str, value: str, submit: Submit) -> None:
        """A one-line question about the highlighted film, in the footer's row."""
        self.query_one(PromptBar).ask(question, value, submit)

    @property
    def panes(self) -> Horizontal:
        """The list's and the film's panes: what their classes change is styled anew, and
        nothing else (a class on the screen restyled every widget, the footer's keys too)."""
        return self.query_one("#panes", Horizontal)

    @property
    def film_list(self) -> FilmList:
        return self.query_one("#films", FilmList)

    @property
    def notes(self) -> NotesEditor:
        return self.query_one("#notes", NotesEditor)

    @property
    def details(self) -> DetailsPane:
        return self.query_one("#details", DetailsPane)

    def _save_note(self, film_id: int, text: str, base: str) -> str | None:
        """Store a note, returning what was stored (None: not saved, the text stays in the
        editor). Saving is a change: `MainScreen` makes it."""
        raise NotImplementedError

    def _show_rows(self, rows: Rows, keep: int | None) -> None:
        films = self.film_list
        total = len(self.listing) if self.listing else None
        films.set_rows(rows, keep, total=total)
        if self.search_text:
            shown = f"{len(rows):,} of {total:,}" if total is not None else f"{len(rows):,}"
            count = self.query_one("#filter-count", Label)
            # A count as wide as the last one needs no layout: only its row is repainted.
            count.update(shown, layout=len(shown) != len(str(count.content)))
        if not films.rows:
            self._show_film(None)
        else:
            self._details_soon()
        self.update_status(recount=False)

    def update_status(self, recount: bool = True) -> None:
        """The header's status line; `recount=False` reuses the figures (a filter keystroke
        changes what is shown, not what is in the library)."""
        if recount or self._stats is None:
            if self.listing is None:  # counted off the app's thread; shown once counted
                if self.started:
                    self._count_films()
                return
            self._stats = self.listing.stats()
        stats = self._stats
        if stats is None:
            return
        # Until the first film is ticked or rated, the list says in one line how to start.
        fresh = stats.watched == 0 and stats.rated == 0
        # Until the whole list is read, the first page is all there is: End, page counts and
        # the filter work on it, so the border says the rest is still coming.
        shown = len(self.film_list.rows)
        reading = self.listing is None and stats.total > shown
        set_border_text(
            self.query_one("#left"),
            title=f"Ranking · reading {stats.total:,} films…" if reading else "Ranking",
            subtitle=FIRST_STEPS if fresh else LEGEND,
        )
        tears = f"{stats.average_tears:.1f}" if stats.average_tears is not None else "–"
        # The filter first: the header is cut at the terminal's width, the filter never.
        parts = [self._said] if self._said else []
        parts += [f"filter “{self.search_text}”"] if self.search_text else []
        parts += [
            f"watched {stats.watched} of {stats.total}",
            f"avg tears {tears}",
            VIEWS[self.view_index][1],
            f"sorted by {SORTS[self.sort_index][1]}",
        ]
        self.status_line = " · ".join(parts)
        if self._header is not None:  # else it shows the line when mounted
            self._header.show(self.status_line)

    # A big library's figures take a second to count at a million films: the first frame
    # does not wait for them, and keys are not held up meanwhile.
    @work(thread=True, exclusive=True, group="count", description="count the films")
    def _count_films(self) -> None:
        try:
            stats = self.library.stats()
        except CryqueueError:
            return  # the list's own read says what is wrong
        self.app.call_from_thread(self._counted, stats)

    def _counted(self, stats: Stats) -> None:
        if not self.query("#films"):
            return  # the app closed while the films were counted: its panes are gone
        if self.listing is None:  # else the whole list's own figures are newer
            self._stats = stats
            self.update_status(recount=False)

    def say(self, message: str) -> None:
        """A word on what a key just did (undid the tear level), at the head of the status
        line for SAID_FOR seconds. Undo speaks every time it is pressed: a toast would mount
        and lay out two widgets each time, the status line repaints one row."""
        self._said = message
        if self._said_timer is not None:
            self._said_timer.stop()
        self._said_timer = self.set_timer(SAID_FOR, partial(self.say, "")) if message else None
        self.update_status(recount=False)

    def _status_soon(self) -> None:
        if self._status_timer is not None:
            self._status_timer.stop()
        self._status_timer = self.set_timer(DETAILS_DELAY, self.update_status)

    # The highlighted film ------------------------------------------------------------------

    def on_film_list_highlighted(self, message: FilmList.Highlighted) -> None:
        """The list moves at once; the details and notes follow when the cursor rests, so that
        holding a key scrolls smoothly through 100,000 films."""
        self._details_soon()

    def _details_soon(self) -> None:
        if self._details_timer is not None:
            self._details_timer.stop()
        self._details_timer = self.set_timer(DETAILS_DELAY, self.show_highlighted)

    def on_descendant_focus(self, event: DescendantFocus) -> None:
        self._show_where_keys_go(event.widget)
        if isinstance(event.widget, NotesEditor):  # never type into the previous film's note
            self.show_highlighted()
        else:
            self.panes.remove_class("-editing")

    def _show_where_keys_go(self, focused: Widget) -> None:
        """The pane holding the focus looks active. A question in the footer's row leaves
        the panes as they are: it is about the highlighted film, focus comes back after it,
        and restyling the list's pane cost as much as asking."""
        if self.query_one(PromptBar) in focused.ancestors:
            return
        left = self.query_one("#left")
        left.set_class(left in focused.ancestors, "-active")
        self.film_list.set_active(focused is self.film_list)

    def show_highlighted(self) -> None:
        """Bring the details and notes up to the highlighted film now, if they lag behind."""
        if self._details_timer is None:
            return
        self._details_timer.stop()
        self._details_timer = None
        if self.is_attached:  # not while the app is closing
            self._show_film(self.film_list.current)

    def _show_film(self, row: ListRow | None) -> None:
        if row is None:
            self.details.show(None)
            self.notes.show_note(None, "")
            return
        try:
            details = self.library.details(row.id, rank=row.rank)  # no counting of places
        except LookupFailed:  # removed by another cryqueue
            self.catch_up()
            return
        except CryqueueError as exc:  # damaged: reading again would fail again
            self.details.show(None)
            self.failed(exc)
            return
        self.details.show(details)
        if self.notes.film_id != row.id or not self.notes.dirty:
            self.notes.show_note(row.id, details.entry.note)
        if self.has_class("-preview"):
            self._preview(self.notes.text).show_note(self.notes.text)
        fresh = details.entry.list_row()
        if fresh != row and fresh.rank == row.rank:  # changed by another cryqueue meanwhile
            if self.listing is not None:
                self.listing.replace(fresh)
            self.film_list.replace_row(fresh)

    def refresh_film(self, film_id: int) -> None:
        """After a change to one film: its line at once; the details and status a moment later.
        The line is read back, so it shows what is stored, whoever stored it."""
        self._touched.add(film_id)
        films = self.film_list
        shown = films.row_of(film_id)
        known = self.listing.get(film_id) if self.listing else None
        rank = known.rank if known else shown.rank if shown else None
        row = self.library.get(film_id, rank=rank).list_row()
        if self.listing is not None:
            self.listing.replace(row)
        films.replace_row(row)
        current = films.current
        if current and current.id == film_id:
            self._details_soon()
        self._status_soon()

    def highlighted(self) -> ListRow | None:
        """The highlighted film, once the screen has caught up with other writers; None (with
        a bell) when there is none."""
        row = self.film_list.current
        if row is None:
            self.app.bell()
            return None
        if self.started and self.library.changed_elsewhere():
            self.catch_up()
            if not self.library.exists(row.id):
                raise LookupFailed(
                    f"{row.title} ({row.year}) is no longer in the library; "
                    "another cryqueue removed it"
                )
        return row

    def action_toggle_preview(self) -> None:
        """The notes rendered as Markdown, or the editor again."""
        self.notes.save_now()
        self.toggle_class("-preview")
        if self.has_class("-preview"):
            self._preview(self.notes.text).show_note(self.notes.text)
            if self.notes.has_focus:
                self.film_list.focus()

    def _preview(self, text: str) -> NotesPreview:
        """The rendered notes, made the first time they are asked for: a Markdown widget
        mounted at start would cost every start-up and every quit for a view few open (and
        importing it, markdown-it's parser with it, 3 MB of memory)."""
        from cryqueue.ui.widgets.notes_preview import NotesPreview

        found = self.query(NotesPreview)
        if found:
            return found.first()
        preview = NotesPreview(text, id="notes-preview")
        preview.border_title = "Notes (preview: p to edit)"
        self.query_one("#right").mount(preview)
        return preview

    def go_to(self, film_id: int) -> None:
        """Highlight a film (the palette's 'go to'): in the list as shown if it is there, else
        in the whole list, the view and filter cleared."""
        films = self.film_list
        if films.row_of(film_id) is None:
            self.view_index = 0
            self.search_text = ""
            search = self.query_one("#search", Input)
            with search.prevent(Input.Changed):  # or its echo would move the highlight back
                search.value = ""
            self.query_one("#filter-bar").remove_class("visible")
        self.apply_view(keep_id=film_id)
        films.focus()

    def action_focus_list(self) -> None:
        self.panes.remove_class("-editing")
        self.film_list.focus()
