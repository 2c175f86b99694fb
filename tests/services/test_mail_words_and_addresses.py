"""What the e-mail to readers says, and how their addresses are kept: encrypted at rest, hashed
like a comment's e-mail, and reached only through signed links, each for its own subscriber."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from commentdesk.config import Settings
from commentdesk.services import events
from commentdesk.services.notifications import messages
from commentdesk.services.notifications.addresses import AddressBook
from commentdesk.services.notifications.notifier import Notifier
from commentdesk.store import mail as mail_store
from commentdesk.store.models import MailSubscriber, OutgoingMail, utcnow
from commentdesk.store.repository import keyed_hash
from db_fixtures import add_article, add_comment

SECRET = "instance-secret"


def test_the_confirmation_says_who_asked_and_how_to_confirm_or_stop():
    message = messages.confirmation(
        "The Courier", "Rates held", "https://c.example/mail/confirm?token=t", "https://c.example/mail/unsubscribe?token=u"
    )
    assert message.kind == "confirm" and message.subject == "Confirm e-mail about your comments on The Courier"
    assert '"Rates held" on The Courier' in message.body
    assert "https://c.example/mail/confirm?token=t" in message.body
    assert message.body.rstrip().endswith("Stop all e-mail about your comments: https://c.example/mail/unsubscribe?token=u")
    assert "ignore this message" in message.body


def test_a_reply_quotes_the_answer_and_links_to_the_conversation():
    message = messages.reply("The Courier", "Rates held", "Ben", "I disagree.\nHere is why.", "https://c.example/a#c-2", "u")
    assert message.subject == "Ben replied to your comment"
    assert "> I disagree.\n> Here is why." in message.body
    assert "Read the conversation: https://c.example/a#c-2" in message.body


def test_long_quotes_are_cut_and_wrapped():
    message = messages.reply("S", "T", "Ben", "word " * 400, "r", "u")
    quoted = [line for line in message.body.splitlines() if line.startswith("> ")]
    assert all(len(line) <= 74 for line in quoted)
    assert quoted[-1].endswith("…")
    assert sum(len(line) - 2 for line in quoted) <= messages.QUOTE_CHARS + len(quoted) + 1


def test_a_published_decision_links_to_the_conversation():
    message = messages.decision(
        "The Courier", "Rates held", True, "My comment", "", [], "https://c.example/a", "https://c.example/faq", "u"
    )
    assert message.subject == "Your comment is published" and "and published it." in message.body
    assert "Read the conversation: https://c.example/a" in message.body and "faq" not in message.body.split("--")[0]


def test_a_rejection_gives_the_statement_its_reasons_and_the_faq():
    message = messages.decision(
        "The Courier",
        "Rates held",
        False,
        "My comment",
        "This decision was made by a moderator.",
        ["A moderator found it off-topic."],
        "https://c.example/a",
        "https://c.example/faq",
        "u",
    )
    assert message.subject == "Your comment was not published" and "did not publish it." in message.body
    assert "This decision was made by a moderator.\n- A moderator found it off-topic." in message.body
    assert "What we publish, and how to ask again: https://c.example/faq" in message.body


def test_the_digest_counts_every_sites_work():
    message = messages.digest([("The Courier", 3, 1, "2 hours"), ("Sport", 0, 2, "")], "https://c.example/moderate")
    assert message.kind == "digest" and message.subject == "Comments waiting: 3"
    assert message.body.splitlines()[0] == "3 comments wait for a moderator, and 3 reports are open."
    assert "The Courier: 3 waiting (oldest 2 hours), 1 report" in message.body
    assert "Sport: 0 waiting, 2 reports" in message.body and message.body.rstrip().endswith(
        "Moderate: https://c.example/moderate"
    )


def test_addresses_are_encrypted_and_read_back_only_with_the_same_secret():
    book = AddressBook(SECRET)
    cipher = book.encrypt("ana@example.com")
    assert "ana@example.com" not in cipher and cipher != book.encrypt("ana@example.com")  # a fresh nonce each time
    assert book.decrypt(cipher) == "ana@example.com"
    assert AddressBook("another secret").decrypt(cipher) is None
    assert book.decrypt("not a cipher") is None


def test_the_address_hash_is_the_one_posting_stores():
    assert AddressBook(SECRET).hash("ana@example.com") == keyed_hash(SECRET, "email:ana@example.com")


def test_confirm_and_unsubscribe_links_are_signed_for_their_purpose():
    book = AddressBook(SECRET)
    email_hash = book.hash("ana@example.com")
    confirm, unsubscribe = book.confirm_token(7, email_hash, 31), book.unsubscribe_token(7, email_hash)
    assert book.confirmed_subscriber(confirm).subscriber_id == 7 and book.unsubscribing_subscriber(unsubscribe).subscriber_id == 7
    assert book.confirmed_subscriber(confirm).comment_id == 31  # a confirmation is for one comment
    assert book.confirmed_subscriber(unsubscribe) is None and book.unsubscribing_subscriber(confirm) is None
    assert AddressBook("another secret").confirmed_subscriber(confirm) is None


def test_an_old_link_does_not_reach_the_next_address_given_its_subscribers_id(session, site):
    """SQLite gives the id of the newest subscriber, once deleted, to the next one: Ann's old
    links must neither confirm nor unsubscribe Ben, who asked after her under that id."""
    notifier = Notifier(Settings(), SECRET)
    book = notifier.addresses
    comment = add_comment(session, add_article(session, site))
    ann = MailSubscriber(site_id=site.id, email_hash=book.hash("ann@example.com"), address_cipher=book.encrypt("ann@example.com"))
    session.add(ann)
    session.flush()
    mail_store.watch(session, comment.id, ann.id)
    session.commit()
    confirm = book.confirm_token(ann.id, ann.email_hash, comment.id)
    unsubscribe = book.unsubscribe_token(ann.id, ann.email_hash)
    reused_id = ann.id
    assert notifier.unsubscribe(session, unsubscribe)
    ben = MailSubscriber(
        id=reused_id, site_id=site.id, email_hash=book.hash("ben@example.com"), address_cipher=book.encrypt("ben@example.com")
    )
    session.add(ben)
    session.flush()
    mail_store.watch(session, comment.id, ben.id)
    session.commit()
    assert not notifier.confirm(session, confirm)
    assert notifier.unsubscribe(session, unsubscribe)  # Ann is unsubscribed; Ben stays
    session.refresh(ben)
    assert ben.confirmed_at is None
    assert notifier.confirm(session, book.confirm_token(ben.id, ben.email_hash, comment.id)) and ben.confirmed_at is not None
    assert mail_store.confirmed_watcher(session, comment.id) is ben


@pytest.mark.parametrize("token", ["", "garbage", "a.b.c", "x" * 500])
def test_forged_link_tokens_name_nobody(token):
    book = AddressBook(SECRET)
    assert book.confirmed_subscriber(token) is None and book.unsubscribing_subscriber(token) is None


def test_the_author_hears_of_a_moderators_decision_only(session, site):
    """A held comment its author edits is checked again; the outcome is the edit's answer, and no
    message says a moderator read it."""
    notifier = Notifier(Settings(), SECRET)
    book = notifier.addresses
    comment = add_comment(session, add_article(session, site), status="pending")
    ann = MailSubscriber(
        site_id=site.id,
        email_hash=book.hash("ann@example.com"),
        address_cipher=book.encrypt("ann@example.com"),
        confirmed_at=utcnow(),
    )
    session.add(ann)
    session.flush()
    mail_store.watch(session, comment.id, ann.id).confirmed_at = utcnow()
    comment.status = "published"
    notifier.on_event(session, events.record_status(session, comment, "pending", actor="system"), comment)
    session.flush()
    assert session.scalars(select(OutgoingMail)).all() == []
    notifier.on_event(session, events.record_status(session, comment, "pending", actor="moderator"), comment)
    session.flush()
    assert [mail.subject for mail in session.scalars(select(OutgoingMail))] == ["Your comment is published"]


def _kinds(session) -> list[str]:
    session.flush()
    return [mail.kind for mail in session.scalars(select(OutgoingMail).order_by(OutgoingMail.id))]


def _reply_to(session, notifier, comment, author="Chen"):
    reply = add_comment(session, comment.article, text="An answer.", parent=comment, author=author)
    notifier.on_event(session, events.record_status(session, reply, "pending", actor="system"), reply)
    session.flush()


def _confirm_link(session, notifier) -> str:
    """The token of the newest confirmation in the outbox."""
    body = session.scalars(select(OutgoingMail).where(OutgoingMail.kind == "confirm").order_by(OutgoingMail.id.desc())).first()
    return body.body.split("/mail/confirm?token=")[1].split()[0]


def test_a_stranger_typing_a_confirmed_address_makes_commentdesk_mail_only_a_confirmation_there(session, site):
    """Ann confirmed mail about her comment. A stranger posts with her address and asks for mail:
    Ann is asked to confirm that comment, and until she does, no reply to it reaches her."""
    notifier = Notifier(Settings(), SECRET)
    article = add_article(session, site)
    anns = add_comment(session, article, author="Ana")
    notifier.watch(session, anns, "ann@example.com")
    assert notifier.confirm(session, _confirm_link(session, notifier))

    strangers = add_comment(session, article, author="Stranger")
    notifier.watch(session, strangers, "ann@example.com")
    assert _kinds(session) == ["confirm", "confirm"]  # a new ask, not mail on the strength of Ann's yes
    assert mail_store.confirmed_watcher(session, strangers.id) is None
    _reply_to(session, notifier, strangers)
    assert _kinds(session) == ["confirm", "confirm"]
    # The decision on the stranger's comment is not mailed either.
    held = add_comment(session, article, status="pending", author="Stranger")
    notifier.watch(session, held, "ann@example.com")
    held.status = "rejected"
    notifier.on_event(session, events.record_status(session, held, "pending", actor="moderator"), held)
    assert _kinds(session) == ["confirm", "confirm", "confirm"]

    _reply_to(session, notifier, anns)  # Ann's own comment is still hers to hear about
    assert _kinds(session) == ["confirm", "confirm", "confirm", "reply"]


def test_a_confirm_link_confirms_its_own_comment_only(session, site):
    notifier = Notifier(Settings(), SECRET)
    article = add_article(session, site)
    anns = add_comment(session, article, author="Ana")
    notifier.watch(session, anns, "ann@example.com")
    anns_link = _confirm_link(session, notifier)
    strangers = add_comment(session, article, author="Stranger")
    notifier.watch(session, strangers, "ann@example.com")  # asked before Ann presses her button
    strangers_link = _confirm_link(session, notifier)
    assert anns_link != strangers_link

    assert notifier.confirm(session, anns_link)
    assert mail_store.confirmed_watcher(session, anns.id) is not None
    assert mail_store.confirmed_watcher(session, strangers.id) is None
    assert notifier.confirm(session, strangers_link)  # only the owner's own press confirms it
    assert mail_store.confirmed_watcher(session, strangers.id) is not None


def test_a_confirm_link_from_before_comments_were_confirmed_one_by_one_covers_only_earlier_comments(session, site):
    from datetime import timedelta

    notifier = Notifier(Settings(), SECRET)
    book = notifier.addresses
    article = add_article(session, site)
    earlier = add_comment(session, article, author="Ana")
    earlier.created_at = utcnow() - timedelta(minutes=5)
    notifier.watch(session, earlier, "ann@example.com")
    ann = mail_store.subscriber(session, site.id, book.hash("ann@example.com"))
    old_link = book._confirm.dumps([ann.id, ann.email_hash[:16]])  # signed now, naming no comment
    later = add_comment(session, article, author="Stranger")
    later.created_at = utcnow() + timedelta(minutes=5)
    notifier.watch(session, later, "ann@example.com")
    session.commit()
    assert notifier.confirming(session, old_link) is ann
    assert notifier.confirm(session, old_link)
    assert mail_store.confirmed_watcher(session, earlier.id) is ann
    assert mail_store.confirmed_watcher(session, later.id) is None


def test_a_confirm_link_for_a_comment_no_longer_watched_confirms_nothing(session, site):
    notifier = Notifier(Settings(), SECRET)
    comment = add_comment(session, add_article(session, site))
    notifier.watch(session, comment, "ann@example.com")
    link = _confirm_link(session, notifier)
    ann = mail_store.subscriber(session, site.id, notifier.addresses.hash("ann@example.com"))
    forged_elsewhere = notifier.addresses.confirm_token(ann.id, ann.email_hash, comment.id + 1000)
    assert notifier.confirming(session, forged_elsewhere) is None and not notifier.confirm(session, forged_elsewhere)
    assert notifier.confirm(session, link)


def test_a_signed_in_account_confirms_its_typed_address_once_and_a_verified_one_never(session, site):
    notifier = Notifier(Settings(), SECRET)
    article = add_article(session, site)
    first, second = add_comment(session, article, author="Ines"), add_comment(session, article, author="Ines")
    notifier.watch(session, first, "ines@example.org", account=True)
    assert notifier.confirm(session, _confirm_link(session, notifier))
    notifier.watch(session, second, "ines@example.org", account=True)  # the same account: no second ask
    assert _kinds(session) == ["confirm"] and mail_store.confirmed_watcher(session, second.id) is not None

    # Another account typing Ines's address is a stranger to her confirmation.
    other = add_comment(session, article, author="Mallory")
    notifier.watch(session, other, "ines@example.org", account=True)
    assert _kinds(session) == ["confirm", "confirm"] and mail_store.confirmed_watcher(session, other.id) is None

    verified = add_comment(session, article, author="Vera")
    notifier.watch(session, verified, "vera@example.org", verified=True, account=True)
    assert _kinds(session) == ["confirm", "confirm"] and mail_store.confirmed_watcher(session, verified.id) is not None
