"""What a key repaints: the lines it changes, not the screen. At 100,000 films each line of
the list, and each repaint of the screen, costs the app time on every key (see the bench's
keys in a real terminal); these tests pin where that cost was found."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from textual.strip import Strip

from cryqueue.ui.app import CryqueueApp
from cryqueue.ui.widgets.film_list import FilmList

from .conftest import SIZE, MakeApp, until


async def drawn_by(
    app: CryqueueApp,
    pilot: Any,
    monkeypatch: pytest.MonkeyPatch,
    *keys: str,
    done: Callable[[], bool] = lambda: True,
) -> list[int]:
    """The list's lines (screen rows) drawn while `keys` are handled and shown (until
    `done`: the status line follows a key after a moment)."""
    drawn: list[int] = []
    draw = FilmList.render_line

    def counted(self: FilmList, y: int) -> Strip:
        drawn.append(y)
        return draw(self, y)

    await pilot.pause()
    monkeypatch.setattr(FilmList, "render_line", counted)
    await pilot.press(*keys)
    await until(pilot, done)
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

        def watched(count: int) -> Callable[[], bool]:
            return lambda: f"watched {count} of 17" in app.main.status_line

        assert await drawn_by(app, pilot, monkeypatch, "w", done=watched(1)) == [0]
        assert await drawn_by(app, pilot, monkeypatch, "ctrl+z", done=watched(0)) == [0]
        assert not repaints, "the status line repaints its own row, not the screen"


async def test_a_filter_keystroke_lays_the_screen_out_only_when_sizes_change(
    make_app: MakeApp, monkeypatch: pytest.MonkeyPatch
) -> None:
    """ "momen" and "moment" find the same film: typing the t repaints the field, the list and
    the count, and lays nothing out (Textual's Input did, for its text's width)."""
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("slash", *"momen")
        await until(pilot, lambda: len(app.main.film_list.rows) == 1)
        await pilot.pause()
        layouts: list[object] = []
        lay_out = type(app.screen)._refresh_layout

        def counted(screen: Any, *args: Any, **kwargs: Any) -> None:
            layouts.append(args)
            lay_out(screen, *args, **kwargs)

        monkeypatch.setattr(type(app.screen), "_refresh_layout", counted)
        await pilot.press("t")
        await until(pilot, lambda: app.main.search_text == "moment")
        await pilot.pause()
        assert app.main.film_list.current is not None
        assert app.main.film_list.current.title == "A Moment to Remember"
        assert not layouts
