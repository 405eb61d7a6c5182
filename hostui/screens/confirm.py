"""Dialogs: the base every invoice dialog shares, and a generic yes/no confirmation.

``DialogScreen`` is a ``ModalScreen`` with one bordered box (``#dialog``) centred on the dimmed
screen, sized for 80x24 (at most the terminal's width and height, never more than 76 wide),
a compact footer listing the dialog's keys, and ``escape`` to close. ``error_text`` turns any
exception into a line fit for the user (a ``ServiceError``'s own message; anything else is
marked unexpected).

``ConfirmScreen`` asks a yes/no question: ``y`` / ``n`` / ``escape``; the focused button is
"No", so a stray ``enter`` never confirms. It dismisses with ``True`` or ``False``.
"""

from __future__ import annotations

from typing import ClassVar, TypeVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Footer, Static

from backend.contract import ServiceError

__all__ = ["DialogScreen", "ConfirmScreen", "error_text"]

ResultT = TypeVar("ResultT")


def error_text(error: BaseException) -> str:
    """One line for the user: a ServiceError's own message, else type and first line."""
    if isinstance(error, ServiceError):
        text = str(error)
        return text[:1].upper() + text[1:]
    lines = str(error).strip().splitlines()
    first = lines[0] if lines else ""
    name = type(error).__name__
    return f"Unexpected error: {name}: {first}" if first else f"Unexpected error: {name}"


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


class ConfirmScreen(DialogScreen[bool]):
    """A yes/no question; dismisses with True only for an explicit yes."""

    DEFAULT_CSS = """
    ConfirmScreen > #dialog {
        width: 64;
    }
    ConfirmScreen #buttons {
        height: auto;
        margin-top: 1;
        align-horizontal: right;
    }
    ConfirmScreen #buttons Button {
        margin-left: 2;
        min-width: 10;
    }
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("y", "answer(True)", "Yes"),
        Binding("n", "answer(False)", "No"),
        Binding("escape", "answer(False)", "Cancel"),
        Binding("left,right", "app.focus_previous", "Move", show=False),
    ]

    def __init__(
        self,
        question: str,
        *,
        title: str = "Confirm",
        detail: str | None = None,
        yes: str = "Yes",
        no: str = "No",
        dangerous: bool = True,
    ) -> None:
        super().__init__()
        self.question = question
        self.title_text = title
        self.detail = detail
        self.yes_label = yes
        self.no_label = no
        self.dangerous = dangerous

    def compose(self) -> ComposeResult:
        with Vertical(id="dialog"):
            yield Static(self.question, id="question", classes="dialog-line", markup=False)
            if self.detail:
                yield Static(self.detail, id="detail", classes="dialog-muted dialog-gap", markup=False)
            with Horizontal(id="buttons"):
                yield Button(f"{self.no_label} (n)", id="no", compact=True)
                yield Button(
                    f"{self.yes_label} (y)",
                    id="yes",
                    variant="error" if self.dangerous else "primary",
                    compact=True,
                )
        yield Footer(compact=True)

    def on_mount(self) -> None:
        self.query_one("#dialog").border_title = self.title_text
        self.query_one("#no", Button).focus()

    def action_answer(self, answer: bool) -> None:
        self.dismiss(answer)

    def on_button_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        self.dismiss(event.button.id == "yes")
