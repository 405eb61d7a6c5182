"""The one shape every benchmark reports in, and the one table ``python -m bench`` prints.

A benchmark module exposes ``run(scale: Scale) -> list[Figure]`` (and may keep a ``main()`` for
running it alone). ``Scale.SMOKE`` is a tiny size that proves the benchmark still runs (the
test suite calls it); ``Scale.FULL`` is the size the issue's targets speak of. Figures are
reported, never asserted: machines differ, the ratio against a floor measured in the same run
is what a reader compares with the target.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum


class Scale(StrEnum):
    SMOKE = "smoke"
    FULL = "full"


@dataclass(frozen=True)
class Figure:
    group: str
    """What is measured, e.g. "first paint", "key to paint", "RSS", "API", "growth"."""
    what: str
    """Which case, e.g. "local, 1M invoices" or "list, 16 clients, SQLite"."""
    value: float
    unit: str
    """"ms", "MiB", "req/s", "s"."""
    floor: float | None = None
    """The baseline measured in the same run, in the same unit (None: no baseline)."""
    floor_label: str = ""
    """What the floor is, e.g. "bare Textual app" or "bare FastAPI endpoint"."""
    target: str = ""
    """The issue's target for this figure, e.g. "≤ 1.5x" or "≥ 0.25x"; shown, not asserted."""

    @property
    def ratio(self) -> float | None:
        if self.floor is None or self.floor == 0 or math.isnan(self.floor):
            return None
        return self.value / self.floor


def _number(value: float) -> str:
    if math.isnan(value):
        return "n/a"
    if abs(value) >= 100:
        return f"{value:,.0f}"
    if abs(value) >= 10:
        return f"{value:.1f}"
    return f"{value:.2f}"


def _ratio(ratio: float) -> str:
    # Two significant digits below 0.1: a page against a whole table is 0.00021x, not 0.00x.
    return f"{ratio:.2f}x" if ratio >= 0.1 or ratio == 0 else f"{ratio:.2g}x"


def format_table(figures: Iterable[Figure]) -> str:
    """One aligned text table, grouped in the order the figures came."""
    headers = ("group", "case", "value", "floor", "ratio", "target", "floor is")
    rows = []
    for figure in figures:
        ratio = figure.ratio
        rows.append((
            figure.group,
            figure.what,
            f"{_number(figure.value)} {figure.unit}",
            "" if figure.floor is None else f"{_number(figure.floor)} {figure.unit}",
            "" if ratio is None else _ratio(ratio),
            figure.target,
            figure.floor_label,
        ))
    widths = [max(len(str(cell)) for cell in column) for column in zip(headers, *rows)]
    right = {2, 3, 4}

    def line(cells: tuple[str, ...]) -> str:
        return "  ".join(
            cell.rjust(width) if index in right else cell.ljust(width)
            for index, (cell, width) in enumerate(zip(cells, widths))
        ).rstrip()

    out = [line(headers), line(tuple("-" * w for w in widths))]
    previous = None
    for row in rows:
        if previous is not None and row[0] != previous:
            out.append("")
        out.append(line(row))
        previous = row[0]
    return "\n".join(out)


def print_table(figures: Iterable[Figure]) -> None:
    print(format_table(figures), flush=True)
