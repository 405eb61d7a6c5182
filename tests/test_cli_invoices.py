"""``hostui invoices …`` / ``hostui invoice …``: output, JSON and exit codes, on a local profile
(in-process on a copy of the seeded test database) and a remote one (the live uvicorn server,
with the token where ``hostui login`` keeps it). Most tests run the CLI in-process through
``hostui.cli.main``; the last ones start real ``hostui`` processes.
"""

from __future__ import annotations

import io
import json
import os
import re
import socket
import subprocess
import sys
import textwrap
from decimal import Decimal
from pathlib import Path

import pytest
from keyring.backends import fail
from sqlmodel import select

from backend.contract import InvoiceFilter, InvoiceQuery, InvoiceStatus
from backend.db import read_session
from backend.domain import invoices
from backend.domain.accounts import account_summary
from backend.models import IdempotencyRecord
from hostui import cli
from hostui.config import Config, LocalProfile, RemoteProfile, save_config
from hostui.credentials import TOKEN_ENV, TokenStore

REPO_ROOT = Path(__file__).resolve().parents[1]
UNKNOWN_NUMBER = "NH-999999"


@pytest.fixture
def portal(sqlite_portal):  # noqa: ANN001, ANN201
    """SQLite only: the contract suite covers PostgreSQL; here the CLI layer is under test."""
    return sqlite_portal


