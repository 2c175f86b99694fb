"""flood_marks: atomic per-minute post limits; moderator_sessions: sessions that sign-out ends; login_locks

Revision ID: 0006
Revises: 0005
"""

import sqlalchemy as sa
from alembic import op

import commentdesk.store.models

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "flood_marks",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("site_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("key_hash", sa.String(length=64), nullable=False),
        sa.Column("created_at", commentdesk.store.models.UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_flood_marks_key_created", "flood_marks", ["site_id", "kind", "key_hash", "created_at"])
    op.create_index("ix_flood_marks_created", "flood_marks", ["created_at"])
    op.create_table(
        "moderator_sessions",
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("csrf", sa.String(length=64), nullable=False),
        sa.Column("password_fingerprint", sa.String(length=32), nullable=False),
        sa.Column("created_at", commentdesk.store.models.UTCDateTime(timezone=True), nullable=False),
        sa.Column("expires_at", commentdesk.store.models.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("token_hash"),
    )
    op.create_index("ix_moderator_sessions_user_id", "moderator_sessions", ["user_id"])
    op.create_index("ix_moderator_sessions_expires_at", "moderator_sessions", ["expires_at"])
    op.create_table(
        "login_locks",
        sa.Column("name_hash", sa.String(length=64), nullable=False),
        sa.Column("failures", sa.Integer(), nullable=False),
        sa.Column("locked_until", commentdesk.store.models.UTCDateTime(timezone=True), nullable=True),
        sa.Column("updated_at", commentdesk.store.models.UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("name_hash"),
    )


def downgrade() -> None:
    op.drop_table("login_locks")
    op.drop_index("ix_moderator_sessions_expires_at", table_name="moderator_sessions")
    op.drop_index("ix_moderator_sessions_user_id", table_name="moderator_sessions")
    op.drop_table("moderator_sessions")
    op.drop_index("ix_flood_marks_created", table_name="flood_marks")
    op.drop_index("ix_flood_marks_key_created", table_name="flood_marks")
    op.drop_table("flood_marks")
