"""What an app left open for days must not pile up: every change of a widget has to let what
it no longer shows go."""

from __future__ import annotations

import gc

import pytest
from textual.widgets._footer import FooterKey

from cryqueue.ui.widgets.calm_footer import CalmFooter

from .conftest import SIZE, MakeApp, screen_text, spy


def _footer_line(app: object) -> str:
    return screen_text(app).splitlines()[-1]  # type: ignore[arg-type]


async def test_the_footer_changes_its_keys_in_place_and_keeps_no_others(
    make_app: MakeApp,
) -> None:
    """The footer changes whenever the keys it shows change (a question asked and answered,
    the filter opened and closed, the notes entered and left): it shows each pane's keys, and
    the keys it no longer shows are neither kept alive nor mounted again and again."""
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        footer = app.screen.query_one(CalmFooter)
        list_keys = _footer_line(app)
        assert "w Watched" in list_keys and "^p palette" in list_keys
        seen: set[int] = set()
        for round_ in range(5):
            await pilot.press("slash", "escape", "r", "escape", "n")
            await pilot.pause()
            notes_keys = _footer_line(app)
            assert "esc Back to list" in notes_keys and "^p palette" in notes_keys
            assert "Watched" not in notes_keys
            await pilot.press("escape")
            await pilot.pause()
            assert _footer_line(app) == list_keys
            keys = {id(key) for key in footer.query(FooterKey)}
            assert round_ == 0 or keys == seen, "keys mounted again for keys shown before"
            seen = keys
        mounted = list(footer.query(FooterKey))
        assert len(mounted) == len(footer.children), "only keys in the footer"
        gc.collect()
        alive = [o for o in gc.get_objects() if isinstance(o, FooterKey)]
        assert len(alive) == len(mounted), f"{len(alive) - len(mounted)} keys not shown kept"
        assert len(mounted) <= 20, f"{len(mounted)} keys mounted for at most 18 shown"


async def test_the_footer_keys_are_styled_once_as_they_mount(
    make_app: MakeApp, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Each key the footer mounts comes in its final style: Textual's keys start compact
    and were then bound to the footer's `compact`, so each one was styled three times as the
    app started (and as the footer first showed each pane's keys)."""
    app = make_app()
    restyled = spy(monkeypatch, app, "update_styles")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("n")  # the notes' keys: some mounted beyond the list's
        await pilot.pause()
        assert "esc Back to list" in _footer_line(app)
        keys = [node for node, *_ in restyled if isinstance(node, FooterKey)]
        assert keys == [], f"{len(keys)} footer keys restyled after they were made"
