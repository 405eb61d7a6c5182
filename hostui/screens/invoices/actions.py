"""The invoice action table: every action on an invoice, declared once.

Keys, the footer, the Actions menu, the view's keys, the help overlay and the palette all
come from this table (``hostui.frame.actions``); whether each is possible for an invoice
right now comes from the portal (``InvoiceRow.actions``). The handlers are the methods of the
same names on ``InvoiceHandlers``.
"""

from __future__ import annotations

from rich.text import Text

from backend.contract import InvoiceRow, InvoiceStatus
from hostui.frame.actions import ActionTable, ObjectAction
from hostui.i18n import N_, _

__all__ = ["INVOICE_ACTIONS", "status_text", "status_word"]

INVOICE_ACTIONS: ActionTable[InvoiceRow] = ActionTable(
    "invoice",
    N_("invoice"),
    (
        ObjectAction("view", N_("View"), "v", N_("Show the invoice: lines, totals, payments"), footer=False,
                     command=N_("View {object}")),
        ObjectAction("menu", N_("Actions"), "a", N_("Everything that can be done with the invoice"), in_menu=False,
                     command=N_("Actions for {object}")),
        ObjectAction("pay", N_("Pay"), "p", N_("Pay the invoice: account balance, bank transfer or card")),
        ObjectAction("delete", N_("Delete"), "x", N_("Delete the unpaid invoice; it stays listed under Deleted"),
                     confirm=True, destructive=True),
        ObjectAction("pay_link", N_("Pay link"), "c", N_("Make a link that pays the invoice without logging in, and copy it"),
                     command=N_("Copy a pay link for {object}")),
        ObjectAction("quote", N_("Quote"), "r", N_("Request a quote (PDF) for the invoice"),
                     command=N_("Request a quote for {object}")),
        ObjectAction("download", N_("PDF"), "w", N_("Download the paid invoice as a PDF"), command=N_("Download {object} (PDF)")),
        ObjectAction("renew", N_("Renew"), "n", N_("Renew the invoice's order: a new invoice for its next period"),
                     confirm=True, command=N_("Renew the order of {object}")),
    ),
    label=lambda row: row.number,
    plural=N_("invoices"),
)

# The words status_word() returns and the filters' ids (an export's title), for the
# catalogue: they are translated where shown.
_STATUS_WORDS = (N_("overdue"), N_("unpaid"), N_("paid"), N_("deleted"), N_("all"))


def status_word(row: InvoiceRow) -> str:
    if row.status == InvoiceStatus.UNPAID:
        return "overdue" if row.overdue else "unpaid"
    return row.status.value


def status_text(row: InvoiceRow) -> Text:
    """The status as a word with a style; the word alone tells it (no colour needed)."""
    word = status_word(row)
    style = {"overdue": "bold red", "unpaid": "bold yellow", "paid": "green", "deleted": "dim"}[word]
    return Text(_(word), style=style)
