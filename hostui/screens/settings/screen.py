"""The Settings section: renewal, money and language, mailboxes, security, profile.

One tab per subject (``[`` ``]`` switch); each tab's keys change what it shows, through a
dialog that makes the call itself. Every change answers with the whole settings, which are
shown again as the portal now has them.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import ClassVar

from rich.console import Group
from rich.table import Table
from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.widgets import DataTable, Static, TabbedContent, TabPane

from backend.contract import AccountSettings, AutoRenewRequest, Mailbox, OrderRenewal, TicketDetail
from hostui.frame.errors import error_line
from hostui.frame.host import host_app
from hostui.frame.section import SectionScreen
from hostui.i18n import N_, _
from hostui.screens.dialogs.confirm import ConfirmScreen
from hostui.screens.settings.dialogs import (
    CATEGORY_LABELS,
    ChoiceDialog,
    CodeWordDialog,
    IpRangesDialog,
    MailboxDialog,
    ProfileChangeDialog,
)
from hostui.widgets.formatting import day, figure
from hostui.widgets.key_bar import KeyBar
from hostui.widgets.section_header import SectionHeader

__all__ = ["SettingsScreen"]

_TABS = ("renewal", "money", "mailboxes", "security", "profile")
_TAB_GROUP = Binding.Group(N_("Tab"), compact=True)
# Which tab each key belongs to: its key works (and shows) only there.
_KEY_TABS = {
    "toggle_auto_renew": "renewal",
    "cycle_order": "renewal",
    "currency": "money",
    "language": "money",
    "add_mailbox": "mailboxes",
    "edit_mailbox": "mailboxes",
    "remove_mailbox": "mailboxes",
    "code_word": "security",
    "ip_ranges": "security",
    "logins": "security",
    "profile_change": "profile",
}


def _yes(value: bool) -> Text:
    return Text(_("on"), style="bold green") if value else Text(_("off"), style="bold")


class SettingsScreen(SectionScreen):
    SECTION = "settings"

    DEFAULT_CSS = """
    SettingsScreen TabbedContent {
        height: 1fr;
    }
    SettingsScreen .panel {
        padding: 0 1;
        height: auto;
    }
    SettingsScreen DataTable {
        height: auto;
        max-height: 12;
        margin: 1 0;
    }
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("a", "toggle_auto_renew", N_("Auto-renew"), id="settings.auto_renew"),
        Binding("o", "cycle_order", N_("Order on/off/default"), id="settings.order_auto_renew"),
        Binding("c", "currency", N_("Currency"), id="settings.currency"),
        Binding("l", "language", N_("Language"), id="settings.language"),
        Binding("n", "add_mailbox", N_("Add"), id="settings.add_mailbox"),
        Binding("e", "edit_mailbox", N_("Edit"), id="settings.edit_mailbox"),
        Binding("x", "remove_mailbox", N_("Remove"), id="settings.remove_mailbox"),
        Binding("w", "code_word", N_("Code word"), id="settings.code_word"),
        Binding("i", "ip_ranges", N_("IP ranges"), id="settings.ip_ranges"),
        Binding("h", "logins", N_("Login history"), id="settings.logins"),
        Binding("r", "profile_change", N_("Request change"), id="settings.profile_change"),
        Binding("left_square_bracket", "tab(-1)", N_("Previous tab"), group=_TAB_GROUP, id="settings.previous_tab"),
        Binding("right_square_bracket", "tab(1)", N_("Next tab"), group=_TAB_GROUP, id="settings.next_tab"),
        Binding("ctrl+r", "reload", N_("Reload"), show=False, id="settings.reload"),
    ]

    def __init__(self, *, name: str | None = None, id: str | None = None, tab: str = "renewal") -> None:  # noqa: A002
        super().__init__(name=name, id=id)
        self.settings: AccountSettings | None = None
        self._initial_tab = f"{tab}-tab"

    def rebuilt(self) -> SettingsScreen:
        # The user changed the language on a tab: they are still on it in the new language.
        active = self.query_one(TabbedContent).active or self._initial_tab
        return SettingsScreen(tab=active.removesuffix("-tab"))

    def compose(self) -> ComposeResult:
        yield SectionHeader(self.SECTION)
        with TabbedContent(id="tabs", initial=self._initial_tab):
            with TabPane(_("Renewal"), id="renewal-tab"), VerticalScroll():
                yield Static(_("Loading your settings…"), id="renewal", classes="panel")
                yield DataTable(id="orders", cursor_type="row", zebra_stripes=True)
            with TabPane(_("Money & language"), id="money-tab"), VerticalScroll():
                yield Static("", id="money", classes="panel")
            with TabPane(_("Mailboxes"), id="mailboxes-tab"), VerticalScroll():
                yield Static("", id="mailbox-help", classes="panel")
                yield DataTable(id="mailboxes", cursor_type="row", zebra_stripes=True)
            with TabPane(_("Security"), id="security-tab"), VerticalScroll():
                yield Static("", id="security", classes="panel")
            with TabPane(_("Profile"), id="profile-tab"), VerticalScroll():
                yield Static("", id="profile", classes="panel")
        yield KeyBar()

    def on_mount(self) -> None:
        orders = self.query_one("#orders", DataTable)
        orders.add_column(_("Order"))
        orders.add_column(_("What"), width=30)  # the tariff and hostname, cut with "…"
        orders.add_column(_("Auto-renew"))
        orders.add_column(_("Paid until"))
        mailboxes = self.query_one("#mailboxes", DataTable)
        mailboxes.add_column(_("Address"))
        mailboxes.add_column(_("Receives"))
        self.reload()

    # -- loading and showing

    @work(exclusive=True, group="settings-load")
    async def reload(self) -> None:
        try:
            settings = await host_app(self).service.get_settings()
        except Exception as error:  # noqa: BLE001 - said on screen and once as a toast
            self.query_one("#renewal", Static).update(Text(_("Could not load your settings: {error_line}").format(error_line=error_line(error))))
            host_app(self).errors.report(error, retry=_("ctrl+r reloads."))
            return
        self.show(settings)

    def show(self, settings: AccountSettings) -> None:
        self.settings = settings
        self._show_renewal(settings)
        self._show_money(settings)
        self._show_mailboxes(settings)
        self._show_security(settings)
        self._show_profile(settings)
        self.refresh_bindings()

    def _show_renewal(self, settings: AccountSettings) -> None:
        text = Text()
        text.append(_("Automatic renewal "))
        text.append_text(_yes(settings.auto_renew))
        text.append(_("   (a switches it)\n"), style="dim")
        text.append(
            _("Before a billing period ends, the portal issues the next invoice and pays it from the "
            "balance when the balance covers it; otherwise you get the invoice and a reminder. "
            "An order can differ from the account (o on its row: on, off, as the account)."),
            style="dim",
        )
        self.query_one("#renewal", Static).update(text)
        orders = self.query_one("#orders", DataTable)
        row = orders.cursor_row
        orders.clear()
        for order in settings.orders:
            own = _("as account") if order.auto_renew is None else (_("on") if order.auto_renew else _("off"))
            orders.add_row(order.order_number, Text(order.label, overflow="ellipsis", no_wrap=True),
                           Text.assemble(_yes(order.effective), f" ({own})"), day(order.period_end),
                           key=str(order.order_id))
        if settings.orders:
            orders.move_cursor(row=min(row, len(settings.orders) - 1), animate=False)

    def _show_money(self, settings: AccountSettings) -> None:
        grid = Table.grid(padding=(0, 2))
        grid.add_column(style="bold", no_wrap=True)
        grid.add_column()
        currency = next((c for c in settings.currencies if c.code == settings.currency), None)
        grid.add_row(_("Currency"), f"{settings.currency}" + (_(" — {name}").format(name=currency.name) if currency else "") + "   (c)")
        language = next((item.name for item in settings.languages if item.code == settings.language), settings.language)
        grid.add_row(_("Language"), f"{language}   (l)")
        grid.add_row("", Text(_("New invoices use the account's currency; issued ones keep theirs."), style="dim"))
        rates = Table(box=None, padding=(0, 1), header_style="bold")
        rates.add_column(_("Rate"))
        rates.add_column(_("per EUR"), justify="right")
        for option in settings.currencies:
            rates.add_row(f"{option.code} {option.name}", figure(option.rate))
        self.query_one("#money", Static).update(Group(grid, Text(""), rates))

    def _show_mailboxes(self, settings: AccountSettings) -> None:
        self.query_one("#mailbox-help", Static).update(
            Text(
                _("Mail goes to {email} unless a mailbox below takes that kind of mail. n adds one, e edits, x removes.").format(email=settings.profile.email),
                style="dim",
            )
        )
        table = self.query_one("#mailboxes", DataTable)
        row = table.cursor_row
        table.clear()
        for mailbox in settings.mailboxes:
            table.add_row(mailbox.address, ", ".join(_(CATEGORY_LABELS[c]) for c in mailbox.categories),
                          key=str(mailbox.id))
        if settings.mailboxes:
            table.move_cursor(row=min(row, len(settings.mailboxes) - 1), animate=False)

    def _show_security(self, settings: AccountSettings) -> None:
        grid = Table.grid(padding=(0, 2))
        grid.add_column(style="bold", no_wrap=True)
        grid.add_column()
        grid.add_row(_("Code word"), (_("set (never shown)") if settings.code_word_set else _("not set")) + "   (w)")
        ranges = ", ".join(settings.allowed_ip_ranges) if settings.allowed_ip_ranges else _("every address may log in")
        grid.add_row(_("Allowed IP ranges"), f"{ranges}   (i)")
        grid.add_row(_("You connect from"), settings.client_address)
        grid.add_row(_("Last logins"), _("h shows them: time, address, result"))
        self.query_one("#security", Static).update(grid)

    def _show_profile(self, settings: AccountSettings) -> None:
        profile = settings.profile
        grid = Table.grid(padding=(0, 2))
        grid.add_column(style="bold", no_wrap=True)
        grid.add_column()
        grid.add_row(_("Name"), profile.name)
        if profile.company:
            grid.add_row(_("Company"), profile.company)
        grid.add_row(_("E-mail"), profile.email)
        grid.add_row(_("Phone"), profile.phone or "—")
        grid.add_row(_("Country"), profile.country)
        grid.add_row(_("Profile type"), profile.profile_type)
        grid.add_row(_("Address"), profile.address)
        if profile.vat_id:
            grid.add_row(_("VAT id"), profile.vat_id)
        grid.add_row("", Text(_("These are changed by support: r opens a ticket with your request."), style="dim"))
        self.query_one("#profile", Static).update(grid)

    # -- tabs and keys

    @property
    def tab(self) -> str:
        active = self.query_one("#tabs", TabbedContent).active or "renewal-tab"
        return active.removesuffix("-tab")

    @on(TabbedContent.TabActivated, "#tabs")
    def _tab_changed(self) -> None:
        self.refresh_bindings()

    def action_tab(self, step: int) -> None:
        tabs = self.query_one("#tabs", TabbedContent)
        tabs.active = f"{_TABS[(_TABS.index(self.tab) + step) % len(_TABS)]}-tab"

    def action_reload(self) -> None:
        self.reload()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        home = _KEY_TABS.get(action)
        if home is None:
            return True
        if home != self.tab:
            return False  # hidden: another tab's key
        if self.settings is None:
            return None
        if action == "cycle_order" and not self.settings.orders:
            return None
        if action in ("edit_mailbox", "remove_mailbox") and self._mailbox() is None:
            return None
        return True

    # -- changes

    def _change(self, call: Callable[[], Awaitable[AccountSettings]], done: str) -> None:
        async def run() -> None:
            try:
                settings = await call()
            except Exception as error:  # noqa: BLE001 - reported once, never a traceback
                host_app(self).errors.report(error)
                return
            self.show(settings)
            self.notify(done, timeout=3, markup=False)

        self.run_worker(run(), group="settings-change", exclusive=True, exit_on_error=False)

    def _after_dialog(self, done: str) -> Callable[[AccountSettings | None], None]:
        def shown(settings: AccountSettings | None) -> None:
            if settings is not None:
                self.show(settings)
                self.notify(done, timeout=3, markup=False)

        return shown

    def action_toggle_auto_renew(self) -> None:
        assert self.settings is not None
        enabled = not self.settings.auto_renew
        self._change(
            lambda: host_app(self).service.set_auto_renew(AutoRenewRequest(enabled=enabled)),
            _("Automatic renewal {value} for the account.").format(value=_("on") if enabled else _("off")),
        )

    def _order(self) -> OrderRenewal | None:
        if self.settings is None or not self.settings.orders:
            return None
        row = self.query_one("#orders", DataTable).cursor_row
        return self.settings.orders[row] if 0 <= row < len(self.settings.orders) else None

    def action_cycle_order(self) -> None:
        order = self._order()
        if order is None:
            return
        state = next((a for a in order.actions if a.id == "auto_renew"), None)
        if state is not None and not state.enabled:
            # The portal's verdict for this order (a cancelled one renews no more).
            self.app.bell()
            self.notify(f"{order.order_number}: {state.reason}", severity="warning", markup=False)
            return
        following = {None: True, True: False, False: None}[order.auto_renew]
        word = _("as the account") if following is None else (_("on") if following else _("off"))
        self._change(
            lambda: host_app(self).service.set_auto_renew(AutoRenewRequest(enabled=following, order_id=order.order_id)),
            _("{order_number}: automatic renewal {word}.").format(order_number=order.order_number, word=word),
        )

    def action_currency(self) -> None:
        assert self.settings is not None
        options = [(c.code, _("{code}  {name}  ({rate} per EUR)").format(code=c.code, name=c.name, rate=figure(c.rate))) for c in self.settings.currencies]
        self.app.push_screen(
            ChoiceDialog(_("Currency"), _("The currency of new invoices and of the balance:"), options,
                         self.settings.currency, host_app(self).service.set_currency),
            self._currency_changed,
        )

    def _currency_changed(self, settings: AccountSettings | None) -> None:
        self._after_dialog(_("Currency changed."))(settings)
        if settings is not None:
            # The balance is kept in the account's currency: the header shows it converted.
            host_app(self).refresh_account()

    def action_language(self) -> None:
        assert self.settings is not None
        options = [(item.code, item.name) for item in self.settings.languages]
        self.app.push_screen(
            ChoiceDialog(_("Language"), _("The language of hostui, your invoices and the portal's e-mails:"), options,
                         self.settings.language, host_app(self).service.set_language),
            self._language_changed,
        )

    async def _language_changed(self, settings: AccountSettings | None) -> None:
        if settings is None:
            return
        app = host_app(self)
        # This screen is replaced by one in the new language; the toast is said in it.
        await app.apply_language(settings.language)
        app.notify(_("Language changed."), timeout=3, markup=False)
        app.refresh_account()

    def _mailbox(self) -> Mailbox | None:
        if self.settings is None or not self.settings.mailboxes:
            return None
        row = self.query_one("#mailboxes", DataTable).cursor_row
        return self.settings.mailboxes[row] if 0 <= row < len(self.settings.mailboxes) else None

    def action_add_mailbox(self) -> None:
        self.app.push_screen(MailboxDialog(), self._after_dialog(_("Mailbox added.")))

    def action_edit_mailbox(self) -> None:
        mailbox = self._mailbox()
        if mailbox is not None:
            self.app.push_screen(MailboxDialog(mailbox), self._after_dialog(_("Mailbox saved.")))

    def action_remove_mailbox(self) -> None:
        mailbox = self._mailbox()
        if mailbox is None:
            return

        def answered(yes: bool | None) -> None:
            if yes:
                self._change(lambda: host_app(self).service.remove_mailbox(mailbox.id),
                             _("{address} removed; its mail goes to your main e-mail again.").format(address=mailbox.address))

        self.app.push_screen(
            ConfirmScreen(_("Remove the mailbox {address}? Its mail goes to your main e-mail again.").format(address=mailbox.address),
                          title=_("Remove mailbox"), yes=_("Remove"), no=_("Keep")),
            answered,
        )

    def action_code_word(self) -> None:
        self.app.push_screen(CodeWordDialog(), self._after_dialog(_("Code word saved.")))

    def action_ip_ranges(self) -> None:
        assert self.settings is not None
        self.app.push_screen(IpRangesDialog(self.settings), self._after_dialog(_("Allowed IP ranges saved.")))

    def action_logins(self) -> None:
        from hostui.screens.settings.logins import LoginsScreen

        self.app.push_screen(LoginsScreen())

    def action_profile_change(self) -> None:
        def opened(ticket: TicketDetail | None) -> None:
            if ticket is not None:
                self.notify(_("Ticket {number} opened: {subject}").format(number=ticket.number, subject=ticket.subject), markup=False)
                host_app(self).tickets_changed()

        self.app.push_screen(ProfileChangeDialog(), opened)

