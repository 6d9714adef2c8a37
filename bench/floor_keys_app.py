"""The floor for a key in a real terminal: bare Textual with the same screen parts as cryqueue's
main screen, built from stock widgets and nothing else. A Header, an OptionList of films (rank,
title, year), a Static details pane that follows the highlighted film on every highlight, and a
Footer showing a dozen keys, as the app's does.

`python -m bench.floor_keys_app ROWS`: the list holds ROWS generated films, at most
`MAX_ROWS` (100,000). An OptionList builds an object per row up front (some 5 s for 100,000
rows, and far more for 1,000,000), while moving the highlight costs the same at any length (it
renders only the visible lines), so the floor for a library of a million films is this app
with 100,000 rows. Its title says "FLOOR KEYS" once it is up."""

from __future__ import annotations

import random
import sys
from typing import Any

from rich.text import Text
from textual.app import App, ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal
from textual.widgets import Footer, Header, OptionList, Static

from .generate import film

MAX_ROWS = 100_000
# The keys the app's footer shows, bound to nothing, so this footer is as full as the app's.
FOOTER_KEYS = ["w", "0", "n", "slash", "a", "d", "f", "s", "x", "i", "question_mark", "q"]


class FloorKeysApp(App[None]):
    TITLE = "FLOOR KEYS"
    CSS = """
    #films { width: 1fr; height: 1fr; }
    #details { width: 1fr; height: 1fr; border: round $primary; padding: 0 1; }
    """
    BINDINGS = [Binding(key, "nothing", key.replace("_", " ")) for key in FOOTER_KEYS]

    def __init__(self, rows: int) -> None:
        super().__init__()
        rng = random.Random(17)
        self.films: list[dict[str, Any]] = [film(n, rng) for n in range(min(rows, MAX_ROWS))]

    def compose(self) -> ComposeResult:
        yield Header()
        with Horizontal():
            # Text, not markup: a title is user text (Textual would read "[...]" as markup).
            yield OptionList(
                *(Text(f"{f['rank']:>7}  {f['title']} ({f['year']})") for f in self.films),
                id="films",
            )
            yield Static(id="details")
        yield Footer()

    def on_mount(self) -> None:
        self.query_one(OptionList).focus()

    def on_option_list_option_highlighted(self, event: OptionList.OptionHighlighted) -> None:
        f = self.films[event.option_index]
        lines = [
            f"{f['title']} ({f['year']})",
            f["original_title"] or "",
            f"{f['kind']} · directed by {f['director']}",
            "with " + ", ".join(f["cast"]),
            f"tears {f['tear_level']}" if f["tear_level"] is not None else "tears not rated",
            f"rated {f['rating']}" if f["rating"] is not None else "not rated",
            "tags: " + ", ".join(f["tags"]),
            "",
            f["note"],
        ]
        self.query_one("#details", Static).update(Text("\n".join(lines)))

    def action_nothing(self) -> None:
        pass


if __name__ == "__main__":
    FloorKeysApp(int(sys.argv[1]) if len(sys.argv) > 1 else MAX_ROWS).run()
