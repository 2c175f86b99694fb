"""Posting a comment at the service level, with canned model outputs: validation of what a
reader sends, what is stored and counted, nudges, replies, bans, floods, and what the author is
told. The API tests (tests/api) cover the same path through HTTP with the real models."""

from __future__ import annotations

import logging
import re
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from commentdesk import render
from commentdesk.moderation.models.abuse import AbuseScore
from commentdesk.moderation.models.relevance import RelevanceScore
from commentdesk.moderation.pipeline import Pipeline
from commentdesk.moderation.types import (
    HOLD,
    PUBLISH,
    REJECT,
    Candidate,
    CommenterHistory,
    Decision,
    ModelSignals,
    Reason,
    RecentActivity,
)
from commentdesk.services import comment_input, posting
from commentdesk.services.comment_input import PostingError
from commentdesk.services.posting import CommentPoster, Nudged, Posted
from commentdesk.store import repository as repo
from commentdesk.store.models import Comment, DomainEvent, ModerationEvent, Nudge, utcnow
from db_fixtures import add_article, add_comment

SECRET = "test-secret"
CIVIL = "Protected lanes on Market Street will make the school run safer for everyone."


class WordModels:
    """Abuse 0.97 when the text says "clowns", 0.6 when it says "daft"; relevance high unless "cake"."""

    def load(self):
        return self

    @property
    def versions(self) -> dict[str, str]:
        return {"abuse": "words@1"}

    def signals(self, candidate: Candidate) -> ModelSignals:
        text = candidate.text.lower()
        abuse = 0.97 if "clowns" in text else 0.6 if "daft" in text else 0.02
        relevance = 0.05 if "cake" in text else 0.9
        return ModelSignals(
            abuse=AbuseScore(abuse), relevance=RelevanceScore(relevance, relevance, None, "article"), versions=self.versions
        )


@pytest.fixture
def poster():
    return CommentPoster(Pipeline(WordModels()), SECRET, max_chars=500)


@pytest.fixture
def article(session, site):
    site.policy = {"flood_per_minute_commenter": 100, "flood_per_minute_address": 100, "abuse_hold": 0.5, "abuse_reject": 0.9}
    made = add_article(session, site)
    session.commit()
    return made


def post(poster, session, article, text=CIVIL, **fields) -> Posted | Nudged:
    fields.setdefault("author_name", "Ana")
    fields.setdefault("author_email", None)
    return poster.post(session, article, text=text, **fields)


def test_a_civil_comment_is_published_stored_counted_and_announced(poster, session, article):
    posted = post(poster, session, article, "  " + CIVIL + "  ", author_email="Ana@Example.com", client_address="203.0.113.7")
    comment = posted.comment
    assert posted.decision.decision == PUBLISH and comment.status == "published" and comment.text == CIVIL
    assert comment.html.startswith("<p>") and CIVIL in comment.html
    assert comment.email_hash == repo.keyed_hash(SECRET, "email:ana@example.com") and comment.ip_hash
    assert "203.0.113.7" not in str(comment.ip_hash) and "ana@example.com" not in str(comment.email_hash)
    assert posted.edit_token and comment.edit_token_hash == posting.edit_token_hash(posted.edit_token)
    assert comment.model_versions == {"abuse": "words@1"} and comment.system_decision == PUBLISH
    session.refresh(article)
    assert article.published_count == 1
    assert [e.kind for e in session.scalars(select(DomainEvent).order_by(DomainEvent.id))] == [
        "comment.created",
        "comment.published",
    ]


def test_abuse_is_held_or_rejected_as_the_site_sets_it(poster, session, article):
    held = post(poster, session, article, "This plan is daft and so is the council that made it.")
    rejected = post(poster, session, article, "Only clowns would vote for lanes on Market Street.", author_name="Ben")
    assert held.comment.status == "pending" and held.decision.decision == HOLD
    assert rejected.comment.status == "rejected" and rejected.decision.decision == REJECT
    assert rejected.comment.priority > held.comment.priority > 0


