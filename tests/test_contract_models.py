"""The contract's models are built on first use (``defer_build``): every one of them must
build, and build once under concurrent first use, as the threadpool and the TUI's workers
use them."""

from __future__ import annotations

import inspect
import subprocess
import sys

import pydantic
import pytest

import backend.contract as contract


def _contract_models() -> list[type[pydantic.BaseModel]]:
    modules = [module for name, module in sys.modules.items() if name.startswith("backend.contract")]
    return sorted(
        {
            model
            for module in modules
            for model in vars(module).values()
            if inspect.isclass(model) and issubclass(model, pydantic.BaseModel) and model.__module__ == module.__name__
        },
        key=lambda model: model.__qualname__,
    )


def test_the_contract_has_its_models():
    assert contract.InvoiceRow in _contract_models()
    assert len(_contract_models()) > 40


@pytest.mark.parametrize("model", _contract_models(), ids=lambda model: model.__name__)
def test_every_contract_model_builds(model):
    model.model_rebuild()
    assert model.__pydantic_complete__
    assert model.model_json_schema()["title"]


def test_importing_the_contract_builds_only_what_clients_send():
    code = (
        "import backend.contract, sys, inspect, pydantic; "
        "from backend.contract.models import _Request; "
        "built = [m.__name__ for n, mod in list(sys.modules.items()) if n.startswith('backend.contract') "
        "for m in vars(mod).values() if inspect.isclass(m) and issubclass(m, pydantic.BaseModel) "
        "and m.__module__ == n and m.__pydantic_complete__ and not issubclass(m, _Request)]; "
        "assert not built, built"
    )
    subprocess.run([sys.executable, "-c", code], check=True)


def test_first_use_from_many_threads_at_once_validates_alike():
    # In a fresh interpreter, so the models are still unbuilt when the threads start.
    code = """
import threading
from datetime import datetime, timezone
from decimal import Decimal
from backend.contract import AccountSummary, InvoiceRow, Page

row = {"id": 1, "number": "NH-000001", "issued_at": datetime(2026, 1, 1, tzinfo=timezone.utc),
       "due_at": datetime(2026, 1, 15, tzinfo=timezone.utc), "order_id": None, "order_number": None,
       "total": Decimal("12.50"), "currency": "EUR", "status": "unpaid", "payment_method": None,
       "overdue": False, "actions": []}
start = threading.Barrier(8)
results, errors = [], []

def use():
    start.wait()
    try:
        page = Page[InvoiceRow].model_validate({"items": [row], "total": 1, "page": 1, "page_size": 50})
        results.append(page.model_dump_json())
    except Exception as error:
        errors.append(repr(error))

threads = [threading.Thread(target=use) for _ in range(8)]
for thread in threads: thread.start()
for thread in threads: thread.join()
assert not errors, errors
assert len(results) == 8 and len(set(results)) == 1, results
"""
    subprocess.run([sys.executable, "-c", code], check=True)


def test_the_api_request_bodies_are_built_at_once(tmp_path):
    # FastAPI declares an adapter per request body from the model; built late (deferred), that
    # adapter makes pydantic warn on the first request. Every body model must opt out.
    from backend.api.app import create_app, flat_routes
    from backend.portal import open_portal
    from backend.settings import Settings

    app = create_app(open_portal(Settings(database_url=f"sqlite:///{tmp_path / 'portal.sqlite3'}")))
    bodies = {route.body_field.field_info.annotation for _path, route in flat_routes(app)
              if getattr(route, "body_field", None) is not None}
    contract_bodies = {body for body in bodies if body.__module__.startswith("backend.contract")}
    assert contract.LoginRequest in contract_bodies
    deferred = sorted(body.__name__ for body in contract_bodies if body.model_config.get("defer_build"))
    assert not deferred, deferred
