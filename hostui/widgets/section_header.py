"""The bar at the top of every section: the sections as tabs with their keys, where hostui is
connected (profile, and the server in remote mode), who is logged in, and the balance."""

from __future__ import annotations

from rich.text import Text
from textual import events
from textual.app import ComposeResult
from textual.containers import Horizontal
from textual.widgets import Label

from backend.contract import AccountSummary
from hostui.frame.host import host_app
from hostui.frame.section import SECTIONS
from hostui.i18n import _
from hostui.widgets.formatting import money

__all__ = ["SectionHeader"]

# Narrower than this, the other sections are shown by their key alone (room for the balance).
COMPACT_BELOW = 80
# Columns kept for where hostui is connected before the tabs give up their names.
MIN_WHERE = 12


class SectionHeader(Horizontal):
    """Follows the app's ``account`` reactive, so the balance updates after every payment."""

    DEFAULT_CSS = """
    SectionHeader {
        dock: top;
        height: 1;
        background: $panel;
        color: $foreground;
    }
    SectionHeader > #tabs {
        width: auto;
        padding: 0 0 0 1;
    }
    SectionHeader > #where {
        width: 1fr;
        padding: 0 1;
        color: $text-muted;
        text-overflow: ellipsis;
        text-wrap: nowrap;
    }
    SectionHeader > #balance {
        width: auto;
        padding: 0 1;
        text-style: bold;
    }
    SectionHeader > #balance.-negative {
        color: $text-error;
    }
    """

    def __init__(self, current: str, *, id: str | None = None) -> None:  # noqa: A002
        """``current``: the mode of the section this header sits in."""
        super().__init__(id=id)
        self.current = current

    def compose(self) -> ComposeResult:
        yield Label(self._tabs(), id="tabs")
        yield Label("", id="where")
        yield Label("", id="balance")

    def _labels(self, compact: bool) -> list[tuple[str, str]]:
        """(mode, label) per section; compact: the other sections by their key alone. A
        section with news says how many ("3 Tickets (2)")."""
        labels = []
        for section in SECTIONS:
            news = self.app.section_news(section.mode) if self.is_attached else 0
            suffix = f" ({news})" if news else ""
            if not compact or section.mode == self.current:
                labels.append((section.mode, f" {section.key} {_(section.title)}{suffix} "))
            else:
                labels.append((section.mode, f" {section.key}{suffix} "))
        return labels

    def _tabs(self, compact: bool = False) -> Text:
        # The current section in reverse video: visible without colour (NO_COLOR, 16 colours).
        text = Text(no_wrap=True)
        for mode, label in self._labels(compact):
            text.append(label, style="bold reverse" if mode == self.current else "")
        return text

    @property
    def _compact(self) -> bool:
        # Compact when the full tabs would leave the balance no room (German names are longer).
        full = sum(len(label) for _mode, label in self._labels(compact=False))
        balance = len(str(self.query_one("#balance", Label).content)) if self.is_mounted else 0
        return self.size.width < COMPACT_BELOW or full + balance + MIN_WHERE > self.size.width

    def on_resize(self) -> None:
        self.query_one("#tabs", Label).update(self._tabs(self._compact))

    def on_mount(self) -> None:
        self.watch(self.app, "account", self.show_account, init=True)
        self.watch(self.app, "unread_tickets", lambda _count: self.on_resize(), init=False)

    def show_account(self, account: AccountSummary | None) -> None:
        app = host_app(self)
        where = [app.connection_label]
        if account is not None:
            where.append(account.login)
            where.append(account.company or account.name)
        self.query_one("#where", Label).update(Text(" · ".join(part for part in where if part)))
        balance = self.query_one("#balance", Label)
        if account is None:
            balance.update("")
            return
        balance.update(Text(_("Balance {amount}").format(amount=money(account.balance, account.currency))))
        balance.set_class(account.balance < 0, "-negative")
        self.on_resize()  # the balance's width decides whether the tabs fit in full

    def on_click(self, event: events.Click) -> None:
        # Measured from the screen: the event may name the screen as its widget.
        tabs = self.query_one("#tabs", Label)
        x = event.screen_x - tabs.content_region.x
        if event.screen_y != tabs.content_region.y or not 0 <= x < tabs.content_region.width:
            return
        column = 0
        for mode, label in self._labels(self._compact):
            if column <= x < column + len(label):
                event.stop()
                self.app.action_section(mode)
                return
            column += len(label)
