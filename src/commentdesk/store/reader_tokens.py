"""Reader sign-in tokens already used: each token id is accepted once per site."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import delete
from sqlalchemy.orm import Session

from commentdesk.store.dialect import dialect_insert
from commentdesk.store.models import UsedReaderToken


def record_use(session: Session, site_id: int, token_id_hash: str, keep_until: datetime, now: datetime) -> bool:
    """Record the token id as used; False when it was used already. Expired records are dropped first."""
    session.execute(delete(UsedReaderToken).where(UsedReaderToken.expires_at < now))
    inserted = session.execute(
        dialect_insert(session, UsedReaderToken)
        .values(site_id=site_id, token_id_hash=token_id_hash, expires_at=keep_until)
        .on_conflict_do_nothing(index_elements=[UsedReaderToken.site_id, UsedReaderToken.token_id_hash])
        .returning(UsedReaderToken.token_id_hash)  # a row back only when this request inserted it
    ).first()
    return inserted is not None
