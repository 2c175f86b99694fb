"""INSERT ... ON CONFLICT for the backend in use.

SQLAlchemy's dialects are the backend seam (docs/storage.md lists every place that asks which
backend it runs on); a store module that upserts asks here for the statement.
"""

from __future__ import annotations

from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session


def dialect_insert(session: Session, model):
    """INSERT with ON CONFLICT, for the backend in use (SQLite and PostgreSQL spell it alike)."""
    if session.get_bind().dialect.name == "postgresql":
        return postgresql.insert(model)
    return sqlite.insert(model)
