"""Public HTML pages: pay-without-login, the bundled test card gateway, the card callback.

Plain HTML with inline CSS, no JavaScript, every value ``html.escape``d. The pay page shows
the one invoice its link is bound to and nothing else of the account: no name, no address, no
balance, no other invoices. Each pay form carries its own idempotency key, minted when the
page is rendered, so a double-submitted form replays the first result instead of paying twice.

Domain errors become pages with the error's HTTP status (404 unknown link, 410 expired or
revoked link, 409 conflicts, ...).
"""

from __future__ import annotations

import html
import secrets
from urllib.parse import parse_qs

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from backend.api.routing import ThreadedEndpointRoute
from starlette.concurrency import run_in_threadpool

from backend.contract import (
    InsufficientFunds,
    InvalidInput,
    InvoiceDetail,
    InvoiceStatus,
    PaymentMethodCode,
    PaymentOutcome,
    PaymentStatus,
    ServiceError,
)
from backend.domain import invoices, payments
from backend.domain.card_gateway import gateway_for
from backend.formatting import format_date, format_money
from backend.portal import Portal

__all__ = ["router"]

router = APIRouter(include_in_schema=False, route_class=ThreadedEndpointRoute)

MAX_FORM_BYTES = 4096

# Pay links carry a secret in the URL: never cache, never leak it through Referer, never index.
_HEADERS = {
    "Cache-Control": "no-store",
    "Referrer-Policy": "no-referrer",
    "X-Robots-Tag": "noindex, nofollow",
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Content-Security-Policy": (
        "default-src 'none'; style-src 'unsafe-inline'; base-uri 'none'; frame-ancestors 'none'"
    ),
}

_STYLE = """
body{font-family:system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;background:#f4f5f7;
color:#1d2330;margin:0;padding:2rem 1rem}
main{max-width:34rem;margin:0 auto;background:#fff;border:1px solid #d8dce3;border-radius:8px;
padding:1.5rem 2rem}
header{color:#5a6270;font-size:.9rem;margin-bottom:1rem}
h1{font-size:1.35rem;margin:.2rem 0 1rem}
table{border-collapse:collapse;width:100%;margin:.5rem 0 1rem}
th{text-align:left;font-weight:600;color:#5a6270;padding:.3rem .6rem .3rem 0;width:40%}
td{padding:.3rem 0}
.total td{font-size:1.2rem;font-weight:700}
.status{display:inline-block;padding:.1rem .5rem;border-radius:4px;background:#eef0f3}
.paid{background:#d9f2e1;color:#165c2d}
.unpaid{background:#fff1cc;color:#6b4e00}
.msg{padding:.8rem 1rem;border-radius:6px;background:#eef0f3;margin:1rem 0}
.error{background:#fde2e1;color:#7a1c17}
.ok{background:#d9f2e1;color:#165c2d}
form{display:inline-block;margin:.3rem .5rem .3rem 0}
button{font:inherit;padding:.55rem 1rem;border-radius:6px;border:1px solid #2f5bd3;
background:#2f5bd3;color:#fff;cursor:pointer}
button.secondary{background:#fff;color:#2f5bd3}
code{font-size:1rem}
footer{margin-top:1.5rem;font-size:.8rem;color:#5a6270}
"""


def _e(value: object) -> str:
    return html.escape(str(value), quote=True)


def _portal(request: Request) -> Portal:
    return request.app.state.portal


def _page(request: Request, title: str, body: str, status_code: int = 200) -> HTMLResponse:
    provider = _portal(request).settings.provider.name
    document = (
        "<!DOCTYPE html>\n"
        '<html lang="en"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        '<meta name="robots" content="noindex, nofollow">'
        f"<title>{_e(title)} \u2014 {_e(provider)}</title><style>{_STYLE}</style></head>"
        f"<body><main><header>{_e(provider)}</header><h1>{_e(title)}</h1>{body}</main></body></html>"
    )
    return HTMLResponse(document, status_code=status_code, headers=_HEADERS)


def _error_page(request: Request, error: ServiceError, *, title: str | None = None,
                status_code: int | None = None) -> HTMLResponse:
    status = status_code or error.http_status
    heading = title or {
        404: "Not found",
        410: "Link no longer valid",
        409: "Payment not possible",
        422: "Invalid request",
    }.get(status, "Something went wrong")
    body = f'<p class="msg error">{_e(error.detail)}</p>'
    return _page(request, heading, body, status)


def _facts(rows: list[tuple[str, str]], *, total_row: int | None = None) -> str:
    cells = []
    for index, (label, value) in enumerate(rows):
        css = ' class="total"' if index == total_row else ""
        cells.append(f"<tr{css}><th>{_e(label)}</th><td>{value}</td></tr>")
    return f"<table>{''.join(cells)}</table>"


