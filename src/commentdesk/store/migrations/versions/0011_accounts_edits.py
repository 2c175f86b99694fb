"""Reader accounts through the publisher (SSO), guest bans that outlast a new name, and authors
editing and deleting their own comments

Revision ID: 0011
Revises: 0010
"""

import sqlalchemy as sa
from alembic import op

import commentdesk.store.models

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None

UTC_DATETIME = commentdesk.store.models.UTCDateTime(timezone=True)


def upgrade() -> None:
    # Plain ALTER TABLE ... ADD COLUMN: both SQLite and PostgreSQL add a nullable or defaulted column in place.
    op.add_column("sites", sa.Column("sso_algorithm", sa.String(length=8), nullable=True))
    op.add_column("sites", sa.Column("sso_key", sa.Text(), nullable=True))
    op.add_column("commenters", sa.Column("is_account", sa.Boolean(), nullable=False, server_default=sa.false()))
    op.add_column("comments", sa.Column("edit_token_hash", sa.String(length=64), nullable=True))
    op.add_column("comments", sa.Column("guest_token_hash", sa.String(length=64), nullable=True))
    op.add_column("comments", sa.Column("edited_at", UTC_DATETIME, nullable=True))
    op.add_column("comments", sa.Column("deleted_at", UTC_DATETIME, nullable=True))
    op.create_table(
        "comment_revisions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("comment_id", sa.Integer(), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("scores", sa.JSON(), nullable=False),
        sa.Column("reasons", sa.JSON(), nullable=False),
        sa.Column("written_at", UTC_DATETIME, nullable=False),
        sa.Column("replaced_at", UTC_DATETIME, nullable=False),
        sa.ForeignKeyConstraint(["comment_id"], ["comments.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_comment_revisions_comment_id", "comment_revisions", ["comment_id"])
    op.create_table(
        "guest_bans",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("site_id", sa.Integer(), nullable=False),
        sa.Column("commenter_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("key_hash", sa.String(length=64), nullable=False),
        sa.Column("until", UTC_DATETIME, nullable=False),
        sa.Column("created_at", UTC_DATETIME, nullable=False),
        sa.ForeignKeyConstraint(["commenter_id"], ["commenters.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["site_id"], ["sites.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_guest_bans_key", "guest_bans", ["site_id", "key_hash", "until"])
    op.create_index("ix_guest_bans_commenter_id", "guest_bans", ["commenter_id"])
    op.create_table(
        "used_reader_tokens",
        sa.Column("site_id", sa.Integer(), nullable=False),
        sa.Column("token_id_hash", sa.String(length=64), nullable=False),
        sa.Column("expires_at", UTC_DATETIME, nullable=False),
        sa.PrimaryKeyConstraint("site_id", "token_id_hash"),
    )
    op.create_index("ix_used_reader_tokens_expires_at", "used_reader_tokens", ["expires_at"])


def downgrade() -> None:
    op.drop_index("ix_used_reader_tokens_expires_at", table_name="used_reader_tokens")
    op.drop_table("used_reader_tokens")
    op.drop_index("ix_guest_bans_commenter_id", table_name="guest_bans")
    op.drop_index("ix_guest_bans_key", table_name="guest_bans")
    op.drop_table("guest_bans")
    op.drop_index("ix_comment_revisions_comment_id", table_name="comment_revisions")
    op.drop_table("comment_revisions")
    with op.batch_alter_table("comments") as table:
        for column in ("deleted_at", "edited_at", "guest_token_hash", "edit_token_hash"):
            table.drop_column(column)
    with op.batch_alter_table("commenters") as table:
        table.drop_column("is_account")
    with op.batch_alter_table("sites") as table:
        table.drop_column("sso_key")
        table.drop_column("sso_algorithm")
