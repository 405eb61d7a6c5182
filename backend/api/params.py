"""The bounds of every integer and header the API accepts, declared once and in the schema.

Ids are ``INTEGER`` columns, 32-bit on PostgreSQL and 64-bit on SQLite; a number outside the
smaller range cannot name a row on either, and handing it to the database fails there
(OverflowError on SQLite, "integer out of range" on PostgreSQL). So every id is bounded
before any query: an id path parameter out of range answers 404 like an id that does not
exist (see ``errors.py``), an id or count in the query string answers 422.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import Header, Path, Query

from backend.contract import IDEMPOTENCY_KEY_PATTERN, PAGE_AFTER_PATTERN

# The largest id both databases can store: PostgreSQL's INTEGER.
MAX_ROW_ID = 2**31 - 1
# Pages beyond this are empty anyway (500 million rows); the bound keeps page * page_size far
# inside 64 bits, and is the one the contract's query models use (OrderQuery).
MAX_PAGE = 1_000_000
MAX_PAGE_SIZE = 500

RowId = Annotated[
    int,
    Path(ge=1, le=MAX_ROW_ID, description=f"A row id, 1 to {MAX_ROW_ID}; any other number is not found."),
]
"""An id in the path. Every route takes its ids as this type (tests/test_api_bounds.py checks)."""

OptionalRowIdQuery = Annotated[int | None, Query(ge=1, le=MAX_ROW_ID)]
PageQuery = Annotated[int, Query(ge=1, le=MAX_PAGE)]
PageSizeQuery = Annotated[int, Query(ge=1, le=MAX_PAGE_SIZE)]
AfterQuery = Annotated[
    str | None,
    Query(pattern=PAGE_AFTER_PATTERN, description="Start after this position: the previous page's "
          "`next_after`. Then `page` only numbers the page; as fast on page 20,000 as on page 2."),
]
"""Where a page starts in a list paged by position (see ``Page.next_after``)."""

# What a malformed header is told, by header name (the validator's own message names a regex).
HEADER_FORMATS = {
    "Idempotency-Key": "malformed idempotency key: use 16 to 64 letters, digits, '-' or '_'",
}

IdempotencyKeyHeader = Annotated[
    str,
    Header(
        alias="Idempotency-Key",
        pattern=IDEMPOTENCY_KEY_PATTERN,
        description="16 to 64 letters, digits, '-' or '_', unique per request (a UUID fits); "
        "a repeated key replays the first answer instead of acting again.",
    ),
]
