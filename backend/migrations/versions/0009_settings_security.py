"""settings security: mailboxes with several categories, routed through mailbox_route

A mailbox was one row per purpose (0006: at most one per customer and purpose). Settings shows
a mailbox as one address with the categories it receives, so the address and the routing part:

- ``mailbox(id, customer_id, address, created_at)``, one row per address of a customer
  (``uq_mailbox_customer_address``);
- ``mailbox_route(customer_id, purpose, mailbox_id)``, unique per customer and purpose: a kind
  of mail still goes to one place.

Data: every old row becomes a route to the oldest row of the same customer and address
(compared case-insensitively), which stays; the other rows of that address go. Back down, each
route becomes a row of its own again (the mailbox row keeps its first purpose; a mailbox
without routes has nowhere to go in the old shape and is dropped).

Revision ID: 0009_settings_security
Revises: 0008_settings_renewal
"""

from __future__ import annotations

import sqlalchemy as sa
import sqlmodel
from alembic import op

import backend.db_types

revision = "0009_settings_security"
down_revision = "0008_settings_renewal"
branch_labels = None
depends_on = None

_PURPOSES = "purpose IN ('billing', 'technical', 'finance', 'mailing')"


def _mailbox_as_in_0006() -> sa.Table:
    """The mailbox table as SQLite must copy it (see 0006: reflection would lose the names)."""
    return sa.Table(
        "mailbox",
        sa.MetaData(),
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("customer_id", sa.Integer(), nullable=False),
        sa.Column("address", sqlmodel.sql.sqltypes.AutoString(length=254), nullable=False),
        sa.Column("purpose", sqlmodel.sql.sqltypes.AutoString(length=16), nullable=True),
        sa.Column("created_at", backend.db_types.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["customer_id"], ["customer.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.Index("ix_mailbox_customer_id", "customer_id"),
        sa.UniqueConstraint("customer_id", "purpose", name="uq_mailbox_customer_purpose"),
        sa.CheckConstraint(_PURPOSES, name="ck_mailbox_purpose"),
    )


def upgrade() -> None:
    op.create_table(
        "mailbox_route",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("customer_id", sa.Integer(), nullable=False),
        sa.Column("purpose", sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
        sa.Column("mailbox_id", sa.Integer(), nullable=False),
        sa.CheckConstraint(_PURPOSES, name="ck_mailbox_route_purpose"),
        sa.ForeignKeyConstraint(["customer_id"], ["customer.id"]),
        sa.ForeignKeyConstraint(["mailbox_id"], ["mailbox.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("customer_id", "purpose", name="uq_mailbox_route_customer_purpose"),
    )
    op.create_index("ix_mailbox_route_mailbox_id", "mailbox_route", ["mailbox_id"], unique=False)
    op.execute(
        "INSERT INTO mailbox_route (customer_id, purpose, mailbox_id) "
        "SELECT m.customer_id, m.purpose, (SELECT min(k.id) FROM mailbox k "
        "WHERE k.customer_id = m.customer_id AND lower(k.address) = lower(m.address)) FROM mailbox m"
    )
    op.execute("DELETE FROM mailbox WHERE id NOT IN (SELECT mailbox_id FROM mailbox_route)")
    dialect = op.get_context().dialect.name
    copy = {"recreate": "always", "copy_from": _mailbox_as_in_0006()} if dialect == "sqlite" else {}
    with op.batch_alter_table("mailbox", **copy) as batch_op:
        batch_op.drop_constraint("ck_mailbox_purpose", type_="check")
        batch_op.drop_constraint("uq_mailbox_customer_purpose", type_="unique")
        batch_op.drop_column("purpose")
        batch_op.create_unique_constraint("uq_mailbox_customer_address", ["customer_id", "address"])


def downgrade() -> None:
    dialect = op.get_context().dialect.name
    with op.batch_alter_table("mailbox") as batch_op:
        batch_op.add_column(sa.Column("purpose", sqlmodel.sql.sqltypes.AutoString(length=16), nullable=True))
        batch_op.drop_constraint("uq_mailbox_customer_address", type_="unique")
    op.execute(
        "UPDATE mailbox SET purpose = (SELECT min(r.purpose) FROM mailbox_route r WHERE r.mailbox_id = mailbox.id)"
    )
    op.execute(
        "INSERT INTO mailbox (customer_id, address, purpose, created_at) "
        "SELECT m.customer_id, m.address, r.purpose, m.created_at FROM mailbox_route r "
        "JOIN mailbox m ON m.id = r.mailbox_id WHERE r.purpose <> m.purpose"
    )
    op.drop_index("ix_mailbox_route_mailbox_id", table_name="mailbox_route")
    op.drop_table("mailbox_route")
    op.execute("DELETE FROM mailbox WHERE purpose IS NULL")
    copy = {"recreate": "always", "copy_from": _mailbox_as_in_0006()} if dialect == "sqlite" else {}
    with op.batch_alter_table("mailbox", **copy) as batch_op:
        batch_op.alter_column("purpose", existing_type=sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False)
        if dialect != "sqlite":
            batch_op.create_unique_constraint("uq_mailbox_customer_purpose", ["customer_id", "purpose"])
            batch_op.create_check_constraint("ck_mailbox_purpose", sa.text(_PURPOSES))
