"""The app's header, whose status line changes without laying the screen out again.

Textual's Header sets its title with a layout pass over the whole screen, in case the text
changed size; the title is always the header's width and one line, so it never does. A key
that changes the status line (watched 3 of 100,000) then costs what a cursor key costs."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.visual import VisualType
from textual.widgets import Header
from textual.widgets._header import HeaderClockSpace, HeaderIcon, HeaderTitle


class _FixedTitle(HeaderTitle):
    def update(self, content: VisualType = "", *, layout: bool = True) -> None:
        super().update(content, layout=False)  # its size is the header's, whatever it says


class StatusHeader(Header):
    def compose(self) -> ComposeResult:
        yield HeaderIcon().data_bind(Header.icon)
        yield _FixedTitle()
        yield HeaderClockSpace()
