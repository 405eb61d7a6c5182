"""server jobs: power actions and reinstalls as jobs the job runner carries out

A job is queued by a request and run step by step; at most one job per server may be queued
or running, enforced by a partial unique index (SQLite and PostgreSQL both have them).

Revision ID: 0004_server_jobs
Revises: 0003_order_items
"""

from __future__ import annotations

import sqlalchemy as sa
import sqlmodel
from alembic import op

import backend.db_types

revision = "0004_server_jobs"
down_revision = "0003_order_items"
branch_labels = None
depends_on = None

_ACTIVE_JOB = sa.text("state IN ('queued', 'running')")


def upgrade() -> None:
    op.create_table(
        "server_job",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("server_id", sa.Integer(), nullable=False),
        sa.Column("kind", sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
        sa.Column("state", sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
        sa.Column("progress", sa.Integer(), nullable=False),
        sa.Column("step", sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
        sa.Column("steps_done", sa.Integer(), nullable=False),
        sa.Column("error_source", sqlmodel.sql.sqltypes.AutoString(length=16), nullable=True),
        sa.Column("error_code", sqlmodel.sql.sqltypes.AutoString(length=32), nullable=True),
        sa.Column("error", sqlmodel.sql.sqltypes.AutoString(length=500), nullable=True),
        sa.Column("idempotency_key", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column("started_by", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column("started_from", sqlmodel.sql.sqltypes.AutoString(length=45), nullable=False),
        sa.Column("created_at", backend.db_types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("started_at", backend.db_types.UTCDateTime(timezone=True), nullable=True),
        sa.Column("finished_at", backend.db_types.UTCDateTime(timezone=True), nullable=True),
        sa.Column("os_image_id", sa.Integer(), nullable=True),
        sa.Column("root_password_encrypted", sa.LargeBinary(), nullable=True),
        sa.Column("claimed_by", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=True),
        sa.Column("claimed_until", backend.db_types.UTCDateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(["os_image_id"], ["os_image.id"]),
        sa.ForeignKeyConstraint(["server_id"], ["server.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index(
        "ux_server_job_one_active",
        "server_job",
        ["server_id"],
        unique=True,
        sqlite_where=_ACTIVE_JOB,
        postgresql_where=_ACTIVE_JOB,
    )
    op.create_index("ix_server_job_server_created", "server_job", ["server_id", "created_at"])
    op.create_index("ix_server_job_state_claim", "server_job", ["state", "claimed_until"])


def downgrade() -> None:
    op.drop_index("ix_server_job_state_claim", table_name="server_job")
    op.drop_index("ix_server_job_server_created", table_name="server_job")
    op.drop_index("ux_server_job_one_active", table_name="server_job")
    op.drop_table("server_job")