async def _form(request: Request) -> dict[str, str]:
    """An ``application/x-www-form-urlencoded`` body (small, one value per field)."""
    body = await request.body()
    if len(body) > MAX_FORM_BYTES:
        raise InvalidInput("the form is too large")
    try:
        parsed = parse_qs(body.decode("utf-8"), keep_blank_values=True, max_num_fields=20)
    except (UnicodeDecodeError, ValueError):
        raise InvalidInput("the form could not be read") from None
    return {key: values[0] for key, values in parsed.items()}


# -- pay without login -------------------------------------------------------------------


_METHOD_LABELS = {
    PaymentMethodCode.BALANCE: "Pay from account balance",
    PaymentMethodCode.BANK_TRANSFER: "Pay by bank transfer",
    PaymentMethodCode.CARD: "Pay by card",
}


def _invoice_facts(detail: InvoiceDetail) -> str:
    status = detail.status.value
    return _facts(
        [
            ("Invoice", f"<code>{_e(detail.number)}</code>"),
            ("Issued", _e(format_date(detail.issued_at))),
            ("Due", _e(format_date(detail.due_at))),
            ("Status", f'<span class="status {_e(status)}">{_e(status)}</span>'),
            ("Total", _e(format_money(detail.total, detail.currency))),
            ("Currency", _e(detail.currency)),
        ],
        total_row=4,
    )


@router.get("/pay/{token}", name="pay_page", response_class=HTMLResponse)
def pay_page(request: Request, token: str) -> Response:
    portal = _portal(request)
    try:
        detail = invoices.invoice_by_pay_link(portal, token)
    except ServiceError as error:
        return _error_page(request, error)
    facts = _invoice_facts(detail)
    if detail.status == InvoiceStatus.PAID:
        return _page(request, f"Invoice {detail.number} is paid",
                     facts + '<p class="msg ok">This invoice has been paid. Nothing more to do.</p>')
    if detail.status == InvoiceStatus.DELETED:
        return _page(request, f"Invoice {detail.number} was cancelled",
                     facts + '<p class="msg error">This invoice was cancelled and cannot be paid.</p>', 410)

    methods = [method for method in payments.offered_methods(portal) if method.code in payments.LINK_METHODS]
    note = ""
    if detail.payment_method is not None:
        # Once a method was chosen the invoice is bound to it; offer only that one.
        bound = [method for method in methods if method.code == detail.payment_method]
        if bound:
            methods = bound
            note = f'<p class="msg">This invoice is to be paid by {_e(bound[0].name.lower())}.</p>'
    action = _e(request.url_for("pay_submit", token=token).path)
    forms = []
    for method in methods:
        label = _METHOD_LABELS.get(method.code, f"Pay by {method.name}")
        forms.append(
            f'<form method="post" action="{action}">'
            f'<input type="hidden" name="method" value="{_e(method.code.value)}">'
            f'<input type="hidden" name="idempotency_key" value="{_e(secrets.token_urlsafe(24))}">'
            f'<button type="submit">{_e(label)}</button></form>'
        )
    body = facts + note + "<div>" + "".join(forms) + "</div>"
    return _page(request, f"Pay invoice {detail.number}", body)


def _bank_transfer_page(request: Request, outcome: PaymentOutcome) -> HTMLResponse:
    transfer = outcome.bank_transfer
    rows = _facts(
        [
            ("Beneficiary", _e(transfer.beneficiary)),
            ("Bank", _e(transfer.bank)),
            ("IBAN", f"<code>{_e(transfer.iban)}</code>"),
            ("BIC", f"<code>{_e(transfer.bic)}</code>"),
            ("Reference", f"<code>{_e(transfer.reference)}</code>"),
            ("Amount", _e(format_money(transfer.amount, transfer.currency))),
        ],
        total_row=5,
    )
    body = (
        "<p>Please transfer the amount below and quote the reference exactly, "
        "so the payment can be matched to the invoice.</p>"
        + rows
        + f'<p class="msg">{_e(outcome.message)}</p>'
    )
    return _page(request, f"Bank transfer for invoice {transfer.reference}", body)


