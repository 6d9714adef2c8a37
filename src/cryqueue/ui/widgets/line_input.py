"""A one-line text field whose typing repaints the field and nothing else.

Textual's Input records its text's width as its virtual size, and a virtual size change lays
the whole screen out again, on every character typed. The field's own size never depends on
its text here (the filter's and the footer question's fields take the room their row leaves),
so the screen need not be laid out: the field scrolls its text within itself as before."""

from __future__ import annotations

from textual.geometry import Size
from textual.reactive import Reactive
from textual.widgets import Input


class LineInput(Input):
    virtual_size: Reactive[Size] = Reactive(Size(0, 0), layout=False)
