"""The notes pane's rendered view: the note as Markdown, the way an export shows it (raw HTML
stays text, as typed)."""

from __future__ import annotations

from markdown_it import MarkdownIt
from textual.widgets import Markdown

EMPTY = "*No notes yet.* Press **n** to write them (Markdown works)."


def _parser() -> MarkdownIt:
    return MarkdownIt("gfm-like", {"html": False})  # a <tag> in a note is text, never markup


class NotesPreview(Markdown):
    """Shown in place of the editor while the preview is on (p); follows the highlighted film."""

    def __init__(self, text: str, *, id: str | None = None) -> None:
        super().__init__(text or EMPTY, id=id, parser_factory=_parser, open_links=False)
        self._shown: str | None = text

    def show_note(self, text: str) -> None:
        if text != self._shown:  # a rendered note is a tree of widgets: rebuild only on change
            self._shown = text
            self.update(text or EMPTY)
