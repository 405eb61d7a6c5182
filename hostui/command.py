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
import os

# pydantic looks for plugins among the entry points of every installed distribution when it
# builds its first validator, reading the metadata of the whole environment on every start
# (5-8 ms here) for plugins hostui neither ships nor uses. PYDANTIC_DISABLE_PLUGINS is
# pydantic's own switch for that; a value the user set is left as it is.
_PLUGINS_VARIABLE = "PYDANTIC_DISABLE_PLUGINS"


def _without_pydantic_plugins() -> None:
    os.environ.setdefault(_PLUGINS_VARIABLE, "__all__")


def main() -> int:
    gc.disable()
    _without_pydantic_plugins()
    from hostui.cli import main as cli_main

    return cli_main()
