"""Another cryqueue writing while the app is open: the app shows its changes within about a
second, computes its own changes against the database as it is now (never undoing theirs), and
a key pressed on a film they removed is a notification, never the app's end."""

from __future__ import annotations

import asyncio
import sqlite3
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
from textual.pilot import Pilot

from cryqueue.domain.films import FilmFacts
from cryqueue.library import Library
from cryqueue.ui.app import CryqueueApp
from cryqueue.ui.widgets.film_list import FilmList

from .conftest import SIZE, titles

GONE = "no longer in the library"


async def cli(db: Path, *args: str) -> None:
    """The real CLI, in its own process."""
    proc = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "cryqueue", "--db", str(db), *args, stderr=asyncio.subprocess.PIPE
    )
    _out, err = await proc.communicate()
    assert proc.returncode == 0, err.decode()


async def until(pilot: Pilot[None], condition: Callable[[], bool], seconds: float = 2.0) -> bool:
    """Wait (as the user would) until `condition` holds; False if it never did."""
    for _ in range(int(seconds / 0.05)):
        if condition():
            return True
        await pilot.pause(0.05)
    return condition()


def shown(app: CryqueueApp) -> list[str]:
    return [row.title for row in app.main.film_list.rows]


def messages(app: CryqueueApp) -> list[str]:
    """Every notification so far (the app's own list drops them as they expire)."""
    said: list[str] | None = getattr(app, "said", None)
    if said is None:
        said = []
        notify = app.notify

        def spy(message: str, **kwargs: object) -> None:
            said.append(message)
            notify(message, **kwargs)  # type: ignore[arg-type]

        app.notify = spy  # type: ignore[method-assign]
        app.said = said  # type: ignore[attr-defined]
    return said


async def test_the_app_shows_another_writers_changes_within_a_second(
    make_app: Callable[[], CryqueueApp], library: Library, tmp_path: Path
) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert shown(app)[0] == "A Moment to Remember"
        await cli(tmp_path / "cq.db", "move", "Il Mare", "--top")
        await cli(tmp_path / "cq.db", "watch", "Il Mare", "--tears", "4")
        await cli(tmp_path / "cq.db", "note", "Il Mare", "from the other terminal")
        assert await until(pilot, lambda: shown(app)[0] == "Il Mare"), "list order"
        assert await until(pilot, lambda: "watched 1 of 17" in app.main.status_line), (
            app.main.status_line
        )
        await pilot.press("home")
        assert await until(pilot, lambda: "Il Mare" in app.main.details.text)
        assert await until(pilot, lambda: app.main.notes.text == "from the other terminal")
        assert app.main.film_list.current is not None and app.main.film_list.current.tear_level == 4


async def test_a_note_being_edited_is_kept_beside_the_other_writers(
    make_app: Callable[[], CryqueueApp], library: Library, tmp_path: Path
) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("n", *"mine")
        other = Library.open(tmp_path / "cq.db")  # quicker than the CLI: before the autosave
        other.set_note(other.find("A Moment to Remember").id, "theirs")
        other.close()
        await pilot.pause(1.0)  # the app looks for changes meanwhile, and autosaves
        assert app.main.notes.text.startswith("mine"), "the text being typed is never replaced"
        await pilot.press("escape")
        note = library.find("A Moment to Remember").note
        assert "mine" in note and "theirs" in note


async def test_a_move_on_a_stale_screen_never_undoes_another_writers_move(
    make_app: Callable[[], CryqueueApp], library: Library, tmp_path: Path
) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        for _ in range(4):
            await pilot.press("down")
        moved = app.main.film_list.current
        assert moved is not None and moved.rank == 5
        await cli(tmp_path / "cq.db", "move", moved.title, "--top")
        await pilot.press("K")  # the screen may still show it fifth: up must not mean "to 4"
        assert titles(library)[0] == moved.title
        assert await until(pilot, lambda: shown(app)[0] == moved.title)
        await cli(tmp_path / "cq.db", "move", moved.title, "--to", "3")
        await pilot.press("J")  # computed from where it is now: from 3 to 4
        assert titles(library)[3] == moved.title
        assert await until(pilot, lambda: shown(app)[3] == moved.title)


async def test_ctrl_r_reloads_by_hand(
    make_app: Callable[[], CryqueueApp], library: Library, tmp_path: Path
) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        other = Library.open(tmp_path / "cq.db")
        other.set_tears(other.find("A Moment to Remember").id, 5)
        other.close()
        messages(app)
        await pilot.press("ctrl+r")
        assert app.main.film_list.rows[0].tear_level == 5
        assert "Reloaded" in messages(app)[-1]


def keymap() -> list[tuple[str, str]]:
    """(key, action) for every key the list and the app bind: new keys are tested too."""
    bindings = [*FilmList.BINDINGS, *CryqueueApp.BINDINGS]
    pairs = [(key, b.action) for b in bindings for key in b.key.split(",")]  # type: ignore[union-attr]
    return [(k, a) for k, a in pairs if a != "quit"]


