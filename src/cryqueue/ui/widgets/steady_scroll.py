"""A ScrollView whose scrollbar is drawn only when it changes, and cheaply when it does."""

from __future__ import annotations

from textual.cache import LRUCache
from textual.geometry import Region, Size
from textual.scroll_view import ScrollView
from textual.scrollbar import ScrollBar, ScrollBarRender
from textual.strip import Strip

BarKey = tuple[Size, Region, int, int, float, int, bool, object]


class QuickScrollBar(ScrollBar):
    """Textual's scrollbar, its lines kept for the last few states it was drawn in. Drawing
    one through a widget's general path (a Rich render, then every line through the styles
    cache) cost a sixth of a key that scrolls a long list; Home and End, or a filter typed
    and cleared, come back to the same few states."""

    KEEP = 8

    def __init__(
        self, vertical: bool = True, name: str | None = None, *, thickness: int = 1
    ) -> None:
        super().__init__(vertical, name, thickness=thickness)
        self._drawn: LRUCache[BarKey, list[Strip]] = LRUCache(self.KEEP)

    def render_lines(self, crop: Region) -> list[Strip]:
        bar = self.render()
        if not isinstance(bar, ScrollBarRender):
            return super().render_lines(crop)
        key = (
            self.size,
            crop,
            bar.virtual_size,
            bar.window_size,
            bar.position,
            bar.thickness,
            bar.vertical,
            bar.style,
        )
        strips = self._drawn.get(key)
        if strips is None:
            strips = super().render_lines(crop)
            self._drawn.set(key, strips)
        return list(strips)  # a list of its own for the compositor

    def notify_style_update(self) -> None:
        super().notify_style_update()
        self._drawn.clear()


class SteadyScrollView(ScrollView):
    """Textual's compositor hands a ScrollView its own region as the virtual size on every
    layout of the screen, which never equals a long list's, so the ScrollView took each
    layout (a question asked in the footer's row, a new filter match count) for a resize and
    repainted its scrollbar. Its scrollbars follow its own virtual size: a layout is a change
    only when that, or the size of the view or of its container, is new. For views of one
    line an item (the film list), not text wrapped to the width: a wrapped pane can need a
    scrollbar only because it shows one, and settled either way by the order of its layouts
    (a snapshot of the details pane flaked so)."""

    _laid_out_for = Size(-1, -1)  # the virtual size at the last layout

    def _size_updated(
        self, size: Size, virtual_size: Size, container_size: Size, layout: bool = True
    ) -> bool:
        if self.virtual_size == self._laid_out_for:
            virtual_size = self.virtual_size  # as before: only the sizes can have changed
        self._laid_out_for = self.virtual_size
        return super()._size_updated(size, virtual_size, container_size, layout)

    @property
    def vertical_scrollbar(self) -> ScrollBar:
        """The vertical scrollbar, a QuickScrollBar (made, as Textual makes its own, when
        first asked for: hidden, and started as the view's child)."""
        if self._vertical_scrollbar is None:
            bar = QuickScrollBar(
                vertical=True, name="vertical", thickness=self.scrollbar_size_vertical
            )
            bar.display = False
            self._vertical_scrollbar = bar
            self.app._start_widget(self, bar)
        return self._vertical_scrollbar
