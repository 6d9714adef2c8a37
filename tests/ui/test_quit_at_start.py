"""Quitting as the app starts (q pressed before its header and footer are in) ends it cleanly:
the start-up steps left stop, none raises on a screen already gone."""

from __future__ import annotations

import pytest

from cryqueue.ui.screens import main_view
from cryqueue.ui.widgets.status_header import StatusHeader

from .conftest import SIZE, MakeApp


class _QuittingHeader(StatusHeader):
    """The header's arrival is the moment q lands: the app starts to close."""

    def on_mount(self) -> None:
        self.app.exit()


async def test_quitting_while_the_header_and_footer_arrive_is_clean(
    make_app: MakeApp, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(main_view, "StatusHeader", _QuittingHeader)
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause(0.3)
    assert app.return_code == 0
