"""The diary's lines: every viewing, newest first, under a heading for each month. A Line API
list like the film list, so a diary of 100,000 viewings opens as fast as one of ten."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from rich.segment import Segment
from rich.style import Style
from textual.geometry import Region, Size
from textual.reactive import reactive
from textual.scroll_view import ScrollView
from textual.strip import Strip

from cryqueue.domain.diary import DiaryEntry
from cryqueue.domain.films import rating_text, tear_scale
from cryqueue.ui.actions import bindings

UNDATED_HEADING = "On a day not recorded"


@dataclass(frozen=True)
class Line:
    """A month's heading (entry None) or one viewing."""

    text: str
    entry: DiaryEntry | None = None


def diary_lines(entries: Sequence[DiaryEntry]) -> list[Line]:
    """Headings and viewings in the order shown: a heading wherever the month changes."""
    lines: list[Line] = []
    month: str | None = None
    for entry in entries:
        heading = entry.day.strftime("%B %Y") if entry.day else UNDATED_HEADING
        if heading != month:
            month = heading
            lines.append(Line(heading))
        day = entry.day.strftime("%a %d") if entry.day else "     —"
        tears = tear_scale(entry.tear_level) or "     "
        again = "  ↻ rewatch" if entry.rewatch else ""
        text = f"  {day}  {tears}  {rating_text(entry.rating):>4}  {entry.title} ({entry.year})"
        lines.append(Line(text + again, entry))
    return lines


class DiaryList(ScrollView, can_focus=True):
    """The viewings; the cursor moves over viewings only, never a heading."""

    BINDINGS = bindings("nav")
    COMPONENT_CLASSES = {"diary-list--cursor", "diary-list--heading"}
    DEFAULT_CSS = """
    DiaryList { overflow-x: hidden; }
    DiaryList > .diary-list--cursor { background: $accent; color: $text; text-style: bold; }
    DiaryList > .diary-list--heading { color: $primary; text-style: bold; }
    """

    cursor: reactive[int] = reactive(0, always_update=True, init=False)

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.lines: list[Line] = []

    def set_lines(self, lines: list[Line], keep: DiaryEntry | None = None) -> None:
        """Show `lines` (see `diary_lines`, which a worker builds for a long diary)."""
        self.lines = lines
        self.virtual_size = Size(self.size.width, len(self.lines))
        at = next((i for i, line in enumerate(self.lines) if keep and line.entry == keep), None)
        self.cursor = at if at is not None else self._step(-1, 1)
        self.refresh()

    @property
    def current(self) -> DiaryEntry | None:
        return self.lines[self.cursor].entry if 0 <= self.cursor < len(self.lines) else None

    def _step(self, start: int, direction: int) -> int:
        """The next viewing's line from `start` in `direction`, or where the cursor is."""
        at = start + direction
        while 0 <= at < len(self.lines):
            if self.lines[at].entry is not None:
                return at
            at += direction
        return self.cursor if 0 <= self.cursor < len(self.lines) else 0

    def action_cursor(self, step: int) -> None:
        self.cursor = self._step(self.cursor, 1 if step > 0 else -1)

    def action_page(self, direction: int) -> None:
        target = self.cursor + direction * max(self.scrollable_content_region.height - 1, 1)
        target = max(0, min(target, len(self.lines) - 1))
        self.cursor = self._step(target - direction, direction)

    def action_jump(self, index: int) -> None:
        self.cursor = self._step(-1, 1) if index >= 0 else self._step(len(self.lines), -1)

    def watch_cursor(self, old: int, new: int) -> None:
        self.scroll_to_region(
            Region(0, new, max(self.size.width, 1), 1), animate=False, immediate=True
        )
        self.refresh()

    def on_resize(self) -> None:
        self.virtual_size = Size(self.size.width, len(self.lines))

    def render_line(self, y: int) -> Strip:
        index = self.scroll_offset.y + y
        width = self.scrollable_content_region.width
        if index >= len(self.lines):
            return Strip.blank(width, self.rich_style)
        line = self.lines[index]
        style: Style = self.rich_style
        if line.entry is None:
            style += self.get_component_rich_style("diary-list--heading")
        elif index == self.cursor:
            style += self.get_component_rich_style("diary-list--cursor")
        return Strip([Segment(line.text, style)]).adjust_cell_length(width, style)
