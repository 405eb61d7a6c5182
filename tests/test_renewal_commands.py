"""The renewal job where it runs: ``hostui-server renew --once`` (cron), hostui-server's
lifespan on a schedule; and ``hostui-server set-rate``."""

from __future__ import annotations

import time
from datetime import datetime, timedelta, timezone

import pytest
from fastapi.testclient import TestClient
from sqlmodel import func, select

from backend.api.app import create_app
from backend.db import read_session, write_session
from backend.models import AuditLog, Customer, CurrencyRate, ServiceOrder
from backend.server import main


@pytest.fixture
def portal(sqlite_portal):  # noqa: ANN001, ANN201
    return sqlite_portal


def _due_now(portal, customer_id: int, make_order) -> int:  # noqa: ANN001
    """An order with auto-renew on ending three days after the real now (the commands run on
    the system clock), and a balance that covers its renewal."""
    order_id = make_order(customer_id)
    with write_session(portal.engine) as session:
        order = session.get(ServiceOrder, order_id)
        order.auto_renew = True
        order.period_end = datetime.now(timezone.utc) + timedelta(days=3)
        session.get(Customer, customer_id).balance_minor = 1_000_000
    return order_id


def test_renew_once_renews_what_is_due_and_nothing_twice(portal, demo_customer_id, make_order, capsys):
    order_id = _due_now(portal, demo_customer_id, make_order)
    database = portal.settings.database_url
    assert main(["renew", "--once", "--database", database]) == 0
    assert "due 1: paid 1" in capsys.readouterr().out
    assert main(["renew", "--once", "--database", database]) == 0
    assert "due 0:" in capsys.readouterr().out
    with read_session(portal.engine) as session:
        assert session.get(ServiceOrder, order_id).period_end > datetime.now(timezone.utc) + timedelta(days=25)


def test_hostui_server_runs_the_renewal_job_while_it_serves(portal, demo_customer_id, make_order):
    order_id = _due_now(portal, demo_customer_id, make_order)

    def renewed() -> bool:
        with read_session(portal.engine) as session:
            return session.exec(
                select(func.count()).select_from(AuditLog)
                .where(AuditLog.action == "order.auto_renew", AuditLog.entity_id == order_id)
            ).one() == 1

    with TestClient(create_app(portal, renew=True)):
        deadline = time.monotonic() + 10
        while not renewed():
            assert time.monotonic() < deadline, "the lifespan's scheduler did not renew the order"
            time.sleep(0.02)


def test_set_rate_changes_the_rate_and_refuses_nonsense(portal, capsys):
    database = portal.settings.database_url
    assert main(["set-rate", "usd", "1.0832", "--database", database]) == 0
    assert "1 EUR = 1.0832 USD" in capsys.readouterr().out
    assert main(["set-rate", "EUR", "2", "--database", database]) == 1
    assert main(["set-rate", "USD", "-1", "--database", database]) == 1
    assert main(["set-rate", "GBP", "0.86", "--database", database]) == 1  # a new one needs its name
    assert main(["set-rate", "GBP", "0.86", "--name", "Pound sterling", "--database", database]) == 0
    with read_session(portal.engine) as session:
        rates = {row.code: row.rate for row in session.exec(select(CurrencyRate))}
    assert rates == {"EUR": "1", "USD": "1.0832", "CHF": "0.9400", "GBP": "0.86"}