@pytest.mark.parametrize(
    ("fields", "code", "field"),
    [
        ({"author_name": "   "}, "name_required", "author_name"),
        ({"author_name": "n" * (comment_input.MAX_NAME_CHARS + 1)}, "name_too_long", "author_name"),
        ({"author_email": "not-an-address"}, "email_invalid", "author_email"),
        ({"author_email": "a" * 250 + "@example.com"}, "email_invalid", "author_email"),
        ({"text": " \n\t "}, "text_required", "text"),
        ({"text": "\x00\x07"}, "text_required", "text"),
        ({"text": "x" * 501}, "text_too_long", "text"),
    ],
)
def test_invalid_posts_are_refused_by_field_and_store_nothing(poster, session, article, fields, code, field):
    with pytest.raises(PostingError) as refused:
        post(poster, session, article, **fields)
    assert (refused.value.code, refused.value.field, refused.value.status) == (code, field, 422)
    assert session.scalar(select(func.count()).select_from(Comment)) == 0


def test_control_characters_go_and_the_readers_line_breaks_stay():
    assert comment_input.clean_text("  one\r\ntwo\x00\x1b three\x7f \n") == "one\ntwo three"
    assert comment_input.validate("  Ana   Maria ", " Ana@Example.COM ", "text", 10) == ("Ana Maria", "ana@example.com", "text")
    assert comment_input.validate("Ana", "", "text", 10)[1] is None


def test_a_reply_nests_under_its_parent(poster, session, article):
    parent = post(poster, session, article).comment
    reply = post(
        poster, session, article, "I agree, and the shops will adapt to it within a year.", author_name="Ben", parent_id=parent.id
    ).comment
    assert (reply.parent_id, reply.root_id, reply.depth) == (parent.id, parent.id, 1)
    session.refresh(parent)
    assert parent.reply_count == 1


def test_at_debug_level_each_stored_post_logs_where_its_time_went(poster, session, article, caplog, database_url):
    with caplog.at_level(logging.DEBUG, logger="commentdesk.services.posting"):
        post(poster, session, article)
    [line] = [record.getMessage() for record in caplog.records if "post phases" in record.getMessage()]
    match = re.fullmatch(
        r"post phases ms: flood count [\d.]+, models [\d.]+, store [\d.]+"
        r"(?: \(lock wait ([\d.]+), lock held ([\d.]+)\))?, all [\d.]+",
        line,
    )
    assert match
    # On SQLite the storing shows apart its wait for the write lock and its hold of it.
    assert (match.group(1) is not None) == database_url.startswith("sqlite")


def test_replies_only_to_published_comments_on_the_same_article(poster, session, article, site):
    held = post(poster, session, article, "This plan is daft and so is the council that made it.").comment
    other_article = add_article(session, site, url="https://news.example/other")
    elsewhere = add_comment(session, other_article, "elsewhere")
    session.commit()
    for parent_id in (held.id, elsewhere.id, 987_654):
        with pytest.raises(PostingError) as refused:
            post(poster, session, article, parent_id=parent_id)
        assert (refused.value.code, refused.value.status) == ("parent_not_found", 404)


def test_a_thread_too_deep_takes_no_more_replies(poster, session, article):
    deepest = add_comment(session, article, "deep")
    deepest.depth = posting.MAX_DEPTH
    session.commit()
    with pytest.raises(PostingError, match="too deep"):
        post(poster, session, article, parent_id=deepest.id)


def test_closed_articles_take_no_comments(poster, session, article):
    article.comments_open = False
    session.commit()
    with pytest.raises(PostingError) as refused:
        post(poster, session, article)
    assert (refused.value.code, refused.value.status) == ("comments_closed", 403)


def test_comments_close_by_the_sites_age_limit(poster, session, article, site):
    site.policy = {**site.policy, "close_after_days": 3}
    article.published_at = utcnow() - timedelta(days=4)
    session.commit()
    with pytest.raises(PostingError, match="closed"):
        post(poster, session, article)


