"""What keeps a list's cost flat however large the account grows: paging by position
(keyset) instead of OFFSET, and counting with a cap instead of counting everything.

A position is the sort key of a page's last row, ``(timestamp, id)``, handed to the client
as an opaque token (``Page.next_after``); the next page is the rows sorting after it, which
an index on the sort key finds without walking the rows before. Counting stops at
``COUNT_CAP`` rows: the count costs at most that many index entries, and a list that long is
shown as "10,000+".
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from typing import Any

from sqlalchemy import bindparam, func, select, tuple_
from sqlalchemy.engine import Connection
from sqlalchemy.sql import ColumnElement, Select
from sqlmodel import Session

from backend.contract import COUNT_CAP, InvalidInput

_EPOCH = datetime(1970, 1, 1, tzinfo=timezone.utc)
_MICROSECOND = timedelta(microseconds=1)
_LAST_INSTANT = datetime.max.replace(tzinfo=timezone.utc)
# Ids are INTEGER columns, 32-bit on PostgreSQL: a larger one cannot be a row's.
_MAX_ID = 2**31 - 1


@dataclass(frozen=True)
class Position:
    """The sort key of one row of a list sorted newest first: (timestamp, id)."""

    at: datetime
    id: int

    def token(self) -> str:
        return f"{(self.at - _EPOCH) // _MICROSECOND}.{self.id}"

    @classmethod
    def from_token(cls, token: str) -> Position:
        """The position a token names. Any token of the contract's form is a point in the list's
        order, even one no row sits at: a time past the calendar's end starts at the top, id 0
        before every row of its instant. InvalidInput only for another form."""
        try:
            micros, row_id = (int(part) for part in token.split(".", 1))
        except ValueError:
            raise InvalidInput("after: not a list position") from None
        if micros < 0 or row_id < 0:
            raise InvalidInput("after: not a list position")
        try:
            at = _EPOCH + micros * _MICROSECOND
        except OverflowError:
            at = _LAST_INSTANT
        return cls(at, min(row_id, _MAX_ID))


def older_than(at_column: Any, id_column: Any, position: Position) -> ColumnElement[bool]:
    """Rows sorting after ``position`` in a newest-first list (``ORDER BY at DESC, id DESC``)."""
    return tuple_(at_column, id_column) < tuple_(position.at, position.id)


def newest_first_page(
    session: Session,
    statement: Any,
    at_column: Any,
    id_column: Any,
    *,
    page: int,
    page_size: int,
    after: str | None,
    position_of: Callable[[Any], Position],
) -> tuple[Sequence[Any], str | None]:
    """One page of ``statement`` sorted newest first, and the token of where the next page
    starts (None: this is the last). With ``after`` the page is found by position; without
    it, ``page`` counts pages from the top (what a client jumping to page 7 asks for).
    ``position_of(result)`` is a result row's sort key."""
    if after is not None:
        statement = statement.where(older_than(at_column, id_column, Position.from_token(after)))
    else:
        statement = statement.offset((page - 1) * page_size)
    statement = statement.order_by(at_column.desc(), id_column.desc())
    # One row more than the page says whether another page follows, without counting.
    return _page_and_next(session.exec(statement.limit(page_size + 1)).all(), page_size, position_of)


def _page_and_next(
    results: Sequence[Any], page_size: int, position_of: Callable[[Any], Position]
) -> tuple[Sequence[Any], str | None]:
    """A page from up to ``page_size + 1`` results, and where the next starts (the extra row
    only says that there is one)."""
    if len(results) <= page_size:
        return results, None
    results = results[:page_size]
    return results, position_of(results[-1]).token()


def list_total(
    session: Session, matching: Any, *, page: int, after: str | None, shown: int, more: bool
) -> tuple[int, bool]:
    """The count of a list (capped, see ``capped_count``) a page of which holds ``shown`` rows,
    ``more`` saying whether another page follows. A first page with nothing after it is the
    whole list, so it is counted already: the usual short lists (unpaid invoices, open
    tickets) cost one query, not two."""
    if _whole_list_shown(page, after, more):
        return shown, False
    return capped_count(session, matching)


def _whole_list_shown(page: int, after: str | None, more: bool) -> bool:
    return page == 1 and after is None and not more


def capped_count(session: Session, matching: Any, cap: int = COUNT_CAP) -> tuple[int, bool]:
    """How many rows ``matching`` (a select of ids) finds, counting no further than ``cap``:
    (count, whether it stopped)."""
    matching = matching.limit(cap + 1).subquery()
    return _capped(session.execute(select(func.count()).select_from(matching)).scalar_one(), cap)


def _capped(counted: int, cap: int = COUNT_CAP) -> tuple[int, bool]:
    """A count that stopped one past ``cap``: (what to show, whether it is "cap+")."""
    return min(counted, cap), counted > cap


# --- lists whose statements are built once --------------------------------------------------
#
# Building a statement, and SQLAlchemy's cache key for it, costs more than running it on a
# page of fifty rows. A list whose shape does not change per request is built once, with its
# values (the customer, a search pattern, the position) bound by name at execution.


@dataclass(frozen=True)
class NewestFirst:
    """The statements of one newest-first list: a page by OFFSET, a page by position, and
    the capped count. Built by ``newest_first``; run by ``page_of`` and ``count_of``."""

    by_offset: Select
    by_position: Select
    count: Select


def newest_first(statement: Select, matching: Select, at_column: Any, id_column: Any) -> NewestFirst:
    """``statement`` (the rows) and ``matching`` (a select of their ids, for the count)."""
    ordered = statement.order_by(at_column.desc(), id_column.desc()).limit(bindparam("page_limit"))
    after = tuple_(bindparam("after_at", type_=at_column.type), bindparam("after_id", type_=id_column.type))
    return NewestFirst(
        by_offset=ordered.offset(bindparam("page_offset")),
        by_position=ordered.where(tuple_(at_column, id_column) < after),
        count=select(func.count()).select_from(matching.limit(COUNT_CAP + 1).subquery()),
    )


def page_of(
    connection: Connection,
    statements: NewestFirst,
    values: dict[str, Any],
    *,
    page: int,
    page_size: int,
    after: str | None,
    position_of: Callable[[Any], Position],
) -> tuple[Sequence[Any], str | None]:
    """As ``newest_first_page``, for a list built by ``newest_first`` with ``values`` bound."""
    values = {**values, "page_limit": page_size + 1}
    if after is not None:
        position = Position.from_token(after)
        results = connection.execute(
            statements.by_position, {**values, "after_at": position.at, "after_id": position.id}
        ).all()
    else:
        results = connection.execute(statements.by_offset, {**values, "page_offset": (page - 1) * page_size}).all()
    return _page_and_next(results, page_size, position_of)


def count_of(
    connection: Connection, statements: NewestFirst, values: dict[str, Any], *, page: int, after: str | None,
    shown: int, more: bool,
) -> tuple[int, bool]:
    """As ``list_total``, for a list built by ``newest_first`` with ``values`` bound."""
    if _whole_list_shown(page, after, more):
        return shown, False
    return _capped(connection.execute(statements.count, values).scalar_one())
