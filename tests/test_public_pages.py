"""The public pages: pay without login, the test card gateway and its signed callback."""

from __future__ import annotations

import re
from datetime import datetime, timedelta, timezone
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest
from sqlmodel import select

from backend.contract import InvoiceStatus, PaymentMethodCode, PaymentStatus
from backend.db import read_session, write_session
from backend.domain import invoices, payments
from backend.models import Customer, Invoice, InvoiceLine, Payment, PaymentMethod, ServiceOrder, Tariff
from backend.portal import open_portal
from backend.settings import Settings

START = datetime(2025, 3, 1, 12, 0, tzinfo=timezone.utc)
TOTAL = "1,243.55 EUR"


class Clock:
    def __init__(self) -> None:
        self.now = START

    def __call__(self) -> datetime:
        return self.now


@pytest.fixture
def clock():
    return Clock()


@pytest.fixture
def portal(tmp_path, clock, server_url):
    portal = open_portal(
        Settings(
            database_url=f"sqlite:///{tmp_path / 'portal.sqlite3'}",
            secret_key_file=tmp_path / "secret.key",
            public_url=server_url,
        ),
        clock=clock,
    )
    with write_session(portal.engine) as session:
        for code, name in (("balance", "Account balance"), ("bank_transfer", "Bank transfer"), ("card", "Card")):
            session.add(PaymentMethod(code=code, name=name))
        session.add(Tariff(code="vps-l", name="VPS L", kind="vps", cpu="4 vCPU", ram_gb=8, disk="160 GB", price_minor=2500))
    yield portal
    portal.dispose()


@pytest.fixture
def client(live_server):
    """Real HTTP against hostui-server's app under uvicorn, as a browser would talk to it."""
    with httpx.Client(base_url=live_server, follow_redirects=False, timeout=10) as client:
        yield client


@pytest.fixture
def customer_id(portal) -> int:
    with write_session(portal.engine) as session:
        customer = Customer(
            login="erika", password_hash="-", email="erika@secret-mail.example", name="Erika Geheimname",
            company="Verborgen GmbH", address="Privatweg 99\n10115 Berlin", vat_id="DE999999999",
            balance_minor=500_000,
        )
        session.add(customer)
        session.flush()
        return customer.id


def make_invoice(portal, customer_id: int, number: str = "NH-000123") -> int:
    with write_session(portal.engine) as session:
        tariff = session.exec(select(Tariff)).first()
        order = ServiceOrder(customer_id=customer_id, number=f"ORD-{number}", tariff_id=tariff.id,
                             price_minor=2500, period_end=START + timedelta(days=31))
        session.add(order)
        session.flush()
        invoice = Invoice(
            customer_id=customer_id, number=number, order_id=order.id, currency="EUR",
            net_minor=104_500, tax_rate_bp=1900, tax_minor=19_855, total_minor=124_355,
            issued_at=START - timedelta(days=3), due_at=START + timedelta(days=11),
        )
        session.add(invoice)
        session.flush()
        session.add(InvoiceLine(invoice_id=invoice.id, position=1, description="VPS L", quantity=1,
                                unit_price_minor=124_355, amount_minor=124_355))
        return invoice.id


@pytest.fixture
def invoice_id(portal, customer_id) -> int:
    return make_invoice(portal, customer_id)


@pytest.fixture
def pay_path(portal, customer_id, invoice_id) -> str:
    link = invoices.create_pay_link(portal, customer_id, invoice_id, actor="test")
    return urlsplit(link.url).path


def invoice_status(portal, invoice_id: int) -> str:
    with read_session(portal.engine) as session:
        return session.get(Invoice, invoice_id).status


def balance(portal, customer_id: int) -> int:
    with read_session(portal.engine) as session:
        return session.get(Customer, customer_id).balance_minor


def form_fields(page: str, method: str) -> dict[str, str]:
    """The hidden fields of the pay form for ``method``."""
    for form in re.findall(r"<form .*?</form>", page, flags=re.S):
        fields = dict(re.findall(r'name="([^"]+)" value="([^"]*)"', form))
        if fields.get("method") == method:
            return fields
    raise AssertionError(f"no form for {method}")


