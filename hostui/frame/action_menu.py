"""The Actions menu of one object (the spec's "Actions"), built from its action table.

Every action of the table is listed with the key that does the same in the list (after the
user's keymap); the ones the domain refuses for this object right now are shown disabled,
with the reason. ``enter`` or the action's own key picks; the screen dismisses with the
action's id, or None when closed with ``escape``.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any, ClassVar

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.widgets import OptionList, Static
from textual.widgets.option_list import Option

from hostui.frame.actions import ActionTable, key_for
from hostui.frame.dialog import DialogScreen
from hostui.i18n import N_, _
from hostui.widgets.key_bar import KeyBar

__all__ = ["ActionMenuScreen", "action_menu"]

_PICK = "pick"


class ActionMenuScreen(DialogScreen[str | None]):
    """What to do with one object; dismisses with the chosen action's id."""

    DEFAULT_CSS = """
    ActionMenuScreen > #dialog {
        width: 64;
    }
    ActionMenuScreen #summary {
        margin-bottom: 1;
    }
    ActionMenuScreen OptionList {
        height: auto;
        max-height: 14;
        border: none;
        padding: 0;
        background: $surface;
    }
    ActionMenuScreen OptionList:focus {
        border: none;
        background-tint: initial;
    }
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("enter", "choose", N_("Choose"), priority=True),
        Binding("escape", "close", N_("Close")),
    ]

    def __init__(self, table: ActionTable, row: Any, summary: Text | str = "") -> None:
        super().__init__()
        self.table = table
        self.row = row
        self.summary = summary

    def compose(self) -> ComposeResult:
        with Vertical(id="dialog"):
            if self.summary:
                yield Static(self.summary, id="summary", classes="dialog-muted", markup=False)
            yield OptionList(id="menu")
        yield KeyBar()

    def _options(self) -> list[Option]:
        options = []
        for action in self.table:
            if not action.in_menu:
                continue
            state = self.table.state(self.row, action.id)
            key = key_for(self.app, self.table.binding_id(action), action.key)
            prompt = Text()
            prompt.append(f"{_(action.title):<22}")
            prompt.append(f"{key:>3}", style="bold" if state.enabled else "")
            if not state.enabled:
                prompt.append(f"   {state.reason or _('not possible now')}", style="italic")
            options.append(Option(prompt, id=action.id, disabled=not state.enabled))
        return options

    def on_mount(self) -> None:
        self.query_one("#dialog").border_title = _("Actions · {object}").format(object=self.table.object_name(self.row))
        menu = self.query_one(OptionList)
        menu.add_options(self._options())
        menu.action_first()  # the first enabled option
        menu.focus()

    @on(OptionList.OptionSelected, "#menu")
    def _selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        if event.option.id is not None:
            self.dismiss(event.option.id)

    def action_choose(self) -> None:
        self.query_one(OptionList).action_select()

    def action_pick(self, action_id: str) -> None:
        refusal = self.table.refusal(self.row, action_id)
        if refusal is not None:
            self.app.bell()
            self.notify(refusal, severity="warning", timeout=4, markup=False)
            return
        self.dismiss(action_id)


_MENUS: dict[str, type[ActionMenuScreen]] = {}


def action_menu(table: ActionTable, row: Any, summary: Text | str = "") -> ActionMenuScreen:
    """The Actions menu for ``row``: each action's key picks it, under the same binding id as
    in the list, so a key the user remapped works here too."""
    menu_class = _MENUS.get(table.kind)
    if menu_class is None:
        picks = [replace(binding, show=False) for binding in table.bindings(target=_PICK)]
        menu_class = type(
            f"{table.kind.title()}ActionMenuScreen",
            (ActionMenuScreen,),
            {"BINDINGS": [*ActionMenuScreen.BINDINGS, *picks]},
        )
        _MENUS[table.kind] = menu_class
    return menu_class(table, row, summary)
