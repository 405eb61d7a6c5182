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

__all__ = ["ORDER_ACTIONS", "SERVER_ACTIONS", "TRAFFIC_KEYS", "order_status_text", "power_text", "period_text"]

ORDER_ACTIONS: ActionTable[OrderRow] = ActionTable(
    "order",
    "order",
    (
        ObjectAction("manage", "Manage", "m", "Manage the order's server: details, power, network, traffic",
                     footer=False, command="Manage {object}"),
        ObjectAction("menu", "Actions", "a", "Everything that can be done with the order", in_menu=False,
                     command="Actions for {object}"),
        ObjectAction("invoices", "Invoices", "i", "The invoices of this order", command="Invoices of {object}"),
        ObjectAction("ticket", "Ticket", "t", "Write a support ticket about this order",
                     command="Create a ticket for {object}"),
        ObjectAction("renew", "Renew", "n", "Issue the invoice for the next billing period, then pay it",
                     confirm=True, command="Renew {object}"),
    ),
    label=lambda row: row.number,
)

SERVER_ACTIONS: ActionTable[ServerDetail] = ActionTable(
    "server",
    "server",
    (
        ObjectAction("reboot", "Reboot", "r", "Restart the server (it is down for a minute or two)",
                     confirm=True, command="Reboot {object}"),
        ObjectAction("disable", "Disable", "D", "Power the server off", confirm=True, destructive=True,
                     command="Disable (power off) {object}"),
        ObjectAction("enable", "Enable", "e", "Power the server on, or put it back on the network",
                     confirm=True, command="Enable {object}"),
        ObjectAction("block", "Block", "B", "Take the server off the network; it keeps running",
                     confirm=True, destructive=True, command="Block {object} (network off)"),
        ObjectAction("reinstall", "Reinstall", "I", "Install an operating system; all data on the server is erased",
                     confirm=True, destructive=True, command="Reinstall {object}"),
        ObjectAction("kvm", "IP-KVM", "K", "Open a console session: a link and credentials for a limited time",
                     command="IP-KVM console for {object}"),
        ObjectAction("credentials", "Password", "p", "Show the server's login and password (and copy it)",
                     command="Show the password of {object}"),
        ObjectAction("rdns", "Reverse DNS", "R", "Set the reverse DNS name of the highlighted address",
                     footer=False, command="Edit reverse DNS of {object}"),
    ),
    label=lambda server: f"{server.hostname}",
)

_PERIOD_GROUP = Binding.Group("Period", compact=True)
# The Traffic tab's keys (here, not in its module, which loads the chart library on first use).
TRAFFIC_KEYS = [
    Binding("f", "period(1)", "Next period", group=_PERIOD_GROUP, id="traffic.next_period"),
    Binding("F", "period(-1)", "Previous period", group=_PERIOD_GROUP, id="traffic.previous_period"),
]

_STATUS_STYLE = {
    OrderStatus.ACTIVE: ("active", "green"),
    OrderStatus.NEW: ("new, unpaid", "bold yellow"),
    OrderStatus.SUSPENDED: ("suspended", "bold red"),
    OrderStatus.BLOCKED: ("blocked", "bold red"),
    OrderStatus.CANCELLED: ("cancelled", "dim"),
}
_POWER_STYLE = {
    PowerState.ON: ("on", "green"),
    PowerState.OFF: ("off", "bold"),
    PowerState.BLOCKED: ("blocked", "bold red"),
    PowerState.STARTING: ("starting…", "yellow"),
    PowerState.STOPPING: ("stopping…", "yellow"),
    PowerState.REBOOTING: ("rebooting…", "yellow"),
    PowerState.REINSTALLING: ("reinstalling…", "yellow"),
}


def order_status_text(status: OrderStatus) -> Text:
    word, style = _STATUS_STYLE[status]
    return Text(word, style=style)


def power_text(state: PowerState | None) -> Text:
    if state is None:
        return Text("—", style="dim")
    word, style = _POWER_STYLE[state]
    return Text(word, style=style)


def period_text(months: int) -> str:
    return {1: "month", 3: "quarter", 6: "half-year", 12: "year"}.get(months, f"{months} months")