def test_a_banned_commenter_is_refused(poster, session, article):
    first = post(poster, session, article, author_email="troll@example.com").comment
    first.commenter.banned_until = utcnow() + timedelta(days=1)
    session.commit()
    with pytest.raises(PostingError) as refused:
        post(
            poster,
            session,
            article,
            "Another comment about the lanes on Market Street, really.",
            author_email="troll@example.com",
        )
    assert (refused.value.code, refused.value.status) == ("commenter_banned", 403)


def test_an_address_over_the_refusal_limit_is_answered_429_before_anything_is_stored(poster, session, article, site):
    site.policy = {**site.policy, "refuse_per_minute_address": 2}
    session.commit()
    for number in range(2):
        post(poster, session, article, f"{CIVIL} ({number})", author_name=f"Reader {number}", client_address="198.51.100.9")
    with pytest.raises(PostingError) as refused:
        post(poster, session, article, CIVIL + " again", author_name="Reader 3", client_address="198.51.100.9")
    assert (refused.value.code, refused.value.status) == ("too_many_comments", 429)
    assert session.scalar(select(func.count()).select_from(Comment)) == 2


class CountingQueue:
    """Stands in for the moderation queue: starts each check at once, and counts them."""

    check_wait_s = 60.0

    def __init__(self, models) -> None:
        self.models, self.started = models, []

    def start_check(self, candidate):
        from concurrent.futures import Future

        self.started.append(candidate.text)
        future = Future()
        future.set_result(self.models.signals(candidate))
        return future


def test_a_refused_address_costs_no_model_work_until_its_minute_is_over(session, article, site, monkeypatch):
    # With a queue (a server) the models start before the flood count; see CommentPoster.post.
    queue = CountingQueue(WordModels())
    poster = CommentPoster(Pipeline(WordModels()), SECRET, max_chars=500, queue=queue)
    site.policy = {**site.policy, "refuse_per_minute_address": 1}
    session.commit()
    assert post(poster, session, article, client_address="198.51.100.9").decision.decision == PUBLISH
    # The first refusal had started the models before the count; the next ones count first.
    for number in range(3):
        with pytest.raises(PostingError) as refused:
            post(poster, session, article, f"{CIVIL} ({number})", author_name=f"R{number}", client_address="198.51.100.9")
        assert refused.value.code == "too_many_comments"
    assert len(queue.started) == 2
    # Another address is checked as usual; the refused one, once its minute is over, starts again.
    assert post(poster, session, article, CIVIL + " too", client_address="203.0.113.5").decision.decision == PUBLISH
    assert len(queue.started) == 3
    later = posting.time.monotonic() + 61
    monkeypatch.setattr(posting.time, "monotonic", lambda: later)
    with pytest.raises(PostingError):  # the stored count still refuses it: the hint only orders the work
        post(poster, session, article, CIVIL + " later", author_name="R9", client_address="198.51.100.9")
    assert len(queue.started) == 4


def test_sites_requiring_accounts_refuse_guests(poster, session, article, site):
    site.policy = {**site.policy, "accounts_required": True}
    session.commit()
    with pytest.raises(PostingError) as refused:
        post(poster, session, article)
    assert (refused.value.code, refused.value.status) == ("account_required", 401)


def test_asking_for_email_needs_a_notifier_and_an_address(poster, session, article):
    with pytest.raises(PostingError) as refused:
        post(poster, session, article, notify=True, author_email="ana@example.com")
    assert refused.value.code == "notifications_unavailable"


def test_a_fixable_comment_is_nudged_not_stored_and_an_edit_is_counted(poster, session, article):
    nudged = post(poster, session, article, "This plan is daft and so is the council that made it.", nudge=True)
    assert isinstance(nudged, Nudged) and session.scalar(select(func.count()).select_from(Comment)) == 0
    assert nudged.message().startswith("Before you post: your comment may break our guidelines.")
    assert "post it unchanged and a moderator will read it" in nudged.message()
    edited = post(
        poster, session, article, "This plan is unwise, and the council should think again.", nudge=True, nudge_token=nudged.token
    )
    assert isinstance(edited, Posted) and edited.comment.status == "published"
    stored = session.scalars(select(Nudge)).one()
    assert stored.edited is True and stored.outcome == "published" and stored.comment_id == edited.comment.id


