"""The database engine and schema, the error bodies every refusal carries, and rows turned into API bodies."""

from __future__ import annotations

from datetime import timedelta

import pytest
from pydantic import BaseModel, Field, ValidationError
from sqlalchemy import inspect, select, text, update

from commentdesk.api import presenters
from commentdesk.api.errors import ApiError, error_body, invalid, problem_fields
from commentdesk.store import repository as repo
from commentdesk.store.db import changed_rows, make_engine, migrate, session_factory
from commentdesk.store.models import Comment, utcnow
from db_fixtures import add_article, add_comment


def test_sqlite_is_durable_and_checks_foreign_keys(tmp_path):
    engine = make_engine(f"sqlite:///{tmp_path / 'nested' / 'db.sqlite3'}")
    with engine.connect() as connection:
        assert connection.execute(text("PRAGMA journal_mode")).scalar() == "wal"
        assert connection.execute(text("PRAGMA synchronous")).scalar() == 2  # FULL
        assert connection.execute(text("PRAGMA foreign_keys")).scalar() == 1
    assert (tmp_path / "nested" / "db.sqlite3").exists()  # the folder was made
    engine.dispose()


def test_an_in_memory_database_works_without_a_pool(tmp_path):
    engine = make_engine("sqlite://")
    with engine.connect() as connection:
        assert connection.execute(text("select 1")).scalar() == 1
    engine.dispose()


def test_migrating_twice_is_harmless_and_makes_every_table(empty_database_url):
    engine = make_engine(empty_database_url)
    migrate(engine)
    migrate(engine)
    tables = set(inspect(engine).get_table_names())
    assert {
        "sites",
        "articles",
        "comments",
        "commenters",
        "moderation_events",
        "reports",
        "domain_events",
        "webhook_endpoints",
        "webhook_deliveries",
    } <= tables
    engine.dispose()


def test_changed_rows_counts_what_an_update_touched(session, site):
    article = add_article(session, site)
    add_comment(session, article, "one")
    add_comment(session, article, "two", author="Ben")
    session.commit()
    assert changed_rows(session, update(Comment).where(Comment.article_id == article.id).values(priority=1.0)) == 2
    assert changed_rows(session, update(Comment).where(Comment.id == -1).values(priority=1.0)) == 0


def test_sessions_keep_loaded_rows_after_commit(sessions, site):
    factory = session_factory(sessions.kw["bind"])
    with factory() as session:
        article = add_article(session, session.merge(site))
        session.commit()
        assert article.title  # readable without a new query: nothing expires on commit


def test_the_error_body_always_has_code_message_and_fields():
    assert error_body("x", "y") == {"error": {"code": "x", "message": "y", "fields": {}}}
    assert error_body("x", "y", {"a": "b"})["error"]["fields"] == {"a": "b"}
    error = ApiError(418, "teapot", "I am a teapot.", {"kettle": "no"})
    assert (error.status, error.code, error.message, error.fields) == (418, "teapot", "I am a teapot.", {"kettle": "no"})


def test_validation_problems_become_dotted_field_names():
    class Inner(BaseModel):
        size: int = Field(ge=1)

    class Outer(BaseModel):
        name: str
        inner: Inner

    with pytest.raises(ValidationError) as caught:
        Outer.model_validate({"inner": {"size": 0}})
    fields = problem_fields(caught.value.errors())
    assert set(fields) == {"name", "inner.size"} and "greater than or equal to 1" in fields["inner.size"]
    api_error = invalid(caught.value, "invalid_thing", "Bad thing.")
    assert (api_error.status, api_error.code, api_error.message) == (422, "invalid_thing", "Bad thing.")


def test_request_locations_are_left_out_of_field_names():
    problems = [
        {"loc": ("body", "text"), "msg": "too long"},
        {"loc": ("query", "limit"), "msg": "too big"},
        {"loc": ("body",), "msg": "not JSON"},
        {"loc": ("body", "text"), "msg": "second problem"},
        {},
    ]
    assert problem_fields(problems) == {"text": "too long", "limit": "too big", "body": "not JSON"}


def test_an_article_row_as_the_api_shows_it(session, site):
    article = add_article(session, site)
    session.commit()
    shown = presenters.article_out(article, email_notifications=True)
    assert (shown.id, shown.site, shown.url, shown.page_url) == (article.id, "news", article.url, f"/articles/{article.id}")
    assert shown.comments_open and not shown.premoderate and shown.email_notifications and shown.published_count == 0


def test_a_comment_row_as_the_api_shows_it(session, site):
    article = add_article(session, site)
    root = add_comment(session, article, "root")
    reply = add_comment(session, article, "reply", parent=root, author="Ben")
    session.commit()
    session.refresh(root)
    shown = presenters.comment_out(root)
    assert (shown.author.name, shown.html, shown.status, shown.reply_count, shown.parent) == (
        "Ana",
        "<p>root</p>",
        "published",
        1,
        None,
    )
    shown_reply = presenters.comment_out(reply)
    assert shown_reply.parent.id == root.id and shown_reply.parent.author_name == "Ana" and shown_reply.reply_count == 0
    assert presenters.comment_out(reply, {root.id: "Named elsewhere"}).parent.author_name == "Named elsewhere"


def test_a_deleted_or_edited_comment_shows_as_such(session, site):
    comment = add_comment(session, add_article(session, site), "gone")
    comment.deleted_at = utcnow()
    shown = presenters.comment_out(comment)
    assert shown.deleted and shown.author.name == "" and shown.html == ""
    comment.deleted_at, comment.edited_at = None, utcnow() + timedelta(seconds=1)
    assert presenters.comment_out(comment).edited


def test_a_thread_page_nests_replies_with_their_cursor(session, site):
    article = add_article(session, site)
    root = add_comment(session, article, "root")
    add_comment(session, article, "reply", parent=root, author="Ben")
    session.commit()
    page = repo.thread_page(session, article.id, None, 10)
    shown = presenters.thread_comments(page)
    assert [item.id for item in shown] == [root.id]
    assert [item.html for item in shown[0].replies] == ["<p>reply</p>"] and shown[0].more_replies_cursor is None
    assert session.scalar(select(Comment.id).where(Comment.text == "reply")) == shown[0].replies[0].id
