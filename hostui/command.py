"""The ``hostui`` command's entry point: hostui.cli, with start-up run without the garbage
collector.

Start-up imports make some 130,000 objects (modules, classes) that live as long as the
process. While they are being made, the collector walks them again and again and finds
nothing to free: about a tenth of the time to the first page. So it stays off for them: the
TUI turns it back on once it is connected (its last imports are the database layer's) and
freezes what start-up made once its first page is up (``HostUIApp(owns_process=True)``);
every other command turns it on as soon as it is parsed.
"""

from __future__ import annotations

import gc
import sys
import types

# pydantic looks for plugins among the entry points of every installed distribution when it
# builds its first validator: importing importlib.metadata and reading the metadata of the
# whole environment, some 10 ms of every start, for plugins hostui neither ships nor uses.
_PLUGIN_LOADER = "pydantic.plugin._loader"


def _without_pydantic_plugins() -> None:
    """Put a plugin loader that finds none where pydantic imports its own from (only
    ``get_plugins`` is taken from it: tests/test_cli_start.py checks that it still is)."""
    if _PLUGIN_LOADER in sys.modules:
        return  # pydantic already looked (a test process): nothing left to save
    loader = types.ModuleType(_PLUGIN_LOADER)
    loader.get_plugins = lambda: ()  # type: ignore[attr-defined]
    sys.modules[_PLUGIN_LOADER] = loader


def main() -> int:
    gc.disable()
    _without_pydantic_plugins()
    from hostui.cli import main as cli_main

    return cli_main()
