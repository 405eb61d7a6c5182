"""Orders, Tickets and Settings until they are built: a plain "not built yet" page."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.containers import Center, Middle
from textual.widgets import Static

from hostui.screens import SECTIONS, SectionScreen
from hostui.widgets import AccountBar, KeyBar

__all__ = ["PlaceholderScreen", "OrdersScreen", "TicketsScreen", "SettingsScreen"]


class PlaceholderScreen(SectionScreen):
    DEFAULT_CSS = """
    PlaceholderScreen #placeholder {
        width: auto;
        max-width: 70;
        padding: 1 2;
        border: round $primary 50%;
        color: $text-muted;
    }
    """

    def compose(self) -> ComposeResult:
        help_text = next((s.help for s in SECTIONS if s.mode == self.SECTION), "")
        yield AccountBar(self.section_title)
        with Middle():
            with Center():
                yield Static(
                    f"{self.section_title}\n\nThis section is not built yet.\n{help_text}: coming soon.",
                    id="placeholder",
                    markup=False,
                )
        yield KeyBar()


class OrdersScreen(PlaceholderScreen):
    SECTION = "orders"


class TicketsScreen(PlaceholderScreen):
    SECTION = "tickets"


class SettingsScreen(PlaceholderScreen):
    SECTION = "settings"
