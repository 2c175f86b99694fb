"""Webhook endpoints as a site sets them up, the events they are sent, and the outbox's claims and tries."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from commentdesk.services import events, webhooks
from commentdesk.services.sites import create_site
from commentdesk.services.webhooks import WebhookError
from commentdesk.store import outbox
from commentdesk.store.models import DeliveryStatus, DomainEvent, WebhookDelivery, utcnow
from db_fixtures import add_article, add_comment

URL = "https://hooks.example/commentdesk"


@pytest.mark.parametrize(
    "url",
    [
        "ftp://hooks.example/",
        "hooks.example/x",
        "https://",
        "javascript:alert(1)",
        "https://user:secret@hooks.example/",
        "https://token@hooks.example/",
        "https://hooks.example/" + "a" * 2000,
    ],
)
def test_bad_urls_are_refused_with_the_field_named(url):
    with pytest.raises(WebhookError) as refused:
        webhooks.checked_url(url)
    assert refused.value.code == "webhook_url_invalid" and refused.value.field == "url" and refused.value.status == 422


@pytest.mark.parametrize("url", ["http://127.0.0.1:9000/hook", "https://hooks.example/a?b=c", "https://hooks.example:8443/"])
def test_http_and_https_urls_are_taken_as_given(url):
    assert webhooks.checked_url(url) == url


def test_event_kinds_are_checked_deduplicated_and_put_in_their_documented_order():
    assert webhooks.checked_kinds(["article.closed", "comment.created", "comment.created"]) == [
        "comment.created",
        "article.closed",
    ]
    assert webhooks.checked_kinds([]) == []
    with pytest.raises(WebhookError, match=r"Unknown event types: comment\.liked, x\.") as refused:
        webhooks.checked_kinds(["comment.published", "comment.liked", "x"])
    assert refused.value.code == "webhook_events_invalid" and refused.value.field == "events"


def test_creating_an_endpoint_returns_its_secret_once(session, site):
    endpoint, secret = webhooks.create(session, site, URL, ["comment.published"], description="  Newsroom  ")
    assert secret.startswith("whsec_") and endpoint.secret == secret
    assert endpoint.active and endpoint.event_kinds == ["comment.published"] and endpoint.description == "Newsroom"
    assert webhooks.endpoints(session, None) == [endpoint]


def test_a_site_has_at_most_twenty_endpoints(session, site):
    for number in range(webhooks.MAX_ENDPOINTS_PER_SITE):
        webhooks.create(session, site, f"{URL}/{number}", [])
    with pytest.raises(WebhookError) as refused:
        webhooks.create(session, site, URL, [])
    assert refused.value.code == "too_many_webhooks" and refused.value.status == 409
    other, _key = create_site(session, "other", "Other")
    assert webhooks.create(session, other, URL, [])[0].site_id == other.id  # the limit is per site


def test_an_invalid_endpoint_is_not_stored(session, site):
    with pytest.raises(WebhookError):
        webhooks.create(session, site, "mailto:x@example.com", [])
    with pytest.raises(WebhookError):
        webhooks.create(session, site, URL, ["comment.nope"])
    assert webhooks.endpoints(session, None) == []


def test_updates_change_only_what_is_given_and_are_checked(session, site):
    endpoint, _secret = webhooks.create(session, site, URL, ["comment.created"], description="first")
    webhooks.update(session, endpoint, active=False)
    assert (endpoint.url, endpoint.event_kinds, endpoint.description, endpoint.active) == (
        URL,
        ["comment.created"],
        "first",
        False,
    )
    webhooks.update(
        session, endpoint, url="http://127.0.0.1:8080/", kinds=["comment.held", "comment.created"], description=" second "
    )
    assert (endpoint.url, endpoint.event_kinds, endpoint.description) == (
        "http://127.0.0.1:8080/",
        ["comment.created", "comment.held"],
        "second",
    )
    with pytest.raises(WebhookError):
        webhooks.update(session, endpoint, url="nonsense")


def test_endpoints_are_seen_only_within_the_allowed_sites(session, site):
    other, _key = create_site(session, "other", "Other")
    mine, _ = webhooks.create(session, site, URL, [])
    theirs, _ = webhooks.create(session, other, URL, [])
    assert webhooks.endpoint_of(session, frozenset({site.id}), mine.id) is mine
    assert webhooks.endpoint_of(session, frozenset({site.id}), theirs.id) is None
    assert webhooks.endpoint_of(session, None, theirs.id) is theirs
    assert webhooks.endpoint_of(session, None, 999_999) is None
    assert webhooks.endpoints(session, frozenset({other.id})) == [theirs]
    assert webhooks.endpoints(session, frozenset()) == []


def test_an_event_goes_to_each_active_endpoint_that_wants_it(session, site):
    everything, _ = webhooks.create(session, site, URL + "/all", [])
    published_only, _ = webhooks.create(session, site, URL + "/published", ["comment.published"])
    paused, _ = webhooks.create(session, site, URL + "/paused", [])
    webhooks.update(session, paused, active=False)
    article = add_article(session, site)
    comment = add_comment(session, article, "Good decision on the lanes.")
    created = events.record(session, events.COMMENT_CREATED, comment=comment)
    published = events.record(session, events.COMMENT_PUBLISHED, comment=comment)
    session.commit()
    deliveries = session.execute(select(WebhookDelivery.event_id, WebhookDelivery.endpoint_id)).all()
    assert sorted(deliveries) == sorted(
        [(created.id, everything.id), (published.id, everything.id), (published.id, published_only.id)]
    )
    assert webhooks.delivery_counts(session, [everything.id, paused.id]) == {
        everything.id: {"pending": 2, "delivered": 0, "failed": 0},
        paused.id: {"pending": 0, "delivered": 0, "failed": 0},
    }


def test_another_sites_endpoints_get_nothing(session, site):
    other, _key = create_site(session, "other", "Other")
    webhooks.create(session, other, URL, [])
    events.record(session, events.ARTICLE_CLOSED, article=add_article(session, site))
    session.commit()
    assert session.scalar(select(func.count()).select_from(WebhookDelivery)) == 0


def test_a_payload_names_site_article_and_comment_but_no_private_data(session, site):
    article = add_article(session, site)
    comment = add_comment(
        session,
        article,
        "Held for a look.",
        "pending",
        reasons=[{"code": "possibly_abusive", "message": "m", "evidence": []}, "not a dict"],
    )
    comment.email_hash, comment.ip_hash = "e" * 64, "i" * 64
    event = events.record(session, events.COMMENT_HELD, comment=comment, actor="system", details={"previous_status": None})
    payload = event.payload
    assert payload["type"] == "comment.held" and payload["site"] == "news" and payload["actor"] == "system"
    assert payload["article"] == {"id": article.id, "url": article.url, "title": article.title, "comments_open": True}
    assert payload["comment"]["status"] == "held" and payload["comment"]["reasons"] == ["possibly_abusive"]
    assert payload["comment"]["text"] == "Held for a look." and payload["previous_status"] is None
    assert "e" * 64 not in str(payload) and "i" * 64 not in str(payload)


def test_recording_needs_a_known_kind_and_a_subject(session, site):
    with pytest.raises(ValueError, match="unknown event kind"):
        events.record(session, "comment.liked", article=add_article(session, site))
    with pytest.raises(ValueError, match="about a comment or an article"):
        events.record(session, events.ARTICLE_CLOSED)


def test_a_status_event_is_recorded_only_when_the_status_changed(session, site):
    comment = add_comment(session, add_article(session, site), status="published")
    assert events.record_status(session, comment, "published", actor="moderator") is None
    event = events.record_status(session, comment, "pending", actor="moderator", details={"note": "ok"})
    assert event.kind == events.COMMENT_PUBLISHED
    assert event.payload["previous_status"] == "held" and event.payload["note"] == "ok"
    comment.status = "checking"
    assert events.record_status(session, comment, "pending", actor="system") is None  # checking announces nothing


def test_listeners_hear_each_event_in_its_transaction(session, site):
    heard = []
    session.info[events.LISTENERS] = [lambda _session, event, comment: heard.append((event.kind, comment))]
    article = add_article(session, site)
    events.record(session, events.ARTICLE_CLOSED, article=article)
    assert heard == [("article.closed", None)]


def test_only_an_event_with_deliveries_wakes_the_deliverer(session, site):
    events.record(session, events.ARTICLE_CLOSED, article=add_article(session, site))
    assert events.RECORDED_FLAG not in session.info  # no endpoint: nothing to deliver
    webhooks.create(session, site, URL, [events.COMMENT_PUBLISHED])
    events.record(session, events.ARTICLE_CLOSED, article=add_article(session, site))
    assert events.RECORDED_FLAG not in session.info  # the endpoint does not want this kind
    webhooks.create(session, site, URL, [])
    events.record(session, events.ARTICLE_CLOSED, article=add_article(session, site))
    assert session.info[events.RECORDED_FLAG] is True


def _one_delivery(session, site):
    endpoint, secret = webhooks.create(session, site, URL, [])
    event = events.record(session, events.ARTICLE_CLOSED, article=add_article(session, site))
    session.commit()
    return endpoint, secret, event


def test_a_claim_carries_what_the_try_needs_and_holds_off_other_claimers(session, site):
    _endpoint, secret, event = _one_delivery(session, site)
    claimed = outbox.claim_due(session, "server-a", lease_s=60, limit=10)
    assert len(claimed) == 1
    assert (claimed[0].url, claimed[0].secret, claimed[0].event_id, claimed[0].attempts) == (URL, secret, event.event_id, 0)
    assert claimed[0].payload["type"] == "article.closed"
    assert outbox.claim_due(session, "server-b", lease_s=60, limit=10) == []


def test_a_lapsed_claim_is_taken_over_and_the_first_claimer_changes_nothing(session, site):
    _one_delivery(session, site)
    first = outbox.claim_due(session, "server-a", lease_s=60, limit=1)[0]
    session.execute(WebhookDelivery.__table__.update().values(claimed_until=utcnow() - timedelta(seconds=1)))
    session.commit()
    second = outbox.claim_due(session, "server-b", lease_s=60, limit=1)[0]
    assert second.delivery_id == first.delivery_id
    assert not outbox.mark_delivered(session, first.delivery_id, "server-a", 200)
    assert outbox.mark_delivered(session, second.delivery_id, "server-b", 204)
    delivery = session.get(WebhookDelivery, second.delivery_id)
    session.refresh(delivery)
    assert (delivery.status, delivery.attempts, delivery.last_status_code, delivery.claimed_by) == ("delivered", 1, 204, None)
    assert delivery.delivered_at is not None


def test_a_failed_try_is_retried_later_or_fails_for_good(session, site):
    _one_delivery(session, site)
    claim = outbox.claim_due(session, "a", lease_s=60, limit=1)[0]
    later = utcnow() + timedelta(minutes=5)
    assert outbox.mark_failed_try(session, claim.delivery_id, "a", status_code=500, error="x" * 900, next_attempt_at=later)
    delivery = session.get(WebhookDelivery, claim.delivery_id)
    session.refresh(delivery)
    assert (delivery.status, delivery.attempts, delivery.last_status_code) == ("pending", 1, 500)
    assert len(delivery.last_error) == outbox.MAX_ERROR_CHARS
    assert outbox.claim_due(session, "a", lease_s=60, limit=1) == []  # not due before its next try
    session.execute(WebhookDelivery.__table__.update().values(next_attempt_at=utcnow() - timedelta(seconds=1)))
    session.commit()
    claim = outbox.claim_due(session, "a", lease_s=60, limit=1)[0]
    assert claim.attempts == 1
    assert outbox.mark_failed_try(session, claim.delivery_id, "a", status_code=None, error="refused", next_attempt_at=None)
    session.refresh(delivery)
    assert delivery.status == DeliveryStatus.FAILED and delivery.attempts == 2 and delivery.last_status_code is None


def test_released_claims_are_due_again_at_once(session, site):
    _one_delivery(session, site)
    outbox.claim_due(session, "stopping", lease_s=600, limit=5)
    outbox.release(session, "stopping")
    assert len(outbox.claim_due(session, "another", lease_s=60, limit=5)) == 1


def test_retrying_failed_deliveries_starts_them_from_the_first_try(session, site):
    endpoint, _secret, _event = _one_delivery(session, site)
    claim = outbox.claim_due(session, "a", lease_s=60, limit=1)[0]
    outbox.mark_failed_try(session, claim.delivery_id, "a", status_code=410, error="gone", next_attempt_at=None)
    assert [row.delivery.status for row in webhooks.recent_deliveries(session, [endpoint.id], status="failed")] == ["failed"]
    assert webhooks.recent_deliveries(session, [endpoint.id], status="failed")[0].next_attempt_at is None
    assert webhooks.retry_failed(session, endpoint, delivery_ids=[claim.delivery_id + 1000]) == 0
    assert webhooks.retry_failed(session, endpoint) == 1
    rows = webhooks.recent_deliveries(session, [endpoint.id])
    assert [(row.delivery.status, row.delivery.attempts, row.event_type) for row in rows] == [("pending", 0, "article.closed")]
    assert rows[0].next_attempt_at is not None
    assert webhooks.retry_failed(session, endpoint) == 0  # nothing failed any more


def test_recent_deliveries_are_newest_first_and_limited(session, site):
    endpoint, _secret = webhooks.create(session, site, URL, [])
    article = add_article(session, site)
    for _ in range(3):
        events.record(session, events.ARTICLE_CLOSED, article=article)
    session.commit()
    rows = webhooks.recent_deliveries(session, [endpoint.id], limit=2)
    assert len(rows) == 2 and rows[0].delivery.id > rows[1].delivery.id
    assert webhooks.recent_deliveries(session, []) == []


def test_removing_an_endpoint_drops_its_deliveries_but_keeps_the_events(session, site):
    endpoint, _secret, event = _one_delivery(session, site)
    webhooks.remove(session, endpoint)
    assert webhooks.endpoints(session, None) == []
    assert session.scalar(select(func.count()).select_from(WebhookDelivery)) == 0
    assert session.get(DomainEvent, event.id) is not None
