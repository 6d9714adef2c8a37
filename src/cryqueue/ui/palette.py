"""The command palette's own providers: go to a film by typing its title, and the theme list
with the current theme marked."""

from __future__ import annotations

from functools import partial

from textual.command import DiscoveryHit, Hit, Hits, Provider
from textual.content import Content
from textual.theme import ThemeProvider

from cryqueue.domain.listing import select
from cryqueue.ui.actions import Command
from cryqueue.ui.screens.main import MainScreen

GO_TO_SHOWN = 12  # films offered for one query


def key_help(command: Command) -> str:
    """A command's help with the key that does the same, so the palette teaches the keys."""
    assert command.palette is not None
    key = command.key_display or command.keys.split(",")[0]
    return f"{command.palette[1]} · key {key}"


class FilmProvider(Provider):
    """'Go to' any film whose title, cast or director matches what is typed, by the list's
    own search (an index: as quick with 100,000 films as with 17)."""

    def _main(self) -> MainScreen | None:
        screen = self.app.screen_stack[0] if self.app.screen_stack else None
        return screen if isinstance(screen, MainScreen) else None

    async def search(self, query: str) -> Hits:
        main = self._main()
        if main is None or main.listing is None or len(query.strip()) < 2:
            return
        matcher = self.matcher(query)
        for row in select(main.listing, search=query)[:GO_TO_SHOWN]:
            label = f"Go to {row.title} ({row.year})"
            score = max(matcher.match(label), 0.1)  # a cast or director match scores low
            yield Hit(
                score,
                matcher.highlight(label),
                partial(main.go_to, row.id),
                help=f"#{row.rank} in your ranking",
            )


class MarkedThemeProvider(ThemeProvider):
    """Textual's theme list, the theme in use marked."""

    async def discover(self) -> Hits:
        for name, callback in self.commands:
            yield DiscoveryHit(self._label(name), callback)

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        for name, callback in self.commands:
            if (score := matcher.match(name)) > 0:
                yield Hit(score, self._label(name, matcher.highlight(name)), callback)

    def _label(self, name: str, shown: Content | None = None) -> Content:
        label = shown if shown is not None else Content(name)
        if name == self.app.theme:
            label += Content.styled("  ✓ current", "bold")
        return label
