"""The app and the real CLI, in two processes, changing the same library at the same time."""

from __future__ import annotations

import asyncio
import sys
from pathlib import Path

from cryqueue.library import Library

from .conftest import SIZE


async def test_cli_writes_while_the_app_writes(make_app, library: Library, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        cli = await asyncio.create_subprocess_exec(
            *(sys.executable, "-m", "cryqueue", "--db", str(tmp_path / "cq.db")),
            *("watch", "Il Mare", "--tears", "5"),
            stderr=asyncio.subprocess.PIPE,
        )
        for _ in range(30):  # the app keeps writing while the CLI starts up and writes
            await pilot.press("shift+down", "3", "shift+up")
        _out, err = await cli.communicate()
        assert cli.returncode == 0, err.decode()
        assert library.find("A Moment to Remember").tear_level == 3
        # the app shows the CLI's change, and its own next change to that film keeps it
        await pilot.press("end")
        while app.main.film_list.current.title != "Il Mare":
            await pilot.press("up")
        assert app.main.film_list.current.watched
        await pilot.press("2")
        entry = library.find("Il Mare")
        assert entry.watched and entry.tear_level == 2
