"""Alembic environment: runs against the engine handed over by commentdesk.store.db.migrate."""

from alembic import context
from sqlalchemy import create_engine

from commentdesk.store.models import Base

config = context.config
engine = config.attributes.get("engine")
if engine is None:
    url = config.get_main_option("sqlalchemy.url")
    if not url:
        raise RuntimeError("alembic needs an engine (commentdesk.store.db.migrate) or sqlalchemy.url")
    engine = create_engine(url)

with engine.connect() as connection:
    context.configure(
        connection=connection,
        target_metadata=Base.metadata,
        render_as_batch=connection.dialect.name == "sqlite",
    )
    with context.begin_transaction():
        context.run_migrations()
    connection.commit()
