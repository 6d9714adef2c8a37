"""The ranked list: a Line API widget that renders only the rows on screen, so a library of
100,000 films shows as fast as one of 17 (DataTable and OptionList measure every row)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from enum import IntEnum

from rich.cells import cell_len, set_cell_size
from rich.segment import Segment
from rich.style import Style
from rich.text import Text
from textual import events
from textual.cache import LRUCache
from textual.geometry import Region, Size
from textual.message import Message
from textual.reactive import reactive
from textual.strip import Strip
from textual.widget import Widget

from cryqueue.domain.films import ListRow, rating_text, tear_scale
from cryqueue.domain.listing import Listing, Rows
from cryqueue.ui.actions import bindings
from cryqueue.ui.widgets.steady_scroll import SteadyScrollView

WATCHED_MARK, UNWATCHED_MARK = "✔", "·"
LEGEND = f"{WATCHED_MARK} watched  {UNWATCHED_MARK} to watch  ●○ tears"
TITLE_ROOM = 48  # cells a title (with its year and original) keeps before other columns show
TAGS_MAX = 30


class Look(IntEnum):
    """A line's look: a plain line, the cursor's, the cursor's while keys go to the list."""

    PLAIN = 0
    CURSOR = 1
    ACTIVE = 2


CURSOR_PART = {Look.CURSOR: "film-list--cursor", Look.ACTIVE: "film-list--cursor-active"}
LINE_CACHE_SIZE = 500  # rendered lines kept: a few screens' worth (some 2 KB a line)
LineKey = tuple[ListRow, Look, int, int, tuple[str, ...] | None]


