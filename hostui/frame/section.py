"""The sections and the screen every section is built on.

Each section (Invoices, Orders, Tickets, Settings) is a Textual *mode* whose base screen is a
``SectionScreen``: the header (the sections as tabs with their keys, where you are connected,
the balance), the section's content, and the key bar listing the keys that work there.
From any of them: 1-4 switch sections, ``?``/F1 explain the keys, ``q`` quits.
"""

from __future__ import annotations

from typing import ClassVar, NamedTuple

from textual.binding import Binding, BindingType
from textual.screen import Screen

__all__ = ["Section", "SECTIONS", "SectionScreen", "section_for"]


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


def section_for(mode: str) -> Section:
    for section in SECTIONS:
        if section.mode == mode:
            return section
    raise KeyError(mode)


_SECTIONS_GROUP = Binding.Group("Sections", compact=True)


class SectionScreen(Screen[None]):
    """Base of the section screens: section keys (shown in the header, not the footer),
    help and quit."""

    SECTION: ClassVar[str] = ""
    BINDINGS: ClassVar[list[BindingType]] = [
        *(
            Binding(
                section.key,
                f"app.section('{section.mode}')",
                section.title,
                show=False,
                group=_SECTIONS_GROUP,
                id=f"section.{section.mode}",
            )
            for section in SECTIONS
        ),
        Binding("question_mark,f1", "app.help", "Help", key_display="?", id="app.help"),
        Binding("q", "app.quit", "Quit", id="app.quit"),
    ]

    @property
    def section(self) -> Section:
        return section_for(self.SECTION)
