"""Co-creation rounds: rounds, their participants (no personal data), answers and proposals.

- ``rounds``: a round of a workspace; ``spec`` holds the round as JSON, ``token_hash`` the sha256 of
  the participation link's token (the token is never stored).
- ``participants``: the sha256 of a participant's browser token, consent time, stakeholder group.
- ``answers``: one row per participant and item (a revision updates it).
- ``proposals``: needs or opportunities proposed by participants, with a moderation status.
- ``round_acceptances``: results accepted into the needs ranking, with the importances before (undo).

The lead may re-chain ``down_revision`` if another revision lands before this one.

Revision ID: 0006_rounds
Revises: 0005_audit_log
Create Date: 2026-12-03
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from storage.models import UTCDateTime

revision = "0006_rounds"
down_revision = "0005_audit_log"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "rounds",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("workspace_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(20), nullable=False),
        sa.Column("spec", sa.Text(), nullable=False),
        sa.Column("token_hash", sa.String(64), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("created_by", sa.String(200), nullable=False),
        sa.Column("closed_at", UTCDateTime(), nullable=True),
        sa.Column("revoked_at", UTCDateTime(), nullable=True),
        sa.PrimaryKeyConstraint("id", name="pk_rounds"),
        sa.ForeignKeyConstraint(
            ["workspace_id"], ["workspaces.id"], name="fk_rounds_workspace_id_workspaces", ondelete="RESTRICT"
        ),
        sa.UniqueConstraint("token_hash", name="uq_rounds_token_hash"),
    )
    op.create_index("ix_rounds_workspace_id", "rounds", ["workspace_id"])
    op.create_table(
        "round_participants",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("round_id", sa.Integer(), nullable=False),
        sa.Column("token_hash", sa.String(64), nullable=False),
        sa.Column("group", sa.String(40), nullable=False),
        sa.Column("consented_at", UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_round_participants"),
        sa.ForeignKeyConstraint(
            ["round_id"], ["rounds.id"], name="fk_round_participants_round_id_rounds", ondelete="CASCADE"
        ),
        sa.UniqueConstraint("round_id", "token_hash", name="uq_round_participants_round_id_token_hash"),
    )
    op.create_table(
        "round_answers",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("participant_id", sa.Integer(), nullable=False),
        sa.Column("item", sa.String(100), nullable=False),
        sa.Column("rating", sa.Integer(), nullable=True),
        sa.Column("comment", sa.Text(), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("answered_at", UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_round_answers"),
        sa.ForeignKeyConstraint(
            ["participant_id"],
            ["round_participants.id"],
            name="fk_round_answers_participant_id_round_participants",
            ondelete="CASCADE",
        ),
        sa.UniqueConstraint("participant_id", "item", name="uq_round_answers_participant_id_item"),
    )
    op.create_table(
        "round_proposals",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("round_id", sa.Integer(), nullable=False),
        sa.Column("participant_id", sa.Integer(), nullable=True),
        sa.Column("text", sa.String(1000), nullable=False),
        sa.Column("status", sa.String(20), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_round_proposals"),
        sa.ForeignKeyConstraint(
            ["round_id"], ["rounds.id"], name="fk_round_proposals_round_id_rounds", ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["participant_id"],
            ["round_participants.id"],
            name="fk_round_proposals_participant_id_round_participants",
            ondelete="SET NULL",
        ),
    )
    op.create_index("ix_round_proposals_round_id", "round_proposals", ["round_id"])
    op.create_table(
        "round_acceptances",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("round_id", sa.Integer(), nullable=False),
        sa.Column("accepted_at", UTCDateTime(), nullable=False),
        sa.Column("accepted_by", sa.String(200), nullable=False),
        sa.Column("previous", sa.Text(), nullable=False),
        sa.Column("undone_at", UTCDateTime(), nullable=True),
        sa.PrimaryKeyConstraint("id", name="pk_round_acceptances"),
        sa.ForeignKeyConstraint(
            ["round_id"], ["rounds.id"], name="fk_round_acceptances_round_id_rounds", ondelete="CASCADE"
        ),
    )
    op.create_index("ix_round_acceptances_round_id", "round_acceptances", ["round_id"])


def downgrade() -> None:
    op.drop_index("ix_round_acceptances_round_id", table_name="round_acceptances")
    op.drop_table("round_acceptances")
    op.drop_index("ix_round_proposals_round_id", table_name="round_proposals")
    op.drop_table("round_proposals")
    op.drop_table("round_answers")
    op.drop_table("round_participants")
    op.drop_index("ix_rounds_workspace_id", table_name="rounds")
    op.drop_table("rounds")
