"""Creates or upgrades the schema to the newest migration; run on every start."""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy.engine import Engine

MIGRATIONS = Path(__file__).with_name("migrations")


def _config() -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    return config


def is_current(engine: Engine) -> bool:
    head = ScriptDirectory.from_config(_config()).get_current_head()
    with engine.connect() as connection:
        return MigrationContext.configure(connection).get_current_revision() == head


def upgrade(engine: Engine) -> None:
    """Bring the database to the head revision (a no-op when it is there already)."""
    if not is_current(engine):
        migrate_to(engine, "head")


def migrate_to(engine: Engine, revision: str) -> None:
    """Upgrade or downgrade to ``revision`` ("head", or a revision id), in one transaction."""
    config = _config()
    current = None
    with engine.connect() as connection:
        current = MigrationContext.configure(connection).get_current_revision()
    target = ScriptDirectory.from_config(config).get_revision(revision)
    step = command.upgrade
    if current is not None and target is not None and revision != "head":
        script = ScriptDirectory.from_config(config)
        ahead = {rev.revision for rev in script.iterate_revisions(current, "base")}
        if target.revision in ahead and target.revision != current:
            step = command.downgrade
    if engine.dialect.name != "sqlite":
        with engine.begin() as connection:
            config.attributes["connection"] = connection
            step(config, revision)
        return
    with engine.connect() as connection:
        # SQLite alters a table by copying it and dropping the old one, which enforced foreign
        # keys refuse while other tables point at it, and the pragma only takes effect outside
        # a transaction (hence below SQLAlchemy, which would BEGIN first). The check afterwards
        # keeps the guarantee the pragma suspended.
        raw = connection.connection.driver_connection
        raw.execute("PRAGMA foreign_keys=OFF")
        try:
            with connection.begin():
                config.attributes["connection"] = connection
                step(config, revision)
                broken = connection.exec_driver_sql("PRAGMA foreign_key_check").fetchall()
                if broken:
                    raise RuntimeError(f"the migration left rows pointing nowhere: {broken[:5]}")
        finally:
            raw.execute("PRAGMA foreign_keys=ON")


def autogenerate(engine: Engine, message: str) -> None:
    """Developer tool: write a new migration from the difference between tables and schema."""
    config = _config()
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.revision(config, message=message, autogenerate=True)
