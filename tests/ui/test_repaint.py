"""What a key repaints: the lines it changes, not the screen. At 100,000 films each line of
the list, and each repaint of the screen, costs the app time on every key (see the bench's
keys in a real terminal); these tests pin where that cost was found."""

from __future__ import annotations

from typing import Any

import pytest
from textual.strip import Strip

from cryqueue.ui.app import CryqueueApp
from cryqueue.ui.widgets.film_list import FilmList

from .conftest import SIZE, MakeApp


async def drawn_by(
    app: CryqueueApp, pilot: Any, monkeypatch: pytest.MonkeyPatch, *keys: str
) -> list[int]:
    """The list's lines (screen rows) drawn while `keys` are handled and shown."""
    drawn: list[int] = []
    draw = FilmList.render_line

    def counted(self: FilmList, y: int) -> Strip:
        drawn.append(y)
        return draw(self, y)

    await pilot.pause()
    monkeypatch.setattr(FilmList, "render_line", counted)
    await pilot.press(*keys)
    await pilot.pause()
    monkeypatch.setattr(FilmList, "render_line", draw)
    return drawn


async def test_a_cursor_key_draws_the_two_lines_it_changes(
    make_app: MakeApp, monkeypatch: pytest.MonkeyPatch
) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause(0.2)
        assert sorted(await drawn_by(app, pilot, monkeypatch, "down")) == [0, 1]
        assert app.main.film_list.cursor == 1


async def test_watched_and_undo_draw_one_line_and_the_status_row(
    make_app: MakeApp, monkeypatch: pytest.MonkeyPatch
) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause(0.2)
        repaints: list[object] = []
        refresh = app.screen.refresh

        def whole_screen(*regions: Any, **kwargs: Any) -> Any:
            if not regions:
                repaints.append(kwargs)
            return refresh(*regions, **kwargs)

        monkeypatch.setattr(app.screen, "refresh", whole_screen)
        assert await drawn_by(app, pilot, monkeypatch, "w") == [0]
        assert "watched 1 of 17" in app.main.status_line
        assert await drawn_by(app, pilot, monkeypatch, "ctrl+z") == [0]
        assert "watched 0 of 17" in app.main.status_line
        assert not repaints, "the status line repaints its own row, not the screen"
