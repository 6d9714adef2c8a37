"""Per-key cost in the app with a big library, from key press to the updated screen.

Driven headless with Textual's pilot. The pilot waits for idle with sleeps (about 44 ms of wall
time a key even when nothing happens), so a key's cost is measured as the process CPU time it
takes, all threads (workers) included, minus the same measure for a key the app ignores."""

from __future__ import annotations

import asyncio
import statistics
import time
from datetime import date
from pathlib import Path

from cryqueue.library import Library

# figure name -> keys pressed for one sample (each sample alternates where a key toggles)
KEYS: dict[str, list[tuple[str, ...]]] = {
    "cursor down": [("down",)],
    "page down": [("pagedown",)],
    "toggle watched": [("w",)],
    "set tears": [("3",), ("4",)],
    "move up": [("shift+up",)],
    "jump to end": [("end",), ("home",)],
}
FILTER_TEXT = "love"


async def _measure(db: Path, workdir: Path, samples: int) -> dict[str, list[float]]:
    from cryqueue.ui.app import CryqueueApp
    from cryqueue.ui.screens import main_view as app_module

    # The details pane follows the cursor once it rests (DETAILS_DELAY); measured on its own
    # below, so that a key's figure is the time until the list shows the change.
    rest, app_module.DETAILS_DELAY = app_module.DETAILS_DELAY, 3600.0

    library = Library.open(db)
    app = CryqueueApp(
        library,
        config_file=workdir / "config.json",
        export_dir=workdir,
        today=lambda: date(2026, 1, 15),
    )
    results: dict[str, list[float]] = {}
    try:
        async with app.run_test(size=(120, 40)) as pilot:
            await app.workers.wait_for_complete()
            await pilot.pause()

            async def cost(*keys: str) -> float:
                start = time.process_time()
                await pilot.press(*keys)
                await app.workers.wait_for_complete()
                await pilot.pause()
                return (time.process_time() - start) * 1000

            await cost("f12")
            baseline = statistics.median([await cost("f12") for _ in range(samples)])
            app.main.film_list.cursor = len(app.main.film_list.rows) // 2
            await pilot.pause()
            for name, variants in KEYS.items():
                await cost(*variants[0])  # warm-up
                results[name] = [
                    max(await cost(*variants[i % len(variants)]) - baseline, 0.0)
                    for i in range(samples)
                ]
            await pilot.press("slash")
            typed = []
            for _round in range(max(samples // len(FILTER_TEXT), 1)):
                for char in FILTER_TEXT:
                    typed.append(max(await cost(char) - baseline, 0.0))
                for _char in FILTER_TEXT:
                    await pilot.press("backspace")
                await app.workers.wait_for_complete()
            results["filter keystroke"] = typed
            await pilot.press("escape")
            await app.workers.wait_for_complete()
            follow = []
            for _ in range(samples):
                await pilot.press("down")
                start = time.process_time()
                app.main.show_highlighted()
                await pilot.pause()
                follow.append((time.process_time() - start) * 1000)
            results["details pane after the cursor rests"] = follow
            results["_baseline"] = [baseline]
    finally:
        app_module.DETAILS_DELAY = rest
        library.close()
    return results


def key_costs(db: Path, workdir: Path, samples: int) -> dict[str, list[float]]:
    return asyncio.run(_measure(db, workdir, samples))
