"""The start-up's "is the schema current?" check answers without importing alembic, and
answers what alembic would."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

from alembic.script import ScriptDirectory

from backend import migrate
from backend.db import make_engine


def _migration(directory: Path, name: str, revision: str, down: str) -> None:
    (directory / f"{name}.py").write_text(
        f'"""{name}"""\nfrom alembic import op\n\nrevision = {revision!r}\ndown_revision = {down}\n'
        "branch_labels = None\ndepends_on = None\n\n\ndef upgrade() -> None:\n    pass\n"
    )


def test_the_head_read_from_the_files_is_alembics() -> None:
    alembic_head = ScriptDirectory.from_config(migrate._config()).get_current_head()
    assert migrate.head_revision() == alembic_head


def test_heads_follow_down_revisions_branches_and_merges(tmp_path: Path) -> None:
    (tmp_path / "__init__.py").write_text("")
    _migration(tmp_path, "a", "a", "None")
    _migration(tmp_path, "b", "b", "'a'")
    assert migrate.heads_in(tmp_path) == {"b"}
    _migration(tmp_path, "c", "c", "'a'")  # a second branch from a
    assert migrate.heads_in(tmp_path) == {"b", "c"}
    _migration(tmp_path, "d", "d", "('b', 'c')")  # merged again
    assert migrate.heads_in(tmp_path) == {"d"}


def test_annotated_and_multi_line_assignments_are_read(tmp_path: Path) -> None:
    """Newer alembic templates annotate the assignments; a merge's down revisions may be
    written over several lines (then the whole file is parsed)."""
    (tmp_path / "a.py").write_text("revision: str = 'a'  # the first\ndown_revision: str | None = None\n")
    (tmp_path / "b.py").write_text("revision = 'b'\ndown_revision = 'a'\n")
    (tmp_path / "c.py").write_text("revision = 'c'\ndown_revision = 'a'\n")
    (tmp_path / "d.py").write_text("revision = 'd'\ndown_revision = (\n    'b',\n    'c',\n)\n")
    assert migrate.heads_in(tmp_path) == {"d"}


def test_an_unreadable_file_leaves_the_answer_to_alembic(tmp_path: Path) -> None:
    (tmp_path / "a.py").write_text("revision = make_revision()\n")
    assert migrate.heads_in(tmp_path) is None


def test_current_only_at_the_head(tmp_path: Path) -> None:
    engine = make_engine(f"sqlite:///{tmp_path / 'db.sqlite3'}")
    try:
        assert not migrate.is_current(engine)  # empty: no alembic_version table yet
        migrate.upgrade(engine)
        assert migrate.is_current(engine)
        migrate.migrate_to(engine, "0002_login_attempts")
        assert not migrate.is_current(engine)
        migrate.upgrade(engine)
        assert migrate.is_current(engine)
    finally:
        engine.dispose()


def test_a_current_database_starts_without_importing_alembic(tmp_path: Path) -> None:
    database = tmp_path / "db.sqlite3"
    engine = make_engine(f"sqlite:///{database}")
    try:
        migrate.upgrade(engine)
    finally:
        engine.dispose()
    script = textwrap.dedent(
        f"""
        import sys
        from backend import migrate
        from backend.db import make_engine
        engine = make_engine({f"sqlite:///{database}"!r})
        migrate.upgrade(engine)
        assert migrate.is_current(engine)
        print(sorted(name for name in sys.modules if name.split(".")[0] == "alembic"))
        """
    )
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True)
    assert result.stdout.strip() == "[]"
