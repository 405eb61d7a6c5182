"""Searching text columns with LIKE, where what the user typed is taken literally."""

from __future__ import annotations

from sqlalchemy import func
from sqlalchemy.sql import ColumnElement

LIKE_ESCAPE = "\\"


def contains_pattern(typed: str) -> str:
    """A lower-case LIKE pattern for ``typed`` anywhere in a value; '%' and '_' match themselves."""
    escaped = typed.lower().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def contains(column, typed: str) -> ColumnElement[bool]:  # noqa: ANN001
    """``column`` holds ``typed``, case-insensitive."""
    return func.lower(column).like(contains_pattern(typed), escape=LIKE_ESCAPE)
