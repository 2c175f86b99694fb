"""illegal_content_notices and statements_of_reasons: the EU Digital Services Act flows

Revision ID: 0010
Revises: 0009
"""

import sqlalchemy as sa
from alembic import op

import commentdesk.store.models

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None

UTC_TIME = commentdesk.store.models.UTCDateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "illegal_content_notices",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("reference", sa.String(length=32), nullable=False),
        sa.Column("site_id", sa.Integer(), nullable=False),
        sa.Column("comment_id", sa.Integer(), nullable=False),
        sa.Column("report_id", sa.Integer(), nullable=True),
        sa.Column("ground", sa.String(length=32), nullable=False),
        sa.Column("explanation", sa.Text(), nullable=False),
        sa.Column("notifier_name", sa.String(length=100), nullable=True),
        sa.Column("notifier_email", sa.String(length=254), nullable=True),
        sa.Column("good_faith", sa.Boolean(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("received_at", UTC_TIME, nullable=False),
        sa.Column("review_started_at", UTC_TIME, nullable=True),
        sa.Column("decided_at", UTC_TIME, nullable=True),
        sa.Column("decided_by_user_id", sa.Integer(), nullable=True),
        sa.Column("decided_by_name", sa.String(length=100), nullable=False),
        sa.Column("decision_action", sa.String(length=16), nullable=True),
        sa.Column("decision_ground", sa.String(length=32), nullable=True),
        sa.Column("decision_explanation", sa.Text(), nullable=False),
        sa.Column("contact_erased_at", UTC_TIME, nullable=True),
        sa.ForeignKeyConstraint(["site_id"], ["sites.id"]),
        sa.ForeignKeyConstraint(["comment_id"], ["comments.id"]),
        sa.ForeignKeyConstraint(["report_id"], ["reports.id"]),
        sa.ForeignKeyConstraint(["decided_by_user_id"], ["users.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("reference"),
    )
    op.create_index("ix_notices_site_status", "illegal_content_notices", ["site_id", "status", "received_at"])
    op.create_index("ix_notices_received", "illegal_content_notices", ["received_at"])
    op.create_index(op.f("ix_illegal_content_notices_comment_id"), "illegal_content_notices", ["comment_id"])
    op.create_table(
        "statements_of_reasons",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("comment_id", sa.Integer(), nullable=False),
        sa.Column("site_id", sa.Integer(), nullable=False),
        sa.Column("event_id", sa.Integer(), nullable=False),
        sa.Column("automated", sa.Boolean(), nullable=False),
        sa.Column("issued_at", UTC_TIME, nullable=False),
        sa.ForeignKeyConstraint(["comment_id"], ["comments.id"]),
        sa.ForeignKeyConstraint(["site_id"], ["sites.id"]),
        sa.ForeignKeyConstraint(["event_id"], ["moderation_events.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_statements_site_issued", "statements_of_reasons", ["site_id", "issued_at"])
    op.create_index(op.f("ix_statements_of_reasons_comment_id"), "statements_of_reasons", ["comment_id"])


def downgrade() -> None:
    op.drop_index(op.f("ix_statements_of_reasons_comment_id"), table_name="statements_of_reasons")
    op.drop_index("ix_statements_site_issued", table_name="statements_of_reasons")
    op.drop_table("statements_of_reasons")
    op.drop_index(op.f("ix_illegal_content_notices_comment_id"), table_name="illegal_content_notices")
    op.drop_index("ix_notices_received", table_name="illegal_content_notices")
    op.drop_index("ix_notices_site_status", table_name="illegal_content_notices")
    op.drop_table("illegal_content_notices")
