"""Invoice and quote PDFs: content, scoping, state rules, awkward customer text, determinism."""

from __future__ import annotations

import io
from datetime import datetime, timedelta, timezone

import pytest
from pypdf import PdfReader
from sqlmodel import select

from backend.contract import Conflict, NotFound
from backend.db import write_session
from backend.domain import invoices
from backend.domain.documents import invoice_pdf, pdf_text, quote_pdf
from backend.models import Customer, Invoice, InvoiceLine, PaymentMethod, ServiceOrder, Tariff
from backend.portal import open_portal
from backend.settings import Settings

NOW = datetime(2025, 3, 1, 12, 0, tzinfo=timezone.utc)


@pytest.fixture
def portal(tmp_path):
    portal = open_portal(
        Settings(
            database_url=f"sqlite:///{tmp_path / 'portal.sqlite3'}",
            secret_key_file=tmp_path / "secret.key",
            public_url="http://testserver",
        ),
        clock=lambda: NOW,
    )
    with write_session(portal.engine) as session:
        for code, name in (("balance", "Account balance"), ("bank_transfer", "Bank transfer"), ("card", "Card")):
            session.add(PaymentMethod(code=code, name=name))
        session.add(Tariff(code="vps-l", name="VPS L", kind="vps", cpu="4 vCPU", ram_gb=8, disk="160 GB", price_minor=2500))
    yield portal
    portal.dispose()


def make_customer(portal, login: str, name: str = "Erika Mustermann", **fields) -> int:
    with write_session(portal.engine) as session:
        customer = Customer(
            login=login, password_hash="-", email=f"{login}@example.org", name=name,
            company=fields.pop("company", "Mustermann IT GmbH"),
            address=fields.pop("address", "Musterweg 5\n10115 Berlin\nGermany"),
            vat_id=fields.pop("vat_id", "DE123456789"), **fields,
        )
        session.add(customer)
        session.flush()
        return customer.id


def make_invoice(portal, customer_id: int, number: str, *, status: str = "unpaid", method: str | None = None,
                 description: str = "VPS L, monthly") -> int:
    with write_session(portal.engine) as session:
        tariff = session.exec(select(Tariff)).first()
        order = ServiceOrder(
            customer_id=customer_id, number=f"ORD-{number}", tariff_id=tariff.id, price_minor=2500,
            period_end=NOW + timedelta(days=31),
        )
        session.add(order)
        session.flush()
        method_id = None
        if method is not None:
            method_id = session.exec(select(PaymentMethod).where(PaymentMethod.code == method)).one().id
        invoice = Invoice(
            customer_id=customer_id, number=number, order_id=order.id, status=status, currency="EUR",
            net_minor=104_500, tax_rate_bp=1900, tax_minor=19_855, total_minor=124_355,
            issued_at=NOW - timedelta(days=3), due_at=NOW + timedelta(days=11),
            period_start=NOW, period_end=NOW + timedelta(days=31),
            payment_method_id=method_id, paid_at=NOW if status == "paid" else None,
            deleted_at=NOW if status == "deleted" else None,
        )
        session.add(invoice)
        session.flush()
        session.add(InvoiceLine(invoice_id=invoice.id, position=1, description=description, quantity=1,
                                unit_price_minor=100_000, amount_minor=100_000))
        session.add(InvoiceLine(invoice_id=invoice.id, position=2, description="Additional IPv4 address",
                                quantity=3, unit_price_minor=1_500, amount_minor=4_500))
        return invoice.id


def text_of(content: bytes) -> str:
    reader = PdfReader(io.BytesIO(content))
    return "\n".join(page.extract_text() for page in reader.pages)


def test_invoice_pdf_of_a_paid_invoice(portal):
    customer = make_customer(portal, "erika")
    invoice_id = make_invoice(portal, customer, "NH-000123", status="paid", method="balance")

    document = invoice_pdf(portal, customer, invoice_id)

    assert document.filename == "invoice-NH-000123.pdf"
    assert document.media_type == "application/pdf"
    assert document.content.startswith(b"%PDF-")
    text = text_of(document.content)
    for expected in (
        "NH-000123", "Erika Mustermann", "Mustermann IT GmbH", "Musterweg 5", "DE123456789",
        "Nordlicht Hosting GmbH", "DE000000000", "ORD-NH-000123",
        "1,243.55 EUR", "198.55 EUR", "1,045.00 EUR", "19 %", "1,000.00 EUR", "15.00 EUR",
        "Additional IPv4 address", "Account balance",
        "2025-02-26", "2025-03-12", "2025-03-01 to 2025-04-01",
        "DE89 3704 0044 0532 0130 00", "EXAMPLEXXX",
    ):
        assert expected in text, expected
    assert "Quote" not in text


def test_invoice_pdf_is_deterministic(portal):
    customer = make_customer(portal, "erika")
    invoice_id = make_invoice(portal, customer, "NH-000123", status="paid", method="card")
    assert invoice_pdf(portal, customer, invoice_id).content == invoice_pdf(portal, customer, invoice_id).content


def test_quote_pdf_of_an_unpaid_invoice(portal):
    customer = make_customer(portal, "erika")
    invoice_id = make_invoice(portal, customer, "NH-000124")

    document = quote_pdf(portal, customer, invoice_id)

    assert document.filename == "quote-NH-000124.pdf"
    assert document.media_type == "application/pdf"
    text = text_of(document.content)
    for expected in (
        "Quote / Proforma invoice", "not a tax invoice", "valid until 2025-03-12", "NH-000124",
        "Erika Mustermann", "1,243.55 EUR", "198.55 EUR", "Nordlicht Hosting GmbH",
        "DE89 3704 0044 0532 0130 00", "EXAMPLEXXX", "Example Bank AG",
    ):
        assert expected in text, expected
    assert "Reference NH-000124" in text
    assert quote_pdf(portal, customer, invoice_id).content == document.content


