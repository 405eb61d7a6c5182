"""The service contract for reading and managing invoices, run against LocalService and
RemoteService on SQLite and PostgreSQL (the ``service`` and ``portal`` fixtures)."""

from __future__ import annotations

import csv
import io

import pytest
from pydantic import ValidationError

from backend.contract import (
    Conflict,
    InvoiceDetail,
    InvoiceFilter,
    InvoiceQuery,
    InvoiceStatus,
    NotFound,
    PaymentMethodCode,
)
from backend.domain import accounts, documents, invoices

ALL = InvoiceQuery(status=InvoiceFilter.ALL, page_size=500)
DELETED = InvoiceQuery(status=InvoiceFilter.DELETED, page_size=500)
UNKNOWN_ID = 987_654_321


async def _everything(service, status: InvoiceFilter):  # noqa: ANN001, ANN202
    """Every row of a filter, over all pages."""
    rows, page = [], 1
    while True:
        result = await service.list_invoices(InvoiceQuery(status=status, page=page, page_size=500))
        rows.extend(result.items)
        if page >= result.pages:
            return rows, result.total
        page += 1


@pytest.fixture
def one_of_each(make_invoice, demo_customer_id):  # noqa: ANN001, ANN201
    """Ids of one extra unpaid, paid and deleted invoice of "demo", whatever the demo data holds."""
    return {
        "unpaid": make_invoice(demo_customer_id, "11.90"),
        "paid": make_invoice(demo_customer_id, "23.80", status="paid", method="balance"),
        "deleted": make_invoice(demo_customer_id, "35.70", status="deleted"),
    }


# --- account and methods ------------------------------------------------------------------


async def test_account_is_the_logged_in_customer(service, portal, demo_customer_id):
    account = await service.account()
    assert account.login == "demo"
    assert account.id == demo_customer_id
    assert account == accounts.account_summary(portal, demo_customer_id)


async def test_other_customer_sees_own_account(other_service, acme_customer_id):
    account = await other_service.account()
    assert account.login == "acme"
    assert account.id == acme_customer_id


async def test_payment_methods_offer_balance_transfer_and_card(service):
    methods = await service.payment_methods()
    assert {m.code for m in methods} == set(PaymentMethodCode)
    assert all(m.name for m in methods)


# --- listing ---------------------------------------------------------------------------------


async def test_default_filter_is_unpaid(service, one_of_each):
    page = await service.list_invoices(InvoiceQuery())
    assert page.items, "the demo customer has unpaid invoices"
    assert {row.status for row in page.items} == {InvoiceStatus.UNPAID}
    assert one_of_each["unpaid"] in {row.id for row in page.items} or page.total > page.page_size


FILTERS = {
    InvoiceFilter.UNPAID: {InvoiceStatus.UNPAID},
    InvoiceFilter.PAID: {InvoiceStatus.PAID},
    InvoiceFilter.ALL: {InvoiceStatus.UNPAID, InvoiceStatus.PAID},
    InvoiceFilter.DELETED: {InvoiceStatus.DELETED},
}


async def test_filters(service, one_of_each):
    for status, expected in FILTERS.items():
        rows, total = await _everything(service, status)
        assert total == len(rows)
        assert {row.status for row in rows} == expected, status
        ids = {row.id for row in rows}
        for kind, invoice_id in one_of_each.items():
            assert (invoice_id in ids) == (InvoiceStatus(kind) in expected), (status, kind)


async def test_all_is_unpaid_plus_paid_and_never_deleted(service, one_of_each):
    unpaid, unpaid_total = await _everything(service, InvoiceFilter.UNPAID)
    paid, paid_total = await _everything(service, InvoiceFilter.PAID)
    every, all_total = await _everything(service, InvoiceFilter.ALL)
    deleted, _ = await _everything(service, InvoiceFilter.DELETED)
    assert all_total == unpaid_total + paid_total
    assert {r.id for r in every} == {r.id for r in unpaid} | {r.id for r in paid}
    assert not {r.id for r in every} & {r.id for r in deleted}


