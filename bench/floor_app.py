"""The floor for the app's first frame: a bare Textual app that imports sqlmodel (the two
dependencies cryqueue cannot start without) and paints one frame."""

from __future__ import annotations

import sqlmodel  # noqa: F401  (its import cost is the point)
from textual.app import App, ComposeResult
from textual.widgets import Static


class FloorApp(App[None]):
    def compose(self) -> ComposeResult:
        yield Static("FLOOR READY")


if __name__ == "__main__":
    FloorApp().run()
