"""A list longer than the first page: until the whole of it is read, the list says so."""

from __future__ import annotations

from pathlib import Path

import pytest

from cryqueue.library import Library
from cryqueue.ui.screens.list_reading import FIRST_PAGE
from cryqueue.ui.screens.main_view import MainView

from .conftest import SIZE, MakeApp, big_library


async def test_the_list_says_it_is_still_reading_until_the_whole_list_is_there(
    make_app: MakeApp, library: Library, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    big_library(tmp_path / "cq.db", 300)
    read_whole = MainView.reload
    monkeypatch.setattr(MainView, "reload", lambda self, keep_id=None: None)  # not yet
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await app.workers.wait_for_complete()  # the films are counted off the app's thread
        await pilot.pause()
        left = app.main.query_one("#left")
        assert len(app.main.film_list.rows) == FIRST_PAGE
        assert left.border_title == "Ranking · reading 317 films…"
        read_whole(app.main)  # the read arrives
        await pilot.pause()
        assert len(app.main.film_list.rows) == 317
        assert left.border_title == "Ranking"


async def test_a_key_pressed_while_the_list_is_read_is_kept_without_reading_it_again(
    make_app: MakeApp, library: Library, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """At a million films the list takes seconds to read: a film ticked meanwhile has its own
    row read again when the read arrives. Reading the whole list again started over on every
    such key, so a user ticking films as it loaded kept it from ever loading."""
    big_library(tmp_path / "cq.db", 300)
    reads: list[int | None] = []
    monkeypatch.setattr(MainView, "reload", lambda self, keep_id=None: reads.append(keep_id))
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await app.workers.wait_for_complete()
        await pilot.pause()
        in_flight = library.listing()  # the read, made before the key below
        await pilot.press("w")
        await pilot.pause()
        assert app.main.film_list.rows[0].watched, "the line shows the tick at once"
        reads.clear()
        app.main._listing_read(in_flight, None, app.main._changes)  # the read arrives
        await pilot.pause()
        assert not reads, "the list is not read again"
        assert len(app.main.film_list.rows) == 317
        assert app.main.film_list.rows[0].watched
        assert in_flight.stats().watched == 1
