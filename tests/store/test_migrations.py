"""The schema's migrations: from empty to the newest revision, back down and up again, data kept
across upgrades, and the ORM models describing exactly the schema the migrations make."""

from __future__ import annotations

import pytest
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import inspect, text

from commentdesk.store.db import alembic_config, make_engine, migrate
from commentdesk.store.models import Base


@pytest.fixture
def engine(empty_database_url):
    made = make_engine(empty_database_url)
    yield made
    made.dispose()


def _revision(engine) -> str | None:
    with engine.connect() as connection:
        return MigrationContext.configure(connection).get_current_revision()


def _head(engine) -> str:
    head = ScriptDirectory.from_config(alembic_config(engine)).get_current_head()
    assert head is not None
    return head


def _differences(engine) -> list:
    with engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        return compare_metadata(context, Base.metadata)


def test_an_empty_database_is_migrated_to_the_newest_revision(engine):
    assert _revision(engine) is None
    migrate(engine)
    assert _revision(engine) == _head(engine)
    assert set(inspect(engine).get_table_names()) == set(Base.metadata.tables) | {"alembic_version"}


def test_the_models_describe_the_migrated_schema_exactly(engine):
    migrate(engine)
    assert _differences(engine) == []


def test_every_revision_goes_down_to_empty_and_back_up(engine):
    migrate(engine)
    command.downgrade(alembic_config(engine), "base")
    assert _revision(engine) is None
    assert set(inspect(engine).get_table_names()) <= {"alembic_version"}
    migrate(engine)
    assert _revision(engine) == _head(engine)
    assert _differences(engine) == []


def test_the_revisions_form_one_line_without_branches(engine):
    script = ScriptDirectory.from_config(alembic_config(engine))
    assert len(script.get_heads()) == 1
    chain = list(script.walk_revisions())
    assert chain[-1].down_revision is None  # one first revision
    assert all(len(revision.nextrev) <= 1 for revision in chain)


def test_rows_stored_under_an_older_revision_survive_the_upgrade(engine):
    command.upgrade(alembic_config(engine), "0002")
    with engine.begin() as connection:
        connection.execute(
            text(
                "INSERT INTO sites (slug, name, api_key_hash, policy, faq_markdown, created_at) "
                "VALUES ('news', 'The Daily Example', 'h', '{}', '', CURRENT_TIMESTAMP)"
            )
        )
    migrate(engine)
    with engine.connect() as connection:
        row = connection.execute(text("SELECT slug, name FROM sites")).one()
    assert tuple(row) == ("news", "The Daily Example")
