"""Profile data: shown read-only in Settings; a change is asked for by ticket, as the spec
requires (the provider checks who asks before the e-mail, the postal address or the tax
status of an account changes).

Every profile field goes to the **finance** department: they are the account's billing data
(the postal address and country are printed on every invoice and decide the VAT, the profile
type decides whether VAT is shown or reverse-charged, and the e-mail and phone are where
invoices and reminders go and how the account holder is verified). Technical tickets are about
an order's servers and need an order, which these are not. The mapping is per field, so a
field that should go elsewhere one day is one line.
"""

from __future__ import annotations

from backend.contract import (
    Department,
    NewTicket,
    ProfileChangeRequest,
    ProfileData,
    ProfileField,
    TicketDetail,
)
from backend.db import read_session
from backend.domain import tickets
from backend.domain.accounts import get_customer
from backend.models import Customer
from backend.portal import Portal

DEPARTMENT_OF_FIELD = {
    ProfileField.EMAIL: Department.FINANCE,
    ProfileField.PHONE: Department.FINANCE,
    ProfileField.COUNTRY: Department.FINANCE,
    ProfileField.PROFILE_TYPE: Department.FINANCE,
    ProfileField.ADDRESS: Department.FINANCE,
}

# How a field is named in the ticket (its subject is "Change of <name>").
FIELD_NAME = {
    ProfileField.EMAIL: "e-mail address",
    ProfileField.PHONE: "phone number",
    ProfileField.COUNTRY: "country",
    ProfileField.PROFILE_TYPE: "profile type",
    ProfileField.ADDRESS: "postal address",
}


def profile_of(customer: Customer) -> ProfileData:
    return ProfileData(
        name=customer.name,
        company=customer.company,
        email=customer.email,
        phone=customer.phone,
        country=customer.country,
        profile_type=customer.profile_type,
        address=customer.address,
        vat_id=customer.vat_id,
    )


def current_value(profile: ProfileData, field: ProfileField) -> str:
    return getattr(profile, field.value) or "(not set)"


def _indented(text: str) -> str:
    return "\n".join(f"    {line}" for line in text.splitlines() or [""])


def change_ticket(profile: ProfileData, request: ProfileChangeRequest) -> NewTicket:
    """The ticket that asks for the change: subject, department and the prefilled message."""
    name = FIELD_NAME[request.field]
    message = (
        f"Please change the {name} of my account.\n\n"
        f"Current {name}:\n{_indented(current_value(profile, request.field))}\n\n"
        f"New {name}:\n{_indented(request.new_value)}\n"
    )
    if request.note.strip():
        message += f"\nNote:\n{request.note.strip()}\n"
    return NewTicket(department=DEPARTMENT_OF_FIELD[request.field], subject=f"Change of {name}", message=message)


def request_profile_change(
    portal: Portal, customer_id: int, request: ProfileChangeRequest, idempotency_key: str, actor: str
) -> TicketDetail:
    """Open the ticket asking for the change (once per key) and answer with it."""
    with read_session(portal.engine) as session:
        profile = profile_of(get_customer(session, customer_id))
    return tickets.create_ticket(portal, customer_id, change_ticket(profile, request), idempotency_key, actor)
