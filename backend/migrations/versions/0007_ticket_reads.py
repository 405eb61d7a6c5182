"""ticket reads: unread kept by message id, a change sequence per customer, ticket numbers

A reader's place in a ticket becomes the id of the last message read
(``ticket_read_state.last_read_message_id``) instead of a time, which two messages can share.
Existing read times become the newest message created at or before them.

``ticket`` gains ``last_message_id`` (its newest message, so "unread" is one comparison) and
``change_seq`` (the order of the customer's ticket changes, what the changes cursor counts;
existing tickets start at their id, which keeps each customer's numbers increasing).

New tickets are numbered from the ``ticket`` row of the numbering table (``invoice_sequence``,
locked while a number is taken, so numbers are gapless): after the highest ``T-<n>`` there is.

Revision ID: 0007_ticket_reads
Revises: 0006_mail_outbox
"""

from __future__ import annotations

import re

import sqlalchemy as sa
from alembic import op

import backend.db_types

revision = "0007_ticket_reads"
down_revision = "0006_mail_outbox"
branch_labels = None
depends_on = None

TICKET_SEQUENCE = "ticket"
TICKET_PREFIX = "T-"
# Where numbering starts on a database that has no tickets yet.
FIRST_TICKET_NUMBER = 10_001

_NUMBER = re.compile(r"^T-(\d+)$")


def _next_ticket_number(connection: sa.Connection) -> int:
    numbers = connection.execute(sa.text("SELECT number FROM ticket")).scalars()
    found = [int(match.group(1)) for number in numbers if (match := _NUMBER.match(number))]
    return max(found) + 1 if found else FIRST_TICKET_NUMBER


def upgrade() -> None:
    connection = op.get_bind()
    with op.batch_alter_table("ticket", schema=None) as batch_op:
        batch_op.add_column(sa.Column("last_message_id", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("change_seq", sa.BigInteger(), nullable=False, server_default="0"))
        batch_op.create_index("ix_ticket_customer_updated", ["customer_id", "updated_at"], unique=False)
        batch_op.create_index("ix_ticket_customer_change", ["customer_id", "change_seq"], unique=False)
    op.execute(
        "UPDATE ticket SET change_seq = id, last_message_id = "
        "(SELECT max(m.id) FROM ticket_message m WHERE m.ticket_id = ticket.id)"
    )

    with op.batch_alter_table("ticket_read_state", schema=None) as batch_op:
        batch_op.add_column(sa.Column("last_read_message_id", sa.Integer(), nullable=True))
    # Everything written at or before the read time counts as read; ties go to "read".
    op.execute(
        "UPDATE ticket_read_state SET last_read_message_id = "
        "(SELECT max(m.id) FROM ticket_message m "
        "WHERE m.ticket_id = ticket_read_state.ticket_id AND m.created_at <= ticket_read_state.last_read_at)"
    )
    with op.batch_alter_table("ticket_read_state", schema=None) as batch_op:
        batch_op.drop_column("last_read_at")

    connection.execute(
        sa.text("INSERT INTO invoice_sequence (name, prefix, next_value) VALUES (:name, :prefix, :next)"),
        {"name": TICKET_SEQUENCE, "prefix": TICKET_PREFIX, "next": _next_ticket_number(connection)},
    )


def downgrade() -> None:
    op.execute(f"DELETE FROM invoice_sequence WHERE name = '{TICKET_SEQUENCE}'")

    with op.batch_alter_table("ticket_read_state", schema=None) as batch_op:
        batch_op.add_column(sa.Column("last_read_at", backend.db_types.UTCDateTime(timezone=True), nullable=True))
    # A time cannot say "before the first message": nothing read becomes the ticket's opening.
    op.execute(
        "UPDATE ticket_read_state SET last_read_at = coalesce("
        "(SELECT m.created_at FROM ticket_message m WHERE m.id = ticket_read_state.last_read_message_id), "
        "(SELECT t.created_at FROM ticket t WHERE t.id = ticket_read_state.ticket_id))"
    )
    with op.batch_alter_table("ticket_read_state", schema=None) as batch_op:
        batch_op.alter_column("last_read_at", existing_type=backend.db_types.UTCDateTime(timezone=True), nullable=False)
        batch_op.drop_column("last_read_message_id")

    with op.batch_alter_table("ticket", schema=None) as batch_op:
        batch_op.drop_index("ix_ticket_customer_change")
        batch_op.drop_index("ix_ticket_customer_updated")
        batch_op.drop_column("change_seq")
        batch_op.drop_column("last_message_id")
