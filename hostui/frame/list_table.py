"""The table of a paged list: a DataTable with the keys terminal users expect.

j/k and the arrows move, g/Home and G/End jump to the first and last row of the page, Enter
opens the highlighted row. PageUp on the first row and PageDown on the last ask the screen
for the neighbouring page (``PastEdge``), so paging feels like one long list.
"""

from __future__ import annotations

from typing import ClassVar

from textual.binding import Binding, BindingType
from textual.message import Message
from textual.widgets import DataTable

from hostui.i18n import N_

__all__ = ["ListTable"]


class ListTable(DataTable):
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("enter", "select_cursor", N_("Open"), id="list.open"),
        Binding("j", "cursor_down", N_("Down"), show=False, id="list.down"),
        Binding("k", "cursor_up", N_("Up"), show=False, id="list.up"),
        Binding("g,home", "first_row", N_("First row"), show=False, id="list.first"),
        Binding("G,end", "last_row", N_("Last row"), show=False, id="list.last"),
    ]

    class PastEdge(Message):
        """PageUp at the top (``step=-1``) or PageDown at the bottom (``step=1``)."""

        def __init__(self, step: int) -> None:
            super().__init__()
            self.step = step

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "select_cursor":
            # Enter runs the screen's open action: dimmed when the portal refuses it for the row.
            allowed = getattr(self.screen, "open_allowed", None)
            if allowed is not None:
                return allowed()
        return super().check_action(action, parameters)

    def action_first_row(self) -> None:
        if self.row_count:
            self.move_cursor(row=0, animate=False)

    def action_last_row(self) -> None:
        if self.row_count:
            self.move_cursor(row=self.row_count - 1, animate=False)

    def action_page_down(self) -> None:
        if self.row_count and self.cursor_row >= self.row_count - 1:
            self.post_message(self.PastEdge(1))
        else:
            super().action_page_down()

    def action_page_up(self) -> None:
        if self.row_count and self.cursor_row <= 0:
            self.post_message(self.PastEdge(-1))
        else:
            super().action_page_up()