async def back_to_the_list(pilot: Pilot[None], app: CryqueueApp) -> None:
    """Close whatever the key opened (a dialog, the filter, the notes)."""
    for _ in range(4):
        if app.screen is app.screen_stack[0] and app.main.film_list.has_focus:
            break
        await pilot.press("escape")
        if app.screen is app.screen_stack[0]:
            app.main.film_list.focus()
        await pilot.pause()


async def test_every_key_on_a_film_another_writer_removed(
    make_app: Callable[[], CryqueueApp], library: Library, tmp_path: Path
) -> None:
    for n in range(50):  # a film for every key
        library.add_film(FilmFacts(title=f"Extra {n}", year=2001))
    other = Library.open(tmp_path / "cq.db")
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert app.main.watch_timer is not None
        messages(app)
        app.main.watch_timer.pause()  # the key lands before the app's next look: a stale screen
        first = True
        for key, action in keymap():
            await pilot.press("home")
            # the details follow the cursor first (else, a moment later, they would catch up)
            app.main.show_highlighted()
            await pilot.pause()
            row = app.main.film_list.current
            assert row is not None
            if first:  # the real CLI once; then another connection, which is the same to SQLite
                await cli(tmp_path / "cq.db", "remove", f"{row.title} ({row.year})")
                first = False
            else:
                other.remove_film(row.id)
            before = len(messages(app))
            await pilot.press(key)
            await pilot.pause()
            await back_to_the_list(pilot, app)
            assert app.is_running, key
            assert app.screen is app.screen_stack[0], key
            if not action.startswith("app."):
                await pilot.press("ctrl+r")  # this key did not look; the timer is paused
            assert row.id not in {r.id for r in app.main.film_list.rows}, key
            if action.startswith("app."):  # a key for the highlighted film says it is gone
                said = messages(app)[before:]
                assert any(GONE in m for m in said), (key, said)
        await pilot.press("q")
    assert app.return_code in (0, None)
    other.close()


async def test_a_damaged_library_is_a_notification_not_the_end(
    make_app: Callable[[], CryqueueApp], library: Library, tmp_path: Path
) -> None:
    conn = sqlite3.connect(tmp_path / "cq.db")
    conn.execute("UPDATE film SET tags_json = '[\"sad' WHERE title = 'The Letter'")
    conn.commit()
    conn.close()
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        messages(app)
        await pilot.press("down")
        await pilot.pause(0.3)
        assert app.is_running
        assert any("cryqueue doctor" in m for m in messages(app)), messages(app)
        await pilot.press("up", "w")  # the rest of the library still works
        assert library.find("A Moment to Remember").watched
        # The status line follows a change after DETAILS_DELAY and, the list never read,
        # recounts the films off the app's thread: the app is not to end before the count
        # comes back, or the count finds its screen gone (a race of the app's, at quitting).
        await pilot.pause(0.1)
        await app.workers.wait_for_complete()


async def test_notifications_and_dialogs_show_text_not_sequences(
    make_app: Callable[[], CryqueueApp],
) -> None:
    from cryqueue.ui.screens.dialogs import ConfirmDialog

    hostile = "[b]REC[/b] \x1b]52;c;aGk=\x07\x1b[2J"
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        app.notify(hostile)
        await pilot.pause()
        shown = [n.message for n in app._notifications]
        assert shown[-1] == "[b]REC[/b] \\x1b]52;c;aGk=\\x07\\x1b[2J"
        app.push_screen(ConfirmDialog(f"Import {hostile}?"))
        await pilot.pause()
        text = str(app.screen.query_one(".dialog-title").render())
        assert "\x1b" not in text and "\\x1b" in text and "[b]REC[/b]" in text


async def test_a_deeply_nested_config_is_reported_and_the_app_starts(
    make_app: Callable[[], CryqueueApp], tmp_path: Path
) -> None:
    config = tmp_path / "config" / "config.json"
    config.parent.mkdir()
    config.write_text("[" * 100_000 + "]" * 100_000)
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert app.is_running
        assert any("using the defaults" in n.message for n in app._notifications)


async def test_a_failing_read_in_a_handler_is_said_and_keys_still_work(
    make_app: Callable[[], CryqueueApp], library: Library, monkeypatch: pytest.MonkeyPatch
) -> None:
    from cryqueue.domain.errors import CryqueueError
    from cryqueue.ui.screens.dialogs import FilmFormDialog

    def busy() -> dict[int, int]:
        raise CryqueueError("the database stayed busy (another cryqueue is writing)")

    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        messages(app)
        monkeypatch.setattr(library, "consensus_places", busy)
        await pilot.press("s")  # sorting by consensus reads the lists' places
        await pilot.press("slash", "x")  # a keystroke in the filter re-reads them too
        await pilot.pause()
        assert sum("stayed busy" in m for m in messages(app)) >= 2
        await pilot.press("escape", "a")  # the app still takes keys
        assert isinstance(app.screen, FilmFormDialog)
