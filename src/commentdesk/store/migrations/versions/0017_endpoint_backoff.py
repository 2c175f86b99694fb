"""A webhook endpoint whose last try failed waits before any of its deliveries is tried again
(docs/webhooks.md)

Revision ID: 0017
Revises: 0016
"""

import sqlalchemy as sa
from alembic import op

import commentdesk.store.models

revision = "0017"
down_revision = "0016"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("webhook_endpoints") as batch:
        batch.add_column(sa.Column("backoff_until", commentdesk.store.models.UTCDateTime(timezone=True), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("webhook_endpoints") as batch:
        batch.drop_column("backoff_until")
