"""nudges: warnings shown to authors before their comment is stored

Revision ID: 0002
Revises: 0001
"""

import sqlalchemy as sa
from alembic import op

import commentdesk.store.models

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "nudges",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("token", sa.String(length=64), nullable=False),
        sa.Column("site_id", sa.Integer(), nullable=False),
        sa.Column("article_id", sa.Integer(), nullable=False),
        sa.Column("draft_hash", sa.String(length=64), nullable=False),
        sa.Column("reasons", sa.JSON(), nullable=False),
        sa.Column("created_at", commentdesk.store.models.UTCDateTime(timezone=True), nullable=False),
        sa.Column("comment_id", sa.Integer(), nullable=True),
        sa.Column("edited", sa.Boolean(), nullable=True),
        sa.Column("outcome", sa.String(length=16), nullable=True),
        sa.Column("resolved_at", commentdesk.store.models.UTCDateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(["article_id"], ["articles.id"]),
        sa.ForeignKeyConstraint(["comment_id"], ["comments.id"]),
        sa.ForeignKeyConstraint(["site_id"], ["sites.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("token"),
    )
    op.create_index("ix_nudges_site_id", "nudges", ["site_id"])


def downgrade() -> None:
    op.drop_index("ix_nudges_site_id", table_name="nudges")
    op.drop_table("nudges")
