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


def test_watches_keep_the_mail_their_confirmation_covered_and_no_other(engine):
    """Before 0016 a confirmed address got mail about every comment posted with it; after, a
    watch stays confirmed only for comments posted before the confirmation, and later comments
    of the same signed-in account (one person whatever they type), never a guest's later one."""
    from datetime import timedelta

    from commentdesk.services.sites import create_site
    from commentdesk.store import repository as repo
    from commentdesk.store.db import session_factory
    from commentdesk.store.models import MailSubscriber, utcnow
    from db_fixtures import add_article, add_comment

    command.upgrade(alembic_config(engine), "0015")
    confirmed_at = utcnow() - timedelta(days=1)
    with session_factory(engine)() as session:
        site, _key = create_site(session, "news", "The Daily Example")
        article = add_article(session, site)
        account = repo.commenter_for(session, site.id, "id:ines", "Ines", None)
        account.is_account = True
        before, account_later, guest_before, guest_later, elsewhere = (
            add_comment(session, article, author=name) for name in ("Ines", "Ines", "Ana", "Ana", "Ben")
        )
        for comment in (before, account_later):
            comment.commenter_id = account.id
        for comment, age in ((before, 2), (account_later, 0), (guest_before, 2), (guest_later, 0), (elsewhere, 2)):
            comment.created_at = utcnow() - timedelta(days=age)
        ana = MailSubscriber(site_id=site.id, email_hash="h-ana", address_cipher="c", confirmed_at=confirmed_at)
        ben = MailSubscriber(site_id=site.id, email_hash="h-ben", address_cipher="c")
        session.add_all([ana, ben])
        session.flush()
        watches = {before.id: ana.id, account_later.id: ana.id, guest_before.id: ana.id, guest_later.id: ana.id}
        watches[elsewhere.id] = ben.id
        session.commit()
        ids = {"before": before.id, "account_later": account_later.id, "guest_before": guest_before.id}
        ids |= {"guest_later": guest_later.id, "elsewhere": elsewhere.id}
    with engine.begin() as connection:
        for comment_id, subscriber_id in watches.items():
            connection.execute(
                text("INSERT INTO comment_watches (comment_id, subscriber_id) VALUES (:c, :s)"),
                {"c": comment_id, "s": subscriber_id},
            )
    migrate(engine)
    with engine.connect() as connection:
        confirmed = set(connection.scalars(text("SELECT comment_id FROM comment_watches WHERE confirmed_at IS NOT NULL")))
    assert confirmed == {ids["before"], ids["account_later"], ids["guest_before"]}
