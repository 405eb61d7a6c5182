"""login attempts: every attempt is recorded, unknown user names included, for throttling

The login history (login_event) now keeps the user name as typed and why an attempt
failed, and accepts attempts that belong to no customer. Indexes serve the throttle's two
questions: recent failures for this user name, and recent failures from this address.

Revision ID: 0002_login_attempts
Revises: 0001
"""

from __future__ import annotations

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision = "0002_login_attempts"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("login_event", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("login", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False, server_default="")
        )
        batch_op.add_column(sa.Column("reason", sqlmodel.sql.sqltypes.AutoString(length=16), nullable=True))
        batch_op.alter_column("customer_id", existing_type=sa.Integer(), nullable=True)
        batch_op.create_index("ix_login_event_login_at", ["login", "at"], unique=False)
        batch_op.create_index("ix_login_event_ip_at", ["ip", "at"], unique=False)
    # Existing rows belong to customers: give them the user name they logged in with.
    op.execute(
        "UPDATE login_event SET login = (SELECT customer.login FROM customer "
        "WHERE customer.id = login_event.customer_id) WHERE customer_id IS NOT NULL"
    )


def downgrade() -> None:
    op.execute("DELETE FROM login_event WHERE customer_id IS NULL")
    with op.batch_alter_table("login_event", schema=None) as batch_op:
        batch_op.drop_index("ix_login_event_ip_at")
        batch_op.drop_index("ix_login_event_login_at")
        batch_op.alter_column("customer_id", existing_type=sa.Integer(), nullable=False)
        batch_op.drop_column("reason")
        batch_op.drop_column("login")
