"""A hostui-server process keeps what start-up made out of the cyclic collector's way
(``gc.freeze``), so no request waits for a full collection walking every module and route;
an app made by anyone else (tests, tools) freezes nothing."""

from __future__ import annotations

import gc
from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from backend.api.app import create_app
from backend.server import served_app


@pytest.fixture
def unfrozen() -> Iterator[None]:
    gc.unfreeze()
    yield
    gc.unfreeze()


def test_the_served_app_freezes_start_up_once_started(sqlite_portal, unfrozen):
    app = served_app(sqlite_portal, send_mail=False)
    assert gc.get_freeze_count() == 0  # made, not started: nothing frozen yet
    with TestClient(app) as client:
        # The app itself is among what start-up made: a full collection no longer walks it.
        assert gc.get_freeze_count() > 10_000
        assert client.get("/healthz").status_code == 200


def test_an_app_made_elsewhere_freezes_nothing(sqlite_portal, unfrozen):
    with TestClient(create_app(sqlite_portal)) as client:
        assert client.get("/healthz").status_code == 200
        assert gc.get_freeze_count() == 0
