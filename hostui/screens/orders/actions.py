"""The action tables of the Orders section: what can be done with an order and with a server.

Keys, the footer, the Actions menu, the help overlay and the palette come from these tables
(``hostui.frame.actions``); whether each is possible right now comes from the portal
(``OrderRow.actions``, ``ServerDetail.actions``). The handlers are the methods of the same
names on ``OrderHandlers`` and ``ServerHandlers``. Power actions that are hard to take back
sit on shifted keys, so a stray key press never powers a server off.
"""

from __future__ import annotations

from rich.text import Text
from textual.binding import Binding

from backend.contract import OrderRow, OrderStatus, PowerState, ServerDetail
from hostui.frame.actions import ActionTable, ObjectAction
from hostui.i18n import N_, _, ngettext

__all__ = ["ORDER_ACTIONS", "SERVER_ACTIONS", "TRAFFIC_KEYS", "order_status_text", "power_text", "period_text"]

ORDER_ACTIONS: ActionTable[OrderRow] = ActionTable(
    "order",
    N_("order"),
    (
        ObjectAction("manage", N_("Manage"), "m", N_("Manage the order's server: details, power, network, traffic"),
                     footer=False, command=N_("Manage {object}")),
        ObjectAction("menu", N_("Actions"), "a", N_("Everything that can be done with the order"), in_menu=False,
                     command=N_("Actions for {object}")),
        ObjectAction("invoices", N_("Invoices"), "i", N_("The invoices of this order"), command=N_("Invoices of {object}")),
        ObjectAction("ticket", N_("Ticket"), "t", N_("Write a support ticket about this order"),
                     command=N_("Create a ticket for {object}")),
        ObjectAction("renew", N_("Renew"), "n", N_("Issue the invoice for the next billing period, then pay it"),
                     confirm=True, command=N_("Renew {object}")),
    ),
    label=lambda row: row.number,
    plural=N_("orders"),
)

SERVER_ACTIONS: ActionTable[ServerDetail] = ActionTable(
    "server",
    N_("server"),
    (
        ObjectAction("reboot", N_("Reboot"), "r", N_("Restart the server (it is down for a minute or two)"),
                     confirm=True, command=N_("Reboot {object}")),
        ObjectAction("disable", N_("Disable"), "D", N_("Power the server off"), confirm=True, destructive=True,
                     command=N_("Disable (power off) {object}")),
        ObjectAction("enable", N_("Enable"), "e", N_("Power the server on, or put it back on the network"),
                     confirm=True, command=N_("Enable {object}")),
        ObjectAction("block", N_("Block"), "B", N_("Take the server off the network; it keeps running"),
                     confirm=True, destructive=True, command=N_("Block {object} (network off)")),
        ObjectAction("reinstall", N_("Reinstall"), "I", N_("Install an operating system; all data on the server is erased"),
                     confirm=True, destructive=True, command=N_("Reinstall {object}")),
        ObjectAction("kvm", N_("IP-KVM"), "K", N_("Open a console session: a link and credentials for a limited time"),
                     command=N_("IP-KVM console for {object}")),
        ObjectAction("credentials", N_("Password"), "p", N_("Show the server's login and password (and copy it)"),
                     command=N_("Show the password of {object}")),
        ObjectAction("rdns", N_("Reverse DNS"), "R", N_("Set the reverse DNS name of the highlighted address"),
                     footer=False, command=N_("Edit reverse DNS of {object}")),
    ),
    label=lambda server: f"{server.hostname}",
    plural=N_("servers"),
)

_PERIOD_GROUP = Binding.Group(N_("Period"), compact=True)
# The Traffic tab's keys (here, not in its module, which loads the chart library on first use).
TRAFFIC_KEYS = [
    Binding("f", "period(1)", N_("Next period"), group=_PERIOD_GROUP, id="traffic.next_period"),
    Binding("F", "period(-1)", N_("Previous period"), group=_PERIOD_GROUP, id="traffic.previous_period"),
]

_STATUS_STYLE = {
    OrderStatus.ACTIVE: (N_("active"), "green"),
    OrderStatus.NEW: (N_("new, unpaid"), "bold yellow"),
    OrderStatus.SUSPENDED: (N_("suspended"), "bold red"),
    OrderStatus.BLOCKED: (N_("blocked"), "bold red"),
    OrderStatus.CANCELLED: (N_("cancelled"), "dim"),
}
_POWER_STYLE = {
    PowerState.ON: (N_("on"), "green"),
    PowerState.OFF: (N_("off"), "bold"),
    PowerState.BLOCKED: (N_("blocked"), "bold red"),
    PowerState.STARTING: (N_("starting…"), "yellow"),
    PowerState.STOPPING: (N_("stopping…"), "yellow"),
    PowerState.REBOOTING: (N_("rebooting…"), "yellow"),
    PowerState.REINSTALLING: (N_("reinstalling…"), "yellow"),
}


def order_status_text(status: OrderStatus) -> Text:
    word, style = _STATUS_STYLE[status]
    return Text(_(word), style=style)


def power_text(state: PowerState | None) -> Text:
    if state is None:
        return Text("—", style="dim")
    word, style = _POWER_STYLE[state]
    return Text(_(word), style=style)


def period_text(months: int) -> str:
    named = {1: _("month"), 3: _("quarter"), 6: _("half-year"), 12: _("year")}
    return named.get(months) or ngettext("{count} month", "{count} months", months).format(count=months)
