"""A reader's e-mail about a comment is confirmed for that comment, not for every comment ever
posted with the address (docs/notifications.md)

Until now a confirmed address received mail about any later comment posted with it, whoever
typed it. Watches the owner's confirmation covered keep their mail: comments posted before the
address was confirmed, and later comments of the same signed-in account (an account is one
person, whatever address a stranger types). Other watches wait for a confirmation of their own,
which the next comment asked about sends; they are left unconfirmed rather than guessed at.

Revision ID: 0016
Revises: 0015
"""

import sqlalchemy as sa
from alembic import op

import commentdesk.store.models

revision = "0016"
down_revision = "0015"
branch_labels = None
depends_on = None

# Written once for both backends: correlated subqueries and plain comparisons only.
BACKFILL = """
UPDATE comment_watches
SET confirmed_at = (SELECT s.confirmed_at FROM mail_subscribers s WHERE s.id = comment_watches.subscriber_id)
WHERE EXISTS (
    SELECT 1 FROM mail_subscribers s JOIN comments c ON c.id = comment_watches.comment_id
    WHERE s.id = comment_watches.subscriber_id AND s.confirmed_at IS NOT NULL AND c.created_at <= s.confirmed_at
) OR EXISTS (
    SELECT 1
    FROM comments c
    JOIN commenters k ON k.id = c.commenter_id
    JOIN comment_watches w ON w.subscriber_id = comment_watches.subscriber_id
    JOIN comments earlier ON earlier.id = w.comment_id AND earlier.commenter_id = c.commenter_id
    JOIN mail_subscribers s ON s.id = w.subscriber_id
    WHERE c.id = comment_watches.comment_id AND k.is_account
      AND s.confirmed_at IS NOT NULL AND earlier.created_at <= s.confirmed_at
)
"""


def upgrade() -> None:
    with op.batch_alter_table("comment_watches") as batch:
        batch.add_column(sa.Column("confirmed_at", commentdesk.store.models.UTCDateTime(timezone=True), nullable=True))
    op.execute(BACKFILL)


def downgrade() -> None:
    with op.batch_alter_table("comment_watches") as batch:
        batch.drop_column("confirmed_at")
