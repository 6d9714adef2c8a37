"""The details pane: everything known about the highlighted film, rendered as plain Rich text
so that titles and synopses are shown literally (no markup)."""

from __future__ import annotations

from rich.cells import cell_len
from rich.console import Console, ConsoleOptions, Group, RenderableType, RenderResult
from rich.segment import Segment
from rich.style import Style
from rich.text import Text
from textual.geometry import Size
from textual.scroll_view import ScrollView
from textual.strip import Strip

from cryqueue.domain.films import (
    FACT_SEPARATOR,
    FilmDetails,
    cast_line,
    fact_parts,
    rating_text,
    tear_scale,
    watched_text,
)
from cryqueue.domain.text import wrap_parts


class Parts:
    """Facts on as many lines as the width needs, broken only between facts."""

    def __init__(self, parts: list[str], style: str = "") -> None:
        self.parts, self.style = parts, style

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        lines = wrap_parts(self.parts, options.max_width, FACT_SEPARATOR)
        yield Text("\n".join(lines), style=self.style)


class Places:
    """Each list's place right-aligned in a column of its own, the list's long name wrapped
    beside it: what a Rich grid draws, at a third of its cost (the pane is drawn for every
    film the cursor rests on)."""

    def __init__(self, rows: list[tuple[str, str]]) -> None:
        self.rows = rows

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        label_width = max(cell_len(label) for label, _ in self.rows)
        room = max(options.max_width - label_width - 1, 1)
        width = min(room, max(cell_len(source) for _, source in self.rows))
        bold, new_line = Style(bold=True), Segment.line()
        for label, source in self.rows:
            for n, line in enumerate(Text(source).wrap(console, width, overflow="ellipsis")):
                shown = " " * (label_width + 1) if n else f"{label:>{label_width}} "
                yield Segment(shown, bold)
                yield from line.render(console)
                yield Segment(" " * (width - line.cell_len))
                yield new_line


def render_details(details: FilmDetails) -> RenderableType:
    e = details.entry
    heading = Text(e.title, style="bold")
    if e.original_title and e.original_title != e.title:
        heading.append("\n" + e.original_title, style="italic")
    parts: list[RenderableType] = [heading, Parts(fact_parts(e), style="dim")]
    if e.cast:
        parts.append(Text(cast_line(e)))
    parts.append(Text())
    state = Text()
    state.append(f"#{e.rank} in your ranking\n", style="bold")
    if e.watched:
        state.append(f"{watched_text(e)}\n", style="green")
    else:
        state.append("Not watched yet\n", style="dim")
    if e.tear_level is None:
        state.append("Tears: not rated", style="dim")
    else:
        state.append(f"Tears: {tear_scale(e.tear_level)} {e.tear_level}/5")
    if e.rating is not None:
        state.append(f"\nRating: {rating_text(e.rating)}")
    if e.tags:
        state.append("\nTags: ")
        state.append("  ".join(f"#{t}" for t in e.tags), style="bold cyan")
    parts.append(state)
    if e.synopsis:
        parts += [Text(), Text(e.synopsis)]
    if details.sources:
        places = Places(
            [
                (f"#{place.rank}" if place.rank is not None else "named", place.source)
                for place in details.sources
            ]
        )
        parts += [Text("\nOn the lists", style="bold"), places, Text()]
    if details.related:
        related = Text("Related\n", style="bold")
        for rel in details.related:
            related.append(f"  {rel.label} {rel.title} ({rel.year})\n")
            if rel.note:
                related.append(f"    {rel.note}\n", style="dim")
        parts.append(related)
    return Group(*parts)


class DetailsPane(ScrollView, can_focus=True):
    """A Line API view of the rendered details: showing another film renders its text once and
    repaints the pane, without a layout pass over the screen (a Static in a scroll container
    costs several times more per highlighted film). Focusable (tab), it scrolls by keys."""

    DEFAULT_CSS = "DetailsPane { overflow-x: hidden; }"

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.content: RenderableType = Text("No film selected", style="dim")
        self._lines: list[Strip] = []
        self._blank = Strip.blank(0)
        self._width = -1

    def show(self, details: FilmDetails | None) -> None:
        if details is None:
            self.content = Text("No film matches. Press escape to clear the filter.", style="dim")
        else:
            self.content = render_details(details)
        self._width = -1
        self.scroll_to(0, 0, animate=False, immediate=True)
        self._layout_lines()
        self.refresh()

    @property
    def text(self) -> str:
        """The pane's text as plain lines (what a reader sees)."""
        self._layout_lines()
        return "\n".join(strip.text.rstrip() for strip in self._lines)

    def on_resize(self) -> None:
        self._layout_lines()

    def notify_style_update(self) -> None:
        super().notify_style_update()
        self._width = -1  # a new theme: the lines are drawn again in its colours
        self.refresh()

    def _layout_lines(self) -> None:
        width = self.scrollable_content_region.width
        if width <= 0 or width == self._width:
            return
        self._width = width
        console = self.app.console
        style = self.rich_style  # worked out from every ancestor's styles: once, not a line
        lines = console.render_lines(
            self.content, console.options.update_width(width), style=style, pad=False
        )
        self._lines = [Strip(line).adjust_cell_length(width, style) for line in lines]
        self._blank = Strip.blank(width, style)
        # At least the pane's height: details that fit leave the size as it was, and the
        # screen is not laid out again on every film the cursor rests on.
        size = Size(width, max(len(self._lines), self.scrollable_content_region.height))
        if size != self.virtual_size:
            self.virtual_size = size

    def render_line(self, y: int) -> Strip:
        self._layout_lines()
        index = int(self.scroll_offset.y) + y
        width = self.scrollable_content_region.width
        if index >= len(self._lines):
            if self._blank.cell_length != width:
                self._blank = Strip.blank(width, self.rich_style)
            return self._blank
        return self._lines[index]
