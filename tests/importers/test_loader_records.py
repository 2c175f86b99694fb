"""The import loader fed records directly, in any order a hostile or broken export may have:
threads after their comments, replies before their parents, loops, duplicates, damage. Whatever
comes, each comment is stored once, in a thread that exists, or counted as skipped with a reason."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import numpy as np
import pytest
from sqlalchemy import func, select

import db_fixtures
from commentdesk.importers.loader import IMPORTED, MAX_TEXT_CHARS, ImportSummary, import_records, normalized_url
from commentdesk.importers.records import APPROVED, DELETED, PENDING, SPAM, SkippedEntry, SourceComment, SourceThread
from commentdesk.moderation.models.abuse import AbuseScore
from commentdesk.moderation.models.relevance import RelevanceScore
from commentdesk.moderation.pipeline import Pipeline
from commentdesk.moderation.types import ModelSignals
from commentdesk.store import repository as repo
from commentdesk.store.models import Article, Comment

# A migrated database without the application (tests/db_fixtures.py), under this folder's fixture names.
sessions, session, site = db_fixtures.sessions, db_fixtures.session, db_fixtures.site

SECRET = "test-secret"
WHEN = datetime(2024, 3, 1, 12, 0, tzinfo=UTC)


def thread(key="t1", url="https://news.example/a", title="A story", body=""):
    return SourceThread(key, url, title, body)


def comment(number, thread_key="t1", parent=None, text=None, state=APPROVED, name="Reader", email=None, minutes=0):
    return SourceComment(
        f"src:{number}",
        thread_key,
        f"src:{parent}" if parent is not None else None,
        name,
        email,
        text if text is not None else f"Comment number {number} about the story.",
        WHEN + timedelta(minutes=minutes),
        state,
    )


def run(session, site, records, **options) -> ImportSummary:
    return import_records(session, site, records, secret=SECRET, **options)


def stored(session):
    return {row.source_id: row for row in session.scalars(select(Comment).order_by(Comment.id))}


def test_threads_and_comments_become_articles_and_comments(session, site):
    summary = run(session, site, [thread(), comment(1), comment(2, parent=1), comment(3, state=PENDING)])
    rows = stored(session)
    assert summary.threads_in_file == 1 and summary.articles_created == 1 and summary.imported_total == 3
    assert rows["src:1"].status == "published" and rows["src:3"].status == "pending"
    assert rows["src:2"].parent_id == rows["src:1"].id and rows["src:2"].root_id == rows["src:1"].id and rows["src:2"].depth == 1
    assert rows["src:1"].system_decision == IMPORTED and rows["src:1"].created_at == WHEN
    article = session.scalars(select(Article)).one()
    assert (article.url, article.title, article.published_count) == ("https://news.example/a", "A story", 2)


def test_a_comment_before_its_thread_waits_for_it(session, site):
    summary = run(session, site, [comment(1), comment(2, parent=1), thread()])
    assert summary.imported_total == 2 and summary.skipped == {}


def test_a_reply_before_its_parent_waits_for_it(session, site):
    run(session, site, [thread(), comment(3, parent=2), comment(2, parent=1), comment(1)])
    rows = stored(session)
    assert rows["src:3"].parent_id == rows["src:2"].id and rows["src:2"].parent_id == rows["src:1"].id
    assert rows["src:3"].depth == 2 and rows["src:3"].root_id == rows["src:1"].id


def test_a_reply_whose_parent_never_comes_becomes_top_level(session, site):
    summary = run(session, site, [thread(), comment(2, parent=99)])
    assert summary.made_top_level == 1 and stored(session)["src:2"].parent_id is None


def test_replies_answering_each_other_in_a_loop_are_all_stored(session, site):
    summary = run(session, site, [thread(), comment(1, parent=2), comment(2, parent=1)])
    rows = stored(session)
    assert len(rows) == 2 and summary.made_top_level == 1
    tops = [row for row in rows.values() if row.parent_id is None]
    assert len(tops) == 1


def test_a_reply_in_another_thread_than_its_parent_becomes_top_level(session, site):
    summary = run(
        session, site, [thread("t1"), thread("t2", url="https://news.example/b"), comment(1, "t1"), comment(2, "t2", parent=1)]
    )
    assert summary.made_top_level == 1 and stored(session)["src:2"].parent_id is None


def test_spam_deleted_empty_huge_and_duplicate_entries_are_skipped_with_reasons(session, site):
    summary = run(
        session,
        site,
        [
            thread(),
            comment(1),
            comment(1),
            comment(2, state=SPAM),
            comment(3, state=DELETED),
            comment(4, text="  \x00 "),
            comment(5, text="x" * (MAX_TEXT_CHARS + 1)),
            SkippedEntry("no author element", "src:6"),
            comment(7, parent=2),
        ],
    )
    assert summary.skipped == {
        "duplicate entry in the file": 1,
        "spam in the source": 1,
        "deleted in the source": 1,
        "empty text": 1,
        f"text over {MAX_TEXT_CHARS} characters": 1,
        "no author element": 1,
    }
    assert set(stored(session)) == {"src:1", "src:7"}
    assert summary.made_top_level == 1  # src:7 answered a spam comment


def test_comments_of_a_thread_never_declared_are_skipped(session, site):
    summary = run(session, site, [comment(1, "ghost")])
    assert summary.skipped == {"thread not in the file": 1} and stored(session) == {}


@pytest.mark.parametrize("url", ["", "not a url", "ftp://files.example/x", "javascript:alert(1)", "https://" + "a" * 2100])
def test_a_thread_without_a_usable_web_address_is_skipped(session, site, url):
    summary = run(session, site, [thread(url=url), comment(1)])
    assert summary.skipped == {"thread without a usable http(s) URL": 1}
    assert session.scalar(select(func.count()).select_from(Article)) == 0


def test_importing_the_same_file_again_adds_nothing(session, site):
    records = [thread(), comment(1), comment(2, parent=1)]
    run(session, site, records)
    again = run(session, site, records)
    assert again.imported_total == 0 and again.already_imported == 2 and again.articles_created == 0
    assert session.scalar(select(func.count()).select_from(Comment)) == 2


def test_a_later_file_can_answer_comments_of_an_earlier_one(session, site):
    run(session, site, [thread(), comment(1)])
    run(session, site, [thread(), comment(2, parent=1)])
    rows = stored(session)
    assert rows["src:2"].parent_id == rows["src:1"].id


def test_an_article_the_cms_registered_keeps_its_title(session, site):
    from commentdesk.store import repository as repo

    repo.upsert_article(session, site, "https://news.example/a", title="The CMS title", body="CMS body")
    session.commit()
    summary = run(session, site, [thread(title="Exported title"), comment(1)])
    assert summary.articles_matched == 1 and summary.articles_created == 0
    assert session.scalars(select(Article)).one().title == "The CMS title"


def test_a_dry_run_stores_nothing_but_counts_everything(session, site):
    summary = run(session, site, [thread(), comment(1), comment(2)], dry_run=True)
    assert summary.imported_total == 2
    assert session.scalar(select(func.count()).select_from(Comment)) == 0


def test_an_error_midway_leaves_the_database_as_it_was(session, site):
    def records():
        yield thread()
        yield comment(1)
        raise RuntimeError("the file broke off")

    with pytest.raises(RuntimeError):
        run(session, site, records())
    assert session.scalar(select(func.count()).select_from(Comment)) == 0


def test_names_and_emails_are_cleaned_and_hashed(session, site):
    run(
        session,
        site,
        [
            thread(),
            comment(1, name="  Ana \x07 Maria  ", email="Ana@Example.com"),
            comment(2, name="   "),
            comment(3, email="not-an-address"),
        ],
    )
    rows = stored(session)
    assert rows["src:1"].author_name == "Ana Maria" and rows["src:1"].email_hash and "ana" not in rows["src:1"].email_hash
    assert rows["src:2"].author_name == "Anonymous" and rows["src:3"].email_hash is None


class CannedModels:
    def load(self):
        return self

    @property
    def versions(self):
        return {"abuse": "canned"}

    def signals(self, candidate):
        abuse = 0.99 if "clowns" in candidate.text else 0.01
        return ModelSignals(abuse=AbuseScore(abuse), relevance=RelevanceScore(0.9, 0.9, None, "article"), versions=self.versions)


def test_with_moderation_the_models_decide_and_pending_stays_pending(session, site):
    records = [
        thread(),
        comment(1),
        comment(2, text="Only clowns would write this story."),
        comment(3, text="Only clowns would write this, pending.", state=PENDING),
    ]
    summary = run(session, site, records, pipeline=Pipeline(CannedModels()))
    rows = stored(session)
    assert rows["src:1"].status == "published" and rows["src:1"].model_versions == {"abuse": "canned"}
    assert rows["src:2"].status == "rejected" and rows["src:2"].reasons
    assert rows["src:3"].status == "pending" and rows["src:3"].system_decision == "hold"
    assert summary.imported == {"published": 1, "rejected": 1, "pending": 1}


def test_the_summary_reads_as_lines():
    summary = ImportSummary(threads_in_file=2, articles_created=1, already_imported=3, made_top_level=1)
    summary.imported["published"] += 4
    summary.skipped["empty text"] += 2
    summary.skipped["spam in the source"] += 5
    lines = summary.lines()
    assert lines[0] == "threads in file: 2; articles created: 1, matched: 0"
    assert lines[1] == "comments imported: 4 (published 4)"
    assert lines[-2:] == ["  spam in the source: 5", "  empty text: 2"]


@pytest.mark.parametrize(
    ("raw", "url"),
    [
        ("https://news.example/a", "https://news.example/a"),
        ("  https://news.example/a  ", "https://news.example/a"),
        ("http://news.example", "http://news.example/"),
        ("news.example/a", None),
        ("", None),
        ("mailto:x@example.com", None),
    ],
)
def test_thread_addresses_are_stored_as_the_api_stores_them(raw, url):
    assert normalized_url(raw) == url


class EmbeddingModels(CannedModels):
    """Canned models whose checks also give the article's passages, as the embedder does."""

    @property
    def versions(self):
        return {"abuse": "canned", "embedder": "canned-embedder@1"}

    def signals(self, candidate):
        signals = super().signals(candidate)
        signals.passages = [candidate.article_title]
        signals.passage_vectors = np.ones((1, 3), np.float32)
        return signals


def test_with_moderation_the_passages_the_checks_computed_are_stored_for_the_sites_bank(session, site):
    records = [thread(), comment(1), comment(2), thread("t2", "https://news.example/b", "Another story"), comment(3, "t2")]
    run(session, site, records, pipeline=Pipeline(EmbeddingModels()))
    articles = session.scalars(select(Article).order_by(Article.id)).all()
    found = [repo.cached_passages(session, article, "canned-embedder@1") for article in articles]
    assert [passages for passages, _vectors in found] == [["A story"], ["Another story"]]
