"""A one-line status under a list: "Page 3 of 2,000 · 100,000 invoices · unpaid"."""

from __future__ import annotations

from textual.widgets import Static

from hostui.i18n import _, number

__all__ = ["StatusLine", "page_status"]


def page_status(
    page: int, pages: int, total: int, noun: str, label: str, plural: str | None = None, *, more: bool = False
) -> str:
    """``noun``/``plural``: msgids ("invoice", "invoices"). ``more``: the portal stopped counting
    at ``total``, so both counts are "at least" ("Page 3 of 200+ · 10,000+ invoices")."""
    nouns = _(noun) if total == 1 and not more else _(plural or f"{noun}s")
    if more:
        return _("Page {page} of {pages}+ · {total}+ {nouns} · {label}").format(
            page=number(page), pages=number(max(pages, page)), total=number(total), nouns=nouns, label=label
        )
    return _("Page {page} of {pages} · {total} {nouns} · {label}").format(
        page=number(page), pages=number(pages), total=number(total), nouns=nouns, label=label
    )


class StatusLine(Static):
    """Shows where in a paged list the user is, or what is loading."""

    DEFAULT_CSS = """
    StatusLine {
        height: 1;
        padding: 0 1;
        color: $text-muted;
        background: $surface;
    }
    StatusLine.-loading {
        color: $text-warning;
    }
    """

    def show_page(
        self, page: int, pages: int, total: int, noun: str, label: str, plural: str | None = None, *, more: bool = False
    ) -> None:
        self.remove_class("-loading")
        self.update(page_status(page, pages, total, noun, label, plural, more=more))

    def show_loading(self, text: str) -> None:
        self.add_class("-loading")
        self.update(text)

    def show_text(self, text: str) -> None:
        self.remove_class("-loading")
        self.update(text)
