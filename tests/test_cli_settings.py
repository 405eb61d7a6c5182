"""``hostui settings show|set``: text, JSON and exit codes, on a local profile and a remote one
(the fixtures of tests/test_cli_invoices.py: a copy of the seeded database, the live server)."""

from __future__ import annotations

import json

from backend.contract import AutoRenewRequest
from backend.domain import account_settings
from tests.test_cli_invoices import assert_one_line_error, cli_env, portal, profile_kind, run  # noqa: F401


def _value(out: str, label: str) -> str:
    return next(line for line in out.splitlines() if line.startswith(f"{label}:")).split(":", 1)[1].strip()


def _settings(portal, customer_id: int):  # noqa: ANN001, ANN202
    return account_settings.get_settings(portal, customer_id, "test")


def test_show_prints_the_settings_and_each_orders_renewal(profile_kind, capsys, portal, demo_customer_id):
    code, out, err = run(capsys, "settings", "show")
    assert (code, err) == (0, "")
    assert (_value(out, "Automatic renewal"), _value(out, "Currency"), _value(out, "Language")) == (
        "off", "EUR", "en (English)"
    )
    for row in _settings(portal, demo_customer_id).orders:
        line = next(line for line in out.splitlines() if row.order_number in line)
        assert line.rstrip().endswith("off (account)")


def test_show_json_is_the_contracts_model(profile_kind, capsys, portal, demo_customer_id):
    code, out, _ = run(capsys, "settings", "show", "--json")
    assert code == 0
    shown = json.loads(out)
    expected = json.loads(_settings(portal, demo_customer_id).model_dump_json())
    shown.pop("client_address"), expected.pop("client_address")  # where the request came from
    assert shown == expected


def test_set_auto_renew_for_the_account_and_one_order(profile_kind, capsys, portal, demo_customer_id):
    order = _settings(portal, demo_customer_id).orders[0]
    code, out, _ = run(capsys, "settings", "set", "auto-renew", "on")
    assert code == 0 and _value(out, "Automatic renewal") == "on"
    code, out, _ = run(capsys, "settings", "set", "auto-renew", "off", order.order_number, "--json")
    assert code == 0
    row = next(r for r in json.loads(out)["orders"] if r["order_number"] == order.order_number)
    assert (row["auto_renew"], row["effective"]) == (False, False)
    code, out, _ = run(capsys, "settings", "set", "auto-renew", "default", order.order_number)
    assert code == 0
    assert next(r for r in _settings(portal, demo_customer_id).orders if r.order_id == order.order_id).auto_renew is None


def test_default_is_for_an_order_and_an_unknown_order_is_refused(profile_kind, capsys, portal, demo_customer_id):
    code, _out, err = run(capsys, "settings", "set", "auto-renew", "default")
    assert code == 2
    assert_one_line_error(err, "ORDER")
    code, _out, err = run(capsys, "settings", "set", "auto-renew", "on", "ORD-000000")
    assert code == 1
    assert_one_line_error(err, "ORD-000000")
    account_settings.set_auto_renew(portal, demo_customer_id, AutoRenewRequest(enabled=False), "test", "test")
    assert _settings(portal, demo_customer_id).auto_renew is False


def test_set_currency_and_language(profile_kind, capsys, portal, demo_customer_id):
    code, out, _ = run(capsys, "settings", "set", "currency", "usd")
    assert code == 0 and _value(out, "Currency") == "USD (1 EUR = 1.0800 USD)"
    code, out, _ = run(capsys, "settings", "set", "language", "de")
    assert code == 0 and _value(out, "Language") == "de (Deutsch)"
    code, _out, err = run(capsys, "settings", "set", "currency", "XYZ")
    assert code == 1
    assert_one_line_error(err, "CHF")
    settings = _settings(portal, demo_customer_id)
    assert (settings.currency, settings.language) == ("USD", "de")
