"""Invoice and quote PDFs, drawn with fpdf2's core fonts.

Only paid invoices become invoice documents; an unpaid one can be downloaded as a quote
(proforma), which says plainly that it is not a tax invoice. Both are scoped to the customer
like every other call: someone else's invoice is simply not found.

The core fonts (Helvetica) only know latin-1, so every piece of text goes through
``pdf_text``, which transliterates or replaces whatever latin-1 cannot hold. The creation
date comes from the invoice, so the same invoice always gives the same bytes.
"""

from __future__ import annotations

import unicodedata
from datetime import datetime
from decimal import Decimal

from fpdf import FPDF
from fpdf.enums import Align, XPos, YPos
from sqlmodel import Session

from backend.contract import Document, InvoiceDetail
from backend.db import read_session
from backend.domain.invoice_rules import DOWNLOAD, QUOTE, facts_in, require
from backend.domain.invoices import invoice_detail_in, owned_invoice
from backend.models import Customer, Invoice, PaymentMethod
from backend.formatting import format_date, format_money
from backend.portal import Portal
from backend.settings import Provider

__all__ = ["invoice_pdf", "quote_pdf", "pdf_text"]

# Characters latin-1 lacks that have an obvious plain spelling. Anything else outside
# latin-1 is decomposed (é -> e + accent) and, failing that, becomes "?".
_REPLACEMENTS = {
    "\u2010": "-", "\u2011": "-", "\u2012": "-", "\u2013": "-", "\u2014": "-", "\u2015": "-",
    "\u2212": "-",
    "\u2018": "'", "\u2019": "'", "\u201a": ",", "\u201b": "'", "\u2032": "'",
    "\u201c": '"', "\u201d": '"', "\u201e": '"', "\u201f": '"', "\u2033": '"',
    "\u2039": "<", "\u203a": ">",
    "\u2026": "...", "\u2022": "*", "\u2023": ">", "\u2043": "-",
    "\u20ac": "EUR", "\u2122": "TM", "\u2030": "o/oo",
    "\u00a0": " ", "\u2002": " ", "\u2003": " ", "\u2007": " ", "\u2009": " ", "\u202f": " ",
    "\u0141": "L", "\u0142": "l", "\u0110": "D", "\u0111": "d", "\u0126": "H", "\u0127": "h",
    "\u0131": "i", "\u0152": "OE", "\u0153": "oe", "\u0160": "S", "\u0161": "s",
    "\u017d": "Z", "\u017e": "z", "\u0178": "Y", "\u0192": "f", "\u1e9e": "SS",
    "\u0138": "k", "\u014a": "NG", "\u014b": "ng", "\u0166": "T", "\u0167": "t",
}


def _latin1(char: str) -> str:
    if char in _REPLACEMENTS:
        return _REPLACEMENTS[char]
    if ord(char) < 0x100:
        return char
    decomposed = "".join(
        part for part in unicodedata.normalize("NFKD", char) if not unicodedata.combining(part)
    )
    if decomposed and all(ord(part) < 0x100 for part in decomposed):
        return decomposed
    return "?"


def pdf_text(value: object, *, multiline: bool = False) -> str:
    """Any text, made safe for the latin-1 core fonts; control characters become spaces.

    With ``multiline`` newlines are kept (for addresses); otherwise they become ", ".
    """
    if value is None:
        return ""
    text = unicodedata.normalize("NFC", str(value)).replace("\r\n", "\n").replace("\r", "\n")
    if not multiline:
        text = ", ".join(part.strip() for part in text.split("\n") if part.strip())
    out = []
    for char in text:
        if char == "\n":
            out.append(char)
        elif unicodedata.category(char) in ("Cc", "Cs", "Zl", "Zp"):
            out.append(" ")
        elif unicodedata.category(char) == "Cf":
            continue  # invisible formatting (zero-width, bidi overrides, soft hyphen)
        else:
            out.append(_latin1(char))
    return "".join(out)


def _date(value: datetime | None) -> str:
    return format_date(value) if value is not None else "-"


def _rate(rate: Decimal) -> str:
    text = f"{rate:.2f}".rstrip("0").rstrip(".")
    return f"{text} %"


