"""Workspace items (needs, advantages, custom modules, weights) and revision sizes.

Adds ``revisions.actor_count``/``flow_count`` and fills them for every
existing revision, so the history list shows sizes without loading contents.

Revision ID: 0002_workspace_items
Revises: 0001_initial
Create Date: 2025-11-25
"""

from __future__ import annotations

import json
from typing import Any

import sqlalchemy as sa
from alembic import op

from storage.models import UTCDateTime

revision = "0002_workspace_items"
down_revision = "0001_initial"
branch_labels = None
depends_on = None

BATCH = 200


def _item_table(name: str, *extra: sa.Column[Any]) -> None:
    op.create_table(
        name,
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("workspace_id", sa.Integer(), nullable=False),
        sa.Column("item_id", sa.String(120), nullable=False),
        sa.Column("data", sa.Text(), nullable=False),
        sa.Column("updated_at", UTCDateTime(), nullable=False),
        sa.Column("updated_by", sa.String(200), nullable=False),
        *extra,
        sa.PrimaryKeyConstraint("id", name=f"pk_{name}"),
        sa.ForeignKeyConstraint(
            ["workspace_id"], ["workspaces.id"], name=f"fk_{name}_workspace_id_workspaces", ondelete="RESTRICT"
        ),
        sa.UniqueConstraint("workspace_id", "item_id", name=f"uq_{name}_workspace_id_item_id"),
    )


def upgrade() -> None:
    _item_table("workspace_needs")
    _item_table("workspace_advantages")
    _item_table("custom_modules", sa.Column("format", sa.String(10), nullable=False))
    op.create_table(
        "workspace_weights",
        sa.Column("workspace_id", sa.Integer(), nullable=False),
        sa.Column("criterion", sa.String(120), nullable=False),
        sa.Column("weight", sa.Float(), nullable=False),
        sa.Column("updated_at", UTCDateTime(), nullable=False),
        sa.Column("updated_by", sa.String(200), nullable=False),
        sa.PrimaryKeyConstraint("workspace_id", "criterion", name="pk_workspace_weights"),
        sa.ForeignKeyConstraint(
            ["workspace_id"],
            ["workspaces.id"],
            name="fk_workspace_weights_workspace_id_workspaces",
            ondelete="RESTRICT",
        ),
    )
    op.add_column("revisions", sa.Column("actor_count", sa.Integer(), nullable=True))
    op.add_column("revisions", sa.Column("flow_count", sa.Integer(), nullable=True))
    _backfill_counts()


def _backfill_counts() -> None:
    """Fill the new columns. Revisions are append-only, so the guard trigger is lifted
    for this one data migration (same transaction: nobody else sees it lifted)."""
    bind = op.get_bind()
    sqlite = bind.dialect.name == "sqlite"
    if sqlite:
        op.execute("DROP TRIGGER revisions_append_only_update")
    else:
        op.execute("ALTER TABLE revisions DISABLE TRIGGER revisions_append_only")
    revisions = sa.table(
        "revisions",
        sa.column("id", sa.Integer),
        sa.column("content", sa.Text),
        sa.column("actor_count", sa.Integer),
        sa.column("flow_count", sa.Integer),
    )
    last_id = 0
    while True:
        rows = bind.execute(
            sa.select(revisions.c.id, revisions.c.content)
            .where(revisions.c.id > last_id)
            .order_by(revisions.c.id)
            .limit(BATCH)
        ).all()
        if not rows:
            break
        for row_id, content in rows:
            actors: int | None
            flows: int | None
            try:
                data = json.loads(content)
                actors, flows = len(data.get("actors", [])), len(data.get("flows", []))
            except (ValueError, AttributeError, TypeError):
                actors = flows = None  # unreadable content stays as it is; load() reports it
            bind.execute(
                sa.update(revisions).where(revisions.c.id == row_id).values(actor_count=actors, flow_count=flows)
            )
        last_id = rows[-1][0]
    if sqlite:
        op.execute(
            "CREATE TRIGGER revisions_append_only_update BEFORE UPDATE ON revisions "
            "BEGIN SELECT RAISE(ABORT, 'revisions are append-only'); END"
        )
    else:
        op.execute("ALTER TABLE revisions ENABLE TRIGGER revisions_append_only")


def downgrade() -> None:
    # plain ALTER (SQLite >= 3.35 and PostgreSQL): a batch copy would drop the append-only triggers
    op.execute("ALTER TABLE revisions DROP COLUMN flow_count")
    op.execute("ALTER TABLE revisions DROP COLUMN actor_count")
    op.drop_table("workspace_weights")
    op.drop_table("custom_modules")
    op.drop_table("workspace_advantages")
    op.drop_table("workspace_needs")
