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

__all__ = ["INVOICE_ACTIONS", "status_text", "status_word"]

INVOICE_ACTIONS: ActionTable[InvoiceRow] = ActionTable(
    "invoice",
    "invoice",
    (
        ObjectAction("view", "View", "v", "Show the invoice: lines, totals, payments", footer=False,
                     command="View {object}"),
        ObjectAction("menu", "Actions", "a", "Everything that can be done with the invoice", in_menu=False,
                     command="Actions for {object}"),
        ObjectAction("pay", "Pay", "p", "Pay the invoice: account balance, bank transfer or card"),
        ObjectAction("delete", "Delete", "x", "Delete the unpaid invoice; it stays listed under Deleted",
                     confirm=True, destructive=True),
        ObjectAction("pay_link", "Pay link", "c", "Make a link that pays the invoice without logging in, and copy it",
                     command="Copy a pay link for {object}"),
        ObjectAction("quote", "Quote", "r", "Request a quote (PDF) for the invoice",
                     command="Request a quote for {object}"),
        ObjectAction("download", "PDF", "w", "Download the paid invoice as a PDF", command="Download {object} (PDF)"),
        ObjectAction("renew", "Renew", "n", "Renew the invoice's order: a new invoice for its next period",
                     confirm=True, command="Renew the order of {object}"),
    ),
    label=lambda row: row.number,
)


def status_word(row: InvoiceRow) -> str:
    if row.status == InvoiceStatus.UNPAID:
        return "overdue" if row.overdue else "unpaid"
    return row.status.value


def status_text(row: InvoiceRow) -> Text:
    """The status as a word with a style; the word alone tells it (no colour needed)."""
    word = status_word(row)
    style = {"overdue": "bold red", "unpaid": "bold yellow", "paid": "green", "deleted": "dim"}[word]
    return Text(word, style=style)
