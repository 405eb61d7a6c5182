"""Alternative mailboxes through the contract, against LocalService and RemoteService on
SQLite and PostgreSQL: add, edit, remove, one place per category, the refusals naming the
field, and the mail of tickets following the routing."""

from __future__ import annotations

import httpx
import pytest
from pydantic import ValidationError

from backend.contract import Conflict, MailboxCategory, MailboxRequest, NotFound
from backend.db import read_session
from backend.mail.routing import recipient, routed_addresses
from backend.models import Customer

OPS = "ops@hoffmann-systemhaus.example"  # the demo's technical mailbox
BOOKS = "buchhaltung@hoffmann-systemhaus.example"  # the demo's invoices mailbox
T, F, I, M = MailboxCategory.TECHNICAL, MailboxCategory.FINANCE, MailboxCategory.INVOICES, MailboxCategory.MAILINGS


def by_address(settings) -> dict[str, list[MailboxCategory]]:  # noqa: ANN001
    return {mailbox.address: mailbox.categories for mailbox in settings.mailboxes}


def mailbox_id(settings, address: str) -> int:  # noqa: ANN001
    return next(mailbox.id for mailbox in settings.mailboxes if mailbox.address == address)


def routing(portal, customer_id: int) -> dict[str, str]:  # noqa: ANN001
    with read_session(portal.engine) as session:
        return routed_addresses(session, customer_id)


async def test_add_edit_and_remove_a_mailbox_and_the_routing_follows(service, portal, demo_customer_id):
    settings = await service.get_settings()
    assert by_address(settings) == {BOOKS: [I], OPS: [T]}

    settings = await service.add_mailbox(MailboxRequest(address="Team@Hoffmann-Systemhaus.EXAMPLE", categories=[M, F, M]))
    # Normalised (the domain lower-cased), categories once each, in the contract's order.
    assert by_address(settings)["Team@hoffmann-systemhaus.example"] == [F, M]
    assert routing(portal, demo_customer_id) == {
        "billing": BOOKS, "technical": OPS, "finance": "Team@hoffmann-systemhaus.example",
        "mailing": "Team@hoffmann-systemhaus.example",
    }

    team = mailbox_id(settings, "Team@hoffmann-systemhaus.example")
    settings = await service.update_mailbox(team, MailboxRequest(address="finance@hoffmann-systemhaus.example",
                                                                 categories=[F]))
    assert by_address(settings) == {BOOKS: [I], OPS: [T], "finance@hoffmann-systemhaus.example": [F]}
    assert "mailing" not in routing(portal, demo_customer_id)  # back to the registration address

    settings = await service.remove_mailbox(mailbox_id(settings, OPS))
    assert by_address(settings) == {BOOKS: [I], "finance@hoffmann-systemhaus.example": [F]}
    with read_session(portal.engine) as session:
        customer = session.get(Customer, demo_customer_id)
        assert recipient(session, customer, "technical") == customer.email
        assert recipient(session, customer, "finance") == "finance@hoffmann-systemhaus.example"


async def test_a_category_routes_to_one_place(service, portal, demo_customer_id):
    before = routing(portal, demo_customer_id)
    with pytest.raises(Conflict) as refused:
        await service.add_mailbox(MailboxRequest(address="noc@hoffmann-systemhaus.example", categories=[M, T]))
    assert refused.value.detail == f"categories: technical is already routed to {OPS}; take it off there first"
    settings = await service.get_settings()
    with pytest.raises(Conflict, match="^categories: invoices is already routed to buchhaltung@"):
        await service.update_mailbox(mailbox_id(settings, OPS), MailboxRequest(address=OPS, categories=[T, I]))
    # Moving it: off there first, then on here.
    await service.update_mailbox(mailbox_id(settings, BOOKS), MailboxRequest(address=BOOKS, categories=[F]))
    await service.update_mailbox(mailbox_id(settings, OPS), MailboxRequest(address=OPS, categories=[T, I]))
    assert routing(portal, demo_customer_id) == {**before, "billing": OPS, "finance": BOOKS}


async def test_addresses_the_account_has_already_are_refused(service, portal, demo_customer_id):
    settings = await service.get_settings()
    with pytest.raises(Conflict, match="^address: .* is your registration address"):
        await service.add_mailbox(MailboxRequest(address=settings.profile.email.upper(), categories=[M]))
    with pytest.raises(Conflict, match="^address: ops@hoffmann-systemhaus.example is one of your mailboxes already"):
        await service.add_mailbox(MailboxRequest(address="OPS@hoffmann-systemhaus.example", categories=[M]))
    with pytest.raises(Conflict, match="one of your mailboxes already"):
        await service.update_mailbox(mailbox_id(settings, BOOKS), MailboxRequest(address=OPS, categories=[I]))
    # The same mailbox again (a retried request) is no conflict and changes nothing.
    assert (await service.add_mailbox(MailboxRequest(address=OPS, categories=[T]))) == settings
    assert routing(portal, demo_customer_id) == {"billing": BOOKS, "technical": OPS}


@pytest.mark.parametrize(
    ("address", "reason"),
    [
        ("not an address", "must have an @-sign"),
        ("ops@localhost", "It should have a period"),
        ("ops@[192.0.2.1]", "bracketed IP address"),
        ("öps@hoffmann-systemhaus.example", "Internationalized characters"),
        ("", "must have an @-sign"),
    ],
)
def test_addresses_are_checked_by_email_validator(address, reason):
    with pytest.raises(ValidationError) as refused:
        MailboxRequest(address=address, categories=[M])
    assert reason in str(refused.value)
    with pytest.raises(ValidationError, match="at least 1 item"):
        MailboxRequest(address="ops@example.com", categories=[])


def test_an_international_domain_is_kept_in_ascii():
    assert MailboxRequest(address="ops@bücher.example", categories=[M]).address == "ops@xn--bcher-kva.example"


async def test_the_api_names_the_field_of_a_bad_address(live_server, demo_token):
    response = httpx.post(f"{live_server}/api/v1/settings/mailboxes", json={"address": "nope", "categories": ["mailings"]},
                          headers={"Authorization": f"Bearer {demo_token}"})
    assert response.status_code == 422
    assert response.json()["detail"].startswith("address: ")


async def test_another_customers_mailbox_is_not_found(service, other_service, portal, demo_customer_id):
    settings = await service.get_settings()
    ops = mailbox_id(settings, OPS)
    with pytest.raises(NotFound, match=f"^mailbox {ops} not found$"):
        await other_service.update_mailbox(ops, MailboxRequest(address="x@acme.example", categories=[T]))
    with pytest.raises(NotFound, match=f"^mailbox {ops} not found$"):
        await other_service.remove_mailbox(ops)
    with pytest.raises(NotFound):
        await service.remove_mailbox(2**31 - 1)
    assert by_address(await service.get_settings()) == {BOOKS: [I], OPS: [T]}
