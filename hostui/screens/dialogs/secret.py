"""Show secrets the portal hands out on request (a server password, IP-KVM credentials).

The dialog fetches them itself (``fetch`` runs in its worker), shows them in full — for
terminals that ignore OSC 52 — and ``c`` copies the first copyable one to the clipboard
(OSC 52: works over SSH, and in tmux with ``set-clipboard on``). Nothing is kept once the
dialog closes.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import ClassVar

from rich.style import Style
from rich.table import Table
from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.widgets import Static

from hostui.frame.dialog import DialogScreen
from hostui.frame.errors import error_line
from hostui.i18n import N_, _
from hostui.widgets.key_bar import KeyBar

__all__ = ["SecretScreen", "SecretLine", "Secrets"]


@dataclass(frozen=True)
class SecretLine:
    label: str
    value: str
    copy: bool = False
    """``c`` copies the first line marked so."""
    link: bool = False


@dataclass(frozen=True)
class Secrets:
    lines: list[SecretLine]
    note: str = ""


class SecretScreen(DialogScreen[None]):
    DEFAULT_CSS = """
    SecretScreen > #dialog {
        width: 100%;
        max-width: 100;
    }
    SecretScreen #values {
        height: auto;
        margin: 1 0;
    }
    SecretScreen #note {
        height: auto;
        color: $text-muted;
    }
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("c", "copy", N_("Copy")),
        Binding("enter", "close", N_("Done"), show=False),
        Binding("escape", "close", N_("Close")),
    ]

    def __init__(self, title: str, fetch: Callable[[], Awaitable[Secrets]], *, waiting: str) -> None:
        super().__init__()
        self.title_text = title
        self.fetch = fetch
        self.waiting = waiting
        self.secrets: Secrets | None = None

    def compose(self) -> ComposeResult:
        with Vertical(id="dialog"):
            yield Static(self.waiting, id="status", markup=False)
            yield Static("", id="values")
            yield Static("", id="note", markup=False)
            yield Static("", id="error", classes="dialog-error", markup=False)
        yield KeyBar()

    def on_mount(self) -> None:
        self.query_one("#dialog").border_title = self.title_text
        self.load()

    @work(exclusive=True, group="secret")
    async def load(self) -> None:
        try:
            secrets = await self.fetch()
        except Exception as error:  # noqa: BLE001 - shown in the dialog, never a traceback
            self.query_one("#status", Static).display = False
            self.show_error(error_line(error))
            return
        self.secrets = secrets
        self.query_one("#status", Static).display = False
        grid = Table.grid(padding=(0, 2))
        grid.add_column(style="bold", no_wrap=True)
        grid.add_column(overflow="fold")
        for line in secrets.lines:
            style = Style(bold=True, link=line.value) if line.link else Style(bold=line.copy)
            grid.add_row(line.label, Text(line.value, style=style))
        self.query_one("#values", Static).update(grid)
        self.query_one("#note", Static).update(secrets.note)
        self.refresh_bindings()

    def _copyable(self) -> SecretLine | None:
        if self.secrets is None:
            return None
        return next((line for line in self.secrets.lines if line.copy), None)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "copy":
            return self._copyable() is not None
        return True

    def action_copy(self) -> None:
        line = self._copyable()
        if line is not None:
            self.app.copy_to_clipboard(line.value)
            self.notify(_("{label} copied to the clipboard.").format(label=line.label), timeout=3, markup=False)
