"""The action table: what a user can do with one kind of object, declared once.

Each kind of object (invoice now; order, server, ticket next) lists its actions in one
``ActionTable``. Everything the user meets about an action comes from that one entry:

- the key binding, with the binding id ``<kind>.<action>`` that ``[keymap]`` in config.toml
  can remap (Textual's keymap);
- the footer (dimmed while the highlighted object does not allow it);
- the object's Actions menu and the keys of its detail view;
- the ``?``/F1 help overlay;
- the command palette ("Pay invoice NH-000193").

Whether an action is possible right now is not decided here: the domain puts it on every row
(``row.actions``, a list of ``ActionState`` with the reason when refused). Actions the domain
does not know of (view, the menu itself) are always possible. Adding an action is one entry
here plus a method of the same name on the section's handler object.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Generic, Protocol, TypeVar

from textual.app import App
from textual.binding import Binding

from backend.contract import ActionState
from hostui.i18n import _

__all__ = ["ObjectAction", "ActionTable", "ActionRow", "OBJECT_ACTION", "key_for"]

# The screen action every table binding calls: ``object('<action id>')``.
OBJECT_ACTION = "object"


class ActionRow(Protocol):
    """A contract row that carries the domain's verdict on its actions."""

    @property
    def actions(self) -> list[ActionState]: ...


RowT = TypeVar("RowT", bound=ActionRow)


@dataclass(frozen=True)
class ObjectAction:
    """One thing a user can do with an object. Its texts are msgids (``N_``), translated
    where they are shown, so a table defined at import follows a later change of language."""

    id: str
    """Also the handler's method name and, for domain-decided actions, ``ActionState.id``."""
    title: str
    """Short, for the footer and the menu: "Pay"."""
    key: str
    """The default key (Textual key name); users remap it by the binding id."""
    help: str
    """One sentence for the help overlay and the palette."""
    confirm: bool = False
    """The handler asks before doing it."""
    destructive: bool = False
    """It cannot be undone (the confirmation says so and defaults to No)."""
    footer: bool = True
    """Listed in the footer (every action is in the menu, the help and the palette)."""
    in_menu: bool = True
    command: str = ""
    """The palette's phrase, ``{object}`` standing for "invoice NH-000193"; default
    "<title> {object}"."""


class ActionTable(Generic[RowT]):
    """The actions of one kind of object, and what follows from them."""

    def __init__(
        self,
        kind: str,
        noun: str,
        actions: tuple[ObjectAction, ...],
        *,
        label: Callable[[RowT], str],
        plural: str | None = None,
    ) -> None:
        """``kind``: the binding id prefix ("invoice"); ``noun``: for texts ("invoice"),
        and ``plural`` ("invoices"), both msgids; ``label``: how an object is named in texts
        ("NH-000193")."""
        ids = [action.id for action in actions]
        if len(set(ids)) != len(ids):
            raise ValueError(f"duplicate action ids in the {kind} table")
        self.kind = kind
        self.noun = noun
        self.plural = plural or f"{noun}s"
        self.actions = actions
        self.label = label
        self._by_id = {action.id: action for action in actions}

    def __iter__(self) -> Iterator[ObjectAction]:
        return iter(self.actions)

    def __getitem__(self, action_id: str) -> ObjectAction:
        return self._by_id[action_id]

    def __contains__(self, action_id: object) -> bool:
        return action_id in self._by_id

    def binding_id(self, action: ObjectAction) -> str:
        return f"{self.kind}.{action.id}"

    def bindings(self, *, target: str = OBJECT_ACTION) -> list[Binding]:
        """One binding per action, calling ``<target>('<id>')`` on the screen."""
        return [
            Binding(
                action.key,
                f"{target}('{action.id}')",
                action.title,
                show=action.footer,
                tooltip=action.help,
                id=self.binding_id(action),
            )
            for action in self.actions
        ]

    def state(self, row: RowT, action_id: str) -> ActionState:
        """The domain's verdict for ``row``; actions it does not decide are always possible."""
        for state in getattr(row, "actions", ()):  # a plain record (a login) has none
            if state.id == action_id:
                return state
        return ActionState(id=action_id, enabled=True)

    def refusal(self, row: RowT, action_id: str) -> str | None:
        """Why ``action_id`` is not possible for ``row`` now, as a sentence; None if it is."""
        state = self.state(row, action_id)
        if state.enabled:
            return None
        return _("{action}: {reason}.").format(action=_(self[action_id].title), reason=state.reason or _("not possible now"))

    def command_title(self, action: ObjectAction, row: RowT) -> str:
        """How the palette names an action on an object: "Pay invoice NH-000193"."""
        if action.command:
            phrase = _(action.command)
        else:
            phrase = _("{title} {object}").format(title=_(action.title), object="{object}")
        return phrase.format(object=self.object_name(row))

    def object_name(self, row: RowT) -> str:
        """"invoice NH-000193", in the current language."""
        return _("{noun} {label}").format(noun=_(self.noun), label=self.label(row))


def key_for(app: App, binding_id: str, default: str) -> str:
    """The key a binding answers to after the user's keymap, as shown to the user."""
    # Textual keeps the applied keymap here and offers no public getter for one binding.
    remapped = getattr(app, "_keymap", {}).get(binding_id)
    key = remapped.split(",")[0].strip() if remapped else default.split(",")[0]
    return app.get_key_display(Binding(key, ""))
