"""invoice keyset indexes: the list's sort key (issued_at, id) whole in its two indexes

The invoice list pages by position ("after this issued_at and id"), not by OFFSET, so a page
deep in a million invoices costs what the first one does. That needs the whole sort key in
the index: SQLite's indexes end in the rowid anyway, PostgreSQL's do not, and without ``id``
it sorts every invoice sharing a timestamp. One index per single-status filter
(customer, status, issued_at, id), one for "all but deleted" (customer, issued_at, id).

Revision ID: 0010_invoice_keyset_indexes
Revises: 0009_settings_security
"""

from __future__ import annotations

from alembic import op

revision = "0010_invoice_keyset_indexes"
down_revision = "0009_settings_security"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.drop_index("ix_invoice_customer_status_issued", table_name="invoice")
    op.drop_index("ix_invoice_customer_issued", table_name="invoice")
    op.create_index("ix_invoice_customer_status_issued_id", "invoice", ["customer_id", "status", "issued_at", "id"])
    op.create_index("ix_invoice_customer_issued_id", "invoice", ["customer_id", "issued_at", "id"])


def downgrade() -> None:
    op.drop_index("ix_invoice_customer_status_issued_id", table_name="invoice")
    op.drop_index("ix_invoice_customer_issued_id", table_name="invoice")
    op.create_index("ix_invoice_customer_status_issued", "invoice", ["customer_id", "status", "issued_at"])
    op.create_index("ix_invoice_customer_issued", "invoice", ["customer_id", "issued_at"])
