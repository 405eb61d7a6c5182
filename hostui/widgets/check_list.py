"""A list of choices to tick with space: ``[x]`` or ``[ ]`` in text, readable without colour
(Textual's Checkbox tells ticked from not ticked by colour alone, which NO_COLOR loses)."""

from __future__ import annotations

from typing import ClassVar

from rich.text import Text
from textual.binding import Binding, BindingType
from textual.widgets import OptionList
from textual.widgets.option_list import Option

__all__ = ["CheckList"]


class CheckList(OptionList):
    DEFAULT_CSS = """
    CheckList {
        height: auto;
        border: none;
        padding: 0;
    }
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("space", "toggle", "Tick", id="check_list.toggle"),
    ]

    def __init__(self, choices: list[tuple[str, str, bool]], *, id: str | None = None) -> None:  # noqa: A002
        """``choices``: (value, label, ticked)."""
        self._labels = {value: label for value, label, _ in choices}
        self._ticked = {value for value, _, ticked in choices if ticked}
        super().__init__(*(self._option(value) for value, _, _ in choices), id=id)

    def _option(self, value: str) -> Option:
        mark = "[x]" if value in self._ticked else "[ ]"
        return Option(Text.assemble((mark, "bold"), " ", self._labels[value]), id=value)

    @property
    def ticked(self) -> list[str]:
        """The ticked values, in the list's order."""
        return [value for value in self._labels if value in self._ticked]

    def action_toggle(self) -> None:
        if self.highlighted is None:
            return
        value = self.get_option_at_index(self.highlighted).id
        assert value is not None
        self._ticked ^= {value}
        self.replace_option_prompt(value, self._option(value).prompt)

    def _on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        # A click (or enter, when no dialog takes it) ticks too.
        event.stop()
        self.action_toggle()
