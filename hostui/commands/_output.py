"""How commands print: contract models as JSON, tables that fit the terminal, key: value
blocks, and documents written to a file or stdout.

JSON is the contract model as the HTTP API sends it (``model_dump(mode="json")``: money and
decimals as strings, times as ISO 8601), so scripts see the same shape whichever service the
profile uses.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from pydantic import BaseModel

from backend.contract import Page
from hostui.commands._common import CommandError

__all__ = ["Column", "print_json", "table", "key_values", "page_footer", "write_document", "safe_filename"]

TABLE_WIDTH = 80
GAP = "  "
ELLIPSIS = "…"


def print_json(value: BaseModel | Sequence[BaseModel]) -> None:
    if isinstance(value, BaseModel):
        data = value.model_dump(mode="json")
    else:
        data = [item.model_dump(mode="json") for item in value]
    print(json.dumps(data, indent=2, ensure_ascii=False))


@dataclass(frozen=True)
class Column:
    title: str
    right: bool = False  # amounts line up on the decimal point
    shrink: bool = False  # may be cut (with …) so the table fits; the others never are
    minimum: int = 4


def page_footer(page: Page, singular: str, plural: str, *, whole: bool = False) -> str:
    """The line under a listed page: the count alone when the page is the whole list (or
    ``whole``: every page was read), else "Page 2 of 5 (202 paid invoices); next: --page 3".
    A capped count (``total_capped``) reads "10000+"; ``singular``/``plural`` follow the number."""
    plus = "+" if page.total_capped else ""
    count = f"{page.total}{plus} {singular if page.total == 1 and not plus else plural}"
    if whole or not (page.has_next or page.page > 1):
        return count
    more = f"; next: --page {page.page + 1}" if page.has_next else ""
    return f"Page {page.page} of {page.pages}{plus} ({count}){more}"


def _cut(text: str, width: int) -> str:
    return text if len(text) <= width else text[: max(0, width - 1)] + ELLIPSIS


def table(columns: Sequence[Column], rows: Sequence[Sequence[str]], width: int = TABLE_WIDTH) -> list[str]:
    """Aligned lines (header first) no wider than ``width`` when the shrinkable columns allow."""
    widths = [max([len(column.title), *(len(row[i]) for row in rows)]) for i, column in enumerate(columns)]
    overflow = sum(widths) + len(GAP) * (len(columns) - 1) - width
    while overflow > 0:
        candidates = [i for i, column in enumerate(columns) if column.shrink and widths[i] > column.minimum]
        if not candidates:
            break
        widest = max(candidates, key=lambda i: widths[i])
        widths[widest] -= 1
        overflow -= 1

    def line(cells: Sequence[str]) -> str:
        parts = []
        for column, cell, cell_width in zip(columns, cells, widths, strict=True):
            cell = _cut(cell, cell_width)
            parts.append(cell.rjust(cell_width) if column.right else cell.ljust(cell_width))
        return GAP.join(parts).rstrip()

    return [line([column.title for column in columns]), *(line(row) for row in rows)]


def key_values(pairs: Sequence[tuple[str, str]]) -> list[str]:
    """``Key:   value`` lines, values aligned."""
    width = max((len(key) for key, _ in pairs), default=0) + 1
    return [f"{key + ':':<{width}}  {value}" for key, value in pairs]


def safe_filename(suggested: str, fallback: str) -> str:
    """The server's file name without any directory part (a server never picks our folder)."""
    name = Path(suggested.replace("\\", "/")).name
    return fallback if name in ("", ".", "..") or name.startswith(".") else name


def write_document(content: bytes, filename: str, target: str | None, *, force: bool) -> Path | None:
    """Write ``content`` to ``target``: a file, a directory (then ``filename`` in it), ``-``
    for stdout, or None for ``filename`` in the current directory. Returns the file written
    (None for stdout). Never overwrites an existing file unless ``force``.
    """
    if target == "-":
        if sys.stdout.isatty():
            raise CommandError("not writing a binary file to the terminal: redirect stdout or use -o FILE")
        sys.stdout.flush()
        sys.stdout.buffer.write(content)
        sys.stdout.buffer.flush()
        return None
    path = Path(target).expanduser() if target else Path(filename)
    if path.is_dir():
        path = path / filename
    try:
        # "x" fails if the file exists, atomically: no window between checking and writing.
        with open(path, "wb" if force else "xb") as handle:
            handle.write(content)
    except FileExistsError:
        raise CommandError(f"{path} already exists: pass --force to overwrite it, or -o another file") from None
    except OSError as error:
        raise CommandError(f"cannot write {path}: {error.strerror or error}") from None
    return path
