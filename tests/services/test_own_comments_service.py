"""Authors changing their own comments, at the service level: who counts as the author, the
window, an edit moderated again with its earlier version kept, and deletion that keeps replies."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from commentdesk import render
from commentdesk.moderation.models.abuse import AbuseScore
from commentdesk.moderation.models.relevance import RelevanceScore
from commentdesk.moderation.pipeline import Pipeline
from commentdesk.moderation.types import ModelSignals
from commentdesk.services import own_comments
from commentdesk.services.comment_input import PostingError
from commentdesk.services.own_comments import Authorship
from commentdesk.services.posting import CommentPoster
from commentdesk.services.reader_identity import Reader
from commentdesk.store import revisions
from commentdesk.store.models import Article, DomainEvent, ModerationEvent, utcnow

SECRET = "test-secret"
FIRST = "Protected lanes on Market Street will make the school run safer for everyone."
SECOND = "Protected lanes on Market Street will make the school run safer, and quicker too."


class WordModels:
    def load(self):
        return self

    @property
    def versions(self):
        return {"abuse": "words@1"}

    def signals(self, candidate):
        abuse = 0.97 if "clowns" in candidate.text.lower() else 0.02
        return ModelSignals(abuse=AbuseScore(abuse), relevance=RelevanceScore(0.9, 0.9, None, "article"), versions=self.versions)


@pytest.fixture
def poster():
    return CommentPoster(Pipeline(WordModels()), SECRET)


@pytest.fixture
def article(session, site):
    from db_fixtures import add_article

    site.policy = {"edit_window_minutes": 15, "abuse_hold": 0.5, "abuse_reject": 0.9}
    made = add_article(session, site)
    session.commit()
    return made


@pytest.fixture
def posted(poster, session, article):
    return poster.post(session, article, author_name="Ana", author_email=None, text=FIRST)


def reader_for(site_id: int, identity_hash: str) -> Reader:
    return Reader(
        site_id=site_id, identity_hash=identity_hash, name="Ana", email_hash=None, expires_at=utcnow() + timedelta(hours=1)
    )


def test_the_edit_token_from_posting_proves_authorship(session, posted):
    comment = posted.comment
    assert own_comments.is_author(session, comment, Authorship(edit_token=posted.edit_token))
    assert not own_comments.is_author(session, comment, Authorship(edit_token=posted.edit_token + "x"))
    assert not own_comments.is_author(session, comment, Authorship(edit_token="x" * 1000))
    assert not own_comments.is_author(session, comment, Authorship())


def test_a_guest_cannot_claim_a_comment_with_a_reader_session(session, posted):
    comment = posted.comment
    fake = reader_for(comment.site_id, comment.commenter.identity_hash)  # the guest's own hash, but no account
    assert not own_comments.is_author(session, comment, Authorship(reader=fake))


def test_a_signed_in_reader_owns_the_comments_of_their_account(poster, session, article):
    reader = reader_for(article.site_id, "sso-hash-of-ana")
    comment = poster.post(session, article, author_name="ignored", author_email=None, text=FIRST, reader=reader).comment
    assert comment.commenter.is_account and comment.author_name == "Ana"
    assert own_comments.is_author(session, comment, Authorship(reader=reader))
    assert not own_comments.is_author(session, comment, Authorship(reader=reader_for(article.site_id, "someone-else")))
    assert not own_comments.is_author(session, comment, Authorship(reader=reader_for(article.site_id + 1, "sso-hash-of-ana")))


def test_an_edit_is_moderated_again_and_the_old_version_kept(poster, session, posted):
    comment = posted.comment
    edited = own_comments.edit(poster, session, comment.id, "  " + SECOND + " ", Authorship(edit_token=posted.edit_token))
    assert edited.comment.text == SECOND and edited.comment.edited_at is not None and edited.decision.decision == "publish"
    assert SECOND in edited.comment.html
    kept = revisions.versions(session, [comment.id])[comment.id]
    assert [(revision.text, revision.status) for revision in kept] == [(FIRST, "published")]
    event = session.scalars(select(ModerationEvent).where(ModerationEvent.action == "edit")).one()
    assert (event.actor, event.from_status, event.to_status) == ("author", "published", "published")
    assert [e.kind for e in session.scalars(select(DomainEvent).order_by(DomainEvent.id))][-1] == "comment.edited"


def test_an_edit_is_rendered_once_and_its_links_still_count(poster, session, posted, site, monkeypatch):
    site.policy = {**site.policy, "max_links": 0}
    session.commit()
    renders = []
    markdown = render._markdown.render
    monkeypatch.setattr(render._markdown, "render", lambda text: renders.append(text) or markdown(text))
    text = SECOND + " [plan](https://harbour.example/plan)"
    edited = own_comments.edit(poster, session, posted.comment.id, text, Authorship(edit_token=posted.edit_token))
    assert [reason.code for reason in edited.decision.reasons] == ["too_many_links"]
    assert '<a href="https://harbour.example/plan"' in edited.comment.html and renders == [text]


def test_an_edit_into_abuse_is_rejected_and_leaves_the_counts(poster, session, posted, article):
    comment = posted.comment
    edited = own_comments.edit(
        poster, session, comment.id, "Only clowns would oppose these lanes.", Authorship(edit_token=posted.edit_token)
    )
    assert edited.comment.status == "rejected"
    session.refresh(article)
    assert article.published_count == 0
    kinds = [e.kind for e in session.scalars(select(DomainEvent).order_by(DomainEvent.id))]
    assert kinds[-2:] == ["comment.edited", "comment.rejected"]


def test_an_unchanged_edit_is_refused(poster, session, posted):
    with pytest.raises(PostingError) as refused:
        own_comments.edit(poster, session, posted.comment.id, FIRST + "  ", Authorship(edit_token=posted.edit_token))
    assert (refused.value.code, refused.value.field) == ("text_unchanged", "text")


def test_someone_else_cannot_edit_or_delete(poster, session, posted):
    for change in (
        lambda who: own_comments.edit(poster, session, posted.comment.id, SECOND, who),
        lambda who: own_comments.delete(session, posted.comment.id, who),
    ):
        with pytest.raises(PostingError) as refused:
            change(Authorship(edit_token="guessed-token"))
        assert (refused.value.code, refused.value.status) == ("not_your_comment", 403)
    assert posted.comment.text == FIRST and posted.comment.deleted_at is None


def test_changes_end_with_the_sites_window(poster, session, posted):
    posted.comment.created_at = utcnow() - timedelta(minutes=16)
    session.commit()
    with pytest.raises(PostingError) as refused:
        own_comments.edit(poster, session, posted.comment.id, SECOND, Authorship(edit_token=posted.edit_token))
    assert (refused.value.code, refused.value.status) == ("edit_window_closed", 403)
    assert "15 minutes" in refused.value.message


def test_a_window_of_zero_means_never(poster, session, posted, site):
    site.policy = {**site.policy, "edit_window_minutes": 0}
    session.commit()
    with pytest.raises(PostingError, match="edit_window_closed|can no longer be changed"):
        own_comments.delete(session, posted.comment.id, Authorship(edit_token=posted.edit_token))


def test_a_comment_being_checked_cannot_be_changed_yet(session, posted):
    posted.comment.status = "checking"
    session.commit()
    with pytest.raises(PostingError) as refused:
        own_comments.delete(session, posted.comment.id, Authorship(edit_token=posted.edit_token))
    assert (refused.value.code, refused.value.status) == ("comment_being_checked", 409)


def test_unknown_and_deleted_comments_are_not_found(session, posted):
    with pytest.raises(PostingError) as refused:
        own_comments.delete(session, 987_654, Authorship(edit_token=posted.edit_token))
    assert refused.value.status == 404
    own_comments.delete(session, posted.comment.id, Authorship(edit_token=posted.edit_token))
    with pytest.raises(PostingError, match="No comment of yours"):
        own_comments.delete(session, posted.comment.id, Authorship(edit_token=posted.edit_token))


def test_deleting_leaves_the_counts_keeps_the_row_and_logs_it(poster, session, posted, article):
    reply = poster.post(
        session,
        article,
        author_name="Ben",
        author_email=None,
        text="I agree, and the shops will adapt to the lanes soon.",
        parent_id=posted.comment.id,
    )
    deleted = own_comments.delete(session, reply.comment.id, Authorship(edit_token=reply.edit_token))
    assert deleted.deleted_at is not None and deleted.text  # the row and its text stay for moderators
    session.refresh(article)
    session.refresh(posted.comment)
    assert article.published_count == 1 and posted.comment.reply_count == 0
    event = session.scalars(select(ModerationEvent).where(ModerationEvent.action == "delete")).one()
    assert (event.actor, event.actor_name, event.note) == ("author", "Ben", "Deleted by its author.")
    assert [e.kind for e in session.scalars(select(DomainEvent).order_by(DomainEvent.id))][-1] == "comment.deleted"


def test_deleting_an_unpublished_comment_still_refreshes_cached_pages(poster, session, article):
    rejected = poster.post(
        session, article, author_name="Ana", author_email=None, text="Only clowns would oppose these lanes, honestly."
    )
    before = session.get(Article, article.id).revision
    own_comments.delete(session, rejected.comment.id, Authorship(edit_token=rejected.edit_token))
    session.refresh(article)
    assert article.revision == before + 1 and article.published_count == 0


def test_versions_of_no_comments_is_empty(session):
    assert revisions.versions(session, []) == {}
