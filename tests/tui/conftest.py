"""Fixtures for the TUI tests: a real LocalService over a seeded SQLite copy, the app, helpers.

``sqlite_portal`` (tests/conftest.py) is the seeded demo portal (``DemoSize(traffic_days=1)``)
with the fixed clock ``DEMO_NOW``; every test gets its own copy of the database. Here
``portal`` is that same SQLite portal, so ``make_invoice``, ``live_server`` and
``demo_service`` all work on one database.

``faulty_service`` is the real LocalService with faults injected by call name
(``tui_helpers.FaultyService``): the way these tests make the server fail.

Snapshots: pytest-textual-snapshot's ``snap_compare`` stores SVGs next to the test module
(``__snapshots__/``) by default. Here the ``snapshot`` fixture is overridden so that the
plugin's SVG extension is swapped for one rooted at the repository's ``snapshots/``
directory: ``snapshots/<test module>/<test name>.svg``.
"""

from __future__ import annotations

import socket
from collections.abc import Callable
from pathlib import Path

import pytest
from syrupy.assertion import SnapshotAssertion

from tui_helpers import FaultyService, fixed_clock

REPO_ROOT = Path(__file__).resolve().parents[2]
SNAPSHOT_DIR = REPO_ROOT / "snapshots"


# --- snapshots under <repo>/snapshots ------------------------------------------------------


def _repo_svg_extension():  # noqa: ANN202
    from pytest_textual_snapshot import SVGImageExtension

    class RepoSVGExtension(SVGImageExtension):
        """The plugin's SVG extension, storing files in <repo>/snapshots/<test module>/."""

        @classmethod
        def dirname(cls, *, test_location) -> str:  # noqa: ANN001
            return str(SNAPSHOT_DIR / test_location.basename)

    return RepoSVGExtension


class _RepoSnapshotAssertion(SnapshotAssertion):
    """A SnapshotAssertion that maps the plugin's SVG extension to the repo-rooted one."""

    def use_extension(self, extension_class=None):  # noqa: ANN001, ANN201
        from pytest_textual_snapshot import SVGImageExtension

        if extension_class is SVGImageExtension:
            extension_class = _repo_svg_extension()
        return super().use_extension(extension_class)


@pytest.fixture
def snapshot(snapshot: SnapshotAssertion) -> SnapshotAssertion:
    """syrupy's ``snapshot``, redirected so ``snap_compare`` writes under <repo>/snapshots."""
    return _RepoSnapshotAssertion(
        session=snapshot.session,
        extension_class=_repo_svg_extension(),
        test_location=snapshot.test_location,
        update_snapshots=snapshot.update_snapshots,
    )


# --- the app ---------------------------------------------------------------------------------


@pytest.fixture
def portal(sqlite_portal):  # noqa: ANN001, ANN201
    """SQLite only (overrides the parametrized one): one database per test for every fixture."""
    return sqlite_portal


@pytest.fixture
def demo_service(sqlite_portal):  # noqa: ANN001, ANN201
    """LocalService of customer "demo" on a fresh copy of the seeded SQLite database."""
    from backend.domain.accounts import customer_id_for_login
    from hostui.services.local import LocalService

    return LocalService(sqlite_portal, customer_id_for_login(sqlite_portal, "demo"))


@pytest.fixture
def faulty_service(sqlite_portal) -> FaultyService:  # noqa: ANN001
    """The real LocalService of "demo" (same database as ``demo_service``) with fault injection."""
    from backend.domain.accounts import customer_id_for_login

    return FaultyService(sqlite_portal, customer_id_for_login(sqlite_portal, "demo"))


@pytest.fixture
def downloads(tmp_path: Path) -> Path:
    """The directory the save dialogs suggest (instead of the real ~/Downloads)."""
    return tmp_path / "Downloads"


@pytest.fixture
def make_app(demo_service, downloads) -> Callable[..., object]:  # noqa: ANN001
    """``make_app(service=None, **kwargs)``: a HostUIApp on ``demo_service`` with the fixed clock
    (and, unless given, downloads suggested in ``tmp_path/Downloads``)."""
    from hostui.app import HostUIApp

    def make(service=None, **kwargs):  # noqa: ANN001, ANN202
        kwargs.setdefault("clock", fixed_clock)
        kwargs.setdefault("download_dir", downloads)
        return HostUIApp(service if service is not None else demo_service, **kwargs)

    return make


@pytest.fixture
def closed_port_url() -> str:
    """``http://127.0.0.1:<port>`` where nothing listens (connection refused)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    return f"http://127.0.0.1:{port}"
