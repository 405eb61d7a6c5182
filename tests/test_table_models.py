"""The tables' pydantic side is built on first use (``defer_build``, see backend.models._Table):
importing the models builds none of it, and every table builds and dumps when asked."""

from __future__ import annotations

import subprocess
import sys
from datetime import datetime, timezone

import pytest
from sqlmodel import SQLModel

import backend.models as models


def _tables() -> list[type[SQLModel]]:
    return sorted(
        (cls for cls in vars(models).values() if isinstance(cls, type) and hasattr(cls, "__table__")),
        key=lambda cls: cls.__name__,
    )


def test_importing_the_models_builds_no_table_model():
    code = (
        "import backend.models as m; "
        "built = [c.__name__ for c in vars(m).values() if isinstance(c, type) and hasattr(c, '__table__') "
        "and c.__pydantic_complete__]; "
        "assert not built, built; "
        "assert len([c for c in vars(m).values() if isinstance(c, type) and hasattr(c, '__table__')]) > 20"
    )
    subprocess.run([sys.executable, "-c", code], check=True)


@pytest.mark.parametrize("table", _tables(), ids=lambda table: table.__name__)
def test_every_table_model_builds(table):
    table.model_rebuild()
    assert table.__pydantic_complete__
    assert table.model_json_schema()["title"] == table.__name__


def test_a_row_made_in_code_dumps_its_fields():
    created = datetime(2026, 11, 26, 12, 0, tzinfo=timezone.utc)
    token = models.ApiToken(customer_id=7, token_hash="ab" * 32, created_at=created, expires_at=created)
    dumped = token.model_dump()
    assert dumped["customer_id"] == 7
    assert dumped["created_at"] == created
    assert dumped["revoked_at"] is None
