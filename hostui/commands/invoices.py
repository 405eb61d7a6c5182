"""``hostui invoices …`` and ``hostui invoice …``: the Invoices section on the command line.

    hostui invoices list [--status unpaid|paid|all|deleted] [--order ID] [--page N]
                         [--page-size N] [--all-pages] [--json|--csv]
    hostui invoice show NUMBER [--json]
    hostui invoice pay NUMBER --method balance|transfer|card [--yes] [--json]
    hostui invoice pdf NUMBER [-o FILE|DIR|-] [--force]
    hostui invoice quote NUMBER [-o FILE|DIR|-] [--force]
    hostui invoice link NUMBER [--json]
    hostui invoice delete NUMBER [--yes] [--json]

NUMBER is the invoice number as printed on it (``NH-000193``), matched exactly. The numeric
id is not accepted: every JSON shape carries ``number``, and "193" would be ambiguous with
the digits of NH-000193.
"""

from __future__ import annotations

import argparse
import sys
from uuid import uuid4

from backend.contract import (
    InvoiceDetail,
    InvoiceFilter,
    InvoiceQuery,
    InvoiceRow,
    InvoiceStatus,
    NotFound,
    Page,
    PaymentMethodCode,
    PaymentOutcome,
    PortalService,
)
from hostui.commands._common import (
    EXIT_OK,
    MAX_PAGE_SIZE,
    CommandError,
    confirm,
    positive_number,
    profile_option,
    require_confirmation_possible,
    rows_per_page,
    run_with_service,
)
from hostui.commands._output import Column, key_values, page_footer, print_json, safe_filename, table, write_document

__all__ = ["register", "METHODS"]

# What --method accepts: the words a user says, mapped to the contract's codes.
METHODS = {
    "balance": PaymentMethodCode.BALANCE,
    "transfer": PaymentMethodCode.BANK_TRANSFER,
    "card": PaymentMethodCode.CARD,
}


# --- arguments ---------------------------------------------------------------------------------


def register(commands: argparse._SubParsersAction) -> None:
    """Add ``invoices`` and ``invoice`` to the ``hostui`` parser's subcommands."""
    profile = profile_option()

    listing = commands.add_parser("invoices", help="list invoices (hostui invoices list --help)")
    listing_actions = listing.add_subparsers(dest="action", metavar="ACTION", required=True)
    list_ = listing_actions.add_parser("list", parents=[profile], help="list invoices, newest first")
    list_.add_argument("--status", choices=[f.value for f in InvoiceFilter], default=InvoiceFilter.UNPAID.value,
                       help="which invoices (default: unpaid; all = paid and unpaid)")
    list_.add_argument("--order", type=positive_number, metavar="ID", help="only the invoices of this order id")
    pages = list_.add_mutually_exclusive_group()
    pages.add_argument("--page", type=positive_number, default=1, metavar="N", help="the page to show (default: 1)")
    pages.add_argument("--all-pages", action="store_true", help="every page, one after the other")
    list_.add_argument("--page-size", type=rows_per_page, metavar="N",
                       help=f"invoices per page, 1 to {MAX_PAGE_SIZE} (default: 50)")
    formats = list_.add_mutually_exclusive_group()
    formats.add_argument("--json", action="store_true", help="print the page as JSON")
    formats.add_argument("--csv", action="store_true",
                         help="print every matching invoice (all pages) as CSV, as the TUI exports it")
    list_.set_defaults(run=list_invoices)

    invoice = commands.add_parser("invoice", help="show, pay, download or delete one invoice")
    actions = invoice.add_subparsers(dest="action", metavar="ACTION", required=True)

    def one(name: str, help_: str) -> argparse.ArgumentParser:
        parser = actions.add_parser(name, parents=[profile], help=help_)
        parser.add_argument("number", metavar="NUMBER", help="the invoice number as printed, e.g. NH-000193")
        return parser

    show = one("show", "the invoice with its lines and payments")
    show.add_argument("--json", action="store_true", help="print it as JSON")
    show.set_defaults(run=show_invoice)

    pay = one("pay", "pay an invoice (binds it to the method, as the portal does)")
    pay.add_argument("--method", "-m", choices=list(METHODS), required=True, help="how to pay")
    pay.add_argument("--yes", "-y", action="store_true", help="do not ask for confirmation")
    pay.add_argument("--json", action="store_true", help="print the outcome as JSON")
    pay.set_defaults(run=pay_invoice)

    for name, help_, run in (
        ("pdf", "download a paid invoice as PDF", save_invoice_pdf),
        ("quote", "download a quote (PDF) for an unpaid invoice", save_quote_pdf),
    ):
        document = one(name, help_)
        document.add_argument("-o", "--output", metavar="FILE",
                              help="where to save it: a file, a directory, or - for stdout "
                              "(default: the document's name in the current directory)")
        document.add_argument("--force", "-f", action="store_true", help="overwrite an existing file")
        document.set_defaults(run=run)

    link = one("link", "make a pay-without-login link for an unpaid invoice")
    link.add_argument("--json", action="store_true", help="print the link as JSON")
    link.set_defaults(run=make_pay_link)

    delete = one("delete", "delete an unpaid invoice (it stays listed under --status deleted)")
    delete.add_argument("--yes", "-y", action="store_true", help="do not ask for confirmation")
    delete.add_argument("--json", action="store_true", help="print the deleted invoice as JSON")
    delete.set_defaults(run=delete_invoice)


