"""The audit log: who signed in (or failed to), changed members and roles, invited, deleted or
restored what, when and from which address.

- ``audit_log``: one row per event, appended in the transaction of the change it records.
  ``user_id``, ``workspace_id`` and ``configuration_id`` carry no foreign keys on purpose: the
  log outlives what it names, and a failed sign-in may name no account at all.

The lead may re-chain ``down_revision`` if another revision lands before this one.

Revision ID: 0005_audit_log
Revises: 0004_invitations
Create Date: 2026-12-03
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from storage.models import UTCDateTime

revision = "0005_audit_log"
down_revision = "0004_invitations"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "audit_log",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("at", UTCDateTime(), nullable=False),
        sa.Column("action", sa.String(40), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=True),
        sa.Column("user_name", sa.String(200), nullable=False),
        sa.Column("workspace_id", sa.Integer(), nullable=True),
        sa.Column("configuration_id", sa.Integer(), nullable=True),
        sa.Column("detail", sa.String(500), nullable=False),
        sa.Column("address", sa.String(64), nullable=True),
        sa.PrimaryKeyConstraint("id", name="pk_audit_log"),
    )
    op.create_index("ix_audit_log_workspace_id_at", "audit_log", ["workspace_id", "at"])
    op.create_index("ix_audit_log_user_id_at", "audit_log", ["user_id", "at"])


def downgrade() -> None:
    op.drop_index("ix_audit_log_user_id_at", table_name="audit_log")
    op.drop_index("ix_audit_log_workspace_id_at", table_name="audit_log")
    op.drop_table("audit_log")
