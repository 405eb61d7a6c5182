"""A small tmux driver: what a user in a terminal sees, and when.

A command runs in a detached tmux session of a fixed size, as it would over SSH; the screen is
read with ``tmux capture-pane -p`` in a tight loop, so "first paint" is the moment a known text
is on screen and "key to paint" the time from sending a key until the screen shows its effect.
Textual draws on stderr, so nothing is redirected: the pane is the program's terminal.

Every session lives on one tmux server of this process (its own socket, so a user's tmux is
never touched) with a unique name; an idle keeper session holds that server up between
measurements, so no figure pays for starting tmux itself.
"""

from __future__ import annotations

import atexit
import itertools
import os
import re
import shlex
import shutil
import subprocess
import time
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SOCKET = f"hostui-bench-{os.getpid()}"
WIDTH, HEIGHT = 120, 40
_names = itertools.count(1)
_keeper: str | None = None
_socket_path: Path | None = None

Predicate = Callable[[str], bool]


class ScreenTimeout(RuntimeError):
    """The screen did not show what was waited for; the message includes the screen."""


def tmux_available() -> bool:
    return shutil.which("tmux") is not None


def _tmux(*args: str) -> str:
    result = subprocess.run(["tmux", "-L", SOCKET, *args], capture_output=True, text=True)
    if result.returncode != 0:
        raise RuntimeError(f"tmux {' '.join(args)}: {result.stderr.strip()}")
    return result.stdout


def _keep_server_up() -> None:
    global _keeper, _socket_path
    if _keeper is None:
        _keeper = f"keeper-{os.getpid()}"
        # It ends with this process, however that ends, and the tmux server with it.
        _tmux("new-session", "-d", "-s", _keeper, "-x", "20", "-y", "5",
              f"while kill -0 {os.getpid()} 2>/dev/null; do sleep 1; done")
        _socket_path = Path(_tmux("display-message", "-p", "-t", _keeper, "#{socket_path}").strip())
        atexit.register(_stop_server)


def _stop_server() -> None:
    global _keeper
    if _keeper is not None:
        subprocess.run(["tmux", "-L", SOCKET, "kill-session", "-t", _keeper], capture_output=True)
        _keeper = None
        if _socket_path is not None:  # tmux leaves its socket file behind
            _socket_path.unlink(missing_ok=True)


def _vm_rss_kib(pid: int) -> int | None:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    except OSError:
        return None
    return None


def _children(pid: int) -> list[int]:
    children: list[int] = []
    for task in Path(f"/proc/{pid}/task").glob("*"):
        try:
            children += [int(child) for child in (task / "children").read_text().split()]
        except OSError:
            pass
    return children


