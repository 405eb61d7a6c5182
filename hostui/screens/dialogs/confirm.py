"""``ConfirmScreen`` asks a yes/no question: ``y`` / ``n`` / ``escape``; the focused button is
"No", so a stray ``enter`` never confirms. It dismisses with ``True`` or ``False``.
"""

from __future__ import annotations

from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.widgets import Button, Footer, Static

from hostui.frame.dialog import DialogScreen

__all__ = ["ConfirmScreen"]


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
