"""Where SQLite and PostgreSQL differ: the one place that names a SQLAlchemy dialect.

SQLAlchemy's dialects are the backend seam; a store module that needs INSERT ... ON CONFLICT asks
here for the statement of the backend in use.
"""

from __future__ import annotations

from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session


def dialect_insert(session: Session, model):
    """INSERT with ON CONFLICT, for the backend in use (SQLite and PostgreSQL spell it alike)."""
    if session.get_bind().dialect.name == "postgresql":
        return postgresql.insert(model)
    return sqlite.insert(model)