def _comm(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/comm").read_text().strip()
    except OSError:
        return ""


class Terminal:
    """One command in its own tmux session; use as a context manager (the session is killed)."""

    def __init__(
        self,
        command: Sequence[str],
        *,
        env: Mapping[str, str] | None = None,
        cwd: Path = ROOT,
        width: int = WIDTH,
        height: int = HEIGHT,
    ) -> None:
        self.command = list(command)
        self.env = dict(env or {})
        self.cwd = cwd
        self.width = width
        self.height = height
        self.name = f"bench-{os.getpid()}-{next(_names)}"

    # -- life

    def start(self) -> float:
        """Start the command; returns the ``time.perf_counter()`` just before it was started."""
        _keep_server_up()
        # The caller's own HOSTUI_* settings (a developer's token or config) stay out.
        unset = [f"--unset={key}" for key in os.environ if key.startswith("HOSTUI_") and key not in self.env]
        assignments = [f"{key}={value}" for key, value in self.env.items()]
        shell = f"cd {shlex.quote(str(self.cwd))} && exec env {shlex.join(unset + assignments + self.command)}"
        started_at = time.perf_counter()
        # remain-on-exit in the same tmux call: a command that dies at once leaves its last
        # screen (the traceback) for the error message instead of taking the pane with it.
        _tmux("new-session", "-d", "-s", self.name, "-x", str(self.width), "-y", str(self.height), shell,
              ";", "set-option", "-w", "-t", self.name, "remain-on-exit", "on")
        return started_at

    def close(self) -> None:
        subprocess.run(["tmux", "-L", SOCKET, "kill-session", "-t", self.name], capture_output=True)

    def __enter__(self) -> Terminal:
        self.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- what is on screen

    def screen(self) -> str:
        return _tmux("capture-pane", "-p", "-t", self.name)

    def wait_for(self, wanted: str | Predicate, timeout: float = 30.0, what: str = "") -> str:
        """Poll the screen until it contains ``wanted`` (a text) or ``wanted(screen)`` is true;
        returns that screen. Raises ``ScreenTimeout`` showing the last screen."""
        test: Predicate = (lambda screen: wanted in screen) if isinstance(wanted, str) else wanted
        label = what or (repr(wanted) if isinstance(wanted, str) else "the expected screen")
        deadline = time.perf_counter() + timeout
        next_liveness_check = time.perf_counter() + 1.0
        while True:
            screen = self.screen()
            if test(screen):
                return screen
            now = time.perf_counter()
            if now > next_liveness_check:
                next_liveness_check = now + 1.0
                if self.exited():
                    raise ScreenTimeout(f"{' '.join(self.command)} exited before {label} was on screen:\n{screen}")
            if now > deadline:
                raise ScreenTimeout(
                    f"{' '.join(self.command)}: no {label} on screen after {timeout:.0f} s. The screen:\n{screen}"
                )

    def exited(self) -> bool:
        """True once the program has ended (its pane stays, showing its last screen)."""
        return _tmux("display-message", "-p", "-t", self.name, "#{pane_dead}").strip() == "1"

    # -- keys

    def press(self, key: str) -> None:
        """Send one key, in tmux's names (``f``, ``]``, ``Enter``, ``C-p``)."""
        _tmux("send-keys", "-t", self.name, key)

    def key_to_paint_ms(self, key: str, until: Predicate, timeout: float = 30.0, what: str = "") -> tuple[float, str]:
        """Send ``key`` and poll until ``until(screen)``; returns the milliseconds and that screen."""
        started = time.perf_counter()
        self.press(key)
        screen = self.wait_for(until, timeout, what or f"effect of key {key!r}")
        return (time.perf_counter() - started) * 1000, screen

    # -- the process

    def pid(self) -> int:
        """The program's process: the pane's, or the one child of a shell that did not exec."""
        pid = int(_tmux("list-panes", "-t", self.name, "-F", "#{pane_pid}").split()[0])
        while _comm(pid) in {"sh", "bash", "dash", "env"}:
            children = _children(pid)
            if len(children) != 1:
                break
            pid = children[0]
        return pid

    def rss_mib(self) -> float:
        """Resident set size of the program (VmRSS), in MiB."""
        pid = self.pid()
        kib = _vm_rss_kib(pid)
        if kib is None:
            raise RuntimeError(f"no VmRSS for pid {pid} ({' '.join(self.command)})")
        return kib / 1024


# -- reading what Textual drew

_STATUS = re.compile(r"Page (?P<page>[\d,.]+) of (?P<pages>[\d,.+]+) · (?P<total>.+?) · (?P<label>[^·]+?)\s*$")
_EMPTY = re.compile(r"^\s*0 (?P<nouns>\w+) · (?P<label>[^·]+?)\s*$")


def status_line(screen: str) -> dict[str, str] | None:
    """The paged-list status line ("Page 3 of 2,000 · 100,000 invoices · unpaid", or
    "0 invoices · deleted") as its parts; None while none is shown (loading, another screen)."""
    for line in reversed(screen.splitlines()):
        match = _STATUS.search(line)
        if match:
            return match.groupdict()
        match = _EMPTY.match(line)
        if match:
            return {"page": "1", "pages": "1", "total": f"0 {match['nouns']}", "label": match["label"]}
    return None


def page_number(text: str) -> int:
    return int(re.sub(r"\D", "", text) or 0)


def percentile(values: Sequence[float], fraction: float) -> float:
    """The nearest-rank percentile (p95 of 20 samples is the 19th smallest)."""
    ordered = sorted(values)
    rank = max(1, min(len(ordered), -(-round(fraction * 100) * len(ordered) // 100)))
    return ordered[rank - 1]
