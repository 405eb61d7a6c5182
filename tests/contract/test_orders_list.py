"""The orders list, one order, one by number, and the actions a row offers, against
LocalService and RemoteService on SQLite and PostgreSQL. Demo objects are found by property."""

from __future__ import annotations

import uuid
from decimal import Decimal

import pytest

from backend.contract import (
    Conflict,
    NotFound,
    OrderFilter,
    OrderQuery,
    OrderRow,
    OrderStatus,
    PowerState,
)
from backend.domain.order_rules import NO_SERVER, ORDER_ACTIONS

FILTER_STATUSES = {
    OrderFilter.ACTIVE: {OrderStatus.ACTIVE},
    OrderFilter.NEW: {OrderStatus.NEW},
    OrderFilter.INACTIVE: {OrderStatus.SUSPENDED, OrderStatus.BLOCKED, OrderStatus.CANCELLED},
}
LIST_RANK = {
    OrderStatus.ACTIVE: 0, OrderStatus.NEW: 1, OrderStatus.SUSPENDED: 2, OrderStatus.BLOCKED: 2,
    OrderStatus.CANCELLED: 3,
}


async def all_orders(service, **query) -> list[OrderRow]:  # noqa: ANN001, ANN003
    return (await service.list_orders(OrderQuery(page_size=500, **query))).items


async def test_the_filters_split_the_list_by_status(service):
    everything = await all_orders(service)
    assert {row.status for row in everything} == set(OrderStatus)  # the demo has every status
    seen: list[int] = []
    for order_filter, statuses in FILTER_STATUSES.items():
        page = await service.list_orders(OrderQuery(filter=order_filter, page_size=500))
        assert page.total == len(page.items) > 0
        assert {row.status for row in page.items} == statuses
        seen.extend(row.id for row in page.items)
    assert sorted(seen) == sorted(row.id for row in everything)


async def test_live_orders_come_first_then_the_newest(service):
    rows = await all_orders(service)
    ranks = [LIST_RANK[row.status] for row in rows]
    assert ranks == sorted(ranks)
    # The demo numbers its orders in the order they were placed.
    for earlier, later in zip(rows, rows[1:]):
        if LIST_RANK[earlier.status] == LIST_RANK[later.status]:
            assert earlier.number > later.number