class _Sheet(FPDF):
    """A4 portrait with the provider's bank details in every page's footer."""

    def __init__(self, provider: Provider, footer_lines: list[str]) -> None:
        super().__init__(orientation="P", unit="mm", format="A4")
        self._footer_lines = footer_lines
        self.set_margins(20, 18, 20)
        self.set_auto_page_break(auto=True, margin=32)
        self.set_author(pdf_text(provider.name))
        self.set_creator("hostui")

    def footer(self) -> None:
        self.set_y(-26)
        self.set_draw_color(160, 160, 160)
        self.line(self.l_margin, self.get_y(), self.w - self.r_margin, self.get_y())
        self.ln(1.5)
        self.set_font("Helvetica", size=7.5)
        self.set_text_color(90, 90, 90)
        for line in self._footer_lines:
            self.cell(0, 3.6, line, align=Align.C, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        self.cell(0, 3.6, f"Page {self.page_no()} of {{nb}}", align=Align.C)
        self.set_text_color(0, 0, 0)


def _footer_lines(provider: Provider) -> list[str]:
    address = ", ".join(line.strip() for line in provider.address.splitlines() if line.strip())
    return [
        pdf_text(f"{provider.name} - {address} - VAT ID {provider.vat_id} - {provider.email}"),
        pdf_text(f"Bank: {provider.bank} - IBAN {provider.iban} - BIC {provider.bic}"),
    ]


def _load(
    portal: Portal, customer_id: int, invoice_id: int, action_id: str
) -> tuple[InvoiceDetail, Customer, str | None]:
    """(detail, customer, payment method name) of the customer's own invoice, if the invoice
    rules allow ``action_id`` (the quote or the download) on it."""
    with read_session(portal.engine) as session:
        invoice = owned_invoice(session, customer_id, invoice_id)
        require(facts_in(session, invoice), action_id)
        detail = invoice_detail_in(session, invoice, portal.now())
        customer = session.get(Customer, customer_id)
        method_name = _method_name(session, invoice)
    return detail, customer, method_name


def _method_name(session: Session, invoice: Invoice) -> str | None:
    if invoice.payment_method_id is None:
        return None
    method = session.get(PaymentMethod, invoice.payment_method_id)
    return method.name if method is not None else None


def _header(pdf: _Sheet, provider: Provider, title: str) -> None:
    pdf.set_font("Helvetica", "B", 15)
    pdf.multi_cell(110, 7, pdf_text(provider.name), new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.set_font("Helvetica", size=9)
    pdf.multi_cell(110, 4.5, pdf_text(provider.address, multiline=True), new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.multi_cell(
        110, 4.5, pdf_text(f"VAT ID: {provider.vat_id}\n{provider.email}", multiline=True),
        new_x=XPos.LMARGIN, new_y=YPos.NEXT,
    )
    pdf.ln(6)
    pdf.set_font("Helvetica", "B", 18)
    pdf.cell(0, 9, pdf_text(title), new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.ln(2)


def _bill_to_lines(customer: Customer) -> list[str]:
    """The addressee: name and company, then the postal address.

    A customer's address is often a complete postal block that already names the company (and
    the person, "z. Hd. ..."); the name or company is printed on its own only when the
    address does not already hold it, so nothing appears twice.
    """
    address = [line.strip() for line in (customer.address or "").splitlines() if line.strip()]
    folded = [line.casefold() for line in address]
    heading = [
        part.strip()
        for part in (customer.name, customer.company)
        if part and part.strip() and not any(part.strip().casefold() in line for line in folded)
    ]
    return heading + address


def _addressee_and_facts(pdf: _Sheet, customer: Customer, facts: list[tuple[str, str]]) -> None:
    """The customer's address on the left, the document's key facts on the right."""
    top = pdf.get_y()
    left_width = 85
    pdf.set_font("Helvetica", "B", 9)
    pdf.cell(left_width, 5, "Bill to", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.set_font("Helvetica", size=10)
    for line in _bill_to_lines(customer):
        pdf.multi_cell(left_width, 5, pdf_text(line), new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    if customer.vat_id:
        pdf.multi_cell(left_width, 5, pdf_text(f"VAT ID: {customer.vat_id}"), new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    left_bottom = pdf.get_y()

    label_x = pdf.l_margin + left_width + 10
    label_width = 32
    value_width = pdf.w - pdf.r_margin - label_x - label_width
    pdf.set_xy(label_x, top)
    for label, value in facts:
        pdf.set_x(label_x)
        pdf.set_font("Helvetica", "B", 9)
        pdf.cell(label_width, 5, pdf_text(label))
        pdf.set_font("Helvetica", size=9)
        pdf.multi_cell(value_width, 5, pdf_text(value), new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.set_y(max(left_bottom, pdf.get_y()) + 8)


def _lines_and_totals(pdf: _Sheet, detail: InvoiceDetail) -> None:
    currency = detail.currency
    pdf.set_font("Helvetica", size=9)
    pdf.set_draw_color(180, 180, 180)
    with pdf.table(
        col_widths=(10, 86, 12, 31, 31),
        text_align=("RIGHT", "LEFT", "RIGHT", "RIGHT", "RIGHT"),
        line_height=5,
        first_row_as_headings=True,
        borders_layout="HORIZONTAL_LINES",
        padding=1,
    ) as table:
        heading = table.row()
        for label in ("Pos.", "Description", "Qty", "Unit price", "Amount"):
            heading.cell(label)
        for line in detail.lines:
            row = table.row()
            row.cell(str(line.position))
            row.cell(pdf_text(line.description))
            row.cell(str(line.quantity))
            row.cell(format_money(line.unit_price, currency))
            row.cell(format_money(line.amount, currency))

    pdf.ln(4)
    label_x = pdf.w - pdf.r_margin - 90
    rows = [
        ("Net", format_money(detail.net, currency), False),
        (f"Tax ({_rate(detail.tax_rate)})", format_money(detail.tax, currency), False),
        ("Total", format_money(detail.total, currency), True),
    ]
    for label, value, bold in rows:
        pdf.set_x(label_x)
        pdf.set_font("Helvetica", "B" if bold else "", 11 if bold else 10)
        pdf.cell(50, 6, label)
        pdf.cell(40, 6, value, align=Align.R, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.set_font("Helvetica", size=9)
    pdf.set_x(label_x)
    pdf.cell(90, 5, pdf_text(f"All amounts in {currency}."), align=Align.R, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.ln(6)


def _period(detail: InvoiceDetail) -> str:
    if detail.period_start is None and detail.period_end is None:
        return "-"
    return f"{_date(detail.period_start)} to {_date(detail.period_end)}"


def _paragraph(pdf: _Sheet, text: str, *, bold: bool = False, size: float = 10) -> None:
    pdf.set_font("Helvetica", "B" if bold else "", size)
    pdf.multi_cell(0, 5, pdf_text(text, multiline=True), new_x=XPos.LMARGIN, new_y=YPos.NEXT)


def _finish(pdf: _Sheet, filename: str) -> Document:
    return Document(filename=filename, media_type="application/pdf", content=bytes(pdf.output()))


def invoice_pdf(portal: Portal, customer_id: int, invoice_id: int) -> Document:
    """The tax invoice of a paid invoice; unpaid ones are quotes, deleted ones have neither."""
    detail, customer, method_name = _load(portal, customer_id, invoice_id, DOWNLOAD)

    provider = portal.settings.provider
    pdf = _Sheet(provider, _footer_lines(provider))
    pdf.set_creation_date(detail.paid_at or detail.issued_at)
    pdf.set_title(pdf_text(f"Invoice {detail.number}"))
    pdf.set_subject(pdf_text(f"Invoice {detail.number} from {provider.name}"))
    pdf.add_page()
    _header(pdf, provider, "Invoice")
    _addressee_and_facts(pdf, customer, [
        ("Invoice no.", detail.number),
        ("Issue date", _date(detail.issued_at)),
        ("Due date", _date(detail.due_at)),
        ("Paid on", _date(detail.paid_at)),
        ("Service period", _period(detail)),
        ("Order", detail.order_number or "-"),
        ("Payment method", method_name or "-"),
        ("Currency", detail.currency),
    ])
    _lines_and_totals(pdf, detail)
    _paragraph(
        pdf,
        f"Paid in full on {_date(detail.paid_at)}"
        + (f" by {method_name}" if method_name else "")
        + ". Thank you for your business.",
    )
    return _finish(pdf, f"invoice-{detail.number}.pdf")


def quote_pdf(portal: Portal, customer_id: int, invoice_id: int) -> Document:
    """A proforma for an unpaid invoice, with the bank details to pay it by transfer."""
    detail, customer, method_name = _load(portal, customer_id, invoice_id, QUOTE)

    provider = portal.settings.provider
    pdf = _Sheet(provider, _footer_lines(provider))
    pdf.set_creation_date(detail.issued_at)
    pdf.set_title(pdf_text(f"Quote {detail.number}"))
    pdf.set_subject(pdf_text(f"Quote / proforma invoice {detail.number} from {provider.name}"))
    pdf.add_page()
    _header(pdf, provider, "Quote / Proforma invoice")
    _paragraph(
        pdf,
        "This is not a tax invoice. The invoice is issued once the payment has been received.",
        bold=True, size=9,
    )
    pdf.ln(3)
    _addressee_and_facts(pdf, customer, [
        ("Reference", detail.number),
        ("Date", _date(detail.issued_at)),
        ("Valid until", _date(detail.due_at)),
        ("Service period", _period(detail)),
        ("Order", detail.order_number or "-"),
        ("Payment method", method_name or "any"),
        ("Currency", detail.currency),
    ])
    _lines_and_totals(pdf, detail)
    _paragraph(pdf, f"This quote is valid until {_date(detail.due_at)}.")
    pdf.ln(2)
    _paragraph(pdf, "Payment by bank transfer", bold=True)
    pdf.set_font("Helvetica", size=10)
    for label, value in (
        ("Beneficiary", provider.name),
        ("Bank", provider.bank),
        ("IBAN", provider.iban),
        ("BIC", provider.bic),
        ("Reference", detail.number),
        ("Amount", format_money(detail.total, detail.currency)),
    ):
        pdf.set_font("Helvetica", "B", 10)
        pdf.cell(30, 5, label)
        pdf.set_font("Helvetica", size=10)
        pdf.multi_cell(0, 5, pdf_text(value), new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.ln(2)
    _paragraph(pdf, f"Please quote {detail.number} as the payment reference.", size=9)
    return _finish(pdf, f"quote-{detail.number}.pdf")
