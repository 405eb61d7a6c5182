"""The list's query alone behind FastAPI: a bound for the invoice list endpoint.

hostui's ``GET /api/v1/invoices`` checks the token, reads the page, makes each row with its
actions and checks the answer against the contract. This app does only the read: the same
statement ``backend.domain.invoices`` runs for a page of the "all" filter (50 rows and the
one after them), through SQLAlchemy on the same engine, returned as plain column values.
No endpoint over this database stack can serve the list faster than this one does.

- ``GET /query/threadpool``: a plain ``def``, run in anyio's threadpool limited to hostui's
  ``API_THREADS``, as hostui's routes run.
- ``GET /query/loop``: the same on the event loop, with no thread hand-off at all.

The bench serves it with uvicorn exactly as the bare endpoint and hostui-server are served
(``bench/bench_api.py``); the database comes in ``HOSTUI_BENCH_QUERY_DATABASE``.
"""

from __future__ import annotations

import os
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import datetime
from typing import Any

DATABASE_VARIABLE = "HOSTUI_BENCH_QUERY_DATABASE"
PATHS = {"threadpool": "/query/threadpool", "loop": "/query/loop"}
PAGE_SIZE = 50


def create_app():  # noqa: ANN201 - a FastAPI app, built in the server process
    import anyio.to_thread
    from fastapi import FastAPI

    from backend.api.app import API_THREADS
    from backend.contract import InvoiceFilter
    from backend.db import read_connection
    from backend.demo import DEMO_LOGIN
    from backend.domain.accounts import customer_id_for_login
    from backend.domain.paging import page_of
    from backend.portal import open_portal
    from backend.settings import Settings

    # The module's own statement for the "all" filter and its sort key: the bound reads
    # exactly what the endpoint reads.
    from backend.domain.invoices import _list, _position

    portal = open_portal(Settings(database_url=os.environ[DATABASE_VARIABLE]))
    values = {"customer_id": customer_id_for_login(portal, DEMO_LOGIN)}
    statements = _list(InvoiceFilter.ALL, False, False)

    def page() -> list[dict[str, Any]]:
        with read_connection(portal.engine) as connection:
            results, _next = page_of(connection, statements, values, page=1, page_size=PAGE_SIZE, after=None,
                                     position_of=_position)
        return [{name: value.isoformat() if isinstance(value, datetime) else value
                 for name, value in result._mapping.items()} for result in results]

    @asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        anyio.to_thread.current_default_thread_limiter().total_tokens = API_THREADS
        yield
        portal.dispose()

    app = FastAPI(lifespan=lifespan)

    @app.get(PATHS["threadpool"])
    def in_threadpool() -> list:
        return page()

    @app.get(PATHS["loop"])
    async def on_loop() -> list:
        return page()

    return app
