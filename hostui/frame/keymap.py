"""The user's keymap: which binding ids exist, and applying ``[keymap]`` from config.toml.

Every binding a user may want to move has an id (``invoice.pay``, ``list.search``,
``section.orders``, ``app.help``); Textual's keymap replaces the keys of a binding by id
wherever it is bound (list, view, Actions menu alike). ``hostui keys`` prints the ids.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from textual.binding import Binding
from textual.dom import DOMNode

__all__ = ["KeyBindingInfo", "binding_ids", "unknown_ids"]


@dataclass(frozen=True)
class KeyBindingInfo:
    id: str
    keys: tuple[str, ...]
    description: str


def _bindings_of(source: type[DOMNode] | Iterable[Binding]) -> Iterable[tuple[str, Binding]]:
    if isinstance(source, type):
        return source._merged_bindings or ()
    return ((binding.key, binding) for binding in source)


def binding_ids(sources: Iterable[type[DOMNode] | Iterable[Binding]]) -> dict[str, KeyBindingInfo]:
    """The bindings with an id declared by ``sources`` (widget classes, or lists of bindings
    for widgets whose module is imported only on use), with their default keys."""
    found: dict[str, KeyBindingInfo] = {}
    for source in sources:
        for key, binding in _bindings_of(source):
            if binding.id is None:
                continue
            known = found.get(binding.id)
            keys = (*known.keys, key) if known is not None and key not in known.keys else (key,)
            description = binding.tooltip or binding.description or (known.description if known else "")
            found[binding.id] = KeyBindingInfo(binding.id, keys if known else (key,), description)
    return dict(sorted(found.items()))


def unknown_ids(keymap: Iterable[str], known: Iterable[str]) -> list[str]:
    return sorted(set(keymap) - set(known))
