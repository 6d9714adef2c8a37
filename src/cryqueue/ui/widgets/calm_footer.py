"""The footer, changed only when the keys it shows change, and then in place.

Textual's Footer throws away and mounts again every key it shows whenever focus moves
(each FooterKey is a widget: mounting the list's seventeen cost some 140 ms of CPU, paid
by every Esc or Tab from the notes back to the list). Focus moves for every one-line
question (into the bar and back to the list), where the keys shown before and after are
the same: nothing is done. When they differ, the keys already mounted take the new keys'
facts (the command palette's key stays that key), those left over are hidden, and only
keys beyond any shown before are mounted."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.compose import compose
from textual.screen import Screen
from textual.widget import Widget
from textual.widgets import Footer
from textual.widgets._footer import FooterKey

Shown = tuple[tuple[str, str, str, bool, str], ...]


def shown_keys(screen: Screen[object]) -> Shown:
    """What the footer would show for `screen` now: key, action, label, enabled, tooltip."""
    return tuple(
        (binding.key, binding.action, binding.description, enabled, tooltip)
        for _node, binding, enabled, tooltip in screen.active_bindings.values()
        if binding.show
    )


class CalmFooter(Footer):
    """A Footer that leaves alone the keys it already shows, changes its keys in place when
    others are to be shown, and while hidden (the prompt bar has its row) waits until it
    shows again."""

    def __init__(self) -> None:
        super().__init__()
        self._shown: Shown | None = None

    def bindings_changed(self, screen: Screen[object]) -> None:
        """Footer rebuilds after the next frame, so a focus move drew the screen twice: the
        new focus with the old keys, then the new keys. The keys change with the focus."""
        if not self.display:
            return  # asked again when shown (see PromptBar)
        self._bindings_ready = True
        if not (screen.app.app_focus and self.is_attached and screen is self.screen):
            return
        keys = shown_keys(screen)
        if keys != self._shown:
            self._shown = keys
            self.call_next(self.recompose)

    def compose(self) -> ComposeResult:
        """Footer's keys, each made already in the footer's style: a FooterKey starts
        compact and Footer then binds it to its own `compact`, so every key was restyled
        twice as it mounted (some 30 ms of a start's CPU for the list's seventeen)."""
        for widget in super().compose():
            if isinstance(widget, FooterKey):
                # The palette's key is not bound: it stays compact, as Textual leaves it.
                compact = True if _is_palette(widget) else self.compact
                widget.set_reactive(FooterKey.compact, compact)
                widget.set_class(compact, "-compact", update=False)
            yield widget

    async def recompose(self) -> None:
        if not self.is_attached or self._pruning:
            return
        fresh = compose(self)  # not mounted: where a key is reused, only its facts are taken
        mounted = list(self.children)
        if not _plain_keys(fresh) or not _plain_keys(mounted):
            await super().recompose()  # binding groups: Textual's own rebuild
            self._forget_removed_keys()
            return
        extra: list[Widget] = []
        for role in (False, True):  # the keys, then the palette's
            have = [key for key in mounted if _is_palette(key) == role]
            want = [key for key in fresh if _is_palette(key) == role]
            for key, new in zip(have, want, strict=False):
                _take_facts(key, new)
            for key in have[len(want) :]:
                key.display = False
            extra += want[len(have) :]
        if extra:
            await self.mount_all(extra, before=_first_palette(mounted))

    def _forget_removed_keys(self) -> None:
        """Textual's Footer binds each key it mounts to its `compact` (`data_bind`), and
        drops a removed key's binding only when `compact` changes, which it never does here:
        every rebuild kept the keys of all the rebuilds before it alive (some 40 kB each, a
        few a minute for as long as the app runs). Dropped by Textual's own rule."""
        watchers = getattr(self, "__watchers", {}).get("compact")
        if watchers:
            watchers[:] = [(node, call) for node, call in watchers if not node._closing]


def _plain_keys(widgets: list[Widget]) -> bool:
    return all(type(widget) is FooterKey for widget in widgets)


def _is_palette(key: Widget) -> bool:
    return key.has_class("-command-palette")


def _first_palette(keys: list[Widget]) -> Widget | None:
    return next((key for key in keys if _is_palette(key)), None)


def _take_facts(key: Widget, new: Widget) -> None:
    """Make a mounted key show what `new`, as Footer.compose made it, would."""
    assert isinstance(key, FooterKey) and isinstance(new, FooterKey)
    key.key, key.key_display, key.action = new.key, new.key_display, new.action
    key.description = new.description
    key._disabled = new._disabled
    key.set_class(new._disabled, "-disabled")
    key.tooltip = new.tooltip
    key.display = True
    key.refresh(layout=True)
