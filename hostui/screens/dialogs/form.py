"""A dialog that asks for a few things, then makes one service call with them.

Subclasses compose their question and fields inside ``#dialog`` (``compose_form``), check
what was typed (``problem``: a sentence, or None) and make the call (``submit``). The base
runs the call in a worker, keeps the dialog and everything typed when the portal refuses
(the reason inline; "try again" only when a retry can succeed), and dismisses with the
call's result. ``enter`` submits, ``escape`` cancels.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import ClassVar, Generic, TypeVar

from textual import work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.widget import Widget
from textual.widgets import Input, Static

from hostui.frame.dialog import DialogScreen
from hostui.frame.errors import as_sentence, can_retry, error_line
from hostui.i18n import N_, _
from hostui.widgets.key_bar import KeyBar

__all__ = ["FormDialog"]

ResultT = TypeVar("ResultT")


class FormDialog(DialogScreen[ResultT | None], Generic[ResultT]):
    DEFAULT_CSS = """
    FormDialog Input {
        margin-top: 1;
    }
    FormDialog #busy {
        height: auto;
        color: $text-warning;
        display: none;
    }
    FormDialog.-busy #busy {
        display: block;
    }
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "close", N_("Cancel")),
    ]

    TITLE_TEXT: ClassVar[str] = ""
    BUSY_TEXT: ClassVar[str] = N_("Working…")
    SUBMIT_KEY: ClassVar[str] = "enter"
    """ctrl+s where the form has a multi-line field, whose enter is a new line."""
    SUBMIT_TITLE: ClassVar[str] = N_("OK")

    def __init_subclass__(cls, **kwargs: object) -> None:
        # Each form's own submit key, bound before Textual merges the class's BINDINGS.
        cls.BINDINGS = [
            Binding(cls.SUBMIT_KEY, "submit", cls.SUBMIT_TITLE, priority=True),
            *cls.__dict__.get("BINDINGS", []),
        ]
        super().__init_subclass__(**kwargs)

    def compose_form(self) -> Iterable[Widget]:
        raise NotImplementedError

    def dialog_title(self) -> str:
        return _(self.TITLE_TEXT)

    def problem(self) -> str | None:
        """What is wrong with the input, before asking the portal (None: nothing)."""
        return None

    async def submit(self) -> ResultT:
        raise NotImplementedError

    def compose(self) -> ComposeResult:
        with Vertical(id="dialog"):
            yield from self.compose_form()
            yield Static(_(self.BUSY_TEXT), id="busy", markup=False)
            yield Static("", id="error", classes="dialog-error", markup=False)
        yield KeyBar()

    def on_mount(self) -> None:
        self.query_one("#dialog").border_title = self.dialog_title()
        inputs = self.query(Input)
        if inputs:
            inputs.first().focus()

    @property
    def busy(self) -> bool:
        return self.has_class("-busy")

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "submit":
            return None if self.busy else True
        return True

    def action_submit(self) -> None:
        problem = self.problem()
        if problem is not None:
            self.show_error(problem)
            return
        self.show_error(None)
        self.add_class("-busy")
        self.refresh_bindings()
        self._call()

    @work(exclusive=True, group="form-call")
    async def _call(self) -> None:
        try:
            result = await self.submit()
        except Exception as error:  # noqa: BLE001 - shown in the dialog, never a traceback
            self.remove_class("-busy")
            message = as_sentence(error_line(error))
            if can_retry(error):
                message += _(" Press enter to try again.")
            self.show_error(message)
            self.refresh_bindings()
            return
        self.dismiss(result)