# --- formatting ---------------------------------------------------------------------------------


def _formatting():  # noqa: ANN202 - hostui.widgets loads Textual: only when text is printed
    from hostui.widgets import formatting

    return formatting


async def _find(service: PortalService, number: str) -> InvoiceRow:
    try:
        return await service.find_invoice(number)
    except NotFound as error:
        if number.strip().isdigit():
            raise NotFound(f"{error} (give the invoice number as printed, e.g. NH-000193)") from None
        raise


def _describe(row: InvoiceRow) -> str:
    f = _formatting()
    return f"invoice {row.number} ({f.money(row.total, row.currency)}, {row.status.value})"


LIST_COLUMNS = (
    Column("Number"),
    Column("Issued"),
    Column("Due"),
    Column("Order", shrink=True),
    Column("Total", right=True),
    Column("Status"),
    Column("Method", shrink=True),
)


def _list_lines(rows: list[InvoiceRow]) -> list[str]:
    f = _formatting()
    cells = [
        [
            row.number,
            f.day(row.issued_at),
            f.day(row.due_at),
            row.order_number or "",
            f.money(row.total, row.currency),
            row.status.value,
            f.method_label(row.payment_method, short=True),
        ]
        for row in rows
    ]
    return table(LIST_COLUMNS, cells)


def _unavailable_actions(row: InvoiceRow) -> list[str]:
    """``pay: already paid`` for each action the portal says is not possible now — when the
    contract carries action states (older servers do not: then nothing)."""
    states = getattr(row, "actions", None) or []
    return [f"{state.id}: {state.reason or 'not possible now'}" for state in states if not state.enabled]


