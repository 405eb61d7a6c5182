"""``hostui-server``: serving a database, booking transfers, and failing cleanly."""

from __future__ import annotations

import os
import subprocess
import sys
import time
import uuid
from decimal import Decimal

import httpx
import pytest

from backend.contract import InvoiceStatus, PaymentMethodCode
from backend.domain import invoices, payments
from backend.server import main
from tests.conftest import _free_port


def _run(*args: str, timeout: float = 60, env: dict | None = None) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "backend.server", *args],
        capture_output=True, text=True, timeout=timeout, env={**os.environ, **(env or {})},
    )


BAD_DATABASES = [
    "nonsense",
    "mysql://user:pw@localhost/db",
    "postgresql+psycopg://user:s3cr3t@127.0.0.1:1/portal",
    "sqlite:////proc/no/such/dir/portal.sqlite3",
]
COMMANDS = [["serve"], ["book-transfer", "--reference", "NH-1", "--amount", "1", "--currency", "EUR"]]


@pytest.mark.parametrize("url", BAD_DATABASES)
@pytest.mark.parametrize("command", COMMANDS, ids=["serve", "book-transfer"])
def test_a_bad_database_is_one_line_and_exit_2(url, command, capsys):
    with pytest.raises(SystemExit) as caught:
        main([*command, "--database", url])
    assert caught.value.code == 2
    captured = capsys.readouterr()
    lines = captured.err.strip().splitlines()
    assert len(lines) == 1, captured.err
    assert lines[0].startswith("hostui-server: cannot open the database")
    assert "s3cr3t" not in captured.err


def test_book_transfer_never_creates_a_database(tmp_path, capsys):
    missing = tmp_path / "missing.sqlite3"
    with pytest.raises(SystemExit) as caught:
        main(["book-transfer", "--reference", "NH-1", "--amount", "1", "--currency", "EUR",
              "--database", f"sqlite:///{missing}"])
    assert caught.value.code == 2
    assert capsys.readouterr().err.strip().endswith("no such file")
    assert not missing.exists()


def test_a_bad_database_has_no_traceback_from_the_console():
    result = _run("--database", BAD_DATABASES[2])
    assert result.returncode == 2, result
    assert result.stderr.count("\n") == 1 and "Traceback" not in result.stderr, result.stderr
    assert result.stderr.startswith("hostui-server: cannot open the database postgresql+psycopg://user:***@127.0.0.1:1/portal: ")


def test_book_transfer(portal, make_invoice, capsys):
    from backend.domain.accounts import customer_id_for_login

    customer_id = customer_id_for_login(portal, "demo")
    invoice_id = make_invoice(customer_id, "12.34")
    number = invoices.get_invoice(portal, customer_id, invoice_id).number
    args = ["book-transfer", "--reference", number, "--amount", "12.34", "--currency", "eur",
            "--database", portal.settings.database_url]

    assert main(args) == 1, "nothing to book before the customer chose a transfer"
    assert "not waiting for a bank transfer" in capsys.readouterr().err

    payments.pay_invoice(portal, customer_id, invoice_id, PaymentMethodCode.BANK_TRANSFER, uuid.uuid4().hex, "test")
    assert main([*args[:4], "12.35", *args[5:]]) == 1
    assert "does not match" in capsys.readouterr().err

    assert main(args) == 0
    out = capsys.readouterr().out
    assert f"booked: 12.34 EUR for invoice {number}" in out
    detail = invoices.get_invoice(portal, customer_id, invoice_id)
    assert detail.status == InvoiceStatus.PAID
    assert detail.payments[0].amount == Decimal("12.34")

    assert main(args) == 1, "booking twice is refused"
    assert "manual refund" in capsys.readouterr().err


def test_book_transfer_rejects_a_bad_amount(capsys):
    with pytest.raises(SystemExit) as caught:
        main(["book-transfer", "--reference", "NH-1", "--amount", "twelve", "--currency", "EUR"])
    assert caught.value.code == 2
    assert "not an amount" in capsys.readouterr().err


def test_serve_a_seeded_database(sqlite_portal, tmp_path):
    port = _free_port()
    process = subprocess.Popen(
        [sys.executable, "-m", "backend.server", "serve", "--host", "127.0.0.1", "--port", str(port),
         "--database", sqlite_portal.settings.database_url, "--seed-demo"],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        env={**os.environ, "HOSTUI_DATA_DIR": str(tmp_path / "data"), "HOSTUI_PUBLIC_URL": ""},
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            assert process.poll() is None, process.communicate()
            try:
                if httpx.get(f"{base}/healthz", timeout=1).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            assert time.monotonic() < deadline, "the server did not come up"
            time.sleep(0.1)
        token = httpx.post(f"{base}/api/v1/auth/login", json={"login": "demo", "password": "demo"}).json()["token"]
        account = httpx.get(f"{base}/api/v1/account", headers={"Authorization": f"Bearer {token}"})
        assert account.status_code == 200 and account.json()["login"] == "demo"
        invoice_id = make_unpaid_over_http(base, token)
        if invoice_id is not None:
            link = httpx.post(f"{base}/api/v1/invoices/{invoice_id}/pay-link", headers={"Authorization": f"Bearer {token}"})
            assert link.json()["url"].startswith(f"{base}/pay/"), "public URL defaults to the listening address"
    finally:
        process.terminate()
        process.communicate(timeout=15)


def make_unpaid_over_http(base: str, token: str) -> int | None:
    page = httpx.get(f"{base}/api/v1/invoices", headers={"Authorization": f"Bearer {token}"}).json()
    return page["items"][0]["id"] if page["items"] else None
