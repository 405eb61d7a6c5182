"""KeyBar: a footer listing the keys that work here, wrapping onto a second line when narrow.

Textual's ``Footer`` is one line that cuts off whatever does not fit; at 80 columns the
Invoices section has more keys than that. KeyBar shows the same thing — the screen's active
bindings with ``show=True``, grouped by ``Binding.Group``, the app's own keys (help, quit)
and the command palette last — and wraps between keys (never inside one). Clicking a key
presses it.

Enabled and disabled keys differ by more than colour, so they stay apart with NO_COLOR and
on 16-colour terminals: an enabled key is drawn in reverse video, a disabled one is not and
its text is dimmed.
"""

from __future__ import annotations

from dataclasses import dataclass

from rich.style import Style
from rich.text import Text
from textual import events
from textual.binding import Binding
from textual.geometry import Size
from textual.screen import Screen
from textual.widget import Widget

from hostui.i18n import _

__all__ = ["KeyBar"]

GAP = 2


@dataclass(frozen=True)
class _Item:
    keys: tuple[tuple[str, str], ...]  # (key, shown as)
    description: str
    enabled: bool
    compact: bool = False
    app_key: bool = False

    @property
    def key_text(self) -> str:
        return ("" if self.compact else " ").join(display for _, display in self.keys)

    @property
    def width(self) -> int:
        return len(self.key_text) + (1 + len(self.description) if self.description else 0)


class KeyBar(Widget, can_focus=False):
    COMPONENT_CLASSES = {"key-bar--key", "key-bar--description"}

    DEFAULT_CSS = """
    KeyBar {
        dock: bottom;
        height: auto;
        max-height: 3;
        padding: 0 1;
        background: $footer-background;
        color: $footer-foreground;
        & > .key-bar--key {
            text-style: bold reverse;
        }
        & > .key-bar--description {
            color: $footer-description-foreground;
        }
    }
    """

    def __init__(self, *, id: str | None = None, classes: str | None = None) -> None:  # noqa: A002
        super().__init__(id=id, classes=classes)
        self._items: list[_Item] = []
        self._spans: list[tuple[int, int, int, str]] = []  # (line, start, end, key)

    def on_mount(self) -> None:
        self.screen.bindings_updated_signal.subscribe(self, self._bindings_changed)
        self._collect()

    def on_unmount(self) -> None:
        self.screen.bindings_updated_signal.unsubscribe(self)

    def _bindings_changed(self, screen: Screen) -> None:
        if self.is_attached and screen is self.screen:
            self._collect()

    def _collect(self) -> None:
        """Turn the screen's active bindings into footer items (groups merged)."""
        app = self.app
        items: list[_Item] = []
        seen_actions: set[str] = set()
        palette: _Item | None = None
        grouped: dict[Binding.Group, list[tuple[Binding, bool]]] = {}
        order: list[object] = []
        for key, active in self.screen.active_bindings.items():
            binding, enabled = active.binding, active.enabled
            if key == app.COMMAND_PALETTE_BINDING and app.ENABLE_COMMAND_PALETTE:
                palette = _Item(((binding.key, app.get_key_display(binding)),), _("Commands"), enabled)
                continue
            if not binding.show or binding.action in seen_actions:
                continue
            seen_actions.add(binding.action)
            if binding.group is not None:
                if binding.group not in grouped:
                    grouped[binding.group] = []
                    order.append(binding.group)
                grouped[binding.group].append((binding, enabled))
            else:
                order.append((binding, enabled))
        for entry in order:
            if isinstance(entry, Binding.Group):
                members = grouped[entry]
                if len(members) == 1:
                    binding, enabled = members[0]
                    items.append(_Item(((binding.key, app.get_key_display(binding)),), _(binding.description), enabled))
                else:
                    items.append(
                        _Item(
                            tuple((b.key, app.get_key_display(b)) for b, _ in members),
                            _(entry.description),
                            any(enabled for _, enabled in members),
                            compact=entry.compact,
                        )
                    )
            else:
                binding, enabled = entry  # type: ignore[misc]
                items.append(
                    _Item(
                        ((binding.key, app.get_key_display(binding)),),
                        _(binding.description),
                        enabled,
                        app_key=(binding.id or "").startswith("app."),
                    )
                )
        # The app's keys (help, quit) after the screen's own, as every section has them.
        items = [item for item in items if not item.app_key] + [item for item in items if item.app_key]
        if palette is not None:
            items.append(palette)
        if items != self._items:
            self._items = items
            self.refresh(layout=True)

    # -- layout

    def _lines(self, width: int) -> list[list[_Item]]:
        lines: list[list[_Item]] = [[]]
        used = 0
        for item in self._items:
            needed = item.width + (GAP if lines[-1] else 0)
            if lines[-1] and used + needed > width:
                lines.append([])
                used = 0
                needed = item.width
            lines[-1].append(item)
            used += needed
        return lines

    def get_content_height(self, container: Size, viewport: Size, width: int) -> int:
        return max(1, len(self._lines(max(1, width))))

    def render(self) -> Text:
        width = max(1, self.content_region.width or self.size.width)
        key_style = self.get_component_rich_style("key-bar--key")
        description_style = self.get_component_rich_style("key-bar--description")
        off = Style(dim=True, reverse=False, bold=False)
        text = Text(no_wrap=True, overflow="ellipsis")
        self._spans = []
        for number, line in enumerate(self._lines(width)):
            if number:
                text.append("\n")
            column = 0
            for index, item in enumerate(line):
                if index:
                    text.append(" " * GAP)
                    column += GAP
                extra = Style() if item.enabled else off
                for position, (key, display) in enumerate(item.keys):
                    if position and not item.compact:
                        text.append(" ")
                        column += 1
                    text.append(display, key_style + extra)
                    self._spans.append((number, column, column + len(display), key))
                    column += len(display)
                if item.description:
                    text.append(" " + item.description, description_style + extra)
                    start = column
                    column += 1 + len(item.description)
                    if len(item.keys) == 1:
                        self._spans.append((number, start, column, item.keys[0][0]))
        return text

    @property
    def text(self) -> str:
        """The keys as plain text (for tests and debugging)."""
        return "  ".join(
            f"{item.key_text} {item.description}".strip() + ("" if item.enabled else " (off)") for item in self._items
        )

    def on_click(self, event: events.Click) -> None:
        offset = event.get_content_offset(self)
        if offset is None:
            return
        for line, start, end, key in self._spans:
            if line == offset.y and start <= offset.x < end:
                event.stop()
                self.app.simulate_key(key)
                return
