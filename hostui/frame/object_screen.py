"""What every screen that acts on one object shares (a list's highlighted row, a detail view).

The screen names its action table (``TABLE``), the object at hand (``selected()``) and the
handler object (``handlers``); this mixin runs the actions, dims the keys the domain refuses,
says why when such a key is pressed anyway, and offers the actions in the palette.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, ClassVar

from textual import events
from textual.screen import Screen

from hostui.frame.action_menu import action_menu
from hostui.frame.actions import OBJECT_ACTION, ActionTable
from hostui.frame.palette import ObjectCommands

__all__ = ["ObjectScreen", "MENU_ACTION"]

# The action id that opens an object's Actions menu (the frame handles it for every table).
MENU_ACTION = "menu"


if TYPE_CHECKING:
    _ScreenMixin = Screen
else:
    # A plain mixin at run time: Textual takes a screen's CSS from its first DOMNode base
    # only, so a mixin that were a Screen itself would hide the CSS of the screen it joins.
    _ScreenMixin = object


class ObjectScreen(_ScreenMixin):
    """Mix into a screen: ``class InvoiceViewScreen(ObjectScreen, DialogScreen[None])``."""

    TABLE: ClassVar[ActionTable]
    COMMANDS = {ObjectCommands}

    def selected(self) -> Any:
        """The object the keys act on now; None when there is none (or it is not loaded)."""
        raise NotImplementedError

    @property
    def handlers(self) -> Any:
        """The object whose method ``<action id>(row)`` runs each action of ``TABLE``."""
        raise NotImplementedError

    async def find(self, label: str) -> Any:
        """The object the user named in the palette ("NH-000150"), or None."""
        return None

    def action_object(self, action_id: str) -> None:
        row = self.selected()
        if row is not None:
            self.run_object_action(action_id, row)

    def describe(self, row: Any) -> str:
        """One line about ``row`` for the top of its Actions menu."""
        return ""

    def run_object_action(self, action_id: str, row: Any) -> None:
        """Run an action on ``row`` (the selected one, or one the palette found), or say why
        the portal does not allow it now. ``menu`` is the frame's own: the Actions menu."""
        refusal = self.TABLE.refusal(row, action_id)
        if refusal is not None:
            self.app.bell()
            self.notify(refusal, severity="warning", timeout=4, markup=False)
            return
        if action_id == MENU_ACTION:
            self._open_menu(row)
            return
        getattr(self.handlers, action_id)(row)

    def _open_menu(self, row: Any) -> None:
        def chosen(action_id: str | None) -> None:
            if action_id:
                self.run_object_action(action_id, row)

        self.app.push_screen(action_menu(self.TABLE, row, self.describe(row)), chosen)

    def object_action_enabled(self, parameters: tuple[object, ...]) -> bool | None:
        """For ``check_action``: True when allowed, None (dimmed) when not."""
        row = self.selected()
        if row is None or not self.TABLE.state(row, str(parameters[0])).enabled:
            return None
        return True

    def on_key(self, event: events.Key) -> None:
        """A press on a dimmed object key says why it does nothing (a bell alone is a riddle)."""
        active = self.active_bindings.get(event.key)
        if active is None or active.enabled:
            return
        action_id = self.key_action(active.binding.action)
        if action_id is None:
            return
        event.stop()
        row = self.selected()
        if row is None:
            self.app.bell()
            return
        self.run_object_action(action_id, row)

    def key_action(self, action: str) -> str | None:
        """The id of the table action a binding's ``action`` runs; None if it runs none."""
        if action.startswith(f"{OBJECT_ACTION}("):
            return action[len(OBJECT_ACTION) + 2 : -2]
        return None
