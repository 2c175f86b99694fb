"""moderation_jobs: comments stored while the server was busy, waiting for their automatic check

Revision ID: 0007
Revises: 0006
"""

import sqlalchemy as sa
from alembic import op

import commentdesk.store.models

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "moderation_jobs",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("comment_id", sa.Integer(), nullable=False),
        sa.Column("inputs", sa.JSON(), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("last_error", sa.Text(), nullable=False),
        sa.Column("not_before", commentdesk.store.models.UTCDateTime(timezone=True), nullable=False),
        sa.Column("claimed_by", sa.String(length=100), nullable=True),
        sa.Column("claimed_until", commentdesk.store.models.UTCDateTime(timezone=True), nullable=True),
        sa.Column("created_at", commentdesk.store.models.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["comment_id"], ["comments.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("comment_id"),
    )
    op.create_index("ix_moderation_jobs_due", "moderation_jobs", ["not_before", "id"])


def downgrade() -> None:
    op.drop_index("ix_moderation_jobs_due", table_name="moderation_jobs")
    op.drop_table("moderation_jobs")
