"""One table of actions: every key bound in the app is in the help screen and, unless it only
moves the highlight or quits, in the command palette."""

from __future__ import annotations

from collections.abc import Callable

from textual.binding import Binding

from cryqueue.ui.actions import COMMANDS, HELP, BindingType, palette
from cryqueue.ui.app import CryqueueApp
from cryqueue.ui.screens.diary import DiaryScreen
from cryqueue.ui.screens.insights import InsightsScreen
from cryqueue.ui.screens.main import MainScreen
from cryqueue.ui.widgets.diary_list import DiaryList
from cryqueue.ui.widgets.film_list import FilmList

from .conftest import SIZE


def bound_actions() -> set[str]:
    found = set()
    owners: list[list[BindingType]] = [
        FilmList.BINDINGS,
        MainScreen.BINDINGS,
        CryqueueApp.BINDINGS,
        DiaryScreen.BINDINGS,
        DiaryList.BINDINGS,
        InsightsScreen.BINDINGS,
    ]
    for binding in [b for owner in owners for b in owner]:
        assert isinstance(binding, Binding)
        found.add(binding.action.removeprefix("app.").removeprefix("screen."))
    return found


def test_every_bound_action_is_in_help_and_in_the_palette() -> None:
    helped = {c.action.removeprefix("app.") for row in HELP for c in row.commands}
    offered = {c.action.removeprefix("app.") for c in palette()}
    # Moving a highlight, quitting and the diary's own keys (they act on the diary's line)
    # are not palette commands.
    navigation = {
        c.action.removeprefix("app.") for c in COMMANDS if c.local or c.where == "diary"
    } | {"quit"}
    assert bound_actions() <= helped
    assert bound_actions() - navigation <= offered
    assert {"rate", "edit_tags", "import_file", "reload"} <= offered  # once missing


def test_every_screens_keys_are_in_help_as_bound() -> None:
    """Key by key: the statistics screen's keys were once bound outside the table, so help
    did not list them (its action, going back, was listed for the diary's keys)."""
    helped = {(c.keys, c.binding().action) for c in COMMANDS}
    for owner in (MainScreen, DiaryScreen, InsightsScreen, FilmList, DiaryList, CryqueueApp):
        for binding in owner.BINDINGS:
            assert isinstance(binding, Binding)
            assert (binding.key, binding.action) in helped, (owner.__name__, binding)


async def test_the_palette_offers_every_command(make_app: Callable[[], CryqueueApp]) -> None:
    app = make_app()
    async with app.run_test(size=SIZE):
        titles = {c.title for c in app.get_system_commands(app.screen)}
    assert {c.palette[0] for c in palette() if c.palette} <= titles
