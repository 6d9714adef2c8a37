"""What a key repaints: the lines it changes, not the screen. At 100,000 films each line of
the list, and each repaint of the screen, costs the app time on every key (see the bench's
keys in a real terminal); these tests pin where that cost was found."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from textual.widget import Widget
from textual.widgets._footer import FooterKey

from cryqueue.ui.screens import main_view
from cryqueue.ui.widgets import film_list
from cryqueue.ui.widgets.film_list import FilmList

from .conftest import SIZE, MakeApp, big_library, spy, until


def _shown() -> bool:
    return True


async def drawn_by(
    pilot: Any, monkeypatch: pytest.MonkeyPatch, *keys: str, done: Callable[[], bool] = _shown
) -> list[int]:
    """The list's lines (screen rows) drawn while `keys` are handled and shown (until
    `done`: the status line follows a key after a moment)."""
    await pilot.pause()
    with monkeypatch.context() as patched:
        calls = spy(patched, FilmList, "render_line")
        await pilot.press(*keys)
        await until(pilot, done)
        await pilot.pause()
    return [y for _list, y in calls]


async def test_a_key_draws_the_lines_it_changes_and_the_status_row(
    make_app: MakeApp, monkeypatch: pytest.MonkeyPatch
) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause(0.2)
        whole_screen = spy(monkeypatch, app.screen, "refresh")

        def watched(count: int) -> Callable[[], bool]:
            return lambda: f"watched {count} of 17" in app.main.status_line

        assert sorted(await drawn_by(pilot, monkeypatch, "down")) == [0, 1]
        assert app.main.film_list.cursor == 1
        assert await drawn_by(pilot, monkeypatch, "w", done=watched(1)) == [1]
        assert await drawn_by(pilot, monkeypatch, "ctrl+z", done=watched(0)) == [1]
        assert not [args for args in whole_screen if not args], (
            "the status line repaints its own row, not the screen"
        )


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
        layouts = spy(monkeypatch, type(app.screen), "_refresh_layout")
        await pilot.press("t")
        await until(pilot, lambda: app.main.search_text == "moment")
        await pilot.pause()
        assert app.main.film_list.current is not None
        assert app.main.film_list.current.title == "A Moment to Remember"
        assert not layouts


async def test_a_filter_keystroke_that_changes_the_count_lays_out_only_for_the_scrollbar(
    make_app: MakeApp, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Narrowing a long list to a shorter long list resizes its scrollbar without laying the
    screen out (Textual does, for any new virtual size); narrowing it until it fits takes
    the scrollbar away, which needs the layout. The details, which lay themselves out when
    another film is highlighted, do not follow here."""
    monkeypatch.setattr(main_view, "DETAILS_DELAY", 3600.0)
    big_library(tmp_path / "cq.db", 300)
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        films = app.main.film_list
        await pilot.press("slash", *"film ")
        await until(pilot, lambda: app.main.search_text == "film ")
        await pilot.pause()
        before = len(films.rows)
        layouts = spy(monkeypatch, type(app.screen), "_refresh_layout")
        await pilot.press("1")  # Film 1, 10-19, 100-199
        await until(pilot, lambda: len(films.rows) < before)
        await pilot.pause()
        assert not layouts
        shown = films.scrollable_content_region.height
        assert len(films.rows) > shown and films.show_vertical_scrollbar
        assert films.vertical_scrollbar.window_virtual_size == len(films.rows)
        assert films.max_scroll_y == len(films.rows) - shown
        await pilot.press("2")  # Film 12, 120-129: they fit
        await until(pilot, lambda: len(films.rows) <= shown)
        await pilot.pause()
        assert layouts and not films.show_vertical_scrollbar
        assert films.max_scroll_y == 0 and films.scroll_offset.y == 0


