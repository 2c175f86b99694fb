"""A migrated database and its sessions, without the web application or the models: for tests of
services and store queries. Imported by the conftest of the folders that use it; the database
is the one `database_url` gives (each test runs once per backend)."""

from __future__ import annotations

import pytest

from commentdesk.services.sites import create_site
from commentdesk.store.db import make_engine, migrate, session_factory


@pytest.fixture
def sessions(database_url):
    engine = make_engine(database_url)
    migrate(engine)
    yield session_factory(engine)
    engine.dispose()


@pytest.fixture
def session(sessions):
    with sessions() as open_session:
        yield open_session


@pytest.fixture
def site(session):
    """A site named 'news'; committed."""
    created, _key = create_site(session, "news", "The Daily Example")
    session.commit()
    return created


def add_article(
    session,
    site,
    url="https://news.example/story",
    title="Council approves bike lanes",
    body="The council voted for bike lanes on Market Street.",
):
    from commentdesk.store import repository as repo

    article, _created = repo.upsert_article(session, site, url, title=title, body=body)
    session.flush()
    return article


def add_comment(
    session,
    article,
    text="A comment about the bike lanes.",
    status="published",
    *,
    parent=None,
    author="Ana",
    reasons=None,
    system_decision=None,
):
    """A stored comment as posting would leave it (counts, audit log, statement), without the models."""
    from commentdesk.store import repository as repo
    from commentdesk.store.models import Comment

    commenter = repo.commenter_for(session, article.site_id, f"id:{author.lower()}", author, None)
    comment = Comment(
        site_id=article.site_id,
        article_id=article.id,
        parent_id=parent.id if parent else None,
        root_id=parent.root_id if parent else None,
        depth=parent.depth + 1 if parent else 0,
        commenter_id=commenter.id,
        author_name=author,
        text=text,
        html=f"<p>{text}</p>",
        status=status,
        reasons=reasons or [],
        scores={},
        model_versions={},
        system_decision=system_decision or {"published": "publish", "pending": "hold", "rejected": "reject"}.get(status, ""),
    )
    repo.add_comment(session, comment, actor_reasons=comment.reasons, scores={}, model_versions={})
    session.flush()
    return comment
