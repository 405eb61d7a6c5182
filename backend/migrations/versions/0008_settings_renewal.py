"""settings renewal: per-order auto-renew, currency rates, the balance ledger's currency,
one open invoice per order and period

``service_order.auto_renew`` overrides the account's setting for one order (null: follow it).

``currency_rate`` holds what one EUR is worth in each currency the portal bills in, with the
day the rate is from; it starts with EUR, USD and CHF.

``balance_entry.currency`` says which currency an entry is in, so a change of the account's
currency can book the old balance out and the converted one in. Existing entries are in
their customer's currency (it could not be changed before).

``ux_invoice_one_unpaid_per_period`` is renew_order's "one open invoice per period" rule as
a partial unique index, so renewal runs racing each other cannot both bill a period.

Revision ID: 0008_settings_renewal
Revises: 0007_ticket_reads
"""

from __future__ import annotations

from datetime import datetime, timezone

import sqlalchemy as sa
import sqlmodel
from alembic import op

import backend.db_types

revision = "0008_settings_renewal"
down_revision = "0007_ticket_reads"
branch_labels = None
depends_on = None

_UNPAID_PERIOD = sa.text("status = 'unpaid' AND order_id IS NOT NULL AND period_start IS NOT NULL")
# The rates a new database starts with (units per EUR); the operator updates them with
# ``hostui-server set-rate``.
_INITIAL_RATES = (
    ("EUR", "Euro", "1"),
    ("USD", "US dollar", "1.0800"),
    ("CHF", "Swiss franc", "0.9400"),
)
_RATES_AS_OF = datetime(2026, 11, 2, tzinfo=timezone.utc)


def upgrade() -> None:
    with op.batch_alter_table("service_order", schema=None) as batch_op:
        batch_op.add_column(sa.Column("auto_renew", sa.Boolean(), nullable=True))

    rates = op.create_table(
        "currency_rate",
        sa.Column("code", sqlmodel.sql.sqltypes.AutoString(length=3), nullable=False),
        sa.Column("name", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column("rate", sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
        sa.Column("as_of", backend.db_types.UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("code"),
    )
    op.bulk_insert(
        rates, [{"code": code, "name": name, "rate": rate, "as_of": _RATES_AS_OF} for code, name, rate in _INITIAL_RATES]
    )

    with op.batch_alter_table("balance_entry", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("currency", sqlmodel.sql.sqltypes.AutoString(length=3), nullable=False, server_default="EUR")
        )
    op.execute(
        "UPDATE balance_entry SET currency = "
        "(SELECT customer.currency FROM customer WHERE customer.id = balance_entry.customer_id)"
    )

    with op.batch_alter_table("invoice", schema=None) as batch_op:
        batch_op.create_index(
            "ux_invoice_one_unpaid_per_period",
            ["order_id", "period_start"],
            unique=True,
            sqlite_where=_UNPAID_PERIOD,
            postgresql_where=_UNPAID_PERIOD,
        )


def downgrade() -> None:
    with op.batch_alter_table("invoice", schema=None) as batch_op:
        batch_op.drop_index(
            "ux_invoice_one_unpaid_per_period", sqlite_where=_UNPAID_PERIOD, postgresql_where=_UNPAID_PERIOD
        )
    with op.batch_alter_table("balance_entry", schema=None) as batch_op:
        batch_op.drop_column("currency")
    op.drop_table("currency_rate")
    with op.batch_alter_table("service_order", schema=None) as batch_op:
        batch_op.drop_column("auto_renew")
