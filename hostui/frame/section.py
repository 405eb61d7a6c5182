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

from hostui.i18n import N_

__all__ = ["Section", "SECTIONS", "SectionScreen", "section_for"]


class Section(NamedTuple):
    mode: str
    title: str
    """A msgid: shown through ``_()``."""
    key: str
    help: str


SECTIONS: tuple[Section, ...] = (
    Section("invoices", N_("Invoices"), "1", N_("Unpaid, paid and deleted invoices; pay, quotes, PDFs")),
    Section("orders", N_("Orders"), "2", N_("Servers and services: renew, manage, traffic")),
    Section("tickets", N_("Tickets"), "3", N_("Support tickets: open, closed, unread, new")),
    Section("settings", N_("Settings"), "4", N_("Auto-renewal, currency, language, mailboxes, security")),
)


def section_for(mode: str) -> Section:
    for section in SECTIONS:
        if section.mode == mode:
            return section
    raise KeyError(mode)


_SECTIONS_GROUP = Binding.Group(N_("Sections"), compact=True)


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
        Binding("question_mark,f1", "app.help", N_("Help"), key_display="?", id="app.help"),
        Binding("q", "app.quit", N_("Quit"), id="app.quit"),
    ]

    def __init__(self, name: str | None = None, id: str | None = None, classes: str | None = None) -> None:  # noqa: A002
        super().__init__(name=name, id=id, classes=classes)
        # Textual re-parses every stylesheet and restyles every widget twice when a mode's
        # screen is first shown, because a new screen counts as styled by no CSS at all
        # (count -1): some 50 ms before the first page, and again before each section's
        # first visit. One made now is styled by the CSS as it is now, as it mounts; should
        # the CSS change before then (a theme), the counts differ and Textual restyles it.
        try:
            self._css_update_count = self.app._css_update_count
        except RuntimeError:
            pass  # made outside an app (NoActiveAppError): Textual's default stands

    @property
    def section(self) -> Section:
        return section_for(self.SECTION)

    def rebuilt(self) -> SectionScreen:
        """A fresh copy of this screen, for a change of language; a section that has more
        to keep than where it is (a tab) overrides this."""
        return type(self)()
