"""How the terminal benchmarks run hostui: the command, and the environment of a local or a
remote profile in a scratch directory, as a user's own start would see it.

A local profile needs nothing but ``HOSTUI_DATA_DIR`` (holding ``portal.sqlite3`` and
``secret.key``) and ``HOSTUI_CONFIG``: a missing config file is created with the local profile
on the data directory's database, as on a first start. A remote profile gets a config naming
the server and the token in ``HOSTUI_TOKEN``, hostui's headless way to log in.
"""

from __future__ import annotations

import asyncio
import json
import os
import subprocess
import sys
from pathlib import Path

from backend.contract import InvoiceFilter, InvoiceQuery

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent


def hostui_command() -> list[str]:
    return [str(BIN / "hostui")]


def inherited_env() -> dict[str, str]:
    """The caller's environment without its own ``HOSTUI_*`` settings (a developer's token or
    config must not leak into a measurement)."""
    return {key: value for key, value in os.environ.items() if not key.startswith("HOSTUI_")}


def local_env(data_dir: Path) -> dict[str, str]:
    """The variables of a local profile on ``data_dir``'s database (only those to set)."""
    return {"HOSTUI_DATA_DIR": str(data_dir), "HOSTUI_CONFIG": str(data_dir / "config.toml")}


def remote_env(client_dir: Path, url: str, token: str) -> dict[str, str]:
    """The variables of a remote profile on ``url``, logged in with ``token``."""
    client_dir.mkdir(parents=True, exist_ok=True)
    config = client_dir / "config.toml"
    config.write_text(
        'default_profile = "bench"\n\n[profiles.bench]\nkind = "remote"\n'
        f'url = "{url}"\nlogin = "demo"\n'
    )
    return {"HOSTUI_DATA_DIR": str(client_dir), "HOSTUI_CONFIG": str(config), "HOSTUI_TOKEN": token}


def newest_invoice(env: dict[str, str]) -> str:
    """The number of the first row hostui's invoice list shows at start (the newest unpaid
    invoice), asked through hostui's own command line so it follows the list's order."""
    result = subprocess.run(
        [*hostui_command(), "invoices", "list", "--status", "unpaid", "--page-size", "1", "--json"],
        cwd=ROOT, env={**inherited_env(), **env}, capture_output=True, text=True, check=True,
    )
    items = json.loads(result.stdout)["items"]
    if not items:
        raise RuntimeError("the demo customer has no unpaid invoice: nothing to wait for on the first screen")
    return items[0]["number"]


def newest_served_invoice(url: str, token: str) -> str:
    """The same for the database a running ``hostui-server`` serves, asked over its API (no
    second start of hostui needed)."""
    from hostui.services.remote import RemoteService

    async def first_row() -> str:
        service = RemoteService(url, token)
        try:
            page = await service.list_invoices(InvoiceQuery(status=InvoiceFilter.UNPAID, page_size=1))
        finally:
            await service.aclose()
        if not page.items:
            raise RuntimeError("the demo customer has no unpaid invoice: nothing to wait for on the first screen")
        return page.items[0].number

    return asyncio.run(first_row())