@pytest.fixture
def cli_env(tmp_path, monkeypatch) -> Path:
    """Config and data in tmp_path, no HOSTUI_TOKEN, no real keyring, cwd in tmp_path/work."""
    monkeypatch.setenv("HOSTUI_CONFIG", str(tmp_path / "config" / "config.toml"))
    monkeypatch.setenv("HOSTUI_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.delenv(TOKEN_ENV, raising=False)
    import keyring

    monkeypatch.setattr(keyring, "get_keyring", lambda: fail.Keyring())
    work = tmp_path / "work"
    work.mkdir()
    monkeypatch.chdir(work)
    return work


@pytest.fixture(params=["local", "remote"])
def profile_kind(request, cli_env, portal) -> str:  # noqa: ANN001
    """Writes a default profile of this kind for customer "demo" (and logs it in if remote)."""
    if request.param == "local":
        profile = LocalProfile(database=portal.settings.database_url, login="demo")
    else:
        server = request.getfixturevalue("live_server")
        profile = RemoteProfile(url=server, login="demo")
        TokenStore().save("work", "demo", request.getfixturevalue("demo_token"))
    save_config(Config(default_profile="work", profiles={"work": profile}))
    return request.param


def run(capsys, *argv: str) -> tuple[int, str, str]:  # noqa: ANN001
    code = cli.main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def assert_one_line_error(err: str, *fragments: str) -> None:
    assert err.startswith("hostui: "), err
    assert err.count("\n") == 1, err
    assert "Traceback" not in err
    for fragment in fragments:
        assert fragment in err, err


class Terminal(io.StringIO):
    """What a person types at a terminal (stdin that says it is a tty)."""

    def isatty(self) -> bool:
        return True


def number_of(portal, invoice_id: int, customer_id: int) -> str:  # noqa: ANN001
    return invoices.get_invoice(portal, customer_id, invoice_id).number


def status_of(portal, invoice_id: int, customer_id: int) -> InvoiceStatus:  # noqa: ANN001
    return invoices.get_invoice(portal, customer_id, invoice_id).status


def domain_rows(portal, customer_id: int, status: InvoiceFilter) -> list:  # noqa: ANN001
    rows, page = [], 1
    while True:
        result = invoices.list_invoices(portal, customer_id, InvoiceQuery(status=status, page=page, page_size=500))
        rows += result.items
        if page >= result.pages:
            return rows
        page += 1


# --- invoices list ---------------------------------------------------------------------------


def test_list_is_a_table_that_fits_80_columns(profile_kind, capsys, portal, demo_customer_id):
    expected = domain_rows(portal, demo_customer_id, InvoiceFilter.ALL)[:4]
    code, out, err = run(capsys, "invoices", "list", "--status", "all", "--page-size", "4")
    assert (code, err) == (0, "")
    lines = out.splitlines()
    assert lines[0].split() == ["Number", "Issued", "Due", "Order", "Total", "Status", "Method"]
    assert [line.split()[0] for line in lines[1:5]] == [row.number for row in expected]
    assert all(len(line) <= 80 for line in lines)
    total = len(domain_rows(portal, demo_customer_id, InvoiceFilter.ALL))
    assert lines[5] == f"Page 1 of {-(-total // 4)} ({total} invoices); next: --page 2"
    # Totals are right-aligned: every row ends its amount in the same column.
    ends = {line.index(" EUR") for line in lines[1:5]}
    assert len(ends) == 1


def test_wide_rows_cut_the_order_and_method_columns_never_the_amount(
    profile_kind, capsys, portal, demo_customer_id, make_invoice
):
    number = number_of(portal, make_invoice(demo_customer_id, "99999999.00", method="bank_transfer"), demo_customer_id)
    code, out, _ = run(capsys, "invoices", "list", "--page-size", "500")
    assert code == 0
    lines = out.splitlines()
    assert max(len(line) for line in lines) <= 80
    (wide,) = [line for line in lines if line.startswith(number)]
    assert "99,999,999.00 EUR" in wide and "unpaid" in wide


def test_list_json_is_the_contract_page_with_money_as_strings(profile_kind, capsys, portal, demo_customer_id):
    code, out, _ = run(capsys, "invoices", "list", "--status", "paid", "--page", "2", "--page-size", "3", "--json")
    assert code == 0
    page = json.loads(out)
    assert set(page) == {"items", "total", "total_capped", "page", "page_size", "next_after"}
    assert (page["page"], page["page_size"]) == (2, 3)
    expected = domain_rows(portal, demo_customer_id, InvoiceFilter.PAID)
    assert page["total"] == len(expected) and page["total_capped"] is False
    assert isinstance(page["next_after"], str)  # more paid invoices follow page 2
    assert [item["number"] for item in page["items"]] == [row.number for row in expected[3:6]]
    for item, row in zip(page["items"], expected[3:6], strict=True):
        assert item["total"] == str(row.total) and isinstance(item["total"], str)
        assert item["id"] == row.id and item["status"] == "paid"
        assert item["issued_at"] == row.issued_at.isoformat().replace("+00:00", "Z")


def test_list_all_pages_gathers_every_page(profile_kind, capsys, portal, demo_customer_id):
    code, out, _ = run(capsys, "invoices", "list", "--status", "all", "--all-pages", "--page-size", "7", "--json")
    assert code == 0
    page = json.loads(out)
    expected = [row.number for row in domain_rows(portal, demo_customer_id, InvoiceFilter.ALL)]
    assert len(expected) > 7 * 3
    assert [item["number"] for item in page["items"]] == expected
    assert page["total"] == len(expected) and page["page"] == 1

    code, out, _ = run(capsys, "invoices", "list", "--status", "all", "--all-pages", "--page-size", "7")
    assert code == 0
    assert out.splitlines()[-1] == f"{len(expected)} invoices"
    assert len(out.splitlines()) == 1 + len(expected) + 1


def test_list_filters_by_status_and_order(profile_kind, capsys, portal, demo_customer_id, make_invoice):
    deleted = number_of(portal, make_invoice(demo_customer_id, status="deleted"), demo_customer_id)
    code, out, _ = run(capsys, "invoices", "list", "--status", "deleted", "--all-pages", "--json")
    assert code == 0
    items = json.loads(out)["items"]
    assert deleted in {item["number"] for item in items}
    assert {item["status"] for item in items} == {"deleted"}

    row = next(r for r in domain_rows(portal, demo_customer_id, InvoiceFilter.ALL) if r.order_id is not None)
    code, out, _ = run(capsys, "invoices", "list", "--status", "all", "--order", str(row.order_id), "--all-pages",
                       "--json")
    assert code == 0
    items = json.loads(out)["items"]
    assert row.number in {item["number"] for item in items}
    assert {item["order_id"] for item in items} == {row.order_id}


def test_list_csv_is_every_matching_invoice(profile_kind, capsys, portal, demo_customer_id):
    code, out, _ = run(capsys, "invoices", "list", "--status", "all", "--csv")
    assert code == 0
    lines = out.splitlines()
    assert lines[0] == "number,issued,due,order,total,currency,status,payment_method"
    expected = domain_rows(portal, demo_customer_id, InvoiceFilter.ALL)
    assert [line.split(",")[0] for line in lines[1:]] == [row.number for row in expected]


def test_list_past_the_last_page_and_an_empty_filter(profile_kind, capsys):
    code, out, _ = run(capsys, "invoices", "list", "--status", "all", "--page", "999")
    assert code == 0
    assert out.startswith("Page 999 is past the end: ")
    code, out, _ = run(capsys, "invoices", "list", "--order", "987654321")
    assert (code, out) == (0, "No unpaid invoices of order 987654321.\n")


@pytest.mark.parametrize(
    ("argv", "fragment"),
    [
        (["invoices", "list", "--status", "open"], "invalid choice: 'open'"),
        (["invoices", "list", "--page-size", "501"], "at most 500"),
        (["invoices", "list", "--page", "0"], "must be 1 or more"),
        (["invoices", "list", "--page", "2", "--all-pages"], "not allowed with argument"),
        (["invoices", "list", "--json", "--csv"], "not allowed with argument"),
        (["invoice", "pay", "NH-000001"], "required: --method"),
        (["invoice", "pay", "NH-000001", "--method", "cash"], "invalid choice: 'cash'"),
        (["invoices"], "required: ACTION"),
    ],
)
def test_usage_errors_are_one_line_and_exit_2(cli_env, capsys, argv, fragment):
    with pytest.raises(SystemExit) as caught:
        cli.main(argv)
    out, err = capsys.readouterr()
    assert caught.value.code == 2
    assert out == ""
    assert re.match(r"hostui( \w+)*: ", err), err  # argparse names the subcommand
    assert err.count("\n") == 1 and fragment in err and "--help" in err, err


def test_csv_with_paging_options_is_refused(profile_kind, capsys):
    code, out, err = run(capsys, "invoices", "list", "--csv", "--page-size", "5")
    assert (code, out) == (2, "")
    assert_one_line_error(err, "--csv always prints every page")


# --- invoice show ----------------------------------------------------------------------------


def test_show_prints_key_values_lines_and_payments(profile_kind, capsys, portal, demo_customer_id):
    paid = domain_rows(portal, demo_customer_id, InvoiceFilter.PAID)[0]
    detail = invoices.get_invoice(portal, demo_customer_id, paid.id)
    code, out, err = run(capsys, "invoice", "show", paid.number)
    assert (code, err) == (0, "")
    lines = out.splitlines()
    assert re.fullmatch(rf"Invoice: +{paid.number}", lines[0])
    assert re.fullmatch(r"Status: +paid \(by .+\)", lines[1])
    assert any(re.fullmatch(rf"Total: +{re.escape(str(detail.total))} EUR", line) for line in lines)
    assert "Lines:" in lines and "Payments:" in lines
    assert detail.lines[0].description in out
    assert detail.payments[0].reference in out
    assert all(len(line) <= 80 for line in lines)


def test_show_json_is_the_invoice_detail(profile_kind, capsys, portal, demo_customer_id):
    row = domain_rows(portal, demo_customer_id, InvoiceFilter.UNPAID)[0]
    detail = invoices.get_invoice(portal, demo_customer_id, row.id)
    code, out, _ = run(capsys, "invoice", "show", row.number, "--json")
    assert code == 0
    shown = json.loads(out)
    assert shown["id"] == row.id and shown["number"] == row.number
    assert (shown["total"], shown["net"], shown["tax"]) == (str(detail.total), str(detail.net), str(detail.tax))
    assert shown["tax_rate"] == str(detail.tax_rate)
    assert [line["amount"] for line in shown["lines"]] == [str(line.amount) for line in detail.lines]
    assert {"lines", "payments", "period_start", "period_end", "paid_at", "deleted_at"} <= set(shown)


def test_show_unknown_and_other_customers_numbers_alike(
    profile_kind, capsys, portal, acme_customer_id, make_invoice
):
    theirs = number_of(portal, make_invoice(acme_customer_id), acme_customer_id)
    for number in (UNKNOWN_NUMBER, theirs):
        code, out, err = run(capsys, "invoice", "show", number)
        assert (code, out) == (1, "")
        assert err == f"hostui: invoice {number} not found\n"


def test_a_bare_number_is_not_taken_for_an_id(profile_kind, capsys, portal, demo_customer_id):
    row = domain_rows(portal, demo_customer_id, InvoiceFilter.ALL)[0]
    code, _, err = run(capsys, "invoice", "show", str(row.id))
    assert code == 1
    assert_one_line_error(err, f"invoice {row.id} not found", "give the invoice number as printed")


# --- invoice pay -----------------------------------------------------------------------------


def test_pay_by_balance(profile_kind, capsys, portal, demo_customer_id, make_invoice):
    invoice_id = make_invoice(demo_customer_id, "11.90")
    number = number_of(portal, invoice_id, demo_customer_id)
    code, out, err = run(capsys, "invoice", "pay", number, "--method", "balance", "--yes")
    assert (code, err) == (0, "")
    assert status_of(portal, invoice_id, demo_customer_id) == InvoiceStatus.PAID
    assert f"Invoice {number}: Paid 11.90 EUR from the account balance." in out
    assert f"Balance now {account_summary(portal, demo_customer_id).balance} EUR." in out


def test_pay_by_transfer_prints_the_instructions(profile_kind, capsys, portal, demo_customer_id, make_invoice):
    invoice_id = make_invoice(demo_customer_id, "23.80")
    number = number_of(portal, invoice_id, demo_customer_id)
    code, out, _ = run(capsys, "invoice", "pay", number, "-m", "transfer", "-y")
    assert code == 0
    assert out.startswith("Please transfer, quoting the reference:")
    assert re.search(r"IBAN: +DE\d\d", out)
    assert re.search(rf"Reference: +{number}", out) and re.search(r"Amount: +23.80 EUR", out)
    assert f"Invoice {number} stays unpaid until the transfer is booked." in out
    assert status_of(portal, invoice_id, demo_customer_id) == InvoiceStatus.UNPAID


def test_pay_by_card_json_has_the_checkout_url(profile_kind, capsys, portal, demo_customer_id, make_invoice):
    invoice_id = make_invoice(demo_customer_id, "35.70")
    number = number_of(portal, invoice_id, demo_customer_id)
    code, out, _ = run(capsys, "invoice", "pay", number, "--method", "card", "--yes", "--json")
    assert code == 0
    outcome = json.loads(out)
    assert outcome["invoice_id"] == invoice_id and outcome["method"] == "card"
    assert outcome["checkout_url"].startswith("http")
    assert outcome["payment"]["amount"] == "35.70" and outcome["replayed"] is False
    assert set(outcome) == {"invoice_id", "invoice_status", "method", "payment", "message", "bank_transfer",
                            "checkout_url", "balance_after", "replayed"}


def test_each_pay_command_carries_its_own_idempotency_key(
    profile_kind, capsys, portal, demo_customer_id, make_invoice
):
    first = number_of(portal, make_invoice(demo_customer_id, "10.00"), demo_customer_id)
    second = number_of(portal, make_invoice(demo_customer_id, "10.00"), demo_customer_id)
    for number in (first, second):
        assert run(capsys, "invoice", "pay", number, "-m", "transfer", "-y")[0] == 0
    with read_session(portal.engine) as session:
        keys = session.exec(
            select(IdempotencyRecord.key).where(IdempotencyRecord.customer_id == demo_customer_id)
        ).all()
    assert len(keys) == len(set(keys)) >= 2
    assert all(re.fullmatch(r"[0-9a-f]{32}", key) for key in keys[-2:])


def test_paying_again_is_refused_by_the_portal(profile_kind, capsys, portal, demo_customer_id, make_invoice):
    number = number_of(portal, make_invoice(demo_customer_id, "10.00"), demo_customer_id)
    assert run(capsys, "invoice", "pay", number, "-m", "balance", "-y")[0] == 0
    code, out, err = run(capsys, "invoice", "pay", number, "-m", "balance", "-y")
    assert (code, out) == (1, "")
    assert_one_line_error(err, f"invoice {number}", "already paid")  # the portal's words


def test_insufficient_funds_is_refused(profile_kind, capsys, portal, demo_customer_id, make_invoice):
    invoice_id = make_invoice(demo_customer_id, "99999999.00")
    code, _, err = run(capsys, "invoice", "pay", number_of(portal, invoice_id, demo_customer_id), "-m", "balance",
                       "-y")
    assert code == 1
    assert_one_line_error(err)
    assert status_of(portal, invoice_id, demo_customer_id) == InvoiceStatus.UNPAID


def test_without_a_terminal_pay_and_delete_need_yes(
    profile_kind, capsys, monkeypatch, portal, demo_customer_id, make_invoice
):
    monkeypatch.setattr(sys, "stdin", io.StringIO("y\n"))  # piped in: not a terminal, never read
    invoice_id = make_invoice(demo_customer_id, "10.00")
    number = number_of(portal, invoice_id, demo_customer_id)
    for argv, what in ((["pay", number, "-m", "balance"], "paying"), (["delete", number], "deleting")):
        code, out, err = run(capsys, "invoice", *argv)
        assert (code, out) == (2, "")
        assert err == f"hostui: {what} needs confirmation and stdin is not a terminal: pass --yes\n"
    assert status_of(portal, invoice_id, demo_customer_id) == InvoiceStatus.UNPAID


def test_pay_asks_at_a_terminal(profile_kind, capsys, monkeypatch, portal, demo_customer_id, make_invoice):
    invoice_id = make_invoice(demo_customer_id, "10.00")
    number = number_of(portal, invoice_id, demo_customer_id)

    monkeypatch.setattr(sys, "stdin", Terminal("n\n"))
    code, out, err = run(capsys, "invoice", "pay", number, "-m", "balance", "--json")
    assert (code, out) == (4, "")
    assert err == f"Pay invoice {number} (10.00 EUR, unpaid) by account balance? [y/N] hostui: cancelled; nothing was changed\n"
    assert status_of(portal, invoice_id, demo_customer_id) == InvoiceStatus.UNPAID

    monkeypatch.setattr(sys, "stdin", Terminal("y\n"))
    code, out, err = run(capsys, "invoice", "pay", number, "-m", "balance", "--json")
    assert code == 0
    assert json.loads(out)["invoice_status"] == "paid"  # the question went to stderr, not into the JSON
    assert err.endswith("[y/N] ")
    assert status_of(portal, invoice_id, demo_customer_id) == InvoiceStatus.PAID


# --- invoice delete --------------------------------------------------------------------------


def test_delete(profile_kind, capsys, portal, demo_customer_id, make_invoice):
    invoice_id = make_invoice(demo_customer_id, "10.00")
    number = number_of(portal, invoice_id, demo_customer_id)
    code, out, err = run(capsys, "invoice", "delete", number, "--yes")
    assert (code, err) == (0, "")
    assert out == f"Deleted invoice {number}; it stays listed under --status deleted.\n"
    assert status_of(portal, invoice_id, demo_customer_id) == InvoiceStatus.DELETED

    code, out, err = run(capsys, "invoice", "delete", number, "--yes")
    assert (code, out) == (1, "")
    assert_one_line_error(err, number, "already deleted")


def test_delete_json_and_confirmation(profile_kind, capsys, monkeypatch, portal, demo_customer_id, make_invoice):
    invoice_id = make_invoice(demo_customer_id, "10.00")
    number = number_of(portal, invoice_id, demo_customer_id)
    monkeypatch.setattr(sys, "stdin", Terminal("\n"))  # just enter: the default is no
    assert run(capsys, "invoice", "delete", number)[0] == 4
    assert status_of(portal, invoice_id, demo_customer_id) == InvoiceStatus.UNPAID
    monkeypatch.setattr(sys, "stdin", Terminal("yes\n"))
    code, out, _ = run(capsys, "invoice", "delete", number, "--json")
    assert code == 0
    deleted = json.loads(out)
    assert (deleted["number"], deleted["status"]) == (number, "deleted")
    assert deleted["deleted_at"] is not None


def test_deleting_a_paid_invoice_is_refused(profile_kind, capsys, portal, demo_customer_id, make_invoice):
    invoice_id = make_invoice(demo_customer_id, status="paid", method="balance")
    code, _, err = run(capsys, "invoice", "delete", number_of(portal, invoice_id, demo_customer_id), "-y")
    assert code == 1
    assert_one_line_error(err, "paid")
    assert status_of(portal, invoice_id, demo_customer_id) == InvoiceStatus.PAID


# --- invoice pdf / quote ---------------------------------------------------------------------


def test_pdf_saves_under_the_documents_name_and_never_overwrites(
    profile_kind, capsys, cli_env, portal, demo_customer_id, make_invoice
):
    number = number_of(portal, make_invoice(demo_customer_id, status="paid", method="balance"), demo_customer_id)
    code, out, err = run(capsys, "invoice", "pdf", number)
    assert (code, err) == (0, "")
    saved = [path for path in cli_env.iterdir()]
    assert len(saved) == 1 and saved[0].suffix == ".pdf" and number in saved[0].name
    assert saved[0].read_bytes().startswith(b"%PDF")
    assert out == f"Saved {saved[0].name} ({saved[0].stat().st_size:,} bytes).\n"

    saved[0].write_bytes(b"mine")
    code, out, err = run(capsys, "invoice", "pdf", number)
    assert (code, out) == (2, "")
    assert err == f"hostui: {saved[0].name} already exists: pass --force to overwrite it, or -o another file\n"
    assert saved[0].read_bytes() == b"mine"

    assert run(capsys, "invoice", "pdf", number, "--force")[0] == 0
    assert saved[0].read_bytes().startswith(b"%PDF")


def test_quote_to_a_named_file_or_directory(profile_kind, capsys, cli_env, portal, demo_customer_id, make_invoice):
    number = number_of(portal, make_invoice(demo_customer_id), demo_customer_id)
    target = cli_env / "q.pdf"
    code, out, _ = run(capsys, "invoice", "quote", number, "-o", str(target))
    assert code == 0
    assert target.read_bytes().startswith(b"%PDF") and out == f"Saved {target} ({target.stat().st_size:,} bytes).\n"
    folder = cli_env / "docs"
    folder.mkdir()
    assert run(capsys, "invoice", "quote", number, "-o", str(folder))[0] == 0
    (inside,) = folder.iterdir()
    assert inside.read_bytes().startswith(b"%PDF") and number in inside.name


def test_pdf_to_stdout(profile_kind, capsysbinary, cli_env, portal, demo_customer_id, make_invoice):
    number = number_of(portal, make_invoice(demo_customer_id, status="paid", method="balance"), demo_customer_id)
    assert cli.main(["invoice", "pdf", number, "-o", "-"]) == 0
    out, err = capsysbinary.readouterr()
    assert out.startswith(b"%PDF") and out.rstrip().endswith(b"%%EOF")
    assert err == b""
    assert list(cli_env.iterdir()) == []


def test_documents_the_invoice_state_does_not_allow(profile_kind, capsys, cli_env, portal, demo_customer_id,
                                                     make_invoice):
    unpaid = number_of(portal, make_invoice(demo_customer_id), demo_customer_id)
    paid = number_of(portal, make_invoice(demo_customer_id, status="paid", method="balance"), demo_customer_id)
    for kind, number in (("pdf", unpaid), ("quote", paid)):
        code, out, err = run(capsys, "invoice", kind, number)
        assert (code, out) == (1, "")
        assert_one_line_error(err, number)
    assert list(cli_env.iterdir()) == []


# --- invoice link ----------------------------------------------------------------------------


def test_link(profile_kind, capsys, portal, demo_customer_id, make_invoice):
    number = number_of(portal, make_invoice(demo_customer_id, "10.00"), demo_customer_id)
    code, out, _ = run(capsys, "invoice", "link", number)
    assert code == 0
    first, url = out.splitlines()
    assert re.fullmatch(rf"Pay link for invoice {number} \(10.00 EUR, unpaid\), valid until "
                        r"\d{4}-\d\d-\d\d \d\d:\d\d UTC:", first)
    assert re.fullmatch(r"https?://\S+/pay/\S+", url)

    code, out, _ = run(capsys, "invoice", "link", number, "--json")
    link = json.loads(out)
    assert set(link) == {"invoice_id", "url", "expires_at"}
    assert link["url"] != url and "/pay/" in link["url"]


def test_no_link_for_a_paid_invoice(profile_kind, capsys, portal, demo_customer_id, make_invoice):
    number = number_of(portal, make_invoice(demo_customer_id, status="paid", method="balance"), demo_customer_id)
    code, out, err = run(capsys, "invoice", "link", number, "--json")
    assert (code, out) == (1, "")
    assert_one_line_error(err, number)


# --- profiles and connections ------------------------------------------------------------------


def test_global_and_subcommand_profile_options(cli_env, capsys, portal):
    save_config(Config(default_profile="none", profiles={
        "mine": LocalProfile(database=portal.settings.database_url, login="demo"),
    }))
    code, _, err = run(capsys, "invoices", "list")
    assert code == 2
    assert_one_line_error(err, "no profile named 'none'", "profiles: mine")
    assert run(capsys, "--profile", "mine", "invoices", "list", "--json")[0] == 0
    assert run(capsys, "invoices", "list", "--profile", "mine", "--json")[0] == 0
    assert run(capsys, "invoice", "show", UNKNOWN_NUMBER, "-p", "mine")[0] == 1


def test_remote_profile_not_logged_in(cli_env, capsys, live_server):
    save_config(Config(default_profile="work", profiles={"work": RemoteProfile(url=live_server, login="demo")}))
    code, out, err = run(capsys, "invoices", "list")
    assert (code, out) == (3, "")
    assert_one_line_error(err, "not logged in", f"hostui login {live_server} --profile work --user demo")


def test_remote_profile_with_a_revoked_token(cli_env, capsys, live_server, demo_token):
    import httpx

    save_config(Config(default_profile="work", profiles={"work": RemoteProfile(url=live_server, login="demo")}))
    TokenStore().save("work", "demo", demo_token)
    httpx.post(f"{live_server}/api/v1/auth/logout", headers={"Authorization": f"Bearer {demo_token}"})
    code, _, err = run(capsys, "invoice", "show", "NH-000001")
    assert code == 3
    assert_one_line_error(err, "log in again:  hostui login")


def test_token_revoked_while_the_question_is_open(cli_env, capsys, monkeypatch, portal, live_server, demo_token,
                                                  demo_customer_id, make_invoice):
    """Connected fine, then the session ends before the payment is sent: exit 3, not 1."""
    import httpx

    save_config(Config(default_profile="work", profiles={"work": RemoteProfile(url=live_server, login="demo")}))
    monkeypatch.setenv(TOKEN_ENV, demo_token)
    invoice_id = make_invoice(demo_customer_id, "10.00")

    class LoggedOutMeanwhile(Terminal):
        def readline(self, *args) -> str:  # noqa: ANN002
            httpx.post(f"{live_server}/api/v1/auth/logout", headers={"Authorization": f"Bearer {demo_token}"})
            return super().readline(*args)

    monkeypatch.setattr(sys, "stdin", LoggedOutMeanwhile("y\n"))
    code, out, err = run(capsys, "invoice", "pay", number_of(portal, invoice_id, demo_customer_id), "-m", "balance")
    assert (code, out) == (3, "")
    assert_one_line_error(err.split("[y/N] ", 1)[1], "log in again:  hostui login")
    assert status_of(portal, invoice_id, demo_customer_id) == InvoiceStatus.UNPAID


def _closed_port_url() -> str:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return f"http://127.0.0.1:{sock.getsockname()[1]}"


def test_remote_server_down(cli_env, capsys, monkeypatch):
    url = _closed_port_url()
    save_config(Config(default_profile="work", profiles={"work": RemoteProfile(url=url, login="demo")}))
    monkeypatch.setenv(TOKEN_ENV, "some-token")
    code, out, err = run(capsys, "invoice", "pay", "NH-000001", "-m", "card", "-y")
    assert (code, out) == (3, "")
    assert_one_line_error(err, f"cannot reach {url}", "connection refused")


def test_local_database_without_the_customer(cli_env, capsys, portal):
    save_config(Config(default_profile="local", profiles={
        "local": LocalProfile(database=portal.settings.database_url, login="nobody"),
    }))
    code, _, err = run(capsys, "invoices", "list")
    assert code == 3
    assert_one_line_error(err, "cannot open the local database", "no customer 'nobody'")


def test_bad_config_is_exit_2(cli_env, capsys):
    path = Path(os.environ["HOSTUI_CONFIG"])
    path.parent.mkdir(parents=True)
    path.write_text("default_profile = [\n")
    code, _, err = run(capsys, "invoice", "show", "NH-000001")
    assert code == 2
    assert_one_line_error(err, "bad config", str(path))


# --- real processes ----------------------------------------------------------------------------


def hostui(*argv: str, env: dict[str, str], stdin: str | None = None) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "hostui.cli", *argv],
        cwd=REPO_ROOT,
        env={**os.environ, "PYTHONPATH": str(REPO_ROOT), **env},
        input=stdin,
        stdin=None if stdin is not None else subprocess.DEVNULL,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_exit_codes_and_stderr_of_a_real_process(cli_env, portal, live_server, demo_token, demo_customer_id,
                                                 make_invoice):
    config = cli_env.parent / "config" / "config.toml"
    save_config(Config(default_profile="work", profiles={"work": RemoteProfile(url=live_server, login="demo")}),
                config)
    env = {"HOSTUI_CONFIG": str(config), "HOSTUI_DATA_DIR": str(cli_env.parent / "data"), TOKEN_ENV: demo_token}
    number = number_of(portal, make_invoice(demo_customer_id, "12.34"), demo_customer_id)

    shown = hostui("invoice", "show", number, "--json", env=env)
    assert (shown.returncode, shown.stderr) == (0, "")
    assert json.loads(shown.stdout)["total"] == "12.34"

    missing = hostui("invoice", "show", UNKNOWN_NUMBER, env=env)
    assert (missing.returncode, missing.stdout) == (1, "")
    assert missing.stderr == f"hostui: invoice {UNKNOWN_NUMBER} not found\n"

    piped = hostui("invoice", "pay", number, "--method", "balance", env=env, stdin="y\n")
    assert (piped.returncode, piped.stdout) == (2, "")
    assert piped.stderr == "hostui: paying needs confirmation and stdin is not a terminal: pass --yes\n"

    usage = hostui("invoice", "pay", number, env=env)
    assert usage.returncode == 2 and usage.stderr.count("\n") == 1 and "--method" in usage.stderr

    paid = hostui("invoice", "pay", number, "--method", "balance", "--yes", "--json", env=env)
    assert paid.returncode == 0, paid.stderr
    assert Decimal(json.loads(paid.stdout)["balance_after"]) >= 0

    down = hostui("invoices", "list", env={**env, "HOSTUI_CONFIG": str(_remote_config(cli_env, _closed_port_url()))})
    assert (down.returncode, down.stdout) == (3, "")
    assert down.stderr.startswith("hostui: cannot reach ") and down.stderr.count("\n") == 1


