"""The notifier's e-mail address of a notice of illegal content is stored encrypted, as readers'
addresses are (docs/dsa.md)

The key comes from the instance secret, which a migration cannot be sure to have: `commentdesk
migrate` and the other commands that migrate take only the database's flags, and a missing
secret would be generated afresh, encrypting with a key the server does not hold. So this only
adds the column; addresses stored in the clear before it are encrypted by the server when it
starts (services/notices.encrypt_plain_contacts), with the secret it uses for everything else.
Going down drops the encrypted addresses (they cannot be decrypted without the secret).

Revision ID: 0015
Revises: 0014
"""

import sqlalchemy as sa
from alembic import op

revision = "0015"
down_revision = "0014"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("illegal_content_notices") as batch:
        batch.add_column(sa.Column("notifier_email_cipher", sa.Text(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("illegal_content_notices") as batch:
        batch.drop_column("notifier_email_cipher")
