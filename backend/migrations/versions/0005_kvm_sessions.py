"""kvm sessions, tariff bandwidth, deprecated OS images

IP-KVM credentials are issued per request with an expiry and kept only as a hash; the server
screen shows a tariff's port speed; OS images past their vendor's support stay installable
but are marked.

Revision ID: 0005_kvm_sessions
Revises: 0004_server_jobs
"""

from __future__ import annotations

import sqlalchemy as sa
import sqlmodel
from alembic import op

import backend.db_types

revision = "0005_kvm_sessions"
down_revision = "0004_server_jobs"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "kvm_session",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("server_id", sa.Integer(), nullable=False),
        sa.Column("user", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column("password_hash", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column("created_at", backend.db_types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("expires_at", backend.db_types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("issued_by", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column("issued_from", sqlmodel.sql.sqltypes.AutoString(length=45), nullable=False),
        sa.ForeignKeyConstraint(["server_id"], ["server.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("kvm_session", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_kvm_session_server_id"), ["server_id"], unique=False)
    with op.batch_alter_table("tariff", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column(
                "bandwidth",
                sqlmodel.sql.sqltypes.AutoString(length=32),
                nullable=False,
                server_default="1 Gbit/s",
            )
        )
    with op.batch_alter_table("os_image", schema=None) as batch_op:
        batch_op.add_column(sa.Column("deprecated", sa.Boolean(), nullable=False, server_default=sa.false()))


def downgrade() -> None:
    with op.batch_alter_table("os_image", schema=None) as batch_op:
        batch_op.drop_column("deprecated")
    with op.batch_alter_table("tariff", schema=None) as batch_op:
        batch_op.drop_column("bandwidth")
    with op.batch_alter_table("kvm_session", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_kvm_session_server_id"))
    op.drop_table("kvm_session")