class FilmList(SteadyScrollView, can_focus=True):
    """Films, one per line: rank, watched mark, title, year and tear scale."""

    BINDINGS = bindings("nav", "list")

    COMPONENT_CLASSES = {
        "film-list--cursor",
        "film-list--cursor-active",
        "film-list--rank",
        "film-list--watched",
        "film-list--year",
        "film-list--tears",
        "film-list--original",
    }

    DEFAULT_CSS = """
    FilmList { overflow-x: hidden; }
    FilmList > .film-list--cursor { background: $accent 40%; text-style: bold; }
    FilmList > .film-list--cursor-active { background: $accent; color: $text; text-style: bold; }
    FilmList > .film-list--rank { color: $text-muted; }
    FilmList > .film-list--watched { color: $success; }
    FilmList > .film-list--year { color: $text-muted; }
    FilmList > .film-list--tears { color: $primary; }
    FilmList > .film-list--original { color: $text-muted; }
    """

    # Moving the cursor repaints its old and new lines (watch_cursor), not the whole list.
    cursor: reactive[int] = reactive(0, always_update=True, init=False, repaint=False)

    class Highlighted(Message):
        """The highlighted film changed (None: the list is empty)."""

        def __init__(self, row: ListRow | None) -> None:
            super().__init__()
            self.row = row

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.rows: Rows = Listing().done()
        self._lines: LRUCache[LineKey, Strip] = LRUCache(LINE_CACHE_SIZE)  # drops the oldest
        self.header: ListHeader | None = None  # the column names over the list
        self._rank_width = 2
        self._styles: dict[tuple[str, Look], Style] = {}
        self._restyled = False  # styles may have changed since the lines were drawn
        # The cursor shows whether keys go to the list; the screen says (see `set_active`).
        self.active = False
        self.tags: Mapping[int, tuple[str, ...]] = {}  # the films' tags, shown when wide

    # Data ----------------------------------------------------------------------------------

    @property
    def current(self) -> ListRow | None:
        return self.rows[self.cursor] if 0 <= self.cursor < len(self.rows) else None

    def set_rows(
        self,
        rows: Rows | Sequence[ListRow],
        keep_id: int | None = None,
        *,
        total: int | None = None,
    ) -> None:
        """Show `rows`, keeping the highlight on film `keep_id` if it is still there. `total`
        (the library's size) sets the width of the rank column, so it stays put as you filter."""
        self.rows = rows if isinstance(rows, Rows) else Listing.of_rows(rows)
        top = total if total is not None else len(self.rows)  # rows from the top, then
        self._rank_width = max(2, len(str(top)))
        if self.header is not None:
            self.header.refresh()
        target = None if keep_id is None else self.rows.index_of(keep_id)
        self._fit_length()
        self.refresh()
        self.cursor = min(target if target is not None else self.cursor, max(len(self.rows) - 1, 0))

    def _fit_length(self) -> None:
        """Make the scrollable height the list's length. Textual lays the whole screen out for
        any new virtual size (each filter keystroke that changes the count): a layout is
        needed only when the scrollbar comes or goes, which `_scroll_update` sees to."""
        size = Size(self.size.width, len(self.rows))
        if size == self.virtual_size:
            return
        if not self.container_size:  # not laid out yet: the first layout sizes it
            self.virtual_size = size
            return
        self.set_reactive(Widget.virtual_size, size)
        self._scroll_update(size)

    def replace_row(self, row: ListRow) -> None:
        """Update one film's line in place."""
        index = self.rows.index_of(row.id)
        if index is not None:
            self.rows.replace(row)
            self.refresh_line(index)

    def remove_row(self, film_id: int) -> None:
        if self.rows.index_of(film_id) is None:
            return
        self.rows.remove(film_id)
        self._fit_length()
        self.refresh()
        self.cursor = min(self.cursor, max(len(self.rows) - 1, 0))

    def row_of(self, film_id: int) -> ListRow | None:
        index = self.rows.index_of(film_id)
        return None if index is None else self.rows[index]

    def highlight(self, film_id: int) -> None:
        """Put the cursor on a film, if it is shown."""
        index = self.rows.index_of(film_id)
        if index is not None:
            self.cursor = index

    def move_row(self, film_id: int, new_rank: int) -> None:
        """A film moved to `new_rank` (the list is in ranking order): move its line and
        renumber the lines it passed, without reading anything back."""
        at = self.rows.move(film_id, new_rank)
        if at is not None:
            self.cursor = at
            self.refresh()

    # Cursor --------------------------------------------------------------------------------

    def watch_cursor(self, old: int, new: int) -> None:
        if self.rows:
            self.cursor_into_view()
        self.refresh_line(old)
        self.refresh_line(new)
        self.post_message(self.Highlighted(self.current))

    def cursor_into_view(self) -> None:
        self.scroll_to_region(
            Region(0, self.cursor, max(self.size.width, 1), 1), animate=False, immediate=True
        )

    def validate_cursor(self, value: int) -> int:
        return max(0, min(value, len(self.rows) - 1)) if self.rows else 0

    def action_cursor(self, step: int) -> None:
        self.cursor += step

    def action_page(self, direction: int) -> None:
        self.cursor += direction * max(self.scrollable_content_region.height - 1, 1)

    def action_jump(self, index: int) -> None:
        self.cursor = index if index >= 0 else len(self.rows) - 1

    def on_click(self, event: events.Click) -> None:
        self.cursor = int(self.scroll_offset.y) + event.y
        self.focus()

    def on_resize(self) -> None:
        if self.header is not None:
            self.header.refresh()
        self._fit_length()
        if self.rows:
            self.cursor_into_view()

    # Rendering -----------------------------------------------------------------------------

    def notify_style_update(self) -> None:
        super().notify_style_update()
        self._restyled = True  # a theme change: checked when a line is next drawn

    def set_active(self, active: bool) -> None:
        """Show the cursor as where keys go (or not). The screen decides, not focus alone: a
        question in the footer's row about the highlighted film leaves the list looking
        active, and so costs no repaint of the list."""
        if active != self.active:
            self.active = active
            self.refresh_line(self.cursor)

    def watch_has_focus(self, _has_focus: bool) -> None:
        """Nothing in the list's CSS depends on focus (see `set_active`): Textual's restyle
        for it would repaint the scrollbar's whole column, and with it every line."""

    def _on_focus(self, event: events.Focus) -> None:
        # Textual's own handler repaints every line; the list's look does not follow focus
        # (see `set_active`), so nothing needs repainting.
        event.prevent_default()
        self.has_focus = True
        if self.parent is not None:
            self.parent.post_message(events.DescendantFocus(self))

    def _on_blur(self, event: events.Blur) -> None:
        event.prevent_default()
        self.has_focus = False
        if self.parent is not None:
            self.parent.post_message(events.DescendantBlur(self))

    def _check_styles(self) -> None:
        """Keep the drawn lines if their styles did not change (run when a line is next
        drawn: component styles are updated after `notify_style_update`)."""
        self._restyled = False
        old, self._styles = self._styles, {}
        if any(self._style(part, look) != style for (part, look), style in old.items()):
            self._lines.clear()

    def _style(self, part: str, look: Look) -> Style:
        """A part's style on a line of `look`; resolving CSS per line is the slow part."""
        style = self._styles.get((part, look))
        if style is None:
            style = self.rich_style
            if part:
                style += self.get_component_rich_style(part)
            if look:
                style += self.get_component_rich_style(CURSOR_PART[look])
            self._styles[(part, look)] = style
        return style

    def render_line(self, y: int) -> Strip:
        index = self.scroll_offset.y + y
        width = self.scrollable_content_region.width
        if index >= len(self.rows):
            return Strip.blank(width, self.rich_style)
        if self._restyled:
            self._check_styles()
        row = self.rows[index]
        look = Look.PLAIN if index != self.cursor else Look.ACTIVE if self.active else Look.CURSOR
        # Scrolling by a line re-renders every visible line: the cache makes that a lookup.
        key = (row, look, width, self._rank_width, self.tags.get(row.id))
        strip = self._lines.get(key)  # the lines gone back to (Home, End) stay the longest
        if strip is None:
            strip = self._render_row(row, look, width)
            self._lines.set(key, strip)
        # Lines are cut to the width already and never scroll sideways, and clicks are mapped
        # from the row number (on_click): no crop or offsets to apply, which would cost more
        # than the rest of the line put together.
        return strip

    def columns(self, width: int) -> Columns:
        return Columns.fitting(width, self._rank_width)

    def _render_row(self, row: ListRow, look: Look, width: int) -> Strip:
        """Segments built by hand (a rich Text per line costs several times more)."""
        plain = self._style("", look)
        dim = self._style("film-list--year", look)
        cols = self.columns(width)
        rank = f"{row.rank:>{self._rank_width}} "
        mark = (WATCHED_MARK if row.watched else UNWATCHED_MARK) + " "
        year = f" {row.year}"
        # The year follows the title, so a title is cut only when the line is truly full.
        title = _fit(row.title, max(cols.title - len(year), 1))
        segments = [
            Segment(rank, self._style("film-list--rank", look)),
            Segment(mark, self._style("film-list--watched", look)),
            Segment(title, plain),
            Segment(year, dim),
        ]
        used = cell_len(title) + len(year)
        original = row.original_title
        if original and original != row.title and used + 4 <= cols.title:
            extra = _fit(f"  {original}", cols.title - used)
            segments.append(Segment(extra, self._style("film-list--original", look)))
            used += cell_len(extra)
        segments += [
            Segment(" " * (cols.title - used), plain),
            Segment(
                " " + (tear_scale(row.tear_level) or "     "),
                self._style("film-list--tears", look),
            ),
        ]
        if cols.seen:
            segments.append(Segment(f" {row.last_seen or '':<10}", dim))
        if cols.rating:
            segments.append(
                Segment(f" {rating_text(row.rating):>4}", self._style("film-list--tears", look))
            )
        if cols.tags:
            tags = " ".join(f"#{t}" for t in self.tags.get(row.id, ()))
            segments.append(
                Segment(" " + _fit(tags, cols.tags), self._style("film-list--original", look))
            )
        return Strip(segments).adjust_cell_length(width, plain)

    def header_text(self, width: int) -> str:
        """The header row over the columns, from the same layout as the rows."""
        cols = self.columns(width)
        text = f"{'#':>{self._rank_width}} {WATCHED_MARK} {'Title · year · original':<{cols.title}}"
        text += f" {'Tears':<5}"
        if cols.seen:
            text += f" {'Watched':<10}"
        if cols.rating:
            text += f" {'★':>4}"
        if cols.tags:
            text += " Tags"
        return _fit(text, width)