async def test_the_scrollbar_is_drawn_once_per_place_it_shows(
    make_app: MakeApp, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """End and Home again draw the list's scrollbar from the lines kept for it, which are
    what drawing it afresh gives."""
    big_library(tmp_path / "cq.db", 300)
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        films = app.main.film_list
        await until(pilot, lambda: len(films.rows) == 317 and app.main.started)
        for key in ("end", "home"):
            await pilot.press(key)
            await pilot.pause()
        bar = films.vertical_scrollbar
        with monkeypatch.context() as patched:
            drawn = spy(patched, Widget, "render_lines")
            for key in ("end", "home"):
                await pilot.press(key)
                await pilot.pause()
        assert bar not in [widget for widget, *_ in drawn]
        whole = bar.size.region
        kept = [list(strip) for strip in bar.render_lines(whole)]
        assert kept == [list(strip) for strip in Widget.render_lines(bar, whole)]
        assert bar.position == 0


async def test_the_lines_drawn_last_are_kept_when_the_cache_is_full(
    make_app: MakeApp, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The list keeps the lines it drew last, up to its limit, rather than forgetting them
    all when full: Home, after End and a page down, draws nothing again."""
    big_library(tmp_path / "cq.db", 300)
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        films = app.main.film_list
        await until(pilot, lambda: len(films.rows) == 317 and app.main.started)
        shown = films.scrollable_content_region.height
        monkeypatch.setattr(film_list, "LINE_CACHE_SIZE", shown * 2 + shown // 2)
        films._lines.clear()
        films._lines.maxsize = film_list.LINE_CACHE_SIZE
        await pilot.press("home", "end", "home", "pagedown", "pagedown")
        await pilot.pause()
        assert len(films._lines) == film_list.LINE_CACHE_SIZE
        drawn = spy(monkeypatch, FilmList, "_render_row")
        await pilot.press("home")
        await pilot.pause()
        assert not drawn


@pytest.mark.parametrize(
    ("size", "classes"), [(SIZE, {"-wide", "-tall"}), ((60, 12), {"-narrow", "-short"})]
)
async def test_the_screen_is_styled_once_on_its_way_to_the_first_frame(
    make_app: MakeApp, monkeypatch: pytest.MonkeyPatch, size: tuple[int, int], classes: set[str]
) -> None:
    """Every change of a class restyles what is under it: the screen's size classes and the
    list's pane looking active are given as the screen is made, not changed after it shows
    (each restyled the whole screen, some 15 ms of a start). Textual restyles the screen
    once as it shows it."""
    app = make_app()
    restyled = spy(monkeypatch, app, "update_styles")
    async with app.run_test(size=size) as pilot:
        await pilot.pause()
        screens = [node for node, *_ in restyled if node is app.screen]
        panes = [node.id for node, *_ in restyled if node.id in {"left", "right", "panes"}]
        assert len(screens) == 1 and not panes, f"screen {len(screens)}, panes {panes}"
        assert classes <= app.screen.classes
        assert app.screen.query_one("#left").has_class("-active")
        await pilot.press("n")  # the notes: the list's pane no longer looks active
        await pilot.pause()
        assert not app.screen.query_one("#left").has_class("-active")


async def test_going_to_the_notes_and_back_restyles_the_panes_not_the_screen(
    make_app: MakeApp, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Writing a note marks the panes (a terminal too short for both shows the notes alone):
    a class on the screen restyled every widget on it, the footer's keys too, at each n and
    Esc. The short terminal's layout itself is pinned by the 40x10 test."""
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        restyled = spy(monkeypatch, app, "update_styles")
        for key in ("n", "escape"):
            await pilot.press(key)
            await pilot.pause()
            nodes = [node for node, *_ in restyled]
            assert app.screen not in nodes, f"{key} restyled the whole screen"
            assert "panes" in {node.id for node in nodes}, f"{key}: the panes' class"
            restyled.clear()
        assert app.focused is app.screen.query_one("#films")


async def test_the_footer_shows_the_focused_panes_keys_in_every_frame(
    make_app: MakeApp, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A focus move changes the footer's keys in the frame that shows it: Textual's footer
    changed them a frame later, so each n or Esc drew a screen of the new pane with the old
    pane's keys (and drew it once more)."""
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        frames: list[tuple[bool, bool]] = []  # per frame: the notes focused, "w" shown
        display = app._display

        def drawn(screen: Any, update: Any) -> None:
            keys = {key.key for key in app.screen.query(FooterKey) if key.display}
            frames.append((app.focused is app.screen.query_one("#notes"), "w" in keys))
            display(screen, update)

        monkeypatch.setattr(app, "_display", drawn)
        for key in ("n", "escape", "n", "escape"):
            await pilot.press(key)
            await pilot.pause()
        assert frames, "frames were drawn"
        stale = [at for at, (notes, watch_key) in enumerate(frames) if notes == watch_key]
        assert not stale, f"frames {stale} of {len(frames)} showed the other pane's keys"
