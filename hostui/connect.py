"""Build the PortalService for a profile — lazily, so remote mode never loads SQLAlchemy.

A ``Connector`` is cheap to make (it only holds the profile); ``await connector.connect(progress)``
does the work: for a local profile it opens the database (creating and seeding the demo
database on first start, which takes several seconds), for a remote one it reads the token
and checks it with the server. ``advice(err)`` turns a failure into what the user should do.

Nothing here imports ``hostui.services.local``, ``backend.portal`` (SQLAlchemy) or
``hostui.services.remote`` (httpx) at module level.
"""

from __future__ import annotations

import asyncio
import tempfile
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import Protocol

from backend.contract import (
    AccountSummary,
    AuthenticationFailed,
    NotFound,
    PortalService,
    ServiceError,
    ServiceUnavailable,
)
from hostui.config import LocalProfile, RemoteProfile, config_path
from hostui.credentials import TokenStore

__all__ = ["Connector", "LocalConnector", "RemoteConnector", "StorageUnwritable", "connector_for", "Progress"]

Progress = Callable[[str], None]

PREPARING_DEMO = "Preparing the demo database… (first start: this takes a few seconds)"


class Connector(Protocol):
    profile_name: str

    @property
    def description(self) -> str: ...

    @property
    def where(self) -> str:
        """Where hostui is connected, in a few words for the header."""
        ...

    async def connect(self, progress: Progress) -> PortalService: ...

    @property
    def connected_account(self) -> AccountSummary | None:
        """The account summary the last ``connect`` fetched on its way (a remote profile proves
        its token with it), so the app need not ask for it again; None if it fetched none."""
        ...

    def advice(self, error: BaseException) -> str: ...


class StorageUnwritable(ServiceUnavailable):
    """The local database's directory cannot be written (read-only, no permission, a file)."""


def _check_writable_directory(directory: Path) -> None:
    """Try what SQLite will do (create the directory, then files in it) and say plainly
    what is wrong; SQLite itself only says "unable to open database file"."""
    if directory.exists() and not directory.is_dir():
        raise StorageUnwritable(f"cannot write in {directory}: it is a file, not a directory")
    try:
        directory.mkdir(mode=0o700, parents=True, exist_ok=True)
        with tempfile.TemporaryFile(dir=directory):
            pass
    except OSError as exc:
        reason = exc.strerror or type(exc).__name__
        raise StorageUnwritable(f"cannot write in {directory}: {reason.lower()}") from None


class LocalConnector:
    """The portal in-process on the profile's database (LocalService)."""

    def __init__(
        self,
        profile_name: str,
        profile: LocalProfile,
        *,
        clock: Callable[[], datetime] | None = None,
        config_file: Path | None = None,
    ) -> None:
        self.profile_name = profile_name
        self.profile = profile
        self._clock = clock
        self._config_file = config_file

    @property
    def description(self) -> str:
        path = self.profile.sqlite_path
        return f"local database {path}" if path else f"local database {self.profile.database}"

    @property
    def where(self) -> str:
        return self.profile_name

    @property
    def connected_account(self) -> AccountSummary | None:
        return None

    async def connect(self, progress: Progress) -> PortalService:
        progress(f"Opening the {self.description}…")
        path = self.profile.sqlite_path
        if path is not None:
            await asyncio.to_thread(_check_writable_directory, path.parent)
        portal = await asyncio.to_thread(self._open)
        try:
            try:
                customer_id = await asyncio.to_thread(self._customer_id, portal)
            except NotFound:
                if not self.profile.seed_demo:
                    raise
                progress(PREPARING_DEMO)
                await asyncio.to_thread(self._seed, portal)
                customer_id = await asyncio.to_thread(self._customer_id, portal)
        except BaseException:
            await asyncio.to_thread(portal.dispose)
            raise
        # In a thread: the domain modules it imports take a moment, and the start screen
        # should keep drawing meanwhile.
        return await asyncio.to_thread(self._service, portal, customer_id)

    @staticmethod
    def _service(portal, customer_id: int) -> PortalService:  # noqa: ANN001 - a backend.portal.Portal
        from hostui.services.local import LocalService

        # No server runs this profile's jobs (reboots, reinstalls): hostui's process does.
        return LocalService(portal, customer_id, carry_out_jobs=True)

    def _open(self):  # noqa: ANN202 - backend.portal.Portal, imported lazily
        from backend.portal import open_portal, system_clock
        from backend.settings import Settings

        return open_portal(Settings(database_url=self.profile.database), clock=self._clock or system_clock)

    def _customer_id(self, portal) -> int:  # noqa: ANN001
        from backend.domain.accounts import customer_id_for_login

        return customer_id_for_login(portal, self.profile.login)

    @staticmethod
    def _seed(portal) -> None:  # noqa: ANN001
        from backend.demo import DemoSize, ensure_demo

        # The demo history ends "now" on the portal's clock, so it looks current.
        ensure_demo(portal, DemoSize(), now=portal.now())

    def advice(self, error: BaseException) -> str:
        config = self._config_file or config_path()
        if isinstance(error, StorageUnwritable):
            return (
                "hostui writes its database and its journal in that directory: make it writable, "
                f"or point database = … in [profiles.{self.profile_name}] of {config} (or "
                "HOSTUI_DATA_DIR) at a writable place."
            )
        if isinstance(error, NotFound):
            return (
                f"The database has no customer {self.profile.login!r}. Change login in "
                f"[profiles.{self.profile_name}] of {config}, or set seed_demo = true there "
                "to create the demo customer in an empty database."
            )
        return (
            f"Check database = … in [profiles.{self.profile_name}] of {config} "
            "(sqlite:///PATH or postgresql+psycopg://USER:PASSWORD@HOST/DB)."
        )