def _detail_lines(detail: InvoiceDetail) -> list[str]:
    f = _formatting()
    status = detail.status.value
    if detail.payment_method is not None:
        how = "by" if detail.status == InvoiceStatus.PAID else "bound to"
        status += f" ({how} {f.method_label(detail.payment_method)})"
    pairs = [
        ("Invoice", detail.number),
        ("Status", status),
        ("Issued", f.day(detail.issued_at)),
        ("Due", f.day(detail.due_at)),
    ]
    if detail.order_number:
        pairs.append(("Order", f"{detail.order_number} (id {detail.order_id})"))
    if detail.period_start or detail.period_end:
        pairs.append(("Period", f"{f.day(detail.period_start)} to {f.day(detail.period_end)}"))
    pairs += [
        ("Net", f.money(detail.net, detail.currency)),
        (f"Tax {detail.tax_rate} %", f.money(detail.tax, detail.currency)),
        ("Total", f.money(detail.total, detail.currency)),
    ]
    if detail.paid_at:
        pairs.append(("Paid", f.day(detail.paid_at)))
    if detail.deleted_at:
        pairs.append(("Deleted", f.day(detail.deleted_at)))
    lines = key_values(pairs)

    lines += ["", "Lines:"]
    lines += ["  " + line for line in table(
        (Column("#", right=True), Column("Description", shrink=True, minimum=12), Column("Qty", right=True),
         Column("Unit price", right=True), Column("Amount", right=True)),
        [[str(line.position), line.description, str(line.quantity),
          f.money(line.unit_price, detail.currency), f.money(line.amount, detail.currency)]
         for line in detail.lines],
        width=78,
    )]
    if detail.payments:
        lines += ["", "Payments:"]
        lines += ["  " + line for line in table(
            (Column("Date"), Column("Method"), Column("Amount", right=True), Column("Status"),
             Column("Reference", shrink=True)),
            [[f.day(p.completed_at or p.created_at), f.method_label(p.method, short=True),
              f.money(p.amount, p.currency), p.status.value, p.reference] for p in detail.payments],
            width=78,
        )]
    unavailable = _unavailable_actions(detail)
    if unavailable:
        lines += ["", "Not possible now:"] + [f"  {item}" for item in unavailable]
    return lines


def _outcome_lines(row: InvoiceRow, outcome: PaymentOutcome) -> list[str]:
    f = _formatting()
    lines: list[str] = []
    if outcome.bank_transfer is not None:
        bank = outcome.bank_transfer
        lines += ["Please transfer, quoting the reference:", ""]
        lines += ["  " + line for line in key_values([
            ("Beneficiary", bank.beneficiary),
            ("IBAN", bank.iban),
            ("BIC", bank.bic),
            ("Bank", bank.bank),
            ("Reference", bank.reference),
            ("Amount", f.money(bank.amount, bank.currency)),
        ])]
        lines += ["", f"Invoice {row.number} stays unpaid until the transfer is booked."]
    elif outcome.checkout_url:
        lines += [f"Pay invoice {row.number} by card at:", "", f"  {outcome.checkout_url}", "",
                  "The invoice is marked paid once the card is charged."]
    else:
        lines.append(f"Invoice {row.number}: {outcome.message}")
        if outcome.balance_after is not None:
            lines.append(f"Balance now {f.money(outcome.balance_after, outcome.payment.currency)}.")
    if outcome.replayed:
        lines += ["", "This payment had already gone through; it is shown again, nothing was charged twice."]
    return lines


def _print_lines(lines: list[str]) -> None:
    print("\n".join(lines))


# --- the commands ---------------------------------------------------------------------------


def list_invoices(args: argparse.Namespace) -> int:
    if args.csv and (args.page != 1 or args.all_pages or args.page_size):
        raise CommandError("--csv always prints every page: drop --page, --page-size and --all-pages")
    status = InvoiceFilter(args.status)
    page_size = args.page_size or (MAX_PAGE_SIZE if args.all_pages else 50)
    query = InvoiceQuery(status=status, order_id=args.order, page=args.page, page_size=page_size)

    async def action(service: PortalService) -> int:
        if args.csv:
            document = await service.export_invoices_csv(query)
            sys.stdout.write(document.content.decode("utf-8"))
            return EXIT_OK
        if args.all_pages:
            page = await _every_page(service, query)
        else:
            page = await service.list_invoices(query)
        if args.json:
            print_json(page)
            return EXIT_OK
        _print_list(page, status, args)
        return EXIT_OK

    return run_with_service(args, action)