def test_pay_page_shows_the_invoice_and_nothing_of_the_account(client, pay_path):
    response = client.get(pay_path)

    assert response.status_code == 200
    page = response.text
    assert "NH-000123" in page and TOTAL in page and "EUR" in page
    assert "2025-02-26" in page and "2025-03-12" in page and "unpaid" in page
    assert "Nordlicht Hosting GmbH" in page
    for secret in ("Erika", "Geheimname", "erika@secret-mail.example", "Verborgen", "Privatweg", "DE999999999",
                   "5,000.00", "ORD-NH-000123"):
        assert secret not in page, secret
    assert response.headers["cache-control"] == "no-store"
    assert response.headers["referrer-policy"] == "no-referrer"
    # A link pays from outside the account: its balance is not offered (spending it needs a login).
    assert 'value="balance"' not in page
    for method in ("bank_transfer", "card"):
        fields = form_fields(page, method)
        assert re.fullmatch(r"[A-Za-z0-9_-]{16,64}", fields["idempotency_key"])
    # A fresh key on every render.
    again = client.get(pay_path).text
    assert form_fields(again, "card")["idempotency_key"] != form_fields(page, "card")["idempotency_key"]


def test_a_link_cannot_spend_the_account_balance(client, portal, pay_path, customer_id, invoice_id):
    response = client.post(pay_path, data={"method": "balance", "idempotency_key": "k" * 32})
    assert response.status_code == 403
    assert "needs a login" in response.text
    assert "5,000.00" not in response.text  # the balance is not revealed either
    assert invoice_status(portal, invoice_id) == InvoiceStatus.UNPAID
    assert balance(portal, customer_id) == 500_000


def test_once_paid_the_link_is_dead(client, portal, pay_path, customer_id, invoice_id):
    payments.pay_invoice(portal, customer_id, invoice_id, PaymentMethodCode.BALANCE, "p" * 32, "test")
    dead = client.get(pay_path)
    assert dead.status_code == 410
    assert "no longer valid" in dead.text
    again = client.post(pay_path, data={"method": "card", "idempotency_key": "k" * 32})
    assert again.status_code == 410


def test_repeated_card_requests_reuse_the_open_checkout(client, portal, pay_path, invoice_id):
    first = client.post(pay_path, data=form_fields(client.get(pay_path).text, "card"))
    second = client.post(pay_path, data=form_fields(client.get(pay_path).text, "card"))
    assert first.status_code == second.status_code == 303
    assert first.headers["location"] == second.headers["location"]
    with read_session(portal.engine) as session:
        pending = session.exec(select(Payment).where(Payment.invoice_id == invoice_id)).all()
    assert [p.status for p in pending] == ["pending"]


def test_expired_link_is_gone(client, clock, portal, customer_id, invoice_id):
    link = invoices.create_pay_link(portal, customer_id, invoice_id, actor="test")
    path = urlsplit(link.url).path
    assert client.get(path).status_code == 200
    fields = form_fields(client.get(path).text, "card")

    clock.now = link.expires_at + timedelta(seconds=1)

    response = client.get(path)
    assert response.status_code == 410
    assert "expired" in response.text
    assert client.post(path, data=fields).status_code == 410
    assert invoice_status(portal, invoice_id) == InvoiceStatus.UNPAID


def test_deleted_invoice_revokes_the_link(client, portal, pay_path, customer_id, invoice_id):
    invoices.delete_invoice(portal, customer_id, invoice_id, actor="test")
    assert client.get(pay_path).status_code == 410


def test_unknown_token_is_not_found(client):
    response = client.get("/pay/this-token-does-not-exist")
    assert response.status_code == 404
    assert "does not exist" in response.text
    assert client.post("/pay/nope", data={"method": "balance", "idempotency_key": "k" * 32}).status_code == 404


def test_invalid_form_is_rejected(client, portal, pay_path, invoice_id):
    assert client.post(pay_path, data={"method": "cash", "idempotency_key": "k" * 32}).status_code == 422
    assert client.post(pay_path, data={"method": "balance", "idempotency_key": "short"}).status_code == 422
    assert client.post(pay_path, data={"method": "balance"}).status_code == 422
    assert invoice_status(portal, invoice_id) == InvoiceStatus.UNPAID


def test_bank_transfer_shows_instructions_and_binds_the_invoice(client, portal, pay_path, invoice_id):
    response = client.post(pay_path, data=form_fields(client.get(pay_path).text, "bank_transfer"))

    assert response.status_code == 200
    page = response.text
    for expected in ("DE89 3704 0044 0532 0130 00", "EXAMPLEXXX", "Example Bank AG", "NH-000123", TOTAL):
        assert expected in page, expected
    assert invoice_status(portal, invoice_id) == InvoiceStatus.UNPAID

    # Bound to bank transfer now: the page offers only that, and another method is refused.
    again = client.get(pay_path)
    assert again.status_code == 200
    form_fields(again.text, "bank_transfer")
    with pytest.raises(AssertionError):
        form_fields(again.text, "card")
    refused = client.post(pay_path, data={"method": "card", "idempotency_key": "b" * 32})
    assert refused.status_code == 409
    assert "bound to Bank transfer" in refused.text
    assert invoice_status(portal, invoice_id) == InvoiceStatus.UNPAID


