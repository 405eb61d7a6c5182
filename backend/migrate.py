"""Creates or upgrades the schema to the newest migration; run on every start.

Every start asks "is the schema current?", and nearly always it is. Alembic takes a good part
of a second to import, so that question is answered without it: the head revision is read
from the migration files' ``revision``/``down_revision`` lines, and the database's from its
``alembic_version`` table. Alembic is imported only to actually migrate, or when the files
do not give one plain head (then it decides, as it always did).
"""

from __future__ import annotations

import ast
import re
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import inspect, text
from sqlalchemy.engine import Connection, Engine

if TYPE_CHECKING:
    from alembic.config import Config

MIGRATIONS = Path(__file__).with_name("migrations")
VERSION_TABLE = "alembic_version"


def _config() -> Config:
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    return config


# alembic's template assigns each on one line of its own, at the top level; reading just those
# lines spares every start parsing every migration (the first alone is a long file).
_ASSIGNMENT = re.compile(r"^(revision|down_revision)[ \t]*(?::[^=\n]*)?=[ \t]*(.*)$", re.MULTILINE)


def _assigned(source: str, path: Path) -> dict[str, object]:
    """The values of ``revision`` and ``down_revision`` at a migration's top level."""
    try:
        return {name: ast.literal_eval(value) for name, value in _ASSIGNMENT.findall(source)}
    except (SyntaxError, ValueError):
        pass  # a value spread over several lines: read the whole file
    values: dict[str, object] = {}
    for node in ast.parse(source, str(path)).body:
        if isinstance(node, ast.Assign) and len(node.targets) == 1 and isinstance(node.targets[0], ast.Name):
            name = node.targets[0].id
        elif isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name) and node.value is not None:
            name = node.target.id
        else:
            continue
        if name in ("revision", "down_revision"):
            values[name] = ast.literal_eval(node.value)
    return values


def _revision_lines(path: Path) -> tuple[str, tuple[str, ...]] | None:
    """(revision, its down revisions) as a migration file assigns them, or None if it does not."""
    values = _assigned(path.read_text(encoding="utf-8"), path)
    revision, down = values.get("revision"), values.get("down_revision")
    if not isinstance(revision, str):
        return None
    if down is None:
        return revision, ()
    return revision, (down,) if isinstance(down, str) else tuple(down)


def heads_in(versions: Path) -> set[str] | None:
    """The revisions no migration in ``versions`` builds on (read from the files, without
    alembic); None when a file cannot be read that way."""
    revisions: set[str] = set()
    downs: set[str] = set()
    for path in sorted(versions.glob("*.py")):
        if path.name.startswith("__"):
            continue
        try:
            found = _revision_lines(path)
        except (SyntaxError, ValueError):
            return None
        if found is None:
            continue
        revisions.add(found[0])
        downs.update(found[1])
    return revisions - downs


@cache
def head_revision() -> str | None:
    """The newest migration's revision, or None when the files do not make one plain head
    (then alembic decides)."""
    heads = heads_in(MIGRATIONS / "versions")
    return next(iter(heads)) if heads is not None and len(heads) == 1 else None


def _alembic_head() -> str | None:
    from alembic.script import ScriptDirectory

    return ScriptDirectory.from_config(_config()).get_current_head()


def database_revisions(connection: Connection) -> set[str]:
    """The revisions the database says it is at (none for an empty database)."""
    if not inspect(connection).has_table(VERSION_TABLE):
        return set()
    return {row[0] for row in connection.execute(text(f"SELECT version_num FROM {VERSION_TABLE}"))}


def is_current(engine: Engine) -> bool:
    head = head_revision() or _alembic_head()
    with engine.connect() as connection:
        return database_revisions(connection) == {head}


def upgrade(engine: Engine) -> None:
    """Bring the database to the head revision (a no-op when it is there already)."""
    if not is_current(engine):
        migrate_to(engine, "head")


def migrate_to(engine: Engine, revision: str) -> None:
    """Upgrade or downgrade to ``revision`` ("head", or a revision id), in one transaction."""
    from alembic import command
    from alembic.runtime.migration import MigrationContext
    from alembic.script import ScriptDirectory

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
    from alembic import command

    config = _config()
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.revision(config, message=message, autogenerate=True)
