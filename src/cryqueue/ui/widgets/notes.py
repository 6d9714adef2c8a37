"""The notes pane: a TextArea that saves by itself, a moment after typing stops, when the
focus leaves it, when another film is highlighted and when the app quits."""

from __future__ import annotations

from collections.abc import Callable

from textual.binding import Binding
from textual.timer import Timer
from textual.widgets import TextArea

from cryqueue.ui.widgets.border_text import set_border_text

SAVE_DELAY = 0.8  # seconds after the last key stroke
PLACEHOLDER = "No notes yet: press n or enter to write (Markdown works; saved as you type)."
# Longer notes (the CLI takes up to 2,000,000 characters) are shown in part, read-only: an
# editor wrapping a megabyte froze the app for seconds whenever the cursor landed on the film.
EDIT_MAX = 100_000
PREVIEW = 10_000

# save(film_id, text, base) -> the text now stored (differs from `text` after a merge or a
# clean-up), or None when it could not be saved: the editor then keeps the text as typed.
SaveNote = Callable[[int, str, str], str | None]


class NotesEditor(TextArea):
    BINDINGS = [Binding("escape", "screen.focus_list", "Back to list")]

    def __init__(self, save: SaveNote, *, id: str | None = None) -> None:
        super().__init__(id=id, soft_wrap=True, tab_behavior="focus", placeholder=PLACEHOLDER)
        self._save = save
        self.film_id: int | None = None
        self.base = ""
        self._timer: Timer | None = None

    @property
    def dirty(self) -> bool:
        return self.film_id is not None and not self.read_only and self.text != self.base

    def show_note(self, film_id: int | None, text: str) -> None:
        """Show another film's note (saving the current one first)."""
        self.save_now()
        self.film_id, self.base = film_id, text
        too_long = len(text) > EDIT_MAX
        shown = f"{text[:PREVIEW]}\n…" if too_long else text
        self.read_only = too_long  # never saved back: the editor holds only a part
        if self.text != shown:
            self.load_text(shown)
        set_border_text(
            self,
            subtitle=f"{len(text):,} characters: too long to edit here; use 'cryqueue note TITLE -'"
            if too_long
            else "",
        )
        self.disabled = film_id is None

    def on_text_area_changed(self) -> None:
        if self._timer is not None:
            self._timer.stop()
        if self.dirty:
            self._timer = self.set_timer(SAVE_DELAY, self.save_now)

    def on_blur(self) -> None:
        self.save_now()

    def save_now(self) -> None:
        if self._timer is not None:
            self._timer.stop()
            self._timer = None
        if not self.dirty or self.film_id is None:
            return
        text = self.text
        stored = self._save(self.film_id, text, self.base)
        if stored is None:
            return
        self.base = stored
        if stored != text:
            self.load_text(stored)
