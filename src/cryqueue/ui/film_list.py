"""The ranked list: a Line API widget that renders only the rows on screen, so a library of
100,000 films shows as fast as one of 17 (DataTable and OptionList measure every row)."""

from __future__ import annotations

from collections.abc import Sequence

from rich.segment import Segment
from rich.style import Style
from rich.text import Text
from textual import events
from textual.binding import Binding
from textual.geometry import Region, Size
from textual.message import Message
from textual.reactive import reactive
from textual.scroll_view import ScrollView
from textual.strip import Strip

from ..entries import ListRow, tear_scale

WATCHED_MARK, UNWATCHED_MARK = "✔", "·"
LINE_CACHE_SIZE = 2_000  # rendered lines kept: a few screens' worth


class FilmList(ScrollView, can_focus=True):
    """Films, one per line: rank, watched mark, title, year and tear scale."""

    BINDINGS = [
        Binding("up,k", "cursor(-1)", "Up", show=False),
        Binding("down,j", "cursor(1)", "Down", show=False),
        Binding("pageup", "page(-1)", "Page up", show=False),
        Binding("pagedown", "page(1)", "Page down", show=False),
        Binding("home", "jump(0)", "First", show=False),
        Binding("end", "jump(-1)", "Last", show=False),
        Binding("w,space", "app.toggle_watched", "Watched"),
        Binding("W", "app.watched_on", "Watched on…", show=False),
        Binding("0", "app.tears(0)", "Tears 0-5", key_display="0-5"),
        *(Binding(str(n), f"app.tears({n})", f"Tears {n}", show=False) for n in range(1, 6)),
        Binding("minus", "app.tears(-1)", "Clear tears", show=False),
        Binding("shift+up,K", "app.move(-1)", "Move up", key_display="⇧↑"),
        Binding("shift+down,J", "app.move(1)", "Move down", key_display="⇧↓"),
        Binding("t", "app.move_top", "Top", show=False),
        Binding("b", "app.move_bottom", "Bottom", show=False),
        Binding("m", "app.move_to", "Move to…", show=False),
        Binding("n,enter", "app.edit_note", "Notes"),
        Binding("e", "app.edit_film", "Edit", show=False),
        Binding("delete", "app.remove_film", "Remove", show=False),
    ]

    COMPONENT_CLASSES = {
        "film-list--cursor",
        "film-list--rank",
        "film-list--watched",
        "film-list--year",
        "film-list--tears",
        "film-list--original",
    }

    DEFAULT_CSS = """
    FilmList { overflow-x: hidden; }
    FilmList > .film-list--cursor { background: $accent 40%; text-style: bold; }
    FilmList:focus > .film-list--cursor { background: $accent; color: $text; }
    FilmList > .film-list--rank { color: $text-muted; }
    FilmList > .film-list--watched { color: $success; }
    FilmList > .film-list--year { color: $text-muted; }
    FilmList > .film-list--tears { color: $primary; }
    FilmList > .film-list--original { color: $text-muted; }
    """

    cursor: reactive[int] = reactive(0, always_update=True, init=False)

    class Highlighted(Message):
        """The highlighted film changed (None: the list is empty)."""

        def __init__(self, row: ListRow | None) -> None:
            super().__init__()
            self.row = row

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.rows: list[ListRow] = []
        self._lines: dict[tuple[ListRow, bool, int, int], Strip] = {}
        self._index: dict[int, int] = {}
        self._rank_width = 2

    # Data ----------------------------------------------------------------------------------

    @property
    def current(self) -> ListRow | None:
        return self.rows[self.cursor] if 0 <= self.cursor < len(self.rows) else None

    def set_rows(self, rows: Sequence[ListRow], keep_id: int | None = None) -> None:
        """Show `rows`, keeping the highlight on film `keep_id` if it is still there."""
        self.rows = list(rows)
        self._reindex()
        target = self._index.get(keep_id, None) if keep_id is not None else None
        self.virtual_size = Size(self.size.width, len(self.rows))
        self.refresh()
        self.cursor = min(target if target is not None else self.cursor, max(len(self.rows) - 1, 0))

    def _reindex(self) -> None:
        self._index = {row.id: i for i, row in enumerate(self.rows)}
        top = max((row.rank for row in self.rows), default=1)
        self._rank_width = max(2, len(str(top)))

    def index_of(self, film_id: int) -> int | None:
        return self._index.get(film_id)

    def replace_row(self, row: ListRow) -> None:
        """Update one film's line in place."""
        index = self._index.get(row.id)
        if index is not None:
            self.rows[index] = row
            self.refresh_line(index)

    def remove_row(self, film_id: int) -> None:
        index = self._index.get(film_id)
        if index is None:
            return
        del self.rows[index]
        self._reindex()
        self.virtual_size = Size(self.size.width, len(self.rows))
        self.refresh()
        self.cursor = min(self.cursor, max(len(self.rows) - 1, 0))

    def shift_ranks(self, film_id: int, old: int, new: int, *, reorder: bool) -> None:
        """A film moved from rank `old` to `new`: renumber the films between, and (in ranking
        order) move its line. Only numbers change; nothing is read back."""
        low, high, step = (new, old - 1, 1) if new < old else (old + 1, new, -1)
        self.rows = [
            _with_rank(row, new)
            if row.id == film_id
            else _with_rank(row, row.rank + step)
            if low <= row.rank <= high
            else row
            for row in self.rows
        ]
        if reorder:
            index = self._index[film_id]
            moved = self.rows.pop(index)
            target = _insert_point(self.rows, new)
            self.rows.insert(target, moved)
            self._reindex()
            self.cursor = target
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
        self.virtual_size = Size(self.size.width, len(self.rows))
        if self.rows:
            self.cursor_into_view()

    # Rendering -----------------------------------------------------------------------------

    def notify_style_update(self) -> None:
        super().notify_style_update()
        self._lines.clear()  # a theme or focus change restyles every line

    def _on_focus(self, event: events.Focus) -> None:
        self._lines.clear()
        super()._on_focus(event)

    def _on_blur(self, event: events.Blur) -> None:
        self._lines.clear()
        super()._on_blur(event)

    def render_line(self, y: int) -> Strip:
        scroll_x, scroll_y = self.scroll_offset
        index = scroll_y + y
        width = self.scrollable_content_region.width
        if index >= len(self.rows):
            return Strip.blank(width, self.rich_style)
        row = self.rows[index]
        cursor = index == self.cursor
        # Scrolling by a line re-renders every visible line: the cache makes that a lookup.
        key = (row, cursor, width, self._rank_width)
        strip = self._lines.get(key)
        if strip is None:
            if len(self._lines) > LINE_CACHE_SIZE:
                self._lines.clear()
            strip = self._lines[key] = self._render_row(row, cursor, width)
        return strip.crop_extend(scroll_x, scroll_x + width, self.rich_style).apply_offsets(
            scroll_x, index
        )

    def _render_row(self, row: ListRow, cursor: bool, width: int) -> Strip:
        base = self.rich_style
        style = self.get_component_rich_style("film-list--cursor") if cursor else Style()

        def part(name: str) -> Style:
            return base + self.get_component_rich_style(name) + style

        rank = f"{row.rank:>{self._rank_width}} "
        mark = (WATCHED_MARK if row.watched else UNWATCHED_MARK) + " "
        year = f" {row.year}"
        tears = " " + (tear_scale(row.tear_level) or "     ")
        title_width = max(width - len(rank) - 2 - len(year) - len(tears), 1)
        title = Text(no_wrap=True, overflow="ellipsis", end="")
        title.append(row.title, style=base + style)
        if row.original_title and row.original_title != row.title:
            title.append(f"  {row.original_title}", style=part("film-list--original"))
        title.truncate(title_width, overflow="ellipsis")
        title.append(" " * (title_width - title.cell_len), style=base + style)
        segments = [
            Segment(rank, part("film-list--rank")),
            Segment(mark, part("film-list--watched")),
            *title.render(self.app.console),
            Segment(year, part("film-list--year")),
            Segment(tears, part("film-list--tears")),
        ]
        return Strip(segments).adjust_cell_length(width, base + style)


def _with_rank(row: ListRow, rank: int) -> ListRow:
    return ListRow(
        row.id, rank, row.title, row.original_title, row.year, row.watched, row.tear_level
    )


def _insert_point(rows: list[ListRow], rank: int) -> int:
    """Where a film of `rank` goes in rows sorted by rank (binary search)."""
    low, high = 0, len(rows)
    while low < high:
        middle = (low + high) // 2
        if rows[middle].rank < rank:
            low = middle + 1
        else:
            high = middle
    return low