def _remote_config(cli_env: Path, url: str) -> Path:
    path = cli_env.parent / "down.toml"
    save_config(Config(default_profile="work", profiles={"work": RemoteProfile(url=url, login="demo")}), path)
    return path


def test_the_cli_in_remote_mode_loads_no_database_code(cli_env, live_server, demo_token):
    config = _remote_config(cli_env, live_server)
    code = textwrap.dedent(
        """
        import json, sys
        from hostui.cli import main
        status = main(["invoices", "list", "--status", "all"])
        main(["invoice", "show", "NH-000001", "--json"])
        print(json.dumps({"status": status, "modules": sorted(sys.modules)}))
        """
    )
    result = subprocess.run(
        [sys.executable, "-c", code],
        cwd=REPO_ROOT,
        env={**os.environ, "PYTHONPATH": str(REPO_ROOT), "HOSTUI_CONFIG": str(config),
             "HOSTUI_DATA_DIR": str(cli_env.parent / "data"), TOKEN_ENV: demo_token},
        capture_output=True, text=True, timeout=120,
    )
    assert result.returncode == 0, result.stderr
    report = json.loads(result.stdout.strip().splitlines()[-1])
    assert report["status"] == 0
    modules = report["modules"]
    assert "hostui.services.remote" in modules  # it did go remote
    heavy = [name for name in modules if name.split(".")[0] in ("sqlalchemy", "sqlmodel", "psycopg", "fastapi")
             or name.startswith(("backend.domain", "backend.db", "backend.models", "backend.portal",
                                 "hostui.services.local"))]
    assert heavy == []


def test_first_use_of_the_local_profile_seeds_the_demo(tmp_path):
    """No config, no database: like the TUI, the CLI writes the default profile and seeds."""
    env = {"HOSTUI_CONFIG": str(tmp_path / "config.toml"), "HOSTUI_DATA_DIR": str(tmp_path / "data")}
    result = hostui("invoices", "list", "--json", env=env)
    assert result.returncode == 0, result.stderr
    assert "Preparing the demo database" in result.stderr
    assert json.loads(result.stdout)["total"] > 0
    assert (tmp_path / "config.toml").exists() and (tmp_path / "data" / "portal.sqlite3").exists()
    again = hostui("invoices", "list", "--json", env=env)
    assert (again.returncode, again.stderr) == (0, "")