class RemoteConnector:
    """A hostui-server over HTTP (RemoteService) with the profile's stored token."""

    def __init__(
        self,
        profile_name: str,
        profile: RemoteProfile,
        *,
        tokens: TokenStore | None = None,
        timeout: float | None = None,
    ) -> None:
        self.profile_name = profile_name
        self.profile = profile
        self._tokens = tokens or TokenStore()
        self._timeout = timeout
        self._account: AccountSummary | None = None

    @property
    def description(self) -> str:
        return self.profile.url

    @property
    def where(self) -> str:
        return f"{self.profile_name}@{self.profile.url.split('://', 1)[-1]}"

    @property
    def login_command(self) -> str:
        return f"hostui login {self.profile.url} --profile {self.profile_name} --user {self.profile.login}"

    @property
    def connected_account(self) -> AccountSummary | None:
        return self._account

    async def connect(self, progress: Progress) -> PortalService:
        self._account = None
        progress(f"Connecting to {self.profile.url}…")
        token = await self._stored_token()
        if not token:
            raise AuthenticationFailed(f"not logged in to {self.profile.url} as {self.profile.login}")
        from hostui.services.remote import RemoteService

        kwargs = {"timeout": self._timeout} if self._timeout is not None else {}
        service = RemoteService(self.profile.url, token, token_source=self._stored_token, **kwargs)
        try:
            # Proves the server is there and the token still works.
            self._account = await service.account()
        except BaseException:
            await service.aclose()
            raise
        return service

    async def _stored_token(self) -> str | None:
        return await asyncio.to_thread(self._tokens.load, self.profile_name, self.profile.login)

    def advice(self, error: BaseException) -> str:
        if isinstance(error, AuthenticationFailed):
            return f"Log in again in another shell (hostui picks it up):  {self.login_command}"
        if isinstance(error, ServiceUnavailable):
            return (
                f"Check that hostui-server is running at {self.profile.url} and reachable from "
                "here, then press r to retry."
            )
        if isinstance(error, ServiceError):
            return "Press r to retry."
        return f"Press r to retry; if it persists, log in again:  {self.login_command}"


def connector_for(
    profile_name: str,
    profile: LocalProfile | RemoteProfile,
    *,
    tokens: TokenStore | None = None,
    clock: Callable[[], datetime] | None = None,
    config_file: Path | None = None,
) -> LocalConnector | RemoteConnector:
    if isinstance(profile, LocalProfile):
        return LocalConnector(profile_name, profile, clock=clock, config_file=config_file)
    return RemoteConnector(profile_name, profile, tokens=tokens)
