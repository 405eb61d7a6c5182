"""hostui's screens. Each section (Invoices, Orders, Tickets, Settings) is a Textual *mode*
whose base screen is a ``SectionScreen``: the account bar on top, the section's content, and
a footer with the keys that work there. Keys 1-4 switch sections from any of them.
"""

from __future__ import annotations

from typing import ClassVar, NamedTuple

from textual.binding import Binding, BindingType
from textual.screen import Screen

__all__ = ["Section", "SECTIONS", "SectionScreen"]


class Section(NamedTuple):
    mode: str
    title: str
    key: str
    help: str


SECTIONS: tuple[Section, ...] = (
    Section("invoices", "Invoices", "1", "Unpaid, paid and deleted invoices; pay, quotes, PDFs"),
    Section("orders", "Orders", "2", "Servers and services: renew, manage, traffic"),
    Section("tickets", "Tickets", "3", "Support tickets: open, closed, unread, new"),
    Section("settings", "Settings", "4", "Auto-renewal, currency, language, mailboxes, security"),
)

_SECTIONS_GROUP = Binding.Group("Sections", compact=True)


class SectionScreen(Screen[None]):
    """Base of the four section screens: binds 1-4 (shown first in the footer)."""

    SECTION: ClassVar[str] = ""
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding(section.key, f"app.section('{section.mode}')", section.title, group=_SECTIONS_GROUP)
        for section in SECTIONS
    ]

    @property
    def section_title(self) -> str:
        for section in SECTIONS:
            if section.mode == self.SECTION:
                return section.title
        return self.SECTION.title()
