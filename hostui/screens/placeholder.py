"""Tickets and Settings until they are built: a plain "not built yet" page."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.containers import Center, Middle
from textual.widgets import Static

from hostui.frame.section import SectionScreen
from hostui.widgets.key_bar import KeyBar
from hostui.widgets.section_header import SectionHeader

__all__ = ["PlaceholderScreen", "TicketsScreen", "SettingsScreen"]


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
        section = self.section
        yield SectionHeader(self.SECTION)
        with Middle():
            with Center():
                yield Static(
                    f"{section.title}\n\nThis section is not built yet.\n{section.help}: coming soon.",
                    id="placeholder",
                    markup=False,
                )
        yield KeyBar()


class TicketsScreen(PlaceholderScreen):
    SECTION = "tickets"


class SettingsScreen(PlaceholderScreen):
    SECTION = "settings"
