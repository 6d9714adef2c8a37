"""Undo and redo of a change to one film show it as the change itself did, without reading
the whole list again: at 100,000 films that read cost an undo two seconds (#17)."""

from __future__ import annotations

import pytest

from cryqueue.library import Library
from cryqueue.ui.app import CryqueueApp

from .conftest import SIZE, MakeApp, until


def _shown(app: CryqueueApp) -> list[tuple[int, int, bool, int | None, float | None]]:
    return [(r.id, r.rank, r.watched, r.tear_level, r.rating) for r in app.main.film_list.rows]


def _stored(library: Library) -> list[tuple[int, int, bool, int | None, float | None]]:
    return [(r.id, r.rank, r.watched, r.tear_level, r.rating) for r in library.listing()]


async def test_undo_and_redo_of_one_film_show_it_without_a_new_read(
    make_app: MakeApp, library: Library, monkeypatch: pytest.MonkeyPatch
) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        reads: list[int | None] = []
        monkeypatch.setattr(app.main, "reload", lambda keep_id=None: reads.append(keep_id))
        await pilot.press("down", "w", "4", "shift+down", "shift+down")
        moved = app.main.film_list.current
        assert moved is not None and moved.rank == 4
        for key in ["ctrl+z"] * 4 + ["ctrl+y"] * 4 + ["ctrl+z"] * 2:
            await pilot.press(key)
            assert _shown(app) == _stored(library), key
            current = app.main.film_list.current
            assert current is not None and current.id == moved.id, "the film stays highlighted"
        assert reads == []
        assert app.main.listing is not None
        assert [r[:5] for r in _stored(library)] == [
            (r.id, r.rank, r.watched, r.tear_level, r.rating) for r in app.main.listing
        ]


async def test_undo_of_a_move_in_another_order_reads_the_list_again(
    make_app: MakeApp, library: Library, monkeypatch: pytest.MonkeyPatch
) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("shift+down", "s")  # moved, then sorted by consensus
        await pilot.pause()
        reads: list[int | None] = []
        read = app.main.reload

        def counted(keep_id: int | None = None) -> None:
            reads.append(keep_id)
            read(keep_id)

        monkeypatch.setattr(app.main, "reload", counted)
        await pilot.press("ctrl+z")
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert reads, "a move's line cannot be moved in a consensus order: the list is read"
        assert sorted(_shown(app)) == sorted(_stored(library))


async def test_undo_says_what_it_undid_in_the_status_line_for_a_moment(
    make_app: MakeApp, library: Library, monkeypatch: pytest.MonkeyPatch
) -> None:
    from cryqueue.ui.screens import main_view

    monkeypatch.setattr(main_view, "SAID_FOR", 60.0)  # stays while checked, however slow
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("4", "ctrl+z")
        assert app.main.status_line.startswith("Undid tear level · watched "), app.main.status_line
        assert not app._notifications, "no toast to mount and lay out"
        await pilot.press("ctrl+y")
        assert app.main.status_line.startswith("Redid tear level · ")
        await pilot.press("ctrl+y")
        assert app.main.status_line.startswith("nothing to redo · ")
        monkeypatch.setattr(main_view, "SAID_FOR", 1.0)  # long enough to be seen when loaded
        await pilot.press("ctrl+z")
        assert app.main.status_line.startswith("Undid tear level · ")
        await until(pilot, lambda: app.main.status_line.startswith("watched "))  # and then it goes
