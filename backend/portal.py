"""The running portal: one database, its settings, its clock and its secrets.

Every domain function takes a Portal and the id of the customer it acts for, so the HTTP
routes and the in-process service call the very same code.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timezone
from functools import cached_property
from typing import TYPE_CHECKING

from sqlalchemy.engine import Engine

from backend import migrate
from backend.db import make_engine
from backend.settings import Settings

if TYPE_CHECKING:
    from backend.security import SecretBox


def system_clock() -> datetime:
    return datetime.now(timezone.utc)


@dataclass
class Portal:
    engine: Engine
    settings: Settings = field(default_factory=Settings)
    clock: Callable[[], datetime] = system_clock

    @cached_property
    def secrets(self) -> SecretBox:
        # Imported here: cryptography is not needed to show the first screen.
        from backend.security import SecretBox

        if self.settings.secret_key is not None:
            return SecretBox(self.settings.secret_key.get_secret_value().encode())
        return SecretBox.from_key_file(self.settings.secret_key_file)

    def now(self) -> datetime:
        return self.clock()

    def dispose(self) -> None:
        self.engine.dispose()


def open_portal(settings: Settings | None = None, clock: Callable[[], datetime] = system_clock) -> Portal:
    """Connect to the configured database and bring its schema up to date."""
    settings = settings or Settings()
    engine = make_engine(settings.database_url)
    migrate.upgrade(engine)
    return Portal(engine=engine, settings=settings, clock=clock)
