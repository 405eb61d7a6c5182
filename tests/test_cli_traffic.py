"""``hostui traffic ORDER``: the table, JSON and exit codes, on a local profile and a remote one
(the fixtures of tests/test_cli_invoices.py: a copy of the seeded database, the live server)."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from sqlmodel import select

from backend.contract import TrafficPeriod
from backend.db import read_session
from backend.domain import traffic
from backend.formatting import format_bitrate, format_bytes
from backend.models import Server, ServiceOrder
from backend.portal import Portal, system_clock
from tests.test_cli_invoices import assert_one_line_error, cli_env, portal, profile_kind, run  # noqa: F401


def cli_report(portal, profile_kind: str, customer_id: int, server_id: int, period: TrafficPeriod,  # noqa: ANN001
               capsys, *argv: str):  # noqa: ANN001, ANN202
    """Run ``hostui *argv`` and return (exit code, stdout, stderr, the report it should show).

    The remote profile's server runs on the test clock (DEMO_NOW); a local profile opens the
    database with the real clock, so its report is made on the real clock too, and made again
    should a bucket boundary pass while the command runs.
    """
    clocked = portal if profile_kind == "remote" else Portal(portal.engine, portal.settings, system_clock)
    while True:
        before = traffic.traffic_report(clocked, customer_id, server_id, period)
        code, out, err = run(capsys, *argv)
        if traffic.traffic_report(clocked, customer_id, server_id, period).start == before.start:
            return code, out, err, before


def active_order(portal, customer_id: int) -> tuple[str, int]:  # noqa: ANN001
    """(number, server id) of the customer's first active order."""
    with read_session(portal.engine) as session:
        return session.exec(
            select(ServiceOrder.number, Server.id).join(Server, Server.order_id == ServiceOrder.id)
            .where(ServiceOrder.customer_id == customer_id, ServiceOrder.status == "active")
            .order_by(ServiceOrder.id)
        ).first()


@pytest.mark.parametrize("period", list(TrafficPeriod))
def test_the_table_has_a_row_per_bucket_in_human_units(profile_kind, capsys, portal, demo_customer_id, period):
    number, server_id = active_order(portal, demo_customer_id)
    code, out, err, expected = cli_report(portal, profile_kind, demo_customer_id, server_id, period,
                                          capsys, "traffic", number, "--period", period.value)
    assert (code, err) == (0, "")
    lines = out.splitlines()
    assert lines[0].split()[0] == number and lines[1].startswith("Traffic in the last ")
    lines = lines[2:]
    assert lines[0].split()[-3:] == ["In", "Out", "Total"]
    rows = lines[1 : 1 + len(expected.buckets)]
    for line, bucket in zip(rows, expected.buckets, strict=True):
        cells = line.split("  ")
        cells = [cell.strip() for cell in cells if cell.strip()]
        assert cells[-3:] == [format_bytes(bucket.rx_bytes), format_bytes(bucket.tx_bytes),
                              format_bytes(bucket.rx_bytes + bucket.tx_bytes)]
    assert set(lines[1 + len(expected.buckets)]) == {"-"}
    total = lines[2 + len(expected.buckets)]
    assert total.split("  ")[0] == "Total" and total.endswith(format_bytes(expected.rx_total + expected.tx_total))
    month = f"{expected.end - timedelta(seconds=1):%Y-%m}"
    assert f"95th percentile {month}:  {format_bitrate(expected.percentile95_bps)}" in out
    assert f"of {format_bytes(expected.included_bytes)} included" in out
    assert all(len(line) <= 80 for line in lines)


def test_bucket_labels_name_the_hour_day_or_month(profile_kind, capsys, portal, demo_customer_id):
    number, server_id = active_order(portal, demo_customer_id)
    for period, label in (("day", "%Y-%m-%d %H:00"), ("week", "%Y-%m-%d"), ("year", "%Y-%m")):
        _code, out, _err, expected = cli_report(portal, profile_kind, demo_customer_id, server_id,
                                                TrafficPeriod(period), capsys, "traffic", number, "--period", period)
        shown = [line.split("  ")[0] for line in out.splitlines()[3 : 3 + len(expected.buckets)]]
        assert shown == [f"{bucket.start:{label}}" for bucket in expected.buckets]


def test_json_is_the_contract_report(profile_kind, capsys, portal, demo_customer_id):
    number, server_id = active_order(portal, demo_customer_id)
    code, out, err, expected = cli_report(portal, profile_kind, demo_customer_id, server_id, TrafficPeriod.WEEK,
                                          capsys, "traffic", number, "--period", "week", "--json")
    assert (code, err) == (0, "")
    assert json.loads(out) == expected.model_dump(mode="json")
    assert isinstance(json.loads(out)["buckets"][0]["rx_bytes"], int)


def test_the_default_period_is_the_last_30_days(profile_kind, capsys, portal, demo_customer_id):
    number, _server_id = active_order(portal, demo_customer_id)
    code, out, _err = run(capsys, "traffic", number, "--json")
    assert code == 0 and json.loads(out)["period"] == "month" and len(json.loads(out)["buckets"]) == 30


def test_unknown_and_other_customers_orders_alike(profile_kind, capsys, portal, acme_customer_id):
    acme_number, _server_id = active_order(portal, acme_customer_id)
    for number in ("ORD-999999", acme_number):
        code, out, err = run(capsys, "traffic", number)
        assert (code, out) == (1, "")
        assert_one_line_error(err, f"order {number} not found")


@pytest.mark.parametrize(("argv", "fragment"), [
    (["traffic"], "ORDER"),
    (["traffic", "ORD-1", "--period", "hour"], "invalid choice: 'hour'"),
])
def test_usage_errors_are_one_line_and_exit_2(cli_env, capsys, argv, fragment):  # noqa: F811
    with pytest.raises(SystemExit) as exit_:
        run(capsys, *argv)
    out, err = capsys.readouterr()
    assert (exit_.value.code, out) == (2, "")
    assert err.startswith("hostui traffic: ") and err.count("\n") == 1 and fragment in err, err