def test_unpaid_invoice_has_no_invoice_pdf(portal):
    customer = make_customer(portal, "erika")
    invoice_id = make_invoice(portal, customer, "NH-000125")
    with pytest.raises(Conflict, match="NH-000125 cannot be downloaded: available once paid"):
        invoice_pdf(portal, customer, invoice_id)


def test_paid_invoice_has_no_quote(portal):
    customer = make_customer(portal, "erika")
    invoice_id = make_invoice(portal, customer, "NH-000126", status="paid", method="balance")
    with pytest.raises(Conflict, match="NH-000126 has no quote: already paid"):
        quote_pdf(portal, customer, invoice_id)


def test_deleted_invoice_has_neither(portal):
    customer = make_customer(portal, "erika")
    invoice_id = make_invoice(portal, customer, "NH-000127")
    invoices.delete_invoice(portal, customer, invoice_id, actor="test")
    with pytest.raises(Conflict):
        quote_pdf(portal, customer, invoice_id)
    with pytest.raises(Conflict):
        invoice_pdf(portal, customer, invoice_id)


def test_another_customers_invoice_is_not_found(portal):
    owner = make_customer(portal, "erika")
    stranger = make_customer(portal, "max", name="Max Mustermann")
    paid = make_invoice(portal, owner, "NH-000128", status="paid", method="balance")
    unpaid = make_invoice(portal, owner, "NH-000129")
    with pytest.raises(NotFound):
        invoice_pdf(portal, stranger, paid)
    with pytest.raises(NotFound):
        quote_pdf(portal, stranger, unpaid)
    with pytest.raises(NotFound):
        invoice_pdf(portal, owner, 999_999)


def test_text_outside_latin1_still_renders(portal):
    customer = make_customer(
        portal, "pawel", name="Paweł Łukasiewicz — Straße №1 …",
        company="Ærø “Cloud” Sp. z o.o. \u4e2d\u6587 \U0001f680",
        address="ul. Długa 5\r\n80-831 Gdańsk\tPolska\x00\nPolska",
    )
    paid = make_invoice(portal, customer, "NH-000130", status="paid", method="bank_transfer",
                        description="Serwer “dedykowany” — 8 × CPU ≥ 3 GHz " + "x" * 300)
    unpaid = make_invoice(portal, customer, "NH-000131", description="€ 10 – ‘quoted’")

    invoice_text = text_of(invoice_pdf(portal, customer, paid).content)
    quote_text = text_of(quote_pdf(portal, customer, unpaid).content)

    assert "Pawel Lukasiewicz - Straße No1 ..." in invoice_text
    assert "Gdansk" in invoice_text
    assert "Ærø \"Cloud\"" in invoice_text
    assert "Serwer \"dedykowany\" - 8 × CPU" in invoice_text
    assert "Pawel Lukasiewicz" in quote_text
    assert "EUR 10 - 'quoted'" in quote_text


def test_pdf_text_helper():
    assert pdf_text("a — b – c … ł Ł") == "a - b - c ... l L"
    assert pdf_text("Zoë Ångström") == "Zoë Ångström"  # latin-1 stays as it is
    assert pdf_text("Ĉu ĝi? 漢字") == "Cu gi? ??"
    assert pdf_text("line1\nline2") == "line1, line2"
    assert pdf_text("line1\r\nline2", multiline=True) == "line1\nline2"
    assert pdf_text("a\x00b\tc") == "a b c"
    assert pdf_text(None) == ""
    for sample in ("\U0001f680", "\ud800", "\u202e", "ﬁ", "①"):
        pdf_text(sample).encode("latin-1")


@pytest.mark.parametrize("render", [invoice_pdf, quote_pdf])
def test_bill_to_names_the_company_and_the_person_once(portal, render):
    """An address that is a full postal block (company first, "z. Hd." person) is not repeated."""
    customer = make_customer(
        portal, "jana", name="Jana Hoffmann", company="Hoffmann Systemhaus GmbH",
        address="Hoffmann Systemhaus GmbH\nz. Hd. Jana Hoffmann\nSpeicherstadtweg 7\n28195 Bremen\nGermany",
    )
    status = "paid" if render is invoice_pdf else "unpaid"
    invoice_id = make_invoice(portal, customer, "NH-000131", status=status, method="card" if status == "paid" else None)
    text = text_of(render(portal, customer, invoice_id).content)
    assert text.count("Hoffmann Systemhaus GmbH") == 1, text
    assert text.count("Jana Hoffmann") == 1, text
    assert "Speicherstadtweg 7" in text and "28195 Bremen" in text


@pytest.mark.parametrize("render", [invoice_pdf, quote_pdf])
def test_bill_to_prints_name_and_company_missing_from_the_address(portal, render):
    customer = make_customer(portal, "erika")  # the address is street and city only
    status = "paid" if render is invoice_pdf else "unpaid"
    invoice_id = make_invoice(portal, customer, "NH-000132", status=status, method="card" if status == "paid" else None)
    text = text_of(render(portal, customer, invoice_id).content)
    assert text.count("Mustermann IT GmbH") == 1 and text.count("Erika Mustermann") == 1
    assert text.index("Erika Mustermann") < text.index("Mustermann IT GmbH") < text.index("Musterweg 5")
