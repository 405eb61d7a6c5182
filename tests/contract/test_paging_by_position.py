"""Tickets and the login history page by position like invoices do: walking a list by each
page's ``next_after`` reads exactly the rows that paging by number reads, in the same order
(LocalService and RemoteService, SQLite and PostgreSQL)."""

from __future__ import annotations

from backend.contract import LoginQuery, TicketFilter, TicketQuery


async def _by_number(fetch, query):  # noqa: ANN001, ANN202
    rows, page = [], 1
    while True:
        result = await fetch(query.model_copy(update={"page": page}))
        rows.extend(result.items)
        if page >= result.pages:
            return rows
        page += 1


async def _by_position(fetch, query):  # noqa: ANN001, ANN202
    pages = [await fetch(query)]
    while pages[-1].next_after is not None:
        assert len(pages) < 500, "next_after must come to an end"
        pages.append(await fetch(query.model_copy(update={"page": pages[-1].page + 1, "after": pages[-1].next_after})))
    assert all(len(page.items) == query.page_size for page in pages[:-1])
    return [row for page in pages for row in page.items]


async def test_tickets_by_position(service):
    query = TicketQuery(filter=TicketFilter.ALL, page_size=3)
    by_number = await _by_number(service.list_tickets, query)
    assert len(by_number) > 6, "the demo customer has several pages of tickets"
    assert [row.id for row in await _by_position(service.list_tickets, query)] == [row.id for row in by_number]


async def test_login_history_by_position(service):
    query = LoginQuery(page_size=2)
    by_number = await _by_number(service.login_history, query)
    assert len(by_number) > 4, "the demo customer has several pages of logins"
    assert [(r.at, r.address) for r in await _by_position(service.login_history, query)] == [
        (r.at, r.address) for r in by_number
    ]


async def test_a_made_up_position_is_a_point_in_the_list(service):
    for far, near in (("999999999999999999.1", "0.0"),):
        tickets = await service.list_tickets(TicketQuery(filter=TicketFilter.ALL, page=2, after=far))
        assert tickets.items and not (
            await service.list_tickets(TicketQuery(filter=TicketFilter.ALL, page=2, after=near))
        ).items
        logins = await service.login_history(LoginQuery(page=2, after=far))
        assert logins.items and not (await service.login_history(LoginQuery(page=2, after=near))).items