async def _every_page(service: PortalService, query: InvoiceQuery) -> Page[InvoiceRow]:
    """All pages as one Page (page 1, holding everything), read page after page by position,
    so an invoice issued while we read cannot push another onto a page already read."""
    rows: dict[int, InvoiceRow] = {}
    page = await service.list_invoices(query.model_copy(update={"page": 1, "after": None}))
    while True:
        for row in page.items:
            rows.setdefault(row.id, row)
        if page.next_after is None:
            break
        page = await service.list_invoices(
            query.model_copy(update={"page": page.page + 1, "after": page.next_after})
        )
    items = list(rows.values())
    return Page[InvoiceRow](items=items, total=len(items), page=1, page_size=max(1, len(items)))


def _print_list(page: Page[InvoiceRow], status: InvoiceFilter, args: argparse.Namespace) -> None:
    kind = "" if status == InvoiceFilter.ALL else f"{status.value} "
    scope = f" of order {args.order}" if args.order else ""
    if not page.items:
        print(f"No {kind}invoices{scope}." if page.page == 1 else
              f"Page {page.page} is past the end: {page.total} {kind}invoices{scope}, {page.pages} pages.")
        return
    _print_lines(_list_lines(page.items))
    print(page_footer(page, f"{kind}invoice{scope}", f"{kind}invoices{scope}", whole=args.all_pages))


def show_invoice(args: argparse.Namespace) -> int:
    async def action(service: PortalService) -> int:
        row = await _find(service, args.number)
        detail = await service.get_invoice(row.id)
        if args.json:
            print_json(detail)
        else:
            _print_lines(_detail_lines(detail))
        return EXIT_OK

    return run_with_service(args, action)


def pay_invoice(args: argparse.Namespace) -> int:
    require_confirmation_possible(args.yes, "paying")
    method = METHODS[args.method]
    # One key per invocation: if the answer is lost on the way, the portal still pays once.
    idempotency_key = uuid4().hex

    async def action(service: PortalService) -> int:
        row = await _find(service, args.number)
        label = _formatting().method_label(method)
        confirm(f"Pay {_describe(row)} by {label}?", args.yes)
        outcome = await service.pay_invoice(row.id, method, idempotency_key)
        if args.json:
            print_json(outcome)
        else:
            _print_lines(_outcome_lines(row, outcome))
        return EXIT_OK

    return run_with_service(args, action)


def delete_invoice(args: argparse.Namespace) -> int:
    require_confirmation_possible(args.yes, "deleting")

    async def action(service: PortalService) -> int:
        row = await _find(service, args.number)
        confirm(f"Delete {_describe(row)}? It stays listed under --status deleted.", args.yes)
        detail = await service.delete_invoice(row.id)
        if args.json:
            print_json(detail)
        else:
            print(f"Deleted invoice {detail.number}; it stays listed under --status deleted.")
        return EXIT_OK

    return run_with_service(args, action)


def make_pay_link(args: argparse.Namespace) -> int:
    async def action(service: PortalService) -> int:
        row = await _find(service, args.number)
        link = await service.create_pay_link(row.id)
        if args.json:
            print_json(link)
        else:
            print(f"Pay link for {_describe(row)}, valid until {_formatting().day_time(link.expires_at)}:")
            print(link.url)
        return EXIT_OK

    return run_with_service(args, action)


def _save(args: argparse.Namespace, kind: str) -> int:
    async def action(service: PortalService) -> int:
        row = await _find(service, args.number)
        fetch = service.invoice_document if kind == "invoice" else service.quote_document
        document = await fetch(row.id)
        filename = safe_filename(document.filename, f"{kind}-{row.number}.pdf")
        path = write_document(document.content, filename, args.output, force=args.force)
        if path is not None:
            print(f"Saved {path} ({len(document.content):,} bytes).")
        return EXIT_OK

    return run_with_service(args, action)


def save_invoice_pdf(args: argparse.Namespace) -> int:
    return _save(args, "invoice")


def save_quote_pdf(args: argparse.Namespace) -> int:
    return _save(args, "quote")
