"""The login history: every attempt to log in to the account, newest first, paged by the
portal, each with its time, address and result."""

from __future__ import annotations

from typing import ClassVar

from rich.text import Text
from textual.binding import Binding, BindingType

from backend.contract import LoginOutcome, LoginQuery, LoginRecord, Page
from hostui.frame.actions import ActionTable
from hostui.frame.host import host_app
from hostui.frame.paged_list import Column, ListFilter, ListQuery, PagedListScreen
from hostui.i18n import N_, _
from hostui.widgets.formatting import day_time

__all__ = ["LoginsScreen"]

# A login is a record, not something to act on: the table has no actions.
LOGIN_ACTIONS: ActionTable[LoginRecord] = ActionTable(
    "login", N_("login"), (), label=lambda row: day_time(row.at), plural=N_("logins")
)

_OUTCOMES = {
    LoginOutcome.SUCCESS: (N_("logged in"), "green"),
    LoginOutcome.WRONG_PASSWORD: (N_("wrong password"), "bold red"),
    LoginOutcome.UNKNOWN_USER: (N_("unknown user"), "red"),
    LoginOutcome.THROTTLED: (N_("throttled"), "bold yellow"),
    LoginOutcome.REFUSED_IP: (N_("refused: IP not allowed"), "bold red"),
    LoginOutcome.WRONG_CODE_WORD: (N_("wrong code word"), "bold red"),
}


def _outcome(row: LoginRecord) -> Text:
    word, style = _OUTCOMES[row.outcome]
    return Text(_(word), style=style)


class LoginsScreen(PagedListScreen[LoginRecord]):
    SECTION = "settings"
    TABLE = LOGIN_ACTIONS
    OPEN_ACTION = ""
    FILTERS = (ListFilter("all", N_("Last logins"), N_("No logins recorded yet.")),)
    COLUMNS = (
        Column("at", N_("When"), 20, 100, lambda row: Text(day_time(row.at))),
        Column("address", N_("Address"), 15, 90, lambda row: Text(row.address)),
        Column("outcome", N_("Result"), 23, 95, _outcome),
        Column("client", N_("Client"), 12, 20, lambda row: Text(row.client or "—", overflow="ellipsis"), flex=True),
    )
    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape", "back", N_("Back"), id="logins.back")]

    async def fetch(self, query: ListQuery) -> Page[LoginRecord]:
        return await host_app(self).service.login_history(
            LoginQuery(page=query.page, page_size=query.page_size, after=query.after)
        )

    @property
    def handlers(self) -> object:
        return object()

    def action_back(self) -> None:
        self.dismiss(None)