async def test_newest_first(service):
    rows, _ = await _everything(service, InvoiceFilter.ALL)
    keys = [(row.issued_at, row.id) for row in rows]
    assert keys == sorted(keys, reverse=True)


async def test_paging(service, one_of_each):
    first = await service.list_invoices(InvoiceQuery(status=InvoiceFilter.ALL, page=1, page_size=2))
    second = await service.list_invoices(InvoiceQuery(status=InvoiceFilter.ALL, page=2, page_size=2))
    everything = await service.list_invoices(ALL)
    assert first.total == second.total == everything.total
    assert first.total > 4, "the demo customer has several pages of invoices"
    assert (first.page, first.page_size, len(first.items)) == (1, 2, 2)
    assert second.page == 2 and len(second.items) == 2
    assert not {r.id for r in first.items} & {r.id for r in second.items}
    assert [r.id for r in first.items + second.items] == [r.id for r in everything.items[:4]]
    assert first.pages == -(-first.total // 2)


async def test_page_past_the_end_is_empty_but_keeps_the_total(service):
    total = (await service.list_invoices(ALL)).total
    beyond = await service.list_invoices(InvoiceQuery(status=InvoiceFilter.ALL, page=total + 1, page_size=1))
    assert beyond.items == []
    assert beyond.total == total


async def _walk_by_position(service, status: InvoiceFilter, page_size: int):  # noqa: ANN001, ANN202
    """Every page of a filter, each asked for by the previous page's ``next_after``."""
    pages = [await service.list_invoices(InvoiceQuery(status=status, page_size=page_size))]
    while pages[-1].next_after is not None:
        previous = pages[-1]
        pages.append(await service.list_invoices(
            InvoiceQuery(status=status, page=previous.page + 1, page_size=page_size, after=previous.next_after)
        ))
        assert len(pages) < 1_000, "next_after must come to an end"
    return pages


async def test_paging_by_position_reads_the_same_rows_as_paging_by_number(service, make_invoice, demo_customer_id):
    # Three invoices issued at the same instant: the id alone orders them, across page edges.
    for total in ("1.00", "2.00", "3.00"):
        make_invoice(demo_customer_id, total)
    rows, total = await _everything(service, InvoiceFilter.ALL)
    pages = await _walk_by_position(service, InvoiceFilter.ALL, page_size=2)
    assert [row.id for page in pages for row in page.items] == [row.id for row in rows]
    assert [page.page for page in pages] == list(range(1, len(pages) + 1))
    assert all(page.total == total and not page.total_capped for page in pages)
    assert all(len(page.items) == 2 for page in pages[:-1]) and pages[-1].items
    assert not pages[-1].has_next and all(page.has_next for page in pages[:-1])


async def test_a_position_stays_put_when_a_newer_invoice_arrives(service, make_invoice, demo_customer_id):
    query = InvoiceQuery(status=InvoiceFilter.ALL, page_size=3)
    first = await service.list_invoices(query)
    second = await service.list_invoices(query.model_copy(update={"page": 2, "after": first.next_after}))
    make_invoice(demo_customer_id, "4.00")  # newest of all: by number, it would push a row onto page 2
    again = await service.list_invoices(query.model_copy(update={"page": 2, "after": first.next_after}))
    by_number = await service.list_invoices(query.model_copy(update={"page": 2}))
    assert [row.id for row in again.items] == [row.id for row in second.items]
    assert by_number.items[0].id == first.items[-1].id


async def test_the_last_page_says_nothing_follows(service):
    unpaid = await service.list_invoices(InvoiceQuery(status=InvoiceFilter.UNPAID, page_size=500))
    assert unpaid.next_after is None and not unpaid.has_next


async def test_any_position_of_the_contracts_form_is_a_point_in_the_list(service):
    """Not only positions the portal handed out: a made-up one is a point in the order too."""
    everything = await service.list_invoices(ALL)
    top = await service.list_invoices(ALL.model_copy(update={"page": 2, "after": "999999999999999999.9999999999"}))
    assert [row.id for row in top.items] == [row.id for row in everything.items]
    before_all = await service.list_invoices(ALL.model_copy(update={"page": 2, "after": "0.0"}))
    assert before_all.items == [] and before_all.next_after is None
    assert before_all.total == everything.total


def test_a_position_is_checked_for_its_form_by_the_contract():
    for bad in ("", "abc", "1", "1.2.3", "-1.2", "1." + "9" * 11):
        with pytest.raises(ValidationError):
            InvoiceQuery(after=bad)


def test_page_size_bounds_are_part_of_the_contract():
    assert InvoiceQuery(page_size=1).page_size == 1
    assert InvoiceQuery(page_size=500).page_size == 500
    for bad in ({"page_size": 0}, {"page_size": 501}, {"page": 0}):
        with pytest.raises(ValidationError):
            InvoiceQuery(**bad)


async def test_page_size_500_returns_at_most_500(service):
    page = await service.list_invoices(InvoiceQuery(status=InvoiceFilter.ALL, page_size=500))
    assert len(page.items) == min(500, page.total)


async def test_order_filter(service):
    rows, _ = await _everything(service, InvoiceFilter.ALL)
    order_ids = {row.order_id for row in rows if row.order_id is not None}
    assert order_ids, "demo invoices belong to orders"
    order_id = sorted(order_ids)[0]
    page = await service.list_invoices(InvoiceQuery(status=InvoiceFilter.ALL, order_id=order_id, page_size=500))
    assert page.total == sum(1 for row in rows if row.order_id == order_id)
    assert {row.order_id for row in page.items} == {order_id}


async def test_list_matches_the_domain(service, portal, demo_customer_id):
    query = InvoiceQuery(status=InvoiceFilter.ALL, page=1, page_size=20)
    assert await service.list_invoices(query) == invoices.list_invoices(portal, demo_customer_id, query)


async def test_customers_never_see_each_others_invoices(service, other_service):
    mine = {row.id for row in (await service.list_invoices(ALL)).items}
    theirs = {row.id for row in (await other_service.list_invoices(ALL)).items}
    assert mine and theirs
    assert not mine & theirs


# --- one invoice -------------------------------------------------------------------------------


async def test_get_invoice(service, portal, demo_customer_id):
    row = (await service.list_invoices(ALL)).items[0]
    detail = await service.get_invoice(row.id)
    assert isinstance(detail, InvoiceDetail)
    assert detail.id == row.id and detail.number == row.number and detail.total == row.total
    assert detail.lines, "an invoice has lines"
    assert detail.net + detail.tax == detail.total
    assert detail == invoices.get_invoice(portal, demo_customer_id, row.id)


async def test_unknown_id_is_not_found_everywhere(service):
    for call in (
        service.get_invoice,
        service.delete_invoice,
        service.create_pay_link,
        service.invoice_document,
        service.quote_document,
    ):
        with pytest.raises(NotFound):
            await call(UNKNOWN_ID)
    with pytest.raises(NotFound):
        await service.pay_invoice(UNKNOWN_ID, PaymentMethodCode.BALANCE, "unknown-invoice-key-0001")


async def test_another_customers_invoice_is_not_found(service, other_service, portal):
    theirs = (await other_service.list_invoices(ALL)).items[0].id
    before = await other_service.get_invoice(theirs)
    for call in (
        service.get_invoice,
        service.delete_invoice,
        service.create_pay_link,
        service.invoice_document,
        service.quote_document,
    ):
        with pytest.raises(NotFound) as caught:
            await call(theirs)
        assert str(caught.value) == f"invoice {theirs} not found"
    with pytest.raises(NotFound):
        await service.pay_invoice(theirs, PaymentMethodCode.BALANCE, "foreign-invoice-key-0001")
    assert await other_service.get_invoice(theirs) == before


# --- deleting ---------------------------------------------------------------------------------


async def test_delete_unpaid_moves_it_to_deleted(service, one_of_each):
    invoice_id = one_of_each["unpaid"]
    detail = await service.delete_invoice(invoice_id)
    assert detail.status == InvoiceStatus.DELETED
    assert detail.deleted_at is not None
    assert invoice_id in {r.id for r in (await service.list_invoices(DELETED)).items}
    assert invoice_id not in {r.id for r in (await service.list_invoices(ALL)).items}
    assert (await service.get_invoice(invoice_id)).status == InvoiceStatus.DELETED


async def test_delete_paid_is_a_conflict(service, one_of_each):
    with pytest.raises(Conflict, match="paid"):
        await service.delete_invoice(one_of_each["paid"])
    assert (await service.get_invoice(one_of_each["paid"])).status == InvoiceStatus.PAID


async def test_delete_twice_is_a_conflict(service, one_of_each):
    with pytest.raises(Conflict, match="already deleted"):
        await service.delete_invoice(one_of_each["deleted"])
    invoice_id = one_of_each["unpaid"]
    await service.delete_invoice(invoice_id)
    with pytest.raises(Conflict, match="already deleted"):
        await service.delete_invoice(invoice_id)


# --- pay links ---------------------------------------------------------------------------------


async def test_pay_link_for_unpaid(service, portal, one_of_each):
    link = await service.create_pay_link(one_of_each["unpaid"])
    assert link.invoice_id == one_of_each["unpaid"]
    assert link.url.startswith(f"{portal.settings.public_url}/pay/")
    assert len(link.url.rsplit("/", 1)[1]) >= 40, "the token is unguessable"
    assert link.expires_at == portal.now() + portal.settings.pay_link_ttl
    again = await service.create_pay_link(one_of_each["unpaid"])
    assert again.url != link.url


async def test_pay_link_only_for_unpaid(service, one_of_each):
    for kind in ("paid", "deleted"):
        with pytest.raises(Conflict, match="has no pay link: (already paid|invoice deleted)"):
            await service.create_pay_link(one_of_each[kind])


# --- documents ----------------------------------------------------------------------------------


async def test_invoice_document_of_a_paid_invoice(service, portal, demo_customer_id, one_of_each):
    document = await service.invoice_document(one_of_each["paid"])
    assert document.media_type == "application/pdf"
    assert document.content.startswith(b"%PDF")
    assert document.filename.endswith(".pdf")
    assert document == documents.invoice_pdf(portal, demo_customer_id, one_of_each["paid"])


async def test_invoice_document_only_when_paid(service, one_of_each):
    for kind in ("unpaid", "deleted"):
        with pytest.raises(Conflict):
            await service.invoice_document(one_of_each[kind])


async def test_quote_of_an_unpaid_invoice(service, portal, demo_customer_id, one_of_each):
    document = await service.quote_document(one_of_each["unpaid"])
    assert document.media_type == "application/pdf"
    assert document.content.startswith(b"%PDF")
    assert document.filename.endswith(".pdf")
    assert document == documents.quote_pdf(portal, demo_customer_id, one_of_each["unpaid"])


async def test_quote_only_when_unpaid(service, one_of_each):
    for kind in ("paid", "deleted"):
        with pytest.raises(Conflict):
            await service.quote_document(one_of_each[kind])


# --- CSV export -----------------------------------------------------------------------------------


async def test_csv_export_has_every_row_of_the_filter(service, portal, demo_customer_id, one_of_each):
    for status in InvoiceFilter:
        query = InvoiceQuery(status=status, page_size=1)  # the export ignores paging
        document = await service.export_invoices_csv(query)
        assert document.media_type == "text/csv"
        assert document.filename.endswith(".csv") and status.value in document.filename
        rows = list(csv.reader(io.StringIO(document.content.decode())))
        assert rows[0] == ["number", "issued", "due", "order", "total", "currency", "status", "payment_method"]
        total = (await service.list_invoices(query)).total
        assert len(rows) - 1 == total, status
        listed = {row.number for row in (await _everything(service, status))[0]}
        assert {row[0] for row in rows[1:]} == listed
        assert {row[6] for row in rows[1:]} == {s.value for s in FILTERS[status]}
        assert document == invoices.export_invoices_csv(portal, demo_customer_id, query)
