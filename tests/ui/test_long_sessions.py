"""What an app left open for days must not pile up: every rebuild of a widget has to let the
one before it go."""

from __future__ import annotations

import gc

from textual.widgets._footer import FooterKey

from cryqueue.ui.widgets.calm_footer import CalmFooter

from .conftest import SIZE, MakeApp


async def test_the_footer_lets_the_keys_it_no_longer_shows_go(make_app: MakeApp) -> None:
    """The footer is rebuilt whenever the keys it shows change (a question asked and answered,
    the filter opened and closed); the keys it showed before must be freed."""
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        footer = app.screen.query_one(CalmFooter)
        before = {id(key) for key in footer.query(FooterKey)}
        for _ in range(5):
            await pilot.press("slash", "escape", "r", "escape")
            await pilot.pause()
        shown = list(footer.query(FooterKey))
        assert shown and not before & {id(key) for key in shown}, "the footer was not rebuilt"
        gc.collect()
        alive = [o for o in gc.get_objects() if isinstance(o, FooterKey)]
        assert len(alive) == len(shown), f"{len(alive) - len(shown)} keys no longer shown kept"
