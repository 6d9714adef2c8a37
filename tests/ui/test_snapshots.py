"""SVG snapshots of the main screens: fixed data, fixed size, no cursor blink.

Update them after an intended change with `pytest tests/ui/test_snapshots.py --snapshot-update`."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from pathlib import Path

import pytest
from textual.pilot import Pilot
from textual.widgets import Input, TextArea

from cryqueue.library import Library
from cryqueue.ui.app import CryqueueApp

FIXED_EXPORT_DIR = Path("/home/you/Documents")


@pytest.fixture
def snapshot_app(tmp_path: Path) -> CryqueueApp:
    library = Library.open(tmp_path / "snap.db")
    moment = library.find("A Moment to Remember").id
    library.mark_watched(moment, "2025-03-01", tears=5)
    library.mark_watched(moment, "2025-06-12")
    library.set_note(moment, "Cried at the letter scene. *Again.*")
    library.mark_watched(library.find("늑대소년").id, "2025-02-14", tears=4)
    library.set_tears(library.find("Il Mare").id, 2)
    app = CryqueueApp(
        library,
        config_file=tmp_path / "config.json",
        export_dir=FIXED_EXPORT_DIR,
        today=lambda: date(2026, 1, 15),
    )
    return app


async def _no_blink(pilot: Pilot[None]) -> None:
    app = pilot.app
    assert isinstance(app, CryqueueApp)
    for field in app.screen.query(Input):
        field.cursor_blink = False
    for area in app.screen_stack[0].query(TextArea):
        area.cursor_blink = False
    while not app.main.started:  # the header and footer arrive just after the first frame
        await pilot.pause(0.01)
    app.main.show_highlighted()  # the details pane, which otherwise follows a moment later
    await pilot.pause()


SnapCompare = Callable[..., bool]  # pytest-textual-snapshot's fixture


def test_main_screen(snap_compare: SnapCompare, snapshot_app: CryqueueApp) -> None:
    assert snap_compare(snapshot_app, terminal_size=(100, 30), run_before=_no_blink)


def test_help_screen(snap_compare: SnapCompare, snapshot_app: CryqueueApp) -> None:
    async def open_help(pilot: Pilot[None]) -> None:
        await pilot.press("question_mark")
        await _no_blink(pilot)

    assert snap_compare(snapshot_app, terminal_size=(100, 30), run_before=open_help)


def test_export_dialog(snap_compare: SnapCompare, snapshot_app: CryqueueApp) -> None:
    async def open_export(pilot: Pilot[None]) -> None:
        await pilot.press("x")
        await _no_blink(pilot)

    assert snap_compare(snapshot_app, terminal_size=(100, 30), run_before=open_export)


def test_narrow_terminal(snap_compare: SnapCompare, snapshot_app: CryqueueApp) -> None:
    async def go(pilot: Pilot[None]) -> None:
        await pilot.press("down", "down", "down", "down", "down")
        await _no_blink(pilot)

    assert snap_compare(snapshot_app, terminal_size=(60, 20), run_before=go)


def test_standard_terminal_80x24(snap_compare: SnapCompare, snapshot_app: CryqueueApp) -> None:
    assert snap_compare(snapshot_app, terminal_size=(80, 24), run_before=_no_blink)


def test_wide_terminal_120x40(snap_compare: SnapCompare, snapshot_app: CryqueueApp) -> None:
    assert snap_compare(snapshot_app, terminal_size=(120, 40), run_before=_no_blink)


def test_film_form_at_80x24(snap_compare: SnapCompare, snapshot_app: CryqueueApp) -> None:
    async def open_form(pilot: Pilot[None]) -> None:
        await pilot.press("e")
        await _no_blink(pilot)

    assert snap_compare(snapshot_app, terminal_size=(80, 24), run_before=open_form)


def test_film_form_at_60x20(snap_compare: SnapCompare, snapshot_app: CryqueueApp) -> None:
    async def open_form(pilot: Pilot[None]) -> None:
        await pilot.press("a", "enter")  # an empty form: the error names the title
        await _no_blink(pilot)

    assert snap_compare(snapshot_app, terminal_size=(60, 20), run_before=open_form)


def test_import_question_at_80x24(
    snap_compare: SnapCompare, snapshot_app: CryqueueApp, tmp_path: Path
) -> None:
    diary = tmp_path / "diary.csv"
    diary.write_text(
        "Date,Name,Year,Letterboxd URI,Rating\n2023-01-01,X,2001,u,9\n"
        "2023-01-01,Il Mare,2000,u,4\n2023-01-01,Hachi: A Dog's Tale,2009,u,5\n",
        encoding="utf-8",
    )

    async def open_plan(pilot: Pilot[None]) -> None:
        app = pilot.app
        await pilot.press("i")
        app.screen.query_one(Input).value = str(diary)
        await pilot.press("enter")
        await app.workers.wait_for_complete()
        await pilot.pause(0.3)
        await _no_blink(pilot)

    assert snap_compare(snapshot_app, terminal_size=(80, 24), run_before=open_plan)


@pytest.mark.parametrize("size", [(80, 24), (120, 40)])
@pytest.mark.parametrize("key", ["d", "S"])
def test_diary_and_statistics(
    snap_compare: SnapCompare, snapshot_app: CryqueueApp, key: str, size: tuple[int, int]
) -> None:
    async def open_screen(pilot: Pilot[None]) -> None:
        await _no_blink(pilot)
        await pilot.press(key)
        await pilot.app.workers.wait_for_complete()  # the read behind the screen
        await pilot.pause(0.2)

    assert snap_compare(snapshot_app, terminal_size=size, run_before=open_screen)
