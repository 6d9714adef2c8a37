"""The diary (d) and the statistics screen (S) in the app: what they show and what their keys
do to the library."""

from __future__ import annotations

from datetime import date

from textual.pilot import Pilot
from textual.widgets import Input, Static

from cryqueue.library import Library
from cryqueue.ui.screens.dialogs import PromptDialog
from cryqueue.ui.screens.diary import DiaryScreen
from cryqueue.ui.screens.insights import InsightsScreen
from cryqueue.ui.widgets.diary_list import DiaryList

from .conftest import MakeApp, screen_text


async def settle_after(pilot: Pilot[None], *keys: str) -> None:
    """Press `keys`, then wait for the diary's or the statistics' read in its worker."""
    await pilot.press(*keys)
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()


def _watch(library: Library) -> None:
    moment = library.find("A Moment to Remember").id
    library.mark_watched(moment, "2025-03-01", tears=5)
    library.mark_watched(moment, "2025-06-12")
    library.mark_watched(library.find("Il Mare").id, "2024-11-02", tears=3)


def _lines(app_screen: DiaryScreen) -> list[str]:
    return [line.text for line in app_screen.query_one(DiaryList).lines]


async def test_d_lists_every_viewing_newest_first_by_month(
    make_app: MakeApp, library: Library
) -> None:
    _watch(library)
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle_after(pilot, "d")
        assert isinstance(app.screen, DiaryScreen)
        lines = _lines(app.screen)
        assert lines[0] == "June 2025" and "A Moment to Remember" in lines[1]
        assert "↻ rewatch" in lines[1]
        assert lines[2] == "March 2025" and "↻" not in lines[3]
        assert lines[4] == "November 2024" and "Il Mare" in lines[5]
        await settle_after(pilot, "end", "enter")  # to the film in the list
        assert not isinstance(app.screen, DiaryScreen)
        current = app.main.film_list.current
        assert current is not None and current.title == "Il Mare"


async def test_the_diary_changes_a_date_forgets_and_adds_each_undoable(
    make_app: MakeApp, library: Library
) -> None:
    _watch(library)
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle_after(pilot, "d", "e")  # the newest viewing, 2025-06-12
        assert isinstance(app.screen, PromptDialog)
        app.screen.query_one(Input).value = "2025-06-20"
        await settle_after(pilot, "enter")
        days = library.find("A Moment to Remember").viewings
        assert days == (date(2025, 3, 1), date(2025, 6, 20))
        await settle_after(pilot, "delete")
        assert library.find("A Moment to Remember").viewings == (date(2025, 3, 1),)
        await settle_after(pilot, "ctrl+z")
        assert len(library.find("A Moment to Remember").viewings) == 2
        await settle_after(pilot, "a")
        app.screen.query_one(Input).value = "2030-01-01"
        await settle_after(pilot, "enter")
        assert isinstance(app.screen, PromptDialog), "a day after today is refused"
        assert "in the future" in str(app.screen.query_one("#prompt-error", Static).render())
        app.screen.query_one(Input).value = "2025-12-24"
        await settle_after(pilot, "enter")
        assert len(library.find("A Moment to Remember").viewings) == 3
        assert "December 2025" in _lines(app.screen)  # type: ignore[arg-type]


async def test_an_undated_viewing_shows_once_at_the_end_and_can_get_its_day(
    make_app: MakeApp, library: Library
) -> None:
    il_mare = library.find("Il Mare").id
    library.set_viewings(il_mare, library.viewings(il_mare).__class__((), undated=True))
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle_after(pilot, "d")
        assert isinstance(app.screen, DiaryScreen)
        assert _lines(app.screen)[-2:][0] == "On a day not recorded"
        await settle_after(pilot, "e")
        app.screen.query_one(Input).value = "2024-02-02"
        await settle_after(pilot, "enter")
        viewings = library.viewings(il_mare)
        assert viewings.days == (date(2024, 2, 2),) and not viewings.undated


async def test_s_shows_the_figures_and_four_charts(make_app: MakeApp, library: Library) -> None:
    from textual_plotext import PlotextPlot

    _watch(library)
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle_after(pilot, "S")
        await pilot.pause()
        assert isinstance(app.screen, InsightsScreen)
        summary = str(app.screen.query_one("#insights-summary", Static).render())
        assert "17 films · 2 watched · 3 viewings · 1 rewatch" in summary
        assert "average tear level 4.0" in summary
        assert len(app.screen.query(PlotextPlot)) == 4
        shown = screen_text(app)
        assert "Made you cry most" in shown and "Viewings per month" in shown
        assert shown.index("A Moment to Remember (2004)") < shown.index("Il Mare (2000)")
        await settle_after(pilot, "escape")
        assert not isinstance(app.screen, InsightsScreen)