@router.post("/pay/{token}", name="pay_submit", response_class=HTMLResponse)
async def pay_submit(request: Request, token: str) -> Response:
    portal = _portal(request)
    try:
        form = await _form(request)
        try:
            method = PaymentMethodCode(form.get("method", ""))
        except ValueError:
            raise InvalidInput("choose a payment method") from None
        key = form.get("idempotency_key", "")
        # The domain call is synchronous (database I/O): keep it off the event loop.
        outcome = await run_in_threadpool(payments.pay_invoice_by_link, portal, token, method, key)
    except InsufficientFunds as error:
        # The domain message states the account balance, which this page must not reveal.
        generic = InsufficientFunds(
            "The account balance is not enough to pay this invoice. "
            "Please pay by bank transfer or card instead."
        )
        return _error_page(request, generic, status_code=error.http_status)
    except ServiceError as error:
        return _error_page(request, error)

    if outcome.method == PaymentMethodCode.CARD and outcome.checkout_url:
        if outcome.payment.status == PaymentStatus.PENDING:
            return RedirectResponse(outcome.checkout_url, status_code=303, headers=_HEADERS)
    if outcome.method == PaymentMethodCode.BANK_TRANSFER and outcome.bank_transfer is not None:
        return _bank_transfer_page(request, outcome)
    number = outcome.payment.reference
    if outcome.invoice_status == InvoiceStatus.PAID:
        amount = format_money(outcome.payment.amount, outcome.payment.currency)
        body = f'<p class="msg ok">Payment of {_e(amount)} received. Invoice {_e(number)} is paid. Thank you.</p>'
        return _page(request, f"Invoice {number} is paid", body)
    body = f'<p class="msg">{_e(outcome.message)}</p>'
    return _page(request, f"Invoice {number}", body)


# -- the bundled test card gateway ----------------------------------------------------------


@router.get("/test-gateway/checkout/{ref}", name="test_gateway_checkout", response_class=HTMLResponse)
def test_gateway_checkout(request: Request, ref: str) -> Response:
    try:
        number, amount, currency, status = payments.checkout_summary(_portal(request), ref)
    except ServiceError as error:
        return _error_page(request, error)
    facts = _facts(
        [
            ("Merchant", _e(_portal(request).settings.provider.name)),
            ("Invoice", f"<code>{_e(number)}</code>"),
            ("Amount", _e(format_money(amount, currency))),
        ],
        total_row=2,
    )
    notice = '<p class="msg">This is the portal\'s built-in test gateway: no card is charged.</p>'
    if status != PaymentStatus.PENDING.value:
        return _page(request, "Test card checkout",
                     facts + notice + f'<p class="msg">This checkout is already {_e(status)}.</p>')
    action = _e(request.url_for("test_gateway_submit", ref=ref).path)
    buttons = (
        f'<form method="post" action="{action}"><input type="hidden" name="outcome" value="success">'
        '<button type="submit">Pay</button></form>'
        f'<form method="post" action="{action}"><input type="hidden" name="outcome" value="declined">'
        '<button type="submit" class="secondary">Decline</button></form>'
    )
    return _page(request, "Test card checkout", facts + notice + buttons)


@router.post("/test-gateway/checkout/{ref}", name="test_gateway_submit", response_class=HTMLResponse)
async def test_gateway_submit(request: Request, ref: str) -> Response:
    portal = _portal(request)
    try:
        form = await _form(request)
        outcome = form.get("outcome", "")
        if outcome not in ("success", "declined"):
            raise InvalidInput("outcome must be 'success' or 'declined'")
        await run_in_threadpool(payments.checkout_summary, portal, ref)  # unknown checkout -> 404
    except ServiceError as error:
        return _error_page(request, error)
    return RedirectResponse(gateway_for(portal).callback_url(ref, outcome), status_code=303, headers=_HEADERS)


# -- the card gateway's callback --------------------------------------------------------------


@router.get("/payments/card/callback", name="card_callback", response_class=HTMLResponse)
def card_callback(request: Request, ref: str = "", outcome: str = "", signature: str = "") -> Response:
    try:
        record = payments.complete_card_payment(_portal(request), ref, outcome, signature)
    except InvalidInput as error:
        return _error_page(request, error, title="Invalid payment callback", status_code=400)
    except ServiceError as error:
        return _error_page(request, error)
    number = record.reference
    amount = format_money(record.amount, record.currency)
    if record.status == PaymentStatus.COMPLETED:
        body = f'<p class="msg ok">Payment received, invoice {_e(number)} is paid ({_e(amount)}).</p>'
        return _page(request, "Payment received", body)
    if outcome == "declined":
        body = (
            f'<p class="msg error">The card payment for invoice {_e(number)} was declined; '
            "the invoice is still unpaid. You can try again from the payment link.</p>"
        )
        return _page(request, "Payment declined", body)
    body = (
        f'<p class="msg error">The card payment for invoice {_e(number)} was not completed '
        "and nothing was charged. If the invoice is still unpaid, try again from the payment link.</p>"
    )
    return _page(request, "Payment not completed", body)