def test_a_nudged_comment_sent_unchanged_goes_to_a_moderator(poster, session, article):
    text = "Only clowns would vote for lanes on Market Street."
    nudged = post(poster, session, article, text, nudge=True)
    again = post(poster, session, article, text, nudge=True, nudge_token=nudged.token)
    assert again.comment.status == "pending" and again.decision.decision == HOLD
    assert [reason.code for reason in again.decision.reasons][-1] == "sent_after_nudge"
    assert session.scalars(select(Nudge)).one().edited is False


def test_off_topic_comments_are_not_nudged_when_the_site_turns_nudges_off(poster, session, article, site):
    site.policy = {**site.policy, "nudge": False}
    session.commit()
    posted = post(poster, session, article, "Does anyone have a good recipe for lemon cake with almonds?", nudge=True)
    assert isinstance(posted, Posted) and posted.comment.status == "pending"


def test_an_unknown_nudge_token_only_loses_the_statistic(poster, session, article):
    posted = post(poster, session, article, nudge=True, nudge_token="no-such-token")
    assert isinstance(posted, Posted) and posted.comment.status == "published"


def test_a_rejection_resting_on_a_banned_word_stays_a_rejection_after_a_nudge():
    banned = Decision(REJECT, [Reason("banned_word", "It uses a word this site does not allow.", ["x"])], {}, {})
    assert posting.reviewed_after_nudge(banned).decision == REJECT
    models_only = Decision(REJECT, [Reason("abusive", "It appears to contain an insult.")], {}, {})
    assert posting.reviewed_after_nudge(models_only).decision == HOLD
    spam = Decision(REJECT, [Reason("abusive", "x"), Reason("contact_bait", "y")], {}, {})
    assert posting.reviewed_after_nudge(spam).decision == REJECT
    held = Decision(HOLD, [Reason("possibly_abusive", "x")], {}, {})
    assert posting.reviewed_after_nudge(held) is held and held.decision == HOLD
    assert "cannot be published" in Nudged("t", Decision(REJECT, [Reason("banned_word", "w", [])], {}, {})).message()


def test_the_queue_puts_likely_abuse_first():
    assert posting.queue_priority(Decision(HOLD, [], {"abuse": 0.9, "spam": 0.1, "relevance": 0.8}, {})) == pytest.approx(2.0)
    assert posting.queue_priority(Decision(HOLD, [], {}, {})) == 0.0
    off_topic = posting.queue_priority(Decision(HOLD, [], {"relevance": 0.0}, {}))
    assert off_topic == 0.5


def test_a_post_is_rendered_once_and_its_links_still_count(poster, session, article, site, monkeypatch):
    site.policy = {**site.policy, "max_links": 0}
    session.commit()
    renders = []
    monkeypatch.setattr(render, "render_comment", lambda text: renders.append(text))  # what the spam phase would call
    posted = post(poster, session, article, CIVIL + " [programme](//harbour.example/programme)")
    assert [reason.code for reason in posted.decision.reasons] == ["too_many_links"]
    assert '<a href="//harbour.example/programme"' in posted.comment.html and renders == []


def test_the_inputs_of_a_later_check_round_trip(session, site):
    article = add_article(session, site)
    candidate = Candidate(
        "text",
        article.title,
        article.body,
        author_name="Ana",
        premoderated=True,
        history=CommenterHistory(3, 1, 1),
        recent=RecentActivity(2, 5, True, [11, 12]),
    )
    inputs = posting.check_inputs(candidate, sent_unchanged_after_nudge=True)
    assert inputs["sent_unchanged_after_nudge"] is True and inputs["recent"]["recent_fingerprints"] == [11, 12]
    again = posting.candidate_from(inputs, "text", article, "parent")
    assert again.history == candidate.history and again.recent == candidate.recent
    assert (again.author_name, again.premoderated, again.parent_text) == ("Ana", True, "parent")
    bare = posting.candidate_from({}, "text", article, None)
    assert bare.history == CommenterHistory() and bare.recent == RecentActivity() and not bare.premoderated


