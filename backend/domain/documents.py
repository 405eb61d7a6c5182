"""Invoice and quote PDFs, drawn with fpdf2's core fonts.

Only paid invoices become invoice documents; an unpaid one can be downloaded as a quote
(proforma), which says plainly that it is not a tax invoice. Both are scoped to the customer
like every other call: someone else's invoice is simply not found.

Every fixed text, date and amount is in the customer's language (``Customer.language``,
backend/texts.py and backend/formatting.py). The core fonts (Helvetica) only know latin-1,
which German's letters are in; every piece of text goes through
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
from backend.texts import language_or_default, text

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


def _date(value: datetime | None, language: str) -> str:
    return format_date(value, language) if value is not None else "-"


def _rate(rate: Decimal) -> str:
    text = f"{rate:.2f}".rstrip("0").rstrip(".")
    return f"{text} %"


class _Sheet(FPDF):
    """A4 portrait with the provider's bank details in every page's footer."""

    def __init__(self, provider: Provider, language: str) -> None:
        super().__init__(orientation="P", unit="mm", format="A4")
        self.language = language
        self._footer_lines = _footer_lines(provider, language)
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
        self.cell(0, 3.6, text(self.language, "pdf.page", page=self.page_no(), pages="{nb}"), align=Align.C)
        self.set_text_color(0, 0, 0)


def _footer_lines(provider: Provider, language: str) -> list[str]:
    address = ", ".join(line.strip() for line in provider.address.splitlines() if line.strip())
    vat_id = text(language, "pdf.vat_id", vat_id=provider.vat_id)
    return [
        pdf_text(f"{provider.name} - {address} - {vat_id} - {provider.email}"),
        pdf_text(text(language, "pdf.footer_bank", bank=provider.bank, iban=provider.iban, bic=provider.bic)),
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
        110, 4.5, pdf_text(f"{text(pdf.language, 'pdf.vat_id', vat_id=provider.vat_id)}\n{provider.email}",
                           multiline=True),
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
    pdf.cell(left_width, 5, pdf_text(text(pdf.language, "pdf.bill_to")), new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.set_font("Helvetica", size=10)
    for line in _bill_to_lines(customer):
        pdf.multi_cell(left_width, 5, pdf_text(line), new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    if customer.vat_id:
        pdf.multi_cell(left_width, 5, pdf_text(text(pdf.language, "pdf.vat_id", vat_id=customer.vat_id)),
                       new_x=XPos.LMARGIN, new_y=YPos.NEXT)
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
    currency, language = detail.currency, pdf.language

    def money(amount: Decimal) -> str:
        return format_money(amount, currency, language)
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
        for key in ("pdf.pos", "pdf.description", "pdf.qty", "pdf.unit_price", "pdf.amount"):
            heading.cell(pdf_text(text(language, key)))
        for line in detail.lines:
            row = table.row()
            row.cell(str(line.position))
            row.cell(pdf_text(line.description))
            row.cell(str(line.quantity))
            row.cell(money(line.unit_price))
            row.cell(money(line.amount))

    pdf.ln(4)
    label_x = pdf.w - pdf.r_margin - 90
    rows = [
        (text(language, "pdf.net"), money(detail.net), False),
        (text(language, "pdf.tax", rate=_rate(detail.tax_rate)), money(detail.tax), False),
        (text(language, "pdf.total"), money(detail.total), True),
    ]
    for label, value, bold in rows:
        pdf.set_x(label_x)
        pdf.set_font("Helvetica", "B" if bold else "", 11 if bold else 10)
        pdf.cell(50, 6, pdf_text(label))
        pdf.cell(40, 6, value, align=Align.R, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.set_font("Helvetica", size=9)
    pdf.set_x(label_x)
    pdf.cell(90, 5, pdf_text(text(language, "pdf.all_amounts_in", currency=currency)), align=Align.R,
             new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.ln(6)


def _period(detail: InvoiceDetail, language: str) -> str:
    if detail.period_start is None and detail.period_end is None:
        return "-"
    return text(language, "pdf.period", start=_date(detail.period_start, language), end=_date(detail.period_end, language))


def _paragraph(pdf: _Sheet, text: str, *, bold: bool = False, size: float = 10) -> None:
    pdf.set_font("Helvetica", "B" if bold else "", size)
    pdf.multi_cell(0, 5, pdf_text(text, multiline=True), new_x=XPos.LMARGIN, new_y=YPos.NEXT)


def _finish(pdf: _Sheet, filename: str) -> Document:
    return Document(filename=filename, media_type="application/pdf", content=bytes(pdf.output()))


def invoice_pdf(portal: Portal, customer_id: int, invoice_id: int) -> Document:
    """The tax invoice of a paid invoice; unpaid ones are quotes, deleted ones have neither."""
    detail, customer, method_name = _load(portal, customer_id, invoice_id, DOWNLOAD)
    language = language_or_default(customer.language)

    def date(value: datetime | None) -> str:
        return _date(value, language)

    provider = portal.settings.provider
    pdf = _Sheet(provider, language)
    pdf.set_creation_date(detail.paid_at or detail.issued_at)
    pdf.set_title(pdf_text(text(language, "pdf.invoice_title", number=detail.number)))
    pdf.set_subject(pdf_text(text(language, "pdf.invoice_subject", number=detail.number, provider=provider.name)))
    pdf.add_page()
    _header(pdf, provider, text(language, "pdf.invoice"))
    _addressee_and_facts(pdf, customer, [
        (text(language, "pdf.invoice_no"), detail.number),
        (text(language, "pdf.issue_date"), date(detail.issued_at)),
        (text(language, "pdf.due_date"), date(detail.due_at)),
        (text(language, "pdf.paid_on"), date(detail.paid_at)),
        (text(language, "pdf.service_period"), _period(detail, language)),
        (text(language, "pdf.order"), detail.order_number or "-"),
        (text(language, "pdf.payment_method"), method_name or "-"),
        (text(language, "pdf.currency"), detail.currency),
    ])
    _lines_and_totals(pdf, detail)
    paid = (
        text(language, "pdf.paid_in_full_by", date=date(detail.paid_at), method=method_name)
        if method_name
        else text(language, "pdf.paid_in_full", date=date(detail.paid_at))
    )
    _paragraph(pdf, f"{paid} {text(language, 'pdf.thanks')}")
    return _finish(pdf, f"invoice-{detail.number}.pdf")


def quote_pdf(portal: Portal, customer_id: int, invoice_id: int) -> Document:
    """A proforma for an unpaid invoice, with the bank details to pay it by transfer."""
    detail, customer, method_name = _load(portal, customer_id, invoice_id, QUOTE)
    language = language_or_default(customer.language)

    def date(value: datetime | None) -> str:
        return _date(value, language)

    provider = portal.settings.provider
    pdf = _Sheet(provider, language)
    pdf.set_creation_date(detail.issued_at)
    pdf.set_title(pdf_text(text(language, "pdf.quote_title", number=detail.number)))
    pdf.set_subject(pdf_text(text(language, "pdf.quote_subject", number=detail.number, provider=provider.name)))
    pdf.add_page()
    _header(pdf, provider, text(language, "pdf.quote"))
    _paragraph(pdf, text(language, "pdf.not_a_tax_invoice"), bold=True, size=9)
    pdf.ln(3)
    _addressee_and_facts(pdf, customer, [
        (text(language, "pdf.reference"), detail.number),
        (text(language, "pdf.date"), date(detail.issued_at)),
        (text(language, "pdf.valid_until"), date(detail.due_at)),
        (text(language, "pdf.service_period"), _period(detail, language)),
        (text(language, "pdf.order"), detail.order_number or "-"),
        (text(language, "pdf.payment_method"), method_name or text(language, "pdf.any_method")),
        (text(language, "pdf.currency"), detail.currency),
    ])
    _lines_and_totals(pdf, detail)
    _paragraph(pdf, text(language, "pdf.quote_valid_until", date=date(detail.due_at)))
    pdf.ln(2)
    _paragraph(pdf, text(language, "pdf.pay_by_transfer"), bold=True)
    pdf.set_font("Helvetica", size=10)
    for label, value in (
        (text(language, "pdf.beneficiary"), provider.name),
        (text(language, "pdf.bank"), provider.bank),
        ("IBAN", provider.iban),
        ("BIC", provider.bic),
        (text(language, "pdf.reference"), detail.number),
        (text(language, "pdf.amount"), format_money(detail.total, detail.currency, language)),
    ):
        pdf.set_font("Helvetica", "B", 10)
        pdf.cell(30, 5, pdf_text(label))
        pdf.set_font("Helvetica", size=10)
        pdf.multi_cell(0, 5, pdf_text(value), new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.ln(2)
    _paragraph(pdf, text(language, "pdf.quote_reference", number=detail.number), size=9)
    return _finish(pdf, f"quote-{detail.number}.pdf")
