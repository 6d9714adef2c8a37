"""The app's header, whose status line changes without repainting the screen.

Textual's Header shows the app's `sub_title`, a reactive whose every change repaints the whole
screen, and sets its title with a layout pass in case the text changed size. The status line
here is the header's own: setting it repaints the header's one row (the title is always the
header's width and one line). A key that changes the status line (watched 3 of 100,000) then
costs what a cursor key costs."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.visual import VisualType
from textual.widgets import Header
from textual.widgets._header import HeaderClockSpace, HeaderIcon, HeaderTitle


class _FixedTitle(HeaderTitle):
    def update(self, content: VisualType = "", *, layout: bool = True) -> None:
        super().update(content, layout=False)  # its size is the header's, whatever it says


class StatusHeader(Header):
    """The title, then the status line given to `show`."""

    def __init__(self, *, icon: str, status: str = "") -> None:
        super().__init__(icon=icon)
        self.status = status

    def compose(self) -> ComposeResult:
        yield HeaderIcon().data_bind(Header.icon)
        yield _FixedTitle()
        yield HeaderClockSpace()

    @property
    def screen_sub_title(self) -> str:
        return self.status

    def show(self, status: str) -> None:
        if status != self.status:
            self.status = status
            if self.is_mounted:
                self.query_one(_FixedTitle).update(self.format_title())
