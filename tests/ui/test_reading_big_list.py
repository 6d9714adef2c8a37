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