def _start_card_checkout(client, pay_path) -> tuple[str, str]:
    response = client.post(pay_path, data=form_fields(client.get(pay_path).text, "card"))
    assert response.status_code == 303
    checkout = urlsplit(response.headers["location"])
    assert checkout.path.startswith("/test-gateway/checkout/")
    return checkout.path, checkout.path.rsplit("/", 1)[1]


def test_card_payment_end_to_end(client, portal, pay_path, customer_id, invoice_id):
    checkout_path, ref = _start_card_checkout(client, pay_path)

    page = client.get(checkout_path)
    assert page.status_code == 200
    assert "NH-000123" in page.text and TOTAL in page.text
    assert 'value="success"' in page.text and 'value="declined"' in page.text

    redirect = client.post(checkout_path, data={"outcome": "success"})
    assert redirect.status_code == 303
    callback = urlsplit(redirect.headers["location"])
    assert callback.path == "/payments/card/callback"
    assert parse_qs(callback.query)["ref"] == [ref]
    assert invoice_status(portal, invoice_id) == InvoiceStatus.UNPAID  # not before the callback

    done = client.get(f"{callback.path}?{callback.query}")
    assert done.status_code == 200
    assert "Payment received, invoice NH-000123 is paid" in done.text
    assert invoice_status(portal, invoice_id) == InvoiceStatus.PAID
    assert balance(portal, customer_id) == 500_000  # the card paid, not the balance

    # A repeated callback books nothing twice, and the checkout page knows it is over.
    assert client.get(f"{callback.path}?{callback.query}").status_code == 200
    with read_session(portal.engine) as session:
        assert len(session.exec(select(Payment).where(Payment.status == "completed")).all()) == 1
    assert "already completed" in client.get(checkout_path).text
    assert client.get(pay_path).status_code == 410


def test_tampered_callback_signature_is_rejected(client, portal, pay_path, invoice_id):
    checkout_path, _ref = _start_card_checkout(client, pay_path)
    callback = urlsplit(client.post(checkout_path, data={"outcome": "success"}).headers["location"])
    query = parse_qs(callback.query)
    signature = query["signature"][0]
    forged = ("0" if signature[0] != "0" else "1") + signature[1:]

    response = client.get(callback.path, params={"ref": query["ref"][0], "outcome": "success", "signature": forged})
    assert response.status_code == 400
    assert "signature" in response.text
    # A declined callback's signature does not pay either.
    declined_sig = parse_qs(
        urlsplit(client.post(checkout_path, data={"outcome": "declined"}).headers["location"]).query
    )["signature"][0]
    response = client.get(
        callback.path, params={"ref": query["ref"][0], "outcome": "success", "signature": declined_sig}
    )
    assert response.status_code == 400
    assert client.get(callback.path).status_code == 400  # no parameters at all
    assert invoice_status(portal, invoice_id) == InvoiceStatus.UNPAID


def test_declined_card_leaves_the_invoice_unpaid(client, portal, pay_path, invoice_id):
    checkout_path, _ref = _start_card_checkout(client, pay_path)
    callback = urlsplit(client.post(checkout_path, data={"outcome": "declined"}).headers["location"])

    response = client.get(f"{callback.path}?{callback.query}")

    assert response.status_code == 200
    assert "declined" in response.text
    assert invoice_status(portal, invoice_id) == InvoiceStatus.UNPAID
    with read_session(portal.engine) as session:
        statuses = [payment.status for payment in session.exec(select(Payment)).all()]
    assert statuses == [PaymentStatus.FAILED]
    # The link still works: another card attempt can be made.
    assert client.get(pay_path).status_code == 200
    _start_card_checkout(client, pay_path)


def test_unknown_checkout_is_not_found(client):
    assert client.get("/test-gateway/checkout/nope").status_code == 404
    assert client.post("/test-gateway/checkout/nope", data={"outcome": "success"}).status_code == 404


def test_checkout_rejects_unknown_outcome(client, pay_path):
    checkout_path, _ref = _start_card_checkout(client, pay_path)
    assert client.post(checkout_path, data={"outcome": "maybe"}).status_code == 422


def test_pages_escape_html(client, portal, customer_id):
    invoice_id = make_invoice(portal, customer_id, number="<b>NH</b>")
    link = invoices.create_pay_link(portal, customer_id, invoice_id, actor="test")
    page = client.get(urlsplit(link.url).path).text
    assert "<b>NH</b>" not in page
    assert "&lt;b&gt;NH&lt;/b&gt;" in page
