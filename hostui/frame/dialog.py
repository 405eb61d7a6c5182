"""The dialog box every dialog shares.

``DialogScreen`` is a ``ModalScreen`` with one bordered box (``#dialog``) centred on the dimmed
screen, sized for 80x24 (at most the terminal's width and height, never more than 76 wide),
a compact footer listing the dialog's keys, and ``escape`` to close. Errors inside a dialog
are shown inline (``show_error``), worded by the frame's one ``error_line``.
"""

from __future__ import annotations

from typing import ClassVar, TypeVar

from textual.binding import BindingType
from textual.screen import ModalScreen
from textual.widgets import Static

__all__ = ["DialogScreen"]

ResultT = TypeVar("ResultT")


class DialogScreen(ModalScreen[ResultT]):
    """A modal dialog box with a title, a footer of its keys, and ``escape`` to close."""

    DEFAULT_CSS = """
    DialogScreen {
        align: center middle;
    }
    DialogScreen > #dialog {
        width: 76;
        max-width: 100%;
        height: auto;
        max-height: 100%;
        padding: 0 1;
        border: round $primary;
        border-title-color: $text;
        border-title-style: bold;
        border-subtitle-color: $text-muted;
        background: $surface;
    }
    DialogScreen .dialog-line {
        height: auto;
        width: 1fr;
    }
    DialogScreen .dialog-muted {
        height: auto;
        color: $text-muted;
    }
    DialogScreen .dialog-error {
        height: auto;
        color: $text-error;
        text-style: bold;
        display: none;
    }
    DialogScreen .dialog-error.-shown {
        display: block;
    }
    DialogScreen .dialog-gap {
        margin-top: 1;
    }
    DialogScreen Footer {
        background: $panel;
    }
    """

    # Subclasses bind escape themselves (last, so the footer lists their own keys first).
    BINDINGS: ClassVar[list[BindingType]] = []

    def action_close(self) -> None:
        self.dismiss(None)

    def show_error(self, message: str | None, widget_id: str = "error") -> None:
        """Show (or with None hide) the dialog's inline error line."""
        line = self.query_one(f"#{widget_id}", Static)
        line.update(message or "")
        line.set_class(bool(message), "-shown")