async def test_pages_hold_the_whole_list_once(service):
    everything = await all_orders(service)
    paged: list[int] = []
    for page_number in range(1, len(everything) // 3 + 2):
        page = await service.list_orders(OrderQuery(page=page_number, page_size=3))
        assert page.total == len(everything) and len(page.items) <= 3
        paged.extend(row.id for row in page.items)
    assert paged == [row.id for row in everything]
    beyond = await service.list_orders(OrderQuery(page=99, page_size=3))
    assert beyond.items == [] and beyond.total == len(everything)


async def test_rows_carry_the_server(service):
    for row in await all_orders(service):
        assert row.server_id is not None, "every demo order has a server"
        server = await service.get_server(row.server_id)
        assert (row.hostname, row.main_ip, row.power_state) == (server.hostname, server.addresses[0].address,
                                                                server.power_state)
        assert isinstance(row.status, OrderStatus) and isinstance(row.power_state, PowerState)
        assert server.order_id == row.id and server.order_number == row.number
        assert row.currency in ("EUR", "USD") and row.price > 0


async def test_search_finds_by_number_address_hostname_or_tariff(service):
    rows = await all_orders(service)
    row = next(r for r in rows if r.status == OrderStatus.ACTIVE and r.server_id)
    server = await service.get_server(row.server_id)
    typed_texts = [
        row.number[-4:],
        row.hostname.split(".")[0].upper(),
        row.main_ip,
        next(a.address for a in server.addresses if a.version == 6),
        row.tariff.lower(),
    ]
    haystacks = {}
    for other in rows:
        addresses = [a.address for a in (await service.get_server(other.server_id)).addresses]
        haystacks[other.id] = [other.number, other.tariff, other.hostname or ""] + addresses
    for text in typed_texts:
        found = await service.list_orders(OrderQuery(search=text, page_size=500))
        assert row.id in [r.id for r in found.items], text
        expected = [r.id for r in rows if any(text.lower() in value.lower() for value in haystacks[r.id])]
        assert [r.id for r in found.items] == expected and found.total == len(expected) < len(rows), text


async def test_search_finds_an_extra_address(service):
    for row in await all_orders(service):
        server = await service.get_server(row.server_id)
        extra = [a.address for a in server.addresses if a.version == 4 and a.address != row.main_ip]
        if extra:
            found = await service.list_orders(OrderQuery(search=extra[0]))
            assert [r.id for r in found.items] == [row.id]
            return
    pytest.fail("the demo has no server with an additional IPv4 address")


async def test_like_wildcards_match_only_themselves(service):
    for typed in ["%", "_", "\\", "ORD-%", "%-%", "no such order"]:
        found = await service.list_orders(OrderQuery(search=typed))
        assert found.total == 0 and found.items == [], typed


async def test_filter_and_search_together(service):
    found = await service.list_orders(OrderQuery(filter=OrderFilter.INACTIVE, search="ORD-", page_size=500))
    assert found.total == len(found.items) > 0
    assert {row.status for row in found.items} <= FILTER_STATUSES[OrderFilter.INACTIVE]


async def test_price_is_the_tariff_plus_every_recurring_item(service, portal, demo_customer_id, make_order):
    plain = await service.get_order(make_order(demo_customer_id))
    with_items = await service.get_order(
        make_order(demo_customer_id, items=[("Backup 1 TB", 2, 450, True), ("Setup fee", 1, 9900, False),
                                            ("Extra IPv4", 1, 170, True)])
    )
    assert with_items.price == plain.price + Decimal("9.00") + Decimal("1.70")
    assert with_items.price.as_tuple().exponent == -2


async def test_get_and_find_an_order(service):
    for row in await all_orders(service):
        assert await service.get_order(row.id) == row
        assert await service.find_order(row.number) == row


async def test_other_customers_orders_are_not_found(service, other_service):
    row = (await all_orders(service))[0]
    theirs = await all_orders(other_service)
    assert theirs and row.id not in [r.id for r in theirs]
    with pytest.raises(NotFound, match=f"order {row.id} not found"):
        await other_service.get_order(row.id)
    with pytest.raises(NotFound, match=f"order {row.number} not found"):
        await other_service.find_order(row.number)
    for missing in ("ORD-0", "", "ord-" + row.number[4:], row.number + " "):
        with pytest.raises(NotFound):
            await service.find_order(missing)
    with pytest.raises(NotFound):
        await service.get_order(2**31 - 1)


# --- actions: the row's hint is what the portal then does ------------------------------------


async def test_every_row_lists_every_order_action(service):
    for row in await all_orders(service):
        assert [state.id for state in row.actions] == list(ORDER_ACTIONS)
        assert row.action("invoices").enabled
        assert row.action("ticket").enabled
        assert row.action("manage").enabled == (row.server_id is not None)


async def test_an_order_without_a_server_cannot_be_managed(service, demo_customer_id, make_order):
    row = await service.get_order(make_order(demo_customer_id))
    assert row.server_id is None and row.main_ip is None and row.power_state is None
    assert row.action("manage").enabled is False and row.action("manage").reason == NO_SERVER


async def test_renew_hint_agrees_with_renewing(service):
    rows = await all_orders(service)
    assert {row.action("renew").enabled for row in rows} == {True, False}
    for row in rows:
        state = row.action("renew")
        if not state.enabled:
            with pytest.raises(Conflict) as refused:
                await service.renew_order(row.id, uuid.uuid4().hex)
            assert state.reason in str(refused.value)
            continue
        invoice = await service.renew_order(row.id, uuid.uuid4().hex)
        after = (await service.get_order(row.id)).action("renew")
        assert after.enabled is False and invoice.number in after.reason
    cancelled = next(row for row in rows if row.status == OrderStatus.CANCELLED)
    assert cancelled.action("renew").reason == f"order {cancelled.number} is cancelled"