class ListHeader(Widget):
    """The column names over the list, laid out by the list itself."""

    DEFAULT_CSS = "ListHeader { height: 1; color: $text-muted; text-style: bold; }"

    def __init__(self, films: FilmList, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.films = films
        films.header = self

    def render(self) -> Text:
        return Text(self.films.header_text(self.films.scrollable_content_region.width))


@dataclass(frozen=True)
class Columns:
    """How a line's width is shared: the title gets what the other columns leave, and the
    watched date, rating and tags appear only when the title keeps room enough."""

    title: int
    seen: bool = False
    rating: bool = False
    tags: int = 0

    @classmethod
    def fitting(cls, width: int, rank_width: int) -> Columns:
        fixed = rank_width + 1 + 2 + 6  # rank, mark, tears
        room = width - fixed
        seen = rating = room - 16 >= TITLE_ROOM
        if seen:
            room -= 16
        tags = max(min(room - TITLE_ROOM - 1, TAGS_MAX), 0) if room >= TITLE_ROOM + 12 else 0
        if tags:
            room -= tags + 1
        return cls(max(room, 1), seen, rating, tags)


def _fit(text: str, cells: int) -> str:
    """`text` cut to `cells` terminal cells (Hangul takes two), with an ellipsis if cut."""
    if cell_len(text) <= cells:
        return text
    return set_cell_size(text, max(cells - 1, 0)).rstrip() + "…"
