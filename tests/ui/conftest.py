"""Fixtures for driving the app headless with the pilot."""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Iterator
from datetime import date
from pathlib import Path

import pytest

from cryqueue.domain.films import ListRow
from cryqueue.library import Library
from cryqueue.ui.app import CryqueueApp
from cryqueue.ui.widgets.film_list import FilmList

TODAY = date(2026, 1, 15)
SIZE = (100, 30)


MakeApp = Callable[..., CryqueueApp]


@pytest.fixture
def library(tmp_path: Path) -> Iterator[Library]:
    lib = Library.open(tmp_path / "cq.db")
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
