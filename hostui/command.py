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


def main() -> int:
    gc.disable()
    from hostui.cli import main as cli_main

    return cli_main()
