"""mail_subscribers, comment_watches, outgoing_mail: e-mail to readers who asked, and to moderators

Revision ID: 0009
Revises: 0008
"""

import sqlalchemy as sa
from alembic import op

import commentdesk.store.models

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None

UTC_TIME = commentdesk.store.models.UTCDateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "mail_subscribers",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("site_id", sa.Integer(), nullable=False),
        sa.Column("email_hash", sa.String(length=64), nullable=False),
        sa.Column("address_cipher", sa.Text(), nullable=False),
        sa.Column("confirmed_at", UTC_TIME, nullable=True),
        sa.Column("confirmation_sent_at", UTC_TIME, nullable=True),
        sa.Column("created_at", UTC_TIME, nullable=False),
        sa.ForeignKeyConstraint(["site_id"], ["sites.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("site_id", "email_hash", name="uq_mail_subscribers_site_email"),
    )
    op.create_index("ix_mail_subscribers_created_at", "mail_subscribers", ["created_at"])
    op.create_table(
        "comment_watches",
        sa.Column("comment_id", sa.Integer(), nullable=False),
        sa.Column("subscriber_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["comment_id"], ["comments.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["subscriber_id"], ["mail_subscribers.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("comment_id"),
    )
    op.create_index("ix_comment_watches_subscriber_id", "comment_watches", ["subscriber_id"])
    op.create_table(
        "outgoing_mail",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("site_id", sa.Integer(), nullable=True),
        sa.Column("kind", sa.String(length=32), nullable=False),
        sa.Column("recipient_hash", sa.String(length=64), nullable=False),
        sa.Column("recipient_cipher", sa.Text(), nullable=False),
        sa.Column("subject", sa.String(length=300), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("unsubscribe_url", sa.String(length=2000), nullable=False),
        sa.Column("dedupe_key", sa.String(length=200), nullable=True),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("last_error", sa.Text(), nullable=False),
        sa.Column("next_attempt_at", UTC_TIME, nullable=False),
        sa.Column("claimed_by", sa.String(length=100), nullable=True),
        sa.Column("claimed_until", UTC_TIME, nullable=True),
        sa.Column("created_at", UTC_TIME, nullable=False),
        sa.Column("sent_at", UTC_TIME, nullable=True),
        sa.ForeignKeyConstraint(["site_id"], ["sites.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("dedupe_key"),
    )
    op.create_index("ix_outgoing_mail_due", "outgoing_mail", ["status", "next_attempt_at"])
    op.create_index("ix_outgoing_mail_recipient_created", "outgoing_mail", ["recipient_hash", "created_at"])


def downgrade() -> None:
    op.drop_table("outgoing_mail")
    op.drop_index("ix_comment_watches_subscriber_id", table_name="comment_watches")
    op.drop_table("comment_watches")
    op.drop_index("ix_mail_subscribers_created_at", table_name="mail_subscribers")
    op.drop_table("mail_subscribers")
