"""A ScrollView that leaves its scrollbar alone when a layout changes nothing about it."""

from __future__ import annotations

from textual.geometry import Size
from textual.scroll_view import ScrollView


class SteadyScrollView(ScrollView):
    """Textual's compositor hands a ScrollView its own region as the virtual size on every
    layout of the screen, which never equals a long list's, so the ScrollView took each
    layout (a question asked in the footer's row, a new filter match count) for a resize and
    repainted its scrollbar. Its scrollbars follow its own virtual size: a layout is a change
    only when that, or the size of the view or of its container, is new."""

    _laid_out_for = Size(-1, -1)  # the virtual size at the last layout

    def _size_updated(
        self, size: Size, virtual_size: Size, container_size: Size, layout: bool = True
    ) -> bool:
        if self.virtual_size == self._laid_out_for:
            virtual_size = self.virtual_size  # as before: only the sizes can have changed
        self._laid_out_for = self.virtual_size
        return super()._size_updated(size, virtual_size, container_size, layout)
