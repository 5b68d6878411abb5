"""City profiles of a workspace: the cities a configuration may be replicated to.

- ``city_profiles``: one row per profile, the CityProfile (canvas_app.city_profile) as JSON text, keyed by
  the workspace and a readable id, like needs and advantages (so a new profile field needs no migration).

Revision ID: 0007_city_profiles
Revises: 0006_rounds
Create Date: 2026-12-03
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from storage.models import UTCDateTime

revision = "0007_city_profiles"
down_revision = "0006_rounds"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "city_profiles",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("workspace_id", sa.Integer(), nullable=False),
        sa.Column("item_id", sa.String(120), nullable=False),
        sa.Column("data", sa.Text(), nullable=False),
        sa.Column("updated_at", UTCDateTime(), nullable=False),
        sa.Column("updated_by", sa.String(200), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_city_profiles"),
        sa.ForeignKeyConstraint(
            ["workspace_id"], ["workspaces.id"], name="fk_city_profiles_workspace_id_workspaces", ondelete="RESTRICT"
        ),
        sa.UniqueConstraint("workspace_id", "item_id", name="uq_city_profiles_workspace_id_item_id"),
    )


def downgrade() -> None:
    op.drop_table("city_profiles")
