"""Border titles set only when they change. Textual parses a border title and repaints the
widget, with all it contains, each time one is set, even to the text it already shows; the
list's border is set after every change to a film, and repainting the whole list for it
cost as much as the change itself."""

from __future__ import annotations

from weakref import WeakKeyDictionary

from textual.widget import Widget

_shown: WeakKeyDictionary[Widget, dict[str, str]] = WeakKeyDictionary()


def set_border_text(
    widget: Widget, *, title: str | None = None, subtitle: str | None = None
) -> None:
    """Give `widget` this border title and subtitle (None: leave it as it is)."""
    shown = _shown.setdefault(widget, {})
    if title is not None and shown.get("title") != title:
        widget.border_title = shown["title"] = title
    if subtitle is not None and shown.get("subtitle") != subtitle:
        widget.border_subtitle = shown["subtitle"] = subtitle
