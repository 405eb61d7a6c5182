"""Helpers for the TUI tests (imported by conftest.py and the test modules)."""

from __future__ import annotations

import asyncio
import io
from collections.abc import Callable

from rich.console import Console
from textual.worker import WorkerCancelled

from backend.demo import DEMO_NOW


def fixed_clock():  # noqa: ANN201
    return DEMO_NOW


async def settle(pilot, condition: Callable[[], bool] | None = None, timeout: float = 10.0) -> None:  # noqa: ANN001
    """Wait until no worker runs, the screen is idle (and ``condition()`` holds, if given)."""
    app = pilot.app
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while True:
        try:
            await app.workers.wait_for_complete()
        except WorkerCancelled:
            pass  # an exclusive load replaced by a newer one: expected
        await pilot.pause()
        busy = any(worker.is_running for worker in app.workers)
        loading = getattr(app.screen, "is_loading", False)
        if not busy and not loading and (condition is None or condition()):
            await pilot.pause()
            return
        if loop.time() > deadline:
            raise AssertionError(f"the app did not settle within {timeout} s (screen {app.screen!r})")
        await asyncio.sleep(0.02)


def screen_text(app) -> str:  # noqa: ANN001
    """The current screen as plain text (what a user would read)."""
    width, height = app.size
    console = Console(
        width=width, height=height, file=io.StringIO(), force_terminal=True,
        color_system="truecolor", record=True, legacy_windows=False, safe_box=False,
    )
    console.print(app.screen._compositor.render_update(full=True, screen_stack=app._background_screens))
    return console.export_text()
