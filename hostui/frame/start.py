"""What the user sees until the service is ready: progress, or a failure and what to do."""

from __future__ import annotations

from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.screen import Screen
from textual.widgets import Static

from hostui.i18n import N_, _
from hostui.widgets.key_bar import KeyBar
from hostui.widgets.loading import Loading

__all__ = ["StartScreen"]


class StartScreen(Screen[None]):
    """What the user sees until the service is ready: progress, or a failure and what to do."""

    DEFAULT_CSS = """
    StartScreen {
        align: center middle;
    }
    StartScreen #box {
        width: 76;
        max-width: 100%;
        height: auto;
        padding: 1 2;
        border: round $primary;
        border-title-color: $text;
        border-title-style: bold;
    }
    StartScreen.-failed #box {
        border: round $error;
    }
    StartScreen #progress-indicator {
        height: 1;
        margin-bottom: 1;
    }
    StartScreen.-failed #progress-indicator {
        display: none;
    }
    StartScreen #message {
        height: auto;
    }
    StartScreen #error {
        height: auto;
        color: $text-error;
        text-style: bold;
        display: none;
    }
    StartScreen #advice {
        height: auto;
        margin-top: 1;
        display: none;
    }
    StartScreen.-failed #error, StartScreen.-failed #advice {
        display: block;
    }
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("r", "app.reconnect", N_("Retry"), id="start.retry"),
        Binding("q", "app.quit", N_("Quit"), id="app.quit"),
    ]

    def compose(self) -> ComposeResult:
        with Vertical(id="box"):
            yield Loading(id="progress-indicator")
            yield Static(_("Starting…"), id="message", markup=False)
            yield Static("", id="error", markup=False)
            yield Static("", id="advice", markup=False)
        yield KeyBar()

    def __init__(self, *, id: str | None = None) -> None:  # noqa: A002
        super().__init__(id=id)
        self._state: tuple[str, str, str] = (_("Starting…"), "", "")
        self._failed = False
        self._done = False
        self._ready = False

    def on_mount(self) -> None:
        self.query_one("#box").border_title = "hostui"
        self._ready = True
        self._apply()

    @property
    def failed(self) -> bool:
        return self._failed

    @property
    def message(self) -> str:
        """What the screen says (the progress line, or the failure's title, error and advice)."""
        return "\n".join(part for part in self._state if part)

    def show_progress(self, message: str) -> None:
        self._failed = False
        self._done = False
        self._state = (message, "", "")
        self._apply()

    def show_failure(self, title: str, error: str, advice: str) -> None:
        self._failed = True
        self._state = (title, error, advice)
        self._apply()

    def show_connected(self) -> None:
        """The sections took over: the screen stays in the app's default stack, unseen, and
        its indicator must not keep redrawing for as long as hostui runs."""
        self._done = True
        self._apply()

    def _apply(self) -> None:
        if not self._ready:
            return  # on_mount applies it
        self.set_class(self._failed, "-failed")
        self.query_one(Loading).spin(not (self._failed or self._done))
        title, error, advice = self._state
        self.query_one("#message", Static).update(title)
        self.query_one("#error", Static).update(error)
        self.query_one("#advice", Static).update(advice)
        self.refresh_bindings()
