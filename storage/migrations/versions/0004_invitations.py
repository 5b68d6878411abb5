"""Invitations, and workspace names unique only where one user can see them.

- ``invitations``: an owner invites a user by name; the user becomes a member only when they
  accept it on Home (or declines it; the owner may withdraw it meanwhile).
- ``workspaces.name`` loses its database-wide unique constraint (another city's team may use the
  same name; refusing it told one tenant what another had). The store refuses a name only among
  the workspaces the creating user is a member of; a plain index keeps look-ups by name fast.

SQLite cannot drop a constraint in place: the table is rebuilt (``batch_alter_table``), with
foreign keys switched off around the upgrade by ``migrations/env.py`` and checked before commit.
The lead may re-chain ``down_revision`` if another revision lands before this one.

Revision ID: 0004_invitations
Revises: 0003_accounts
Create Date: 2026-12-03
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from storage.models import UTCDateTime

revision = "0004_invitations"
down_revision = "0003_accounts"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("workspaces") as batch:
        batch.drop_constraint("uq_workspaces_name", type_="unique")
        batch.create_index("ix_workspaces_name", ["name"])
    op.create_table(
        "invitations",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("workspace_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("role", sa.String(10), nullable=False),
        sa.Column("invited_at", UTCDateTime(), nullable=False),
        sa.Column("invited_by", sa.String(200), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_invitations"),
        sa.UniqueConstraint("workspace_id", "user_id", name="uq_invitations_workspace_id_user_id"),
        sa.ForeignKeyConstraint(
            ["workspace_id"], ["workspaces.id"], name="fk_invitations_workspace_id_workspaces", ondelete="RESTRICT"
        ),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"], name="fk_invitations_user_id_users", ondelete="RESTRICT"),
        sa.CheckConstraint("role IN ('owner', 'editor', 'viewer')", name="ck_invitations_role_known"),
    )
    op.create_index("ix_invitations_user_id", "invitations", ["user_id"])
    _check_foreign_keys()


def downgrade() -> None:
    op.drop_index("ix_invitations_user_id", table_name="invitations")
    op.drop_table("invitations")
    with op.batch_alter_table("workspaces") as batch:  # fails if two workspaces now share a name
        batch.drop_index("ix_workspaces_name")
        batch.create_unique_constraint("uq_workspaces_name", ["name"])
    _check_foreign_keys()


def _check_foreign_keys() -> None:
    """SQLite rebuilt a table with foreign keys off: refuse to commit if any reference broke."""
    bind = op.get_bind()
    if bind.dialect.name == "sqlite":
        broken = bind.exec_driver_sql("PRAGMA foreign_key_check").fetchall()
        if broken:
            raise RuntimeError(f"foreign keys broken by the migration: {broken[:5]}")
