"""``hostui orders list``, ``hostui server show``, ``hostui rdns set``: tables, JSON and exit
codes, on a local profile and a remote one (the fixtures of tests/test_cli_invoices.py: a copy
of the seeded database, the live server). Demo objects are found by property."""

from __future__ import annotations

import ipaddress
import json

import pytest

from backend.contract import OrderFilter, OrderQuery, OrderStatus
from backend.domain import orders, servers
from tests.test_cli_invoices import assert_one_line_error, cli_env, portal, profile_kind, run  # noqa: F401


def demo_orders(portal, customer_id: int, **query):  # noqa: ANN001, ANN003, ANN201
    return orders.list_orders(portal, customer_id, OrderQuery(page_size=500, **query))


def test_list_prints_a_row_per_order_and_the_count(profile_kind, capsys, portal, demo_customer_id):
    page = demo_orders(portal, demo_customer_id)
    code, out, err = run(capsys, "orders", "list")
    assert (code, err) == (0, "")
    lines = out.splitlines()
    assert lines[0].split() == ["Number", "Tariff", "Main", "IP", "Paid", "until", "Price", "Status", "Power"]
    rows = lines[1:-1]
    assert [line.split()[0] for line in rows] == [row.number for row in page.items]
    for line, row in zip(rows, page.items, strict=True):
        assert row.main_ip in line and row.status.value in line and str(row.price) in line
    assert lines[-1] == f"{page.total} orders"
    assert max(len(line) for line in lines) <= 82


def test_list_json_is_the_contracts_page(profile_kind, capsys, portal, demo_customer_id):
    code, out, _ = run(capsys, "orders", "list", "--status", "inactive", "--json")
    assert code == 0
    expected = orders.list_orders(portal, demo_customer_id, OrderQuery(filter=OrderFilter.INACTIVE))
    assert json.loads(out) == json.loads(expected.model_dump_json())
    assert {row["status"] for row in json.loads(out)["items"]} == {"suspended", "blocked", "cancelled"}


def test_list_searches_and_pages(profile_kind, capsys, portal, demo_customer_id):
    row = next(r for r in demo_orders(portal, demo_customer_id).items if r.status == OrderStatus.ACTIVE)
    code, out, _ = run(capsys, "orders", "list", "--search", row.main_ip)
    assert code == 0 and out.splitlines()[1].split()[0] == row.number
    assert out.splitlines()[-1] == f"1 order matching '{row.main_ip}'"

    code, out, _ = run(capsys, "orders", "list", "--page-size", "2")
    total = demo_orders(portal, demo_customer_id).total
    assert code == 0 and out.splitlines()[-1] == f"Page 1 of {-(-total // 2)} ({total} orders); next: --page 2"

    code, out, _ = run(capsys, "orders", "list", "--search", "no such thing")
    assert (code, out) == (0, "No orders matching 'no such thing'.\n")


@pytest.mark.parametrize("argv", [["--search", ""], ["--search", "x" * 65]])
def test_list_refuses_a_search_the_portal_would_refuse(cli_env, capsys, argv):  # noqa: F811
    code, _out, err = run(capsys, "orders", "list", *argv)
    assert code == 2
    assert_one_line_error(err, "--search takes 1 to 64 characters")


@pytest.mark.parametrize("argv", [["--page", "0"], ["--status", "paid"], ["--page-size", "501"]])
def test_list_refuses_bad_arguments(cli_env, capsys, argv):  # noqa: F811
    with pytest.raises(SystemExit) as caught:
        run(capsys, "orders", "list", *argv)
    _out, err = capsys.readouterr()
    assert caught.value.code == 2 and err.count("\n") == 1 and "Traceback" not in err


def test_server_show_prints_the_configuration_addresses_and_refusals(profile_kind, capsys, portal, demo_customer_id):
    row = next(r for r in demo_orders(portal, demo_customer_id).items if r.status == OrderStatus.SUSPENDED)
    detail = servers.get_server(portal, demo_customer_id, row.server_id)
    code, out, err = run(capsys, "server", "show", row.number)
    assert (code, err) == (0, "")
    assert out.startswith(f"Server:            {detail.hostname}\n")
    for address in detail.addresses:
        assert address.address in out
    assert detail.configuration.cpu in out and detail.configuration.bandwidth in out
    assert "Not possible now:" in out and "reboot: suspended for non-payment" in out


def test_server_show_json_is_the_contracts_detail(profile_kind, capsys, portal, demo_customer_id):
    row = demo_orders(portal, demo_customer_id).items[0]
    code, out, _ = run(capsys, "server", "show", row.number, "--json")
    assert code == 0
    assert json.loads(out) == json.loads(servers.get_server(portal, demo_customer_id, row.server_id).model_dump_json())


def test_server_show_refuses_what_is_not_there(profile_kind, capsys, portal, demo_customer_id, acme_customer_id,
                                               make_order):
    code, _, err = run(capsys, "server", "show", "ORD-1")
    assert code == 1
    assert_one_line_error(err, "order ORD-1 not found")
    theirs = demo_orders(portal, acme_customer_id).items[0].number
    code, _, err = run(capsys, "server", "show", theirs)
    assert code == 1
    assert_one_line_error(err, f"order {theirs} not found")
    serverless = orders.get_order(portal, demo_customer_id, make_order(demo_customer_id))
    code, _, err = run(capsys, "server", "show", serverless.number)
    assert code == 1
    assert_one_line_error(err, f"order {serverless.number}: this order has no server")


def test_rdns_set_and_reset(profile_kind, capsys, portal, demo_customer_id):
    row = next(r for r in demo_orders(portal, demo_customer_id).items if r.status == OrderStatus.ACTIVE)
    detail = servers.get_server(portal, demo_customer_id, row.server_id)
    ipv6 = next(a.address for a in detail.addresses if a.version == 6)
    spelled_out = ipaddress.ip_address(ipv6).exploded.upper()
    code, out, err = run(capsys, "rdns", "set", spelled_out, "Mail.Example.COM.")
    assert (code, err) == (0, "")
    assert out == f"{ipv6} ({detail.hostname}): mail.example.com\n"

    code, out, _ = run(capsys, "rdns", "set", ipv6, "", "--json")
    assert code == 0
    shown = json.loads(out)
    assert shown["address"] == ipv6 and shown["reverse_dns"] is None
    after = servers.get_server(portal, demo_customer_id, row.server_id)
    assert next(a for a in after.addresses if a.address == ipv6).reverse_dns is None


def test_rdns_set_refusals(profile_kind, capsys, portal, demo_customer_id, acme_customer_id):
    row = demo_orders(portal, demo_customer_id).items[0]
    code, _, err = run(capsys, "rdns", "set", row.main_ip, "a_b.example.com")
    assert code == 1
    assert_one_line_error(err, "label 'a_b' has a character that is not a letter, digit or hyphen")
    theirs = demo_orders(portal, acme_customer_id).items[0].main_ip
    for address in (theirs, "198.51.100.254"):
        code, _, err = run(capsys, "rdns", "set", address, "mail.example.com")
        assert code == 1
        assert_one_line_error(err, f"address {address} is not one of your servers' addresses")
    code, _, err = run(capsys, "rdns", "set", "mail.example.com", "x.example.com")
    assert code == 2
    assert_one_line_error(err, "not an IP address")
