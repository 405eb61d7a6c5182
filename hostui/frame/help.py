"""The ``?``/F1 help overlay: every key that works on the screen below, and why some do not.

Built from the screen's live bindings (so it follows the user's keymap and never disagrees
with the footer) and, for the highlighted object, from its action table and the domain's
verdict: an action that is not possible now is listed dimmed with the reason.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, ClassVar

from rich.console import Group
from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.screen import Screen
from textual.widgets import DataTable, Static

from hostui.frame.actions import OBJECT_ACTION
from hostui.frame.dialog import DialogScreen
from hostui.frame.object_screen import ObjectScreen
from hostui.i18n import N_, _
from hostui.widgets.key_bar import KeyBar

__all__ = ["HelpScreen", "HelpEntry", "HelpGroup", "help_groups"]

# Textual's own bindings that mean nothing to a hostui user (a row cursor has no left/right).
_TEXTUAL_INTERNALS = frozenset({
    "screen.copy_text", "copy_text", "app.copy_text", "app.command_palette_help",
    "app.focus_next", "app.focus_previous", "focus_next", "focus_previous",
    "cursor_left", "cursor_right", "page_left", "page_right", "scroll_top", "scroll_bottom",
})
# What Textual's own moving keys do in hostui's lists.
_DESCRIPTIONS = {
    "cursor_up": N_("Up"),
    "cursor_down": N_("Down"),
    "page_up": N_("Page up; on the first row, the previous page"),
    "page_down": N_("Page down; on the last row, the next page"),
    "command_palette": N_("Commands: every action by name"),
    "app.command_palette": N_("Commands: every action by name"),
}
# Longer words for keys that share one footer entry.
_GROUP_HELP = {
    N_("Filter"): N_("Next / previous filter"),
    N_("Page"): N_("Previous / next page"),
    N_("Sections"): N_("Invoices, Orders, Tickets, Settings"),
    N_("Move"): N_("Down / up"),
}


@dataclass
class HelpEntry:
    keys: list[str]
    description: str
    enabled: bool = True
    reason: str | None = None


@dataclass
class HelpGroup:
    title: str
    entries: list[HelpEntry] = field(default_factory=list)


def _object_group(screen: Screen, actions_seen: dict[str, HelpEntry]) -> HelpGroup | None:
    if not isinstance(screen, ObjectScreen):
        return None
    table = screen.TABLE
    row: Any = screen.selected()
    if row is not None:
        name = table.object_name(row)
        title = name[:1].upper() + name[1:]
    else:
        title = _("The highlighted {noun}").format(noun=_(table.noun))
    group = HelpGroup(title)
    for action in table:
        entry = actions_seen.get(f"{OBJECT_ACTION}('{action.id}')")
        if entry is None:
            continue
        state = table.state(row, action.id) if row is not None else None
        entry.description = _(action.help)
        if state is not None and not state.enabled:
            entry.enabled = False
            entry.reason = state.reason
        elif row is None:
            entry.enabled = False
            entry.reason = _("no {noun} highlighted").format(noun=_(table.noun))
        group.entries.append(entry)
    return group


def help_groups(screen: Screen) -> list[HelpGroup]:
    """The keys of ``screen`` in groups: the object's actions, the screen's own keys, moving
    around, and what works anywhere."""
    app = screen.app
    entries: dict[str, HelpEntry] = {}
    homes: dict[str, str] = {}
    for key, active in screen.active_bindings.items():
        binding: Binding = active.binding
        if not binding.description or binding.action in _TEXTUAL_INTERNALS:
            continue
        display = app.get_key_display(binding)
        # Object actions by action; the rest by group ("f F  Filter"), else by action.
        if binding.action.startswith(f"{OBJECT_ACTION}("):
            name, home = binding.action, "object"
        else:
            action = binding.action.removeprefix("app.")
            name = f"group:{binding.group.description}" if binding.group is not None else action
            if active.node is app or binding.action.startswith("app."):
                home = "anywhere"
            elif isinstance(active.node, DataTable):
                home = "move"
            else:
                home = "screen"
        entry = entries.get(name)
        if entry is None:
            description = binding.group.description if binding.group is not None else binding.description
            description = _DESCRIPTIONS.get(binding.action, _GROUP_HELP.get(description, description))
            entries[name] = HelpEntry([display], _(description), active.enabled)
            homes[name] = home
        else:
            entry.enabled = entry.enabled or active.enabled
            if display not in entry.keys:
                entry.keys.append(display)

    groups: list[HelpGroup] = []
    object_group = _object_group(screen, entries)
    if object_group is not None and object_group.entries:
        groups.append(object_group)
    named = {"screen": _("This screen"), "move": _("Moving"), "anywhere": _("Anywhere")}
    for home, title in named.items():
        group = HelpGroup(title, [entries[a] for a, h in homes.items() if h == home])
        if home == "anywhere" and app.ENABLE_COMMAND_PALETTE and "command_palette" not in entries:
            palette = Binding(app.COMMAND_PALETTE_BINDING, "command_palette")
            group.entries.append(HelpEntry([app.get_key_display(palette)], _("Commands: every action by name")))
        if group.entries:
            groups.append(group)
    return groups


def render_groups(groups: list[HelpGroup]) -> Group:
    key_width = max((len(" ".join(entry.keys)) for group in groups for entry in group.entries), default=4)
    parts: list[Text | Table] = []
    for number, group in enumerate(groups):
        if number:
            parts.append(Text(""))
        parts.append(Text(group.title, style="bold underline"))
        grid = Table.grid(padding=(0, 2), expand=True)
        grid.add_column(no_wrap=True, width=max(key_width, 4))
        grid.add_column(ratio=1)
        for entry in group.entries:
            keys = Text(" ".join(entry.keys), style="bold" if entry.enabled else "dim")
            text = Text(entry.description, style="" if entry.enabled else "dim")
            if not entry.enabled and entry.reason:
                text.append(_(" (not now: {reason})").format(reason=entry.reason), style="italic")
            grid.add_row(keys, text)
        parts.append(grid)
    return Group(*parts)


class HelpScreen(DialogScreen[None]):
    """The keys of the screen below, in groups. ``escape``, ``?``, F1 or ``q`` close it."""

    DEFAULT_CSS = """
    HelpScreen > #dialog {
        width: 90;
        height: auto;
        max-height: 100%;
    }
    HelpScreen #keys {
        height: auto;
    }
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,question_mark,f1,q", "close", N_("Close"), key_display="esc"),
    ]

    def __init__(self, screen: Screen, title: str) -> None:
        super().__init__()
        self.groups = help_groups(screen)
        self.title_text = title

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="dialog"):
            yield Static(render_groups(self.groups), id="keys")
        yield KeyBar()

    def on_mount(self) -> None:
        dialog = self.query_one("#dialog")
        dialog.border_title = self.title_text
        dialog.border_subtitle = _("↑↓ scroll · remap keys: hostui keys")
        dialog.focus()
