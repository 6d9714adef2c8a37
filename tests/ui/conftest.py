"""Fixtures for driving the app headless with the pilot."""

from __future__ import annotations

import sqlite3
import time
from collections.abc import Callable, Iterator
from datetime import date
from pathlib import Path
from typing import Any

import pytest
import textual._wait
import textual.screen
from textual._styles_cache import StylesCache
from textual.css.model import RuleSet
from textual.css.stylesheet import Stylesheet
from textual.css.types import CSSLocation
from textual.pilot import Pilot

from cryqueue.domain.films import ListRow
from cryqueue.library import Library
from cryqueue.ui.app import CryqueueApp
from cryqueue.ui.widgets.film_list import FilmList

TODAY = date(2026, 1, 15)
SIZE = (100, 30)


MakeApp = Callable[..., CryqueueApp]

# The pilot waits after each key until the app is idle: until a sleep of this long passes with
# under a twentieth of it spent on the CPU. Textual's 20 ms makes every key cost at least 40 ms
# of sleeping, about half of these tests' time. The sleep must outlast a screen refresh (every
# 1/60 s in Textual), so that a key's new layout is in place when the pilot returns: the tests
# refresh the screen at 200 frames a second, well within the 10 ms sleep.
IDLE_CHECK_SECONDS = 0.01
REFRESH_SECONDS = 0.005


@pytest.fixture(autouse=True)
def _quicker_idle_check(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(textual._wait, "SLEEP_GRANULARITY", IDLE_CHECK_SECONDS)
    monkeypatch.setattr(textual._wait, "SLEEP_IDLE", IDLE_CHECK_SECONDS / 20)
    monkeypatch.setattr(textual.screen, "UPDATE_PERIOD", REFRESH_SECONDS)


@pytest.fixture(autouse=True)
def _no_render_caches_kept() -> Iterator[None]:
    """Textual's StylesCache.get_inner_outer is an lru_cache on an instance method: it keeps
    the last 1,024 widgets' StylesCaches alive, each with the lines it rendered (some 400,000
    objects in a worker, which made each of its full garbage collections take 0.3 s). An app
    keeps its widgets anyway; a test's are let go when it ends."""
    yield
    StylesCache.get_inner_outer.cache_clear()


@pytest.fixture(autouse=True, scope="session")
def _css_parsed_once() -> Iterator[None]:
    """Each app parses the CSS of every widget it shows, though it is the same text in every
    test: parse each text once per worker, for its CSS variables (a theme's colours)."""
    parse = Stylesheet._parse_rules
    parsed: dict[tuple[object, ...], list[RuleSet]] = {}

    def parse_once(
        self: Stylesheet,
        css: str,
        read_from: CSSLocation,
        is_default_rules: bool = False,
        tie_breaker: int = 0,
        scope: str = "",
    ) -> list[RuleSet]:
        key = (css, read_from, is_default_rules, tie_breaker, scope, *self._variables.items())
        if key not in parsed:
            parsed[key] = parse(self, css, read_from, is_default_rules, tie_breaker, scope)
        return parsed[key]

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(Stylesheet, "_parse_rules", parse_once)
        yield


@pytest.fixture
def library(db_path: Path) -> Iterator[Library]:
    """The app's library: a copy of the seeded library at tmp_path/cq.db (see db_path)."""
    lib = Library.open(db_path)
    yield lib
    lib.close()


@pytest.fixture
def make_app(tmp_path: Path, library: Library) -> Callable[..., CryqueueApp]:
    def make(**kwargs: object) -> CryqueueApp:
        return CryqueueApp(
            library,
            config_file=tmp_path / "config" / "config.json",
            export_dir=tmp_path / "exports",
            today=lambda: TODAY,
            **kwargs,  # type: ignore[arg-type]
        )

    return make


def spy(monkeypatch: pytest.MonkeyPatch, owner: object, name: str) -> list[tuple[Any, ...]]:
    """Every call's arguments to `owner.name` from now on (the call itself still made): for
    tests of what a key draws or lays out."""
    calls: list[tuple[Any, ...]] = []
    original = getattr(owner, name)

    def spied(*args: Any, **kwargs: Any) -> Any:
        calls.append(args)
        return original(*args, **kwargs)

    monkeypatch.setattr(owner, name, spied)
    return calls


async def until(pilot: Pilot[Any], shown: Callable[[], bool], within: float = 3.0) -> None:
    """Wait until `shown()` holds, failing after `within` seconds: for what the app does on a
    timer or in a worker (another writer's change is shown on the next look, every WATCH_EVERY
    seconds), rather than a fixed pause that is too short on a busy machine."""
    deadline = time.monotonic() + within
    while not shown():
        assert time.monotonic() < deadline, f"not shown within {within} s"
        await pilot.pause(0.02)


def titles(library: Library) -> list[str]:
    return [f.title for f in library.films()]


def film(library: Library, title: str):  # type: ignore[no-untyped-def]
    return library.find(title)


def highlighted(films: FilmList) -> ListRow:
    """The highlighted row, which a test expects to be there."""
    row = films.current
    assert row is not None
    return row


def screen_text(app: CryqueueApp) -> str:
    """The screen as a reader sees it: the screenshot's text, line by line."""
    import html
    import re

    rows: dict[float, list[tuple[float, str]]] = {}
    pattern = r'<text class="[^"]*" x="([\d.]+)" y="([\d.]+)"[^>]*>(.*?)</text>'
    for match in re.finditer(pattern, app.export_screenshot(), re.S):
        x, y, text = float(match[1]), float(match[2]), html.unescape(match[3])
        rows.setdefault(y, []).append((x, text.replace("\xa0", " ")))
    return "\n".join("".join(t for _x, t in sorted(row)) for _y, row in sorted(rows.items()))


def big_library(db: Path, films: int) -> None:
    """A seeded library with `films` more films, written straight into SQLite (an import of
    that many would take longer than the test)."""
    Library.open(db).close()
    conn = sqlite3.connect(db)
    try:
        with conn:
            conn.execute(
                "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < ?) "
                "INSERT INTO film (title, year, kind, cast_json, synopsis, title_norm, "
                "search_norm, user_edited, rank_key, tags_json, watched_undated, note, "
                "added_at, updated_at) SELECT 'Film ' || i, 1950 + i % 70, 'film', '[]', '', "
                "'film ' || i, 'film ' || i, 0, (1000 + i) * 1048576, '[]', 0, '', "
                "'2026-01-01 00:00:00', '2026-01-01 00:00:00' FROM n",
                (films,),
            )
    finally:
        conn.close()
