"""The app on a library in PostgreSQL: the same keys change the same rows, and another
machine's changes show within a second (the generation counter, asked every half second)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import pytest

from cryqueue.library import Library
from cryqueue.storage.location import ServerUrl
from cryqueue.ui.app import CryqueueApp

from .conftest import SIZE, MakeApp, titles
from .test_other_writers import shown, until


@pytest.fixture
def server_url(pg_database: str) -> ServerUrl:
    return ServerUrl(pg_database)


@contextmanager
def another_machine(url: ServerUrl) -> Iterator[Library]:
    """The same library, opened apart from the app, as another machine would."""
    lib = Library.open(url)
    try:
        yield lib
    finally:
        lib.close()


@pytest.fixture
def library(server_url: ServerUrl) -> Iterator[Library]:
    """The app's library, on the server (this module's tests only)."""
    with another_machine(server_url) as lib:
        yield lib


async def test_keys_change_the_library_on_the_server(
    make_app: MakeApp, library: Library, server_url: ServerUrl
) -> None:
    app: CryqueueApp = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("down", "w", "4", "K")
        await pilot.pause()
    with another_machine(server_url) as other:
        moved = other.films()[0]
        assert moved.title == "The Letter" and moved.watched and moved.tear_level == 4
        assert titles(other)[1] == "A Moment to Remember"


async def test_another_machines_change_shows_within_a_second(
    make_app: MakeApp, library: Library, server_url: ServerUrl
) -> None:
    app: CryqueueApp = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert shown(app)[0] == "A Moment to Remember"
        with another_machine(server_url) as other:
            other.move_to(other.find("Il Mare").id, 1)
        assert await until(pilot, lambda: shown(app)[0] == "Il Mare"), "list order"
