"""The user's keymap: which binding ids exist, and applying ``[keymap]`` from config.toml.

Every binding a user may want to move has an id (``invoice.pay``, ``list.search``,
``section.orders``, ``app.help``); Textual's keymap replaces the keys of a binding by id
wherever it is bound (list, view, Actions menu alike). ``hostui keys`` prints the ids.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from textual.dom import DOMNode

__all__ = ["KeyBindingInfo", "binding_ids", "unknown_ids"]


@dataclass(frozen=True)
class KeyBindingInfo:
    id: str
    keys: tuple[str, ...]
    description: str


def binding_ids(classes: Iterable[type[DOMNode]]) -> dict[str, KeyBindingInfo]:
    """The bindings with an id declared by ``classes``, with their default keys."""
    found: dict[str, KeyBindingInfo] = {}
    for cls in classes:
        merged = cls._merged_bindings
        if merged is None:
            continue
        for key, binding in merged:
            if binding.id is None:
                continue
            known = found.get(binding.id)
            keys = (*known.keys, key) if known is not None and key not in known.keys else (key,)
            description = binding.tooltip or binding.description or (known.description if known else "")
            found[binding.id] = KeyBindingInfo(binding.id, keys if known else (key,), description)
    return dict(sorted(found.items()))


def unknown_ids(keymap: Iterable[str], known: Iterable[str]) -> list[str]:
    return sorted(set(keymap) - set(known))
