"""mail outbox: a durable outbox for ticket copies, and mailboxes routed one per purpose

outbound_mail becomes a queue the sender drains: a state, when to try next, who holds the
message and until when, and the headers that thread it (a Message-ID fixed when the row is
written, In-Reply-To, References) plus the ticket message it copies. Rows from before are
marked sent when they have a sent_at, queued otherwise, and get a Message-ID of their own.

mailbox gains the "finance" purpose (finance tickets) and holds at most one address per
purpose, so routing a kind of mail is never a choice between two addresses. Should an old
database hold two mailboxes of one purpose, the newest stays (it is what the customer set
last); nothing could tell which of the two was meant.

Revision ID: 0006_mail_outbox
Revises: 0005_kvm_sessions
"""

from __future__ import annotations

import sqlalchemy as sa
import sqlmodel
from alembic import op

import backend.db_types

revision = "0006_mail_outbox"
down_revision = "0005_kvm_sessions"
branch_labels = None
depends_on = None

_PURPOSES = "purpose IN ('billing', 'technical', 'finance', 'mailing')"
# PostgreSQL's name for 0001's unnamed UNIQUE (customer_id, address, purpose).
_PG_OLD_MAILBOX_UNIQUE = "mailbox_customer_id_address_purpose_key"


def _mailbox_as_in_0001(*constraints: sa.schema.SchemaItem) -> sa.Table:
    """The mailbox table as SQLite must copy it: reflecting it would bring back the unnamed
    unique constraint, which SQLite cannot drop by name."""
    return sa.Table(
        "mailbox",
        sa.MetaData(),
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("customer_id", sa.Integer(), nullable=False),
        sa.Column("address", sqlmodel.sql.sqltypes.AutoString(length=254), nullable=False),
        sa.Column("purpose", sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
        sa.Column("created_at", backend.db_types.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["customer_id"], ["customer.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.Index("ix_mailbox_customer_id", "customer_id"),
        *constraints,
    )


def _upgrade_mailbox() -> None:
    op.execute(
        "DELETE FROM mailbox WHERE id NOT IN "
        "(SELECT newest FROM (SELECT max(id) AS newest FROM mailbox GROUP BY customer_id, purpose) AS kept)"
    )
    if op.get_context().dialect.name == "sqlite":
        with op.batch_alter_table("mailbox", recreate="always", copy_from=_mailbox_as_in_0001()) as batch_op:
            batch_op.create_unique_constraint("uq_mailbox_customer_purpose", ["customer_id", "purpose"])
            batch_op.create_check_constraint("ck_mailbox_purpose", sa.text(_PURPOSES))
        return
    op.drop_constraint(_PG_OLD_MAILBOX_UNIQUE, "mailbox", type_="unique")
    op.create_unique_constraint("uq_mailbox_customer_purpose", "mailbox", ["customer_id", "purpose"])
    op.create_check_constraint("ck_mailbox_purpose", "mailbox", sa.text(_PURPOSES))


def _downgrade_mailbox() -> None:
    # Finance mailboxes did not exist before; their mail went to the registration address.
    op.execute("DELETE FROM mailbox WHERE purpose = 'finance'")
    if op.get_context().dialect.name == "sqlite":
        old = _mailbox_as_in_0001(sa.UniqueConstraint("customer_id", "address", "purpose"))
        with op.batch_alter_table("mailbox", recreate="always", copy_from=old):
            pass
        return
    op.drop_constraint("ck_mailbox_purpose", "mailbox", type_="check")
    op.drop_constraint("uq_mailbox_customer_purpose", "mailbox", type_="unique")
    op.create_unique_constraint(_PG_OLD_MAILBOX_UNIQUE, "mailbox", ["customer_id", "address", "purpose"])


def _upgrade_outbox() -> None:
    with op.batch_alter_table("outbound_mail", schema=None) as batch_op:
        batch_op.add_column(sa.Column("ticket_id", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("ticket_message_id", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("message_id", sqlmodel.sql.sqltypes.AutoString(length=255), nullable=True))
        batch_op.add_column(sa.Column("in_reply_to", sqlmodel.sql.sqltypes.AutoString(length=255), nullable=True))
        batch_op.add_column(sa.Column("thread_references", sa.Text(), nullable=True))
        batch_op.add_column(
            sa.Column("state", sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False, server_default="queued")
        )
        batch_op.add_column(sa.Column("next_attempt_at", backend.db_types.UTCDateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column("claimed_by", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=True))
        batch_op.add_column(sa.Column("claimed_until", backend.db_types.UTCDateTime(timezone=True), nullable=True))
    op.execute("UPDATE outbound_mail SET state = 'sent' WHERE sent_at IS NOT NULL")
    op.execute("UPDATE outbound_mail SET next_attempt_at = created_at")
    op.execute("UPDATE outbound_mail SET message_id = '<mail.' || id || '@hostui.outbox>'")
    with op.batch_alter_table("outbound_mail", schema=None) as batch_op:
        batch_op.alter_column("state", server_default=None)
        batch_op.alter_column(
            "message_id", existing_type=sqlmodel.sql.sqltypes.AutoString(length=255), nullable=False
        )
        batch_op.alter_column(
            "next_attempt_at", existing_type=backend.db_types.UTCDateTime(timezone=True), nullable=False
        )
        batch_op.create_unique_constraint("uq_outbound_mail_message_id", ["message_id"])
        batch_op.create_foreign_key("fk_outbound_mail_ticket_id", "ticket", ["ticket_id"], ["id"])
        batch_op.create_foreign_key(
            "fk_outbound_mail_ticket_message_id", "ticket_message", ["ticket_message_id"], ["id"]
        )
        batch_op.create_index("ix_outbound_mail_state_next", ["state", "next_attempt_at"], unique=False)


def _downgrade_outbox() -> None:
    with op.batch_alter_table("outbound_mail", schema=None) as batch_op:
        batch_op.drop_index("ix_outbound_mail_state_next")
        batch_op.drop_constraint("fk_outbound_mail_ticket_message_id", type_="foreignkey")
        batch_op.drop_constraint("fk_outbound_mail_ticket_id", type_="foreignkey")
        batch_op.drop_constraint("uq_outbound_mail_message_id", type_="unique")
        for column in (
            "claimed_until",
            "claimed_by",
            "next_attempt_at",
            "state",
            "thread_references",
            "in_reply_to",
            "message_id",
            "ticket_message_id",
            "ticket_id",
        ):
            batch_op.drop_column(column)


def upgrade() -> None:
    _upgrade_mailbox()
    _upgrade_outbox()


def downgrade() -> None:
    _downgrade_outbox()
    _downgrade_mailbox()
