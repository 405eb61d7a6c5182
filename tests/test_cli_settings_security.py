"""``hostui settings ip-ranges`` and ``hostui logins``: output, JSON and exit codes on a local
profile and a remote one (the fixtures of tests/test_cli_invoices.py)."""

from __future__ import annotations

import json

from backend.contract import LoginQuery
from backend.domain import account_settings, login_history
from tests.test_cli_invoices import assert_one_line_error, cli_env, portal, profile_kind, run  # noqa: F401


def test_logins_list_the_history_newest_first(profile_kind, capsys, portal, demo_customer_id):
    expected = login_history.login_history(portal, demo_customer_id, LoginQuery(page=1))
    code, out, err = run(capsys, "logins", "--json")
    assert (code, err) == (0, "")
    shown = json.loads(out)
    assert shown["total"] == expected.total
    assert [row["address"] for row in shown["items"]] == [row.address for row in expected.items]
    code, out, _ = run(capsys, "logins")
    assert code == 0
    lines = out.splitlines()
    assert lines[0].split()[:3] == ["When", "Address", "Result"]
    assert expected.items[0].address in lines[1]
    # One page holds them all (the demo's history is short): the footer is the count alone.
    assert expected.total <= 50 and lines[-1] == f"{expected.total} logins"


def test_an_ip_range_is_added_and_removed(profile_kind, capsys, portal, demo_customer_id):
    # 127.0.0.0/8 keeps the remote profile's own address (the test server's client) allowed.
    code, out, err = run(capsys, "settings", "ip-ranges", "add", "127.0.0.0/8", "--json")
    assert (code, err) == (0, "")
    assert json.loads(out)["allowed_ip_ranges"] == ["127.0.0.0/8"]
    assert account_settings.get_settings(portal, demo_customer_id, "test").allowed_ip_ranges == ["127.0.0.0/8"]
    code, out, _ = run(capsys, "settings", "ip-ranges", "remove", "127.0.0.0/8")
    assert code == 0
    assert account_settings.get_settings(portal, demo_customer_id, "test").allowed_ip_ranges == []


def test_removing_a_range_that_is_not_there_is_refused(profile_kind, capsys):
    code, _out, err = run(capsys, "settings", "ip-ranges", "remove", "10.0.0.0/8")
    assert code == 1
    assert_one_line_error(err, "10.0.0.0/8", "not in the allowed ranges")


def test_a_bad_range_is_refused_with_the_portals_reason(profile_kind, capsys, portal, demo_customer_id):
    code, _out, err = run(capsys, "settings", "ip-ranges", "add", "10.0.0.300/8")
    assert code != 0
    assert err.startswith("hostui: ") and "10.0.0.300" in err
    assert account_settings.get_settings(portal, demo_customer_id, "test").allowed_ip_ranges == []
