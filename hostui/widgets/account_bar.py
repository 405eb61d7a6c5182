"""The bar at the top of every section: where you are, who is logged in, and the balance."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Horizontal
from textual.widgets import Label

from backend.contract import AccountSummary
from hostui.widgets.formatting import money

__all__ = ["AccountBar"]


class AccountBar(Horizontal):
    """Section title, customer (name, company, login) and balance with currency.

    Follows the app's ``account`` reactive (an ``AccountSummary`` or None), so every screen's
    bar updates when ``app.refresh_account()`` fetches a new summary after an action.
    """

    DEFAULT_CSS = """
    AccountBar {
        dock: top;
        height: 1;
        background: $panel;
        color: $foreground;
    }
    AccountBar > #section {
        width: auto;
        padding: 0 1;
        background: $primary;
        color: $text;
        text-style: bold;
    }
    AccountBar > #who {
        width: 1fr;
        padding: 0 1;
        text-overflow: ellipsis;
        text-wrap: nowrap;
    }
    AccountBar > #balance {
        width: auto;
        padding: 0 1;
        text-style: bold;
    }
    AccountBar > #balance.-negative {
        color: $text-error;
    }
    """

    def __init__(self, section: str, *, id: str | None = None) -> None:  # noqa: A002
        super().__init__(id=id)
        self.section = section

    def compose(self) -> ComposeResult:
        yield Label(Text(self.section), id="section")
        yield Label("", id="who")
        yield Label("", id="balance")

    def on_mount(self) -> None:
        if hasattr(self.app, "account"):
            self.watch(self.app, "account", self.show_account, init=True)

    def show_account(self, account: AccountSummary | None) -> None:
        who = self.query_one("#who", Label)
        balance = self.query_one("#balance", Label)
        if account is None:
            who.update("")
            balance.update("")
            return
        parts = [account.name]
        if account.company:
            parts.append(account.company)
        parts.append(account.login)
        who.update(Text(" · ".join(parts)))  # Text: names are data, not markup
        balance.update(Text(f"Balance {money(account.balance, account.currency)}"))
        balance.set_class(account.balance < 0, "-negative")

    def refresh_account(self) -> None:
        """Fetch the account summary again (after a payment, a deletion…)."""
        refresh = getattr(self.app, "refresh_account", None)
        if refresh is not None:
            refresh()
