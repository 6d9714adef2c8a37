"""Fixtures for driving the app headless with the pilot."""

from __future__ import annotations

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