def test_status_tokens_belong_to_one_comment_and_one_server():
    token = posting.status_token(SECRET, 5)
    assert posting.status_token_matches(SECRET, 5, token)
    assert not posting.status_token_matches(SECRET, 6, token)
    assert not posting.status_token_matches("other", 5, token)
    assert not posting.status_token_matches(SECRET, 5, "")


def test_the_author_is_told_the_outcome_as_it_stands(poster, session, article):
    held = post(poster, session, article, "This plan is daft and so is the council that made it.").comment
    told = posting.outcome_of(held)
    assert told.outcome == "held" and told.message.startswith("Your comment is held for review by a moderator.")
    assert told.reasons and told.reasons[0][0] == "possibly_abusive"
    repo.change_status(session, held, "published", actor="moderator", actor_name="mod")
    session.commit()
    after = posting.outcome_of(held)
    assert (after.outcome, after.message, after.reasons) == ("published", "Your comment is published.", [])
    held.status = "checking"
    assert posting.outcome_of(held).outcome == "checking" and posting.outcome_of(held).message == posting.CHECKING_MESSAGE


def test_recheck_moderates_an_edit_like_a_new_comment_without_storing_it(poster, session, article):
    comment = post(poster, session, article).comment
    body, html, decision = poster.recheck(session, comment, "  Only clowns would build these lanes.  ")
    assert body == "Only clowns would build these lanes." and decision.decision == REJECT
    assert html == "<p>Only clowns would build these lanes.</p>"
    session.refresh(comment)
    assert comment.text == CIVIL and comment.status == "published"
    with pytest.raises(PostingError, match="empty"):
        poster.recheck(session, comment, "   ")


def test_every_post_is_in_the_audit_log_with_its_scores(poster, session, article):
    comment = post(poster, session, article, "This plan is daft and so is the council that made it.").comment
    event = session.scalars(select(ModerationEvent).where(ModerationEvent.comment_id == comment.id)).one()
    assert (event.actor, event.action, event.to_status) == ("system", HOLD, "pending")
    assert event.scores["abuse"] == 0.6 and event.reasons[0]["code"] == "possibly_abusive"


def test_an_edit_is_refused_where_a_new_comment_would_be(poster, session, article, site):
    comment = post(poster, session, article).comment
    article.comments_open = False
    session.commit()
    with pytest.raises(PostingError) as closed:
        poster.recheck(session, comment, "A reworded comment about the lanes on Market Street.")
    assert closed.value.code == "comments_closed"
    article.comments_open = True
    comment.commenter.banned_until = utcnow() + timedelta(days=1)
    session.commit()
    with pytest.raises(PostingError) as banned:
        poster.recheck(session, comment, "A reworded comment about the lanes on Market Street.")
    assert banned.value.code == "commenter_banned"


def test_edits_count_towards_the_address_limit(poster, session, article, site):
    site.policy = {**site.policy, "refuse_per_minute_address": 1}
    session.commit()
    comment = post(poster, session, article, client_address="198.51.100.20").comment
    with pytest.raises(PostingError) as refused:
        poster.recheck(session, comment, "A reworded comment about the lanes on Market Street.", "198.51.100.20")
    assert (refused.value.code, refused.value.status) == ("too_many_comments", 429)


def test_a_guest_banned_by_address_is_refused_under_a_new_name(poster, session, article):
    from commentdesk.services import accounts, workspace

    first = post(poster, session, article, author_name="Troll", client_address="203.0.113.99").comment
    admin = accounts.create_user(session, "boss", "a long enough password", "admin")
    session.commit()
    workspace.ban(session, admin, first.commenter, days=1, reason="abuse")
    with pytest.raises(PostingError) as refused:
        post(
            poster,
            session,
            article,
            "A fresh comment under a brand new name, honestly.",
            author_name="Angel",
            client_address="203.0.113.99",
        )
    assert refused.value.code == "commenter_banned"
    other = post(
        poster,
        session,
        article,
        "A comment from somebody else entirely, about the lanes.",
        author_name="Angel",
        client_address="203.0.113.100",
    )
    assert other.comment.status == "published"
