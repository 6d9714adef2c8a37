"""The one-line question in the footer's row (r, #, m, W): what a user sees and keeps."""

from __future__ import annotations

from pathlib import Path

import pytest
from textual.scrollbar import ScrollBar
from textual.widgets import Footer

from cryqueue.library import Library
from cryqueue.ui.app import CryqueueApp
from cryqueue.ui.widgets.calm_footer import CalmFooter
from cryqueue.ui.widgets.film_list import FilmList
from cryqueue.ui.widgets.notes import NotesEditor
from cryqueue.ui.widgets.prompt_bar import PromptBar

from .conftest import SIZE, MakeApp, big_library, screen_text, spy, until

FIRST = "A Moment to Remember"


def bar(app: CryqueueApp) -> PromptBar:
    return app.main.query_one(PromptBar)


async def test_the_question_takes_the_footers_row_and_gives_it_back(
    make_app: MakeApp, library: Library
) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause(0.2)
        panes = app.main.query_one("#panes").region
        await pilot.press("r")
        await until(pilot, lambda: "Rate “" in screen_text(app).splitlines()[-1])
        last_line = screen_text(app).splitlines()[-1]
        assert f"Rate “{FIRST}”, 0.5 to 5 stars" in last_line
        assert not app.main.query_one(Footer).display
        assert app.main.query_one("#panes").region == panes, "nothing else moves"
        await pilot.press("4", "full_stop", "5", "enter")
        await pilot.pause()
        assert library.find(FIRST).rating == 4.5
        assert not bar(app).asking
        assert app.main.query_one(Footer).display
        assert app.focused is app.main.query_one(FilmList), "the list has the keys again"
        assert "Rate “" not in screen_text(app)


async def test_typing_replaces_the_current_value(make_app: MakeApp, library: Library) -> None:
    library.swap_rating(library.find(FIRST).id, "3")
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("r")
        assert bar(app).input.value == "3", "the current stars are shown"
        await pilot.press("5", "enter")
        assert library.find(FIRST).rating == 5


async def test_escape_cancels_and_keeps_the_filter(make_app: MakeApp, library: Library) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("slash", *"moment", "enter")
        await pilot.pause(0.3)
        await pilot.press("r", "4", "escape")
        await pilot.pause(0.2)
        assert library.find(FIRST).rating is None, "escape changes nothing"
        assert not bar(app).asking
        assert app.main.search_text == "moment", "escape closed the question, not the filter"
        assert [r.title for r in app.main.film_list.rows] == [FIRST]


async def test_a_refused_answer_keeps_the_question_and_says_why(
    make_app: MakeApp, library: Library
) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("r", "7", "enter")
        await pilot.pause()
        assert bar(app).asking
        assert "half steps" in screen_text(app)
        assert library.find(FIRST).rating is None
        await pilot.press("ctrl+u", "2", "enter")
        await pilot.pause()
        assert library.find(FIRST).rating == 2
        assert "half steps" not in screen_text(app), "the old error goes with the question"


async def test_leaving_the_bar_drops_the_question(make_app: MakeApp, library: Library) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("m")
        assert bar(app).asking
        app.main.query_one(NotesEditor).focus()
        await until(pilot, lambda: not bar(app).asking)
        assert app.main.query_one(Footer).display
        assert isinstance(app.focused, NotesEditor), "focus stays where the user put it"
        assert library.find(FIRST).rank == 1


async def test_the_footer_is_rebuilt_only_when_its_keys_change(
    make_app: MakeApp, library: Library, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Textual's Footer mounts every key again whenever focus moves; asking a question moves
    focus twice and ends where it started, with the same keys shown."""
    rebuilt: list[str] = []
    original = CalmFooter.recompose

    async def counted(self: CalmFooter) -> None:
        rebuilt.append(str(self.screen.focused))
        await original(self)

    monkeypatch.setattr(CalmFooter, "recompose", counted)
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause(0.2)
        rebuilt.clear()
        await pilot.press("r", "4", "enter")
        await pilot.pause(0.2)
        assert library.find(FIRST).rating == 4
        assert rebuilt == [], "the same keys before and after: nothing to rebuild"
        await pilot.press("n")  # the notes have keys of their own
        await until(pilot, lambda: bool(rebuilt))  # other keys: the footer shows them
        await until(pilot, lambda: "Back to list" in screen_text(app).splitlines()[-1])


async def test_asking_leaves_the_list_looking_active_and_draws_none_of_it(
    make_app: MakeApp, library: Library, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The question is about the highlighted film, and the keys come back to the list: the
    list's pane and cursor keep their look (drawing them again cost as much as asking).
    Elsewhere (the details pane), the list looks inactive."""
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause(0.2)
        films, left = app.main.film_list, app.main.query_one("#left")
        cursor_look = films.get_component_rich_style("film-list--cursor-active").bgcolor

        def cursor_background() -> object:
            line = films.render_line(films.cursor - int(films.scroll_offset.y))
            return line._segments[0].style.bgcolor if line._segments[0].style else None

        assert films.active and left.has_class("-active")
        assert cursor_background() == cursor_look
        drawn = spy(monkeypatch, FilmList, "_render_row")
        await pilot.press("r")
        await until(pilot, lambda: bar(app).asking and bar(app).input.has_focus)
        await pilot.pause()
        assert films.active and left.has_class("-active")
        assert not drawn, "no line of the list is drawn again to ask"
        await pilot.press("escape", "tab")
        await until(pilot, lambda: app.main.details.has_focus)
        assert not films.active and not left.has_class("-active")
        assert cursor_background() == films.get_component_rich_style("film-list--cursor").bgcolor
        assert cursor_background() != cursor_look


async def test_asking_leaves_a_long_lists_scrollbar_alone(
    make_app: MakeApp, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Showing and closing the question lays the screen out; the list's scrollbar, which
    neither changes, is not drawn again (Textual's ScrollView took every layout for a new
    virtual size), and it still scrolls the whole list afterwards."""
    big_library(tmp_path / "cq.db", 300)
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        films = app.main.film_list
        await until(pilot, lambda: len(films.rows) == 317 and app.main.started)
        await pilot.press("r", "escape")  # the first layout after the list is read
        await pilot.pause()
        repainted = spy(monkeypatch, ScrollBar, "refresh")
        await pilot.press("r")
        await until(pilot, lambda: bar(app).asking)
        await pilot.press("4", "enter")
        await until(pilot, lambda: not bar(app).asking)
        await pilot.pause()
        assert films.vertical_scrollbar not in [scrollbar for scrollbar, *_ in repainted]
        await pilot.press("end")
        assert films.scroll_offset.y == films.max_scroll_y == 317 - films.size.height
