"""The line under a page a command lists (hostui.commands._output.page_footer)."""

from __future__ import annotations

from backend.contract import Page
from hostui.commands._output import page_footer


def _page(total: int, page: int = 1, *, capped: bool = False, next_after: str | None = None) -> Page:
    return Page(items=[], total=total, total_capped=capped, page=page, page_size=50, next_after=next_after)


def test_a_whole_list_is_counted_alone():
    assert page_footer(_page(1), "unpaid invoice", "unpaid invoices") == "1 unpaid invoice"
    assert page_footer(_page(12), "unpaid invoice", "unpaid invoices") == "12 unpaid invoices"
    assert page_footer(_page(120, 3), "invoice", "invoices", whole=True) == "120 invoices"


def test_a_page_of_several_says_where_it_is_and_what_comes_next():
    assert page_footer(_page(120), "order", "orders") == "Page 1 of 3 (120 orders); next: --page 2"
    assert page_footer(_page(120, 3), "order", "orders") == "Page 3 of 3 (120 orders)"


def test_a_capped_count_reads_as_at_least():
    capped = _page(10_000, 2, capped=True, next_after="1.2")
    assert page_footer(capped, "ticket", "tickets") == "Page 2 of 200+ (10000+ tickets); next: --page 3"
