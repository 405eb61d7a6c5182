"""The backend's own texts (invoice and quote PDFs, renewal e-mails) in every language the
portal offers, in one place: ``text(language, key, **values)``.

The TUI's strings are translated with gettext catalogues; the backend's few fixed texts are
a dictionary per language here. Every language has every key (tests/test_texts.py checks),
and a language the portal does not know falls back to English rather than failing a PDF.
"""

from __future__ import annotations

# The languages a customer can choose, by code, named in themselves.
LANGUAGES = {"en": "English", "de": "Deutsch"}
DEFAULT_LANGUAGE = "en"

_TEXTS: dict[str, dict[str, str]] = {
    "en": {
        # invoice and quote PDFs
        "pdf.invoice": "Invoice",
        "pdf.invoice_title": "Invoice {number}",
        "pdf.invoice_subject": "Invoice {number} from {provider}",
        "pdf.quote": "Quote / Proforma invoice",
        "pdf.quote_title": "Quote {number}",
        "pdf.quote_subject": "Quote / proforma invoice {number} from {provider}",
        "pdf.not_a_tax_invoice": "This is not a tax invoice. The invoice is issued once the payment has been received.",
        "pdf.bill_to": "Bill to",
        "pdf.vat_id": "VAT ID: {vat_id}",
        "pdf.invoice_no": "Invoice no.",
        "pdf.issue_date": "Issue date",
        "pdf.due_date": "Due date",
        "pdf.paid_on": "Paid on",
        "pdf.service_period": "Service period",
        "pdf.period": "{start} to {end}",
        "pdf.order": "Order",
        "pdf.payment_method": "Payment method",
        "pdf.any_method": "any",
        "pdf.currency": "Currency",
        "pdf.reference": "Reference",
        "pdf.date": "Date",
        "pdf.valid_until": "Valid until",
        "pdf.pos": "Pos.",
        "pdf.description": "Description",
        "pdf.qty": "Qty",
        "pdf.unit_price": "Unit price",
        "pdf.amount": "Amount",
        "pdf.net": "Net",
        "pdf.tax": "Tax ({rate})",
        "pdf.total": "Total",
        "pdf.all_amounts_in": "All amounts in {currency}.",
        "pdf.paid_in_full": "Paid in full on {date}.",
        "pdf.paid_in_full_by": "Paid in full on {date} by {method}.",
        "pdf.thanks": "Thank you for your business.",
        "pdf.quote_valid_until": "This quote is valid until {date}.",
        "pdf.pay_by_transfer": "Payment by bank transfer",
        "pdf.beneficiary": "Beneficiary",
        "pdf.bank": "Bank",
        "pdf.quote_reference": "Please quote {number} as the payment reference.",
        "pdf.page": "Page {page} of {pages}",
        "pdf.footer_bank": "Bank: {bank} - IBAN {iban} - BIC {bic}",
        # ticket copies
        "ticket.by_support": "{name} (Support) wrote on {when}:",
        "ticket.by_you": "{name} (You) wrote on {when}:",
        "ticket.footer": "Ticket {number} ({department}): {subject}",
        "ticket.reply_hint": "Reply to this e-mail to add to the ticket; keep {tag} in the subject.",
        # renewal notices
        "renewal.subject": "Order {order}: renewal invoice {invoice} is unpaid",
        "renewal.greeting": "Hello {name},",
        "renewal.ends": "the paid period of your order {order} ({label}) ends on {end}.",
        "renewal.ended": "the paid period of your order {order} ({label}) ended on {end}.",
        "renewal.invoice": "Automatic renewal issued invoice {invoice} for the next period, {start} to {period_end}: {total}.",
        "renewal.why": "It could not be paid from your account balance: {reason}.",
        "renewal.short": "the balance is {balance}, {missing} more is needed",
        "renewal.other_method": "the invoice is in {currency} or bound to another payment method",
        "renewal.act": "Please top up your balance or pay invoice {invoice} in the portal (bank transfer or card) before the period ends.",
        "renewal.signature": "-- \n{provider}\nThis message was sent automatically; you receive it because automatic renewal is on for this order.",
    },
    "de": {
        "pdf.invoice": "Rechnung",
        "pdf.invoice_title": "Rechnung {number}",
        "pdf.invoice_subject": "Rechnung {number} von {provider}",
        "pdf.quote": "Angebot / Proformarechnung",
        "pdf.quote_title": "Angebot {number}",
        "pdf.quote_subject": "Angebot / Proformarechnung {number} von {provider}",
        "pdf.not_a_tax_invoice": "Dies ist keine Rechnung im Sinne des UStG. Die Rechnung wird nach Zahlungseingang ausgestellt.",
        "pdf.bill_to": "Rechnungsempfänger",
        "pdf.vat_id": "USt-IdNr.: {vat_id}",
        "pdf.invoice_no": "Rechnungsnr.",
        "pdf.issue_date": "Rechnungsdatum",
        "pdf.due_date": "Fällig am",
        "pdf.paid_on": "Bezahlt am",
        "pdf.service_period": "Leistungszeitraum",
        "pdf.period": "{start} bis {end}",
        "pdf.order": "Auftrag",
        "pdf.payment_method": "Zahlungsart",
        "pdf.any_method": "beliebig",
        "pdf.currency": "Währung",
        "pdf.reference": "Referenz",
        "pdf.date": "Datum",
        "pdf.valid_until": "Gültig bis",
        "pdf.pos": "Pos.",
        "pdf.description": "Beschreibung",
        "pdf.qty": "Menge",
        "pdf.unit_price": "Einzelpreis",
        "pdf.amount": "Betrag",
        "pdf.net": "Netto",
        "pdf.tax": "USt. ({rate})",
        "pdf.total": "Gesamt",
        "pdf.all_amounts_in": "Alle Beträge in {currency}.",
        "pdf.paid_in_full": "Vollständig bezahlt am {date}.",
        "pdf.paid_in_full_by": "Vollständig bezahlt am {date} per {method}.",
        "pdf.thanks": "Vielen Dank für Ihren Auftrag.",
        "pdf.quote_valid_until": "Dieses Angebot ist gültig bis {date}.",
        "pdf.pay_by_transfer": "Zahlung per Überweisung",
        "pdf.beneficiary": "Empfänger",
        "pdf.bank": "Bank",
        "pdf.quote_reference": "Bitte geben Sie {number} als Verwendungszweck an.",
        "pdf.page": "Seite {page} von {pages}",
        "pdf.footer_bank": "Bank: {bank} - IBAN {iban} - BIC {bic}",
        "ticket.by_support": "{name} (Support) schrieb am {when}:",
        "ticket.by_you": "{name} (Sie) schrieben am {when}:",
        "ticket.footer": "Ticket {number} ({department}): {subject}",
        "ticket.reply_hint": "Antworten Sie auf diese E-Mail, um das Ticket zu ergänzen; lassen Sie {tag} im Betreff.",
        "renewal.subject": "Auftrag {order}: Verlängerungsrechnung {invoice} ist offen",
        "renewal.greeting": "Guten Tag {name},",
        "renewal.ends": "der bezahlte Zeitraum Ihres Auftrags {order} ({label}) endet am {end}.",
        "renewal.ended": "der bezahlte Zeitraum Ihres Auftrags {order} ({label}) endete am {end}.",
        "renewal.invoice": "Die automatische Verlängerung hat Rechnung {invoice} für den nächsten Zeitraum ausgestellt, {start} bis {period_end}: {total}.",
        "renewal.why": "Sie konnte nicht aus Ihrem Guthaben bezahlt werden: {reason}.",
        "renewal.short": "das Guthaben beträgt {balance}, es fehlen {missing}",
        "renewal.other_method": "die Rechnung lautet auf {currency} oder ist an eine andere Zahlungsart gebunden",
        "renewal.act": "Bitte laden Sie Ihr Guthaben auf oder bezahlen Sie Rechnung {invoice} im Kundenportal (Überweisung oder Karte), bevor der Zeitraum endet.",
        "renewal.signature": "-- \n{provider}\nDiese Nachricht wurde automatisch versandt, weil die automatische Verlängerung für diesen Auftrag eingeschaltet ist.",
    },
}


def language_or_default(code: str | None) -> str:
    return code if code in LANGUAGES else DEFAULT_LANGUAGE


def text(language: str | None, key: str, **values: object) -> str:
    """The text ``key`` in ``language``, with ``values`` filled in (``str.format``)."""
    template = _TEXTS[language_or_default(language)][key]
    return template.format(**values) if values else template
