"""The language a notice of illegal content was sent in: the notifier's e-mail is written in it
(docs/dsa.md)

Revision ID: 0014
Revises: 0013
"""

import sqlalchemy as sa
from alembic import op

revision = "0014"
down_revision = "0013"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("illegal_content_notices") as batch:
        batch.add_column(sa.Column("language", sa.String(length=16), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("illegal_content_notices") as batch:
        batch.drop_column("language")
