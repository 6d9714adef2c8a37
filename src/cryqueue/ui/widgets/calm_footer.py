"""The footer, rebuilt only when the keys it shows change.

Textual's Footer throws away and mounts again every key it shows whenever focus moves
(each FooterKey is a widget: some 100-200 ms of CPU with cryqueue's keys). Focus moves
for every one-line question (into the bar and back to the list), where the keys shown
before and after are the same."""

from __future__ import annotations

from textual.screen import Screen
from textual.widgets import Footer

Shown = tuple[tuple[str, str, str, bool, str], ...]


def shown_keys(screen: Screen[object]) -> Shown:
    """What the footer would show for `screen` now: key, action, label, enabled, tooltip."""
    return tuple(
        (binding.key, binding.action, binding.description, enabled, tooltip)
        for _node, binding, enabled, tooltip in screen.active_bindings.values()
        if binding.show
    )


class CalmFooter(Footer):
    """A Footer that skips rebuilding to the keys it already shows, and while hidden (the
    prompt bar has its row) waits until it shows again."""

    def __init__(self) -> None:
        super().__init__()
        self._shown: Shown | None = None

    def bindings_changed(self, screen: Screen[object]) -> None:
        if not self.display:
            return  # asked again when shown (see PromptBar)
        if screen.app.app_focus and self.is_attached and screen is self.screen:
            keys = shown_keys(screen)
            if keys == self._shown:
                return
            self._shown = keys
        super().bindings_changed(screen)

    async def recompose(self) -> None:
        await super().recompose()
        self._forget_removed_keys()

    def _forget_removed_keys(self) -> None:
        """Textual's Footer binds each key it mounts to its `compact` (`data_bind`), and
        drops a removed key's binding only when `compact` changes, which it never does here:
        every rebuild kept the keys of all the rebuilds before it alive (some 40 kB each, a
        few a minute for as long as the app runs). Dropped by Textual's own rule."""
        watchers = getattr(self, "__watchers", {}).get("compact")
        if watchers:
            watchers[:] = [(node, call) for node, call in watchers if not node._closing]
