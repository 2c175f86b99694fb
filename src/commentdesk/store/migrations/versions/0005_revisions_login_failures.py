"""Row revisions for cached reader responses; failed sign-ins per address, shared by every server

Revision ID: 0005
Revises: 0004
"""

import sqlalchemy as sa
from alembic import op

import commentdesk.store.models

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("articles", sa.Column("revision", sa.Integer(), nullable=False, server_default="0"))
    op.add_column("sites", sa.Column("revision", sa.Integer(), nullable=False, server_default="0"))
    op.create_table(
        "login_failures",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("address_hash", sa.String(length=64), nullable=False),
        sa.Column("created_at", commentdesk.store.models.UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_login_failures_address_created", "login_failures", ["address_hash", "created_at"])
    op.create_index("ix_login_failures_created", "login_failures", ["created_at"])


def downgrade() -> None:
    op.drop_index("ix_login_failures_created", table_name="login_failures")
    op.drop_index("ix_login_failures_address_created", table_name="login_failures")
    op.drop_table("login_failures")
    with op.batch_alter_table("sites") as batch:
        batch.drop_column("revision")
    with op.batch_alter_table("articles") as batch:
        batch.drop_column("revision")
