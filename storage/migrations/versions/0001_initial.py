"""Initial schema: workspaces, configuration heads, append-only revisions.

Revision ID: 0001_initial
Revises:
Create Date: 2025-11-25
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from storage.models import UTCDateTime

revision = "0001_initial"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "workspaces",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("created_by", sa.String(200), nullable=False),
        sa.Column("deleted_at", UTCDateTime(), nullable=True),
        sa.Column("deleted_by", sa.String(200), nullable=True),
        sa.PrimaryKeyConstraint("id", name="pk_workspaces"),
        sa.UniqueConstraint("name", name="uq_workspaces_name"),
    )
    op.create_table(
        "configurations",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("workspace_id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(300), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("created_by", sa.String(200), nullable=False),
        sa.Column("updated_at", UTCDateTime(), nullable=False),
        sa.Column("updated_by", sa.String(200), nullable=False),
        sa.Column("parent_id", sa.Integer(), nullable=True),
        sa.Column("parent_version", sa.Integer(), nullable=True),
        sa.Column("deleted_at", UTCDateTime(), nullable=True),
        sa.Column("deleted_by", sa.String(200), nullable=True),
        sa.PrimaryKeyConstraint("id", name="pk_configurations"),
        sa.ForeignKeyConstraint(
            ["workspace_id"], ["workspaces.id"], name="fk_configurations_workspace_id_workspaces", ondelete="RESTRICT"
        ),
        sa.ForeignKeyConstraint(
            ["parent_id"], ["configurations.id"], name="fk_configurations_parent_id_configurations", ondelete="RESTRICT"
        ),
        sa.CheckConstraint("version >= 1", name="ck_configurations_version_positive"),
    )
    op.create_index("ix_configurations_workspace_id", "configurations", ["workspace_id"])
    op.create_table(
        "revisions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("configuration_id", sa.Integer(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("author", sa.String(200), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("summary", sa.String(1000), nullable=False),
        sa.Column("content", sa.Text(), nullable=False),
        sa.Column("content_sha256", sa.String(64), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_revisions"),
        sa.ForeignKeyConstraint(
            ["configuration_id"],
            ["configurations.id"],
            name="fk_revisions_configuration_id_configurations",
            ondelete="RESTRICT",
        ),
        sa.UniqueConstraint("configuration_id", "version", name="uq_revisions_configuration_id_version"),
        sa.CheckConstraint("version >= 1", name="ck_revisions_version_positive"),
    )
    _append_only_triggers()


def _append_only_triggers() -> None:
    """Revisions are history: the database itself refuses to change or remove one."""
    if op.get_bind().dialect.name == "sqlite":
        for event in ("UPDATE", "DELETE"):
            op.execute(
                f"CREATE TRIGGER revisions_append_only_{event.lower()} BEFORE {event} ON revisions "
                "BEGIN SELECT RAISE(ABORT, 'revisions are append-only'); END"
            )
    else:
        op.execute(
            "CREATE FUNCTION citycanvas_revisions_append_only() RETURNS trigger LANGUAGE plpgsql AS $$ "
            "BEGIN RAISE EXCEPTION 'revisions are append-only'; END $$"
        )
        op.execute(
            "CREATE TRIGGER revisions_append_only BEFORE UPDATE OR DELETE ON revisions "
            "FOR EACH ROW EXECUTE FUNCTION citycanvas_revisions_append_only()"
        )


def downgrade() -> None:
    if op.get_bind().dialect.name != "sqlite":
        op.execute("DROP TRIGGER IF EXISTS revisions_append_only ON revisions")
        op.execute("DROP FUNCTION IF EXISTS citycanvas_revisions_append_only()")
    op.drop_table("revisions")
    op.drop_index("ix_configurations_workspace_id", table_name="configurations")
    op.drop_table("configurations")
    op.drop_table("workspaces")
