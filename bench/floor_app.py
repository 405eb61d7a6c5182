"""The floor hostui's terminal figures are measured against: the least a Textual app of the
same shape costs. A Header, a 100-row DataTable and a Footer; its first cell is ``R000-000``.

Keys do the analogous thing to hostui's, with no data behind them: ``f`` and ``]`` fill the
table with the next 100 rows (``R001-000`` …), as a filter or a page would; ``2`` switches to a
second section (its own screen, first cell ``S2-000``) and ``1`` back, as hostui's section keys
switch modes.

    .venv/bin/python -m bench.floor_app
"""

from __future__ import annotations

from textual.app import App, ComposeResult
from textual.binding import Binding
from textual.screen import Screen
from textual.widgets import DataTable, Footer, Header

ROWS = 100
COLUMNS = ("Number", "Issued", "Due", "Order", "Amount", "Status", "Method")
FIRST_CELL = "R000-000"
SECOND_SECTION_CELL = "S2-000"


def first_cell(generation: int) -> str:
    """The first cell after ``generation`` refills (0: at start)."""
    return f"R{generation:03d}-000"


class Section(Screen):
    BINDINGS = [
        Binding("f", "refill", "Filter"),
        Binding("right_square_bracket", "refill", "Page"),
    ]

    def __init__(self, prefix: str) -> None:
        super().__init__()
        self.prefix = prefix
        self.generation = 0

    def compose(self) -> ComposeResult:
        yield Header()
        yield DataTable(cursor_type="row")
        yield Footer()

    def on_mount(self) -> None:
        table = self.query_one(DataTable)
        table.add_columns(*COLUMNS)
        self.fill()
        table.focus()

    def fill(self) -> None:
        table = self.query_one(DataTable)
        table.clear()
        stem = self.prefix if self.prefix != "R" else f"R{self.generation:03d}"
        for row in range(ROWS):
            table.add_row(f"{stem}-{row:03d}", "2026-11-18", "2026-12-02", f"ORD-{row:06d}", "13.08 EUR",
                          "unpaid", "—")

    def action_refill(self) -> None:
        self.generation += 1
        self.fill()


class FloorApp(App):
    MODES = {"one": lambda: Section("R"), "two": lambda: Section("S2")}
    DEFAULT_MODE = "one"
    BINDINGS = [
        Binding("1", "switch_mode('one')", "One"),
        Binding("2", "switch_mode('two')", "Two"),
        Binding("q", "quit", "Quit"),
    ]


if __name__ == "__main__":
    FloorApp().run()
