"""``ConfirmScreen`` asks a yes/no question: ``y`` / ``n`` / ``escape``; the focused button is
"No", so a stray ``enter`` never confirms. It dismisses with ``True`` or ``False``.
"""

from __future__ import annotations

from dataclasses import replace
from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import ActiveBinding, Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.widgets import Button, Footer, Static

from hostui.frame.dialog import DialogScreen
from hostui.i18n import N_, _

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
        Binding("y", "answer(True)", N_("Yes")),
        Binding("n", "answer(False)", N_("No")),
        Binding("escape", "answer(False)", N_("Cancel")),
        Binding("left,right", "app.focus_previous", N_("Move"), show=False),
    ]

    def __init__(
        self,
        question: str,
        *,
        title: str = N_("Confirm"),
        detail: str | None = None,
        yes: str = N_("Yes"),
        no: str = N_("No"),
        dangerous: bool = True,
    ) -> None:
        super().__init__()
        self.question = question
        self.title_text = title
        self.detail = detail
        self.yes_label = yes
        self.no_label = no
        self.dangerous = dangerous

    @property
    def active_bindings(self) -> dict[str, ActiveBinding]:
        # Textual's Footer shows a binding's description as it is: give it the translation.
        return {
            key: active._replace(binding=replace(active.binding, description=_(active.binding.description)))
            for key, active in super().active_bindings.items()
        }

    def compose(self) -> ComposeResult:
        with Vertical(id="dialog"):
            yield Static(self.question, id="question", classes="dialog-line", markup=False)
            if self.detail:
                yield Static(self.detail, id="detail", classes="dialog-muted dialog-gap", markup=False)
            with Horizontal(id="buttons"):
                yield Button(f"{_(self.no_label)} (n)", id="no", compact=True)
                yield Button(
                    f"{_(self.yes_label)} (y)",
                    id="yes",
                    variant="error" if self.dangerous else "primary",
                    compact=True,
                )
        yield Footer(compact=True)

    def on_mount(self) -> None:
        self.query_one("#dialog").border_title = _(self.title_text)
        self.query_one("#no", Button).focus()

    def action_answer(self, answer: bool) -> None:
        self.dismiss(answer)

    def on_button_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        self.dismiss(event.button.id == "yes")
