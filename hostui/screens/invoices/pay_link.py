"""The "Copy link" action: a payment link that works without logging in.

Calls ``service.create_pay_link`` in a worker, copies the URL to the clipboard with
``app.copy_to_clipboard`` (OSC 52: works over SSH, and in tmux with ``set-clipboard on``) and
also shows it in full, for terminals that ignore OSC 52, with its expiry and what it gives
away. ``c`` copies it again; ``escape`` / ``enter`` close. Dismisses with the ``PayLink``
(None if none was made).
"""

from __future__ import annotations

from datetime import timezone
from typing import ClassVar

from rich.style import Style
from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.widgets import Static

from backend.contract import InvoiceRow, PayLink, PortalService
from hostui.frame.dialog import DialogScreen
from hostui.frame.errors import error_line
from hostui.i18n import N_, _
from hostui.widgets.key_bar import KeyBar
from hostui.widgets.formatting import money

__all__ = ["PayLinkScreen", "PAY_LINK_WARNING"]

PAY_LINK_WARNING = N_("Anyone with this link can see this invoice's total and pay it, without logging in.")


def _expiry(link: PayLink) -> str:
    # UTC, like every date hostui shows (the portal's dates are UTC).
    return link.expires_at.astimezone(timezone.utc).strftime("%Y-%m-%d %H:%M UTC")


class PayLinkScreen(DialogScreen[PayLink | None]):
    """Make a pay link, copy it and show it."""

    DEFAULT_CSS = """
    PayLinkScreen > #dialog {
        width: 100%;
        max-width: 100;
    }
    PayLinkScreen #url {
        height: auto;
        margin: 1 0;
        text-style: bold;
        color: $text-accent;
    }
    PayLinkScreen #url, PayLinkScreen #info {
        display: none;
    }
    PayLinkScreen.-ready #url, PayLinkScreen.-ready #info {
        display: block;
    }
    PayLinkScreen #info {
        height: auto;
    }
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("c", "copy", N_("Copy again")),
        Binding("enter", "close", N_("Done"), show=False),
        Binding("escape", "close", N_("Close")),
    ]

    def __init__(self, row: InvoiceRow, service: PortalService) -> None:
        super().__init__()
        self.row = row
        self.service = service
        self.link: PayLink | None = None

    def compose(self) -> ComposeResult:
        with Vertical(id="dialog"):
            yield Static(_("Creating a payment link for {number}…").format(number=self.row.number), id="status", markup=False)
            yield Static("", id="url", markup=False)
            yield Static("", id="info")
            yield Static("", id="error", classes="dialog-error", markup=False)
        yield KeyBar()

    def on_mount(self) -> None:
        self.query_one("#dialog").border_title = _("Payment link · {number}").format(number=self.row.number)
        self.create()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "copy":
            return self.link is not None
        return True

    @work(exclusive=True, group="pay-link")
    async def create(self) -> None:
        try:
            link = await self.service.create_pay_link(self.row.id)
        except Exception as error:  # noqa: BLE001 - shown in the dialog
            self.query_one("#status", Static).display = False
            self.show_error(_("No payment link: {error_line}").format(error_line=error_line(error)))
            return
        self.link = link
        self.app.copy_to_clipboard(link.url)
        self.query_one("#status", Static).update(
            Text.assemble(
                (_("Copied to the clipboard"), "bold"),
                _(" — the link to pay {number} ({money}):").format(number=self.row.number, money=money(self.row.total, self.row.currency)),
            )
        )
        # Also a hyperlink (OSC 8): terminals that know it keep it one link when wrapped.
        self.query_one("#url", Static).update(Text(link.url, style=Style(link=link.url)))
        info = Text()
        info.append(_("Valid until {expiry}.\n").format(expiry=_expiry(link)))
        info.append(_(PAY_LINK_WARNING), style="bold")
        info.append(
            _("\nIf your terminal did not copy it (no OSC 52 support), select the link above."),
            style="dim",
        )
        self.query_one("#info", Static).update(info)
        self.add_class("-ready")
        self.refresh_bindings()

    def action_copy(self) -> None:
        if self.link is None:
            return
        self.app.copy_to_clipboard(self.link.url)
        self.notify(_("Payment link copied to the clipboard."), timeout=3)

    def action_close(self) -> None:
        self.dismiss(self.link)
