"""comments.source_id: where an imported comment came from, so importing twice adds nothing

Revision ID: 0003
Revises: 0002
"""

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("comments", sa.Column("source_id", sa.String(length=200), nullable=True))
    # Unique per site; comments posted here have no source id, and NULLs never collide.
    op.create_index("uq_comments_site_source", "comments", ["site_id", "source_id"], unique=True)


def downgrade() -> None:
    op.drop_index("uq_comments_site_source", table_name="comments")
    with op.batch_alter_table("comments") as batch_op:
        batch_op.drop_column("source_id")
