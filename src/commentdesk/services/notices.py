"""Notices of illegal content (EU Digital Services Act, Art. 16 and 17): filing one, looking it up,
and the moderators' decision on it.

A notice is a report (services/reports.py) with a legal ground, an explanation, the notifier's
contact and a statement of good faith. It waits in its own queue (received, under review) until a
moderator decides it: the comment is removed through the workspace's ordinary decision (so its
status, counts, audit log and the author's statement of reasons follow), or no action is taken;
either way with a written explanation and the time of the decision. The notifier's e-mail is
stored encrypted, as a reader's is (services/notifications/addresses.py); their name and e-mail
are erased a configurable number of days after the decision (`--notice-contact-days`).

Each step the notifier is told of (received, under review, decided) is announced to the listeners
of the session factory, in the step's transaction: the e-mail to the notifier
(services/notifications/notice_mail.py) is written with the change or not at all.
"""

from __future__ import annotations

import re
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy.orm import Session

from commentdesk import i18n
from commentdesk.i18n import N_
from commentdesk.i18n import gettext as _
from commentdesk.services import decisions, identity, reports
from commentdesk.services.accounts import Scope
from commentdesk.services.comment_input import clean_name, clean_text, has_visible
from commentdesk.services.notifications.addresses import AddressBook
from commentdesk.services.visibility import NotAllowed
from commentdesk.store import mail as mail_store
from commentdesk.store import notices as notice_store
from commentdesk.store.models import (
    CommentStatus,
    IllegalContentNotice,
    NoticeStatus,
    User,
    utcnow,
)

# The legal grounds a notifier chooses from, with the words shown to them and to moderators.
GROUNDS = {
    "defamation": N_("Defamation or insult"),
    "illegal_hate_speech": N_("Hate speech illegal under national law"),
    "terrorist_content": N_("Terrorist content"),
    "privacy_violation": N_("Privacy violation (personal data, private images)"),
    "intellectual_property": N_("Intellectual property infringement"),
    "child_safety": N_("Child sexual abuse or a danger to children"),
    "other": N_("Other illegal content"),
}
# Art. 16(2)(c): a notifier about child sexual abuse material may stay anonymous.
ANONYMOUS_GROUNDS = frozenset({"child_safety"})
STATUS_WORDS = {
    NoticeStatus.RECEIVED: N_("Received"),
    NoticeStatus.UNDER_REVIEW: N_("Under review"),
    NoticeStatus.ACTION_TAKEN: N_("Action taken: the comment was removed"),
    NoticeStatus.NO_ACTION: N_("No action taken"),
}
ACTIONS = {"remove": N_("Remove the comment"), "none": N_("Take no action")}
# Readers of a notice's steps besides the workspace (e-mail to the notifier): each owner adds a
# callable (session, notice) to its session factory's info under this key.
LISTENERS = "commentdesk_notice_listeners"
MIN_EXPLANATION_CHARS = 10
MAX_EXPLANATION_CHARS = 5000
MAX_NAME_CHARS = 100
MAX_DECISION_CHARS = 5000
REFERENCE = re.compile(r"^[A-Za-z0-9_-]{16,32}$")


class NoticeRefused(reports.ReportRefused):
    """A notice or a decision that cannot be taken; nothing was stored."""


@dataclass
class NoticeForm:
    """What a notifier sends, as received (validated by `file_notice`)."""

    ground: str
    explanation: str
    notifier_name: str = ""
    notifier_email: str = ""
    good_faith: bool = False


def _checked(form: NoticeForm) -> tuple[str, str, str | None, str | None]:
    if form.ground not in GROUNDS:
        raise NoticeRefused("ground_invalid", _("Please choose the legal ground of your notice."), field="ground")
    explanation = clean_text(form.explanation or "")
    # Zero-width or filler characters alone explain nothing, however many there are.
    if len(explanation) < MIN_EXPLANATION_CHARS or not has_visible(explanation):
        raise NoticeRefused(
            "explanation_required",
            _("Please explain why the comment is illegal (at least %(num)s characters).") % {"num": MIN_EXPLANATION_CHARS},
            field="explanation",
        )
    if len(explanation) > MAX_EXPLANATION_CHARS:
        raise NoticeRefused(
            "explanation_too_long",
            _("The explanation is at most %(most)s characters; this one has %(num)s.")
            % {"most": MAX_EXPLANATION_CHARS, "num": len(explanation)},
            field="explanation",
        )
    # As a commenter's name: no direction controls, and something visible, or no name at all.
    cleaned_name = clean_name(form.notifier_name or "")
    name = cleaned_name if has_visible(cleaned_name) else None
    email = identity.normal_email(form.notifier_email)
    contact_optional = form.ground in ANONYMOUS_GROUNDS
    if name is None and not contact_optional:
        raise NoticeRefused("name_required", _("Please give your name."), field="notifier_name")
    if name is not None and len(name) > MAX_NAME_CHARS:
        raise NoticeRefused(
            "name_too_long", _("A name is at most %(num)s characters.") % {"num": MAX_NAME_CHARS}, field="notifier_name"
        )
    if email is None and not contact_optional:
        raise NoticeRefused(
            "email_required", _("Please give your e-mail address: we tell you our decision there."), field="notifier_email"
        )
    if email is not None and not identity.is_email(email):
        raise NoticeRefused("email_invalid", _("That e-mail address does not look right."), field="notifier_email")
    if form.good_faith is not True:
        raise NoticeRefused(
            "good_faith_required",
            _("Please confirm that you believe, in good faith, that the information in your notice is accurate and complete."),
            field="good_faith",
        )
    return form.ground, explanation, name, email


def file_notice(
    session: Session, secret: str, comment_id: int, form: NoticeForm, client_address: str | None = None
) -> IllegalContentNotice:
    """Record a notice on a published comment; the notifier keeps its `reference` to follow it."""
    comment = reports.reportable_comment(session, comment_id)
    ground, explanation, name, email = _checked(form)
    ip_hash = reports.reporter_hash(secret, client_address)
    if ip_hash and notice_store.open_notice_from(session, comment.id, ip_hash):
        # One open notice per comment and reader: a notice is work for a person, not a vote.
        raise NoticeRefused(
            "already_noticed",
            _("You have sent a notice about this comment already; it is being handled (see the page its reference leads to)."),
            status=409,
        )
    report = reports.record_report(session, comment, reports.ILLEGAL_CONTENT, f"{GROUNDS[ground]}: {explanation}"[:1000], ip_hash)
    notice = IllegalContentNotice(
        reference=secrets.token_urlsafe(18),
        site_id=comment.site_id,
        comment_id=comment.id,
        report=report,
        ground=ground,
        explanation=explanation,
        notifier_name=name,
        notifier_email_cipher=AddressBook(secret).encrypt(email) if email else None,
        good_faith=True,
        status=NoticeStatus.RECEIVED,
        received_at=utcnow(),
        decided_by_name="",
        decision_explanation="",
        language=i18n.current(),
    )
    session.add(notice)
    session.flush()
    _announce(session, notice)
    session.commit()
    return notice


def _announce(session: Session, notice: IllegalContentNotice) -> None:
    """Tell the listeners the notice reached its current status (before the caller commits)."""
    for listener in session.info.get(LISTENERS, ()):
        listener(session, notice)


def notifier_address(notice: IllegalContentNotice, addresses: AddressBook) -> str | None:
    """The notifier's e-mail address; None when they gave none, it was erased, or the instance
    secret changed since (the address cannot be read any more)."""
    return addresses.decrypt(notice.notifier_email_cipher) if notice.notifier_email_cipher else None


def encrypt_plain_contacts(session: Session, addresses: AddressBook) -> int:
    """Encrypt the addresses that notices stored before encryption keep in the clear (the server
    does it when it starts: migration 0015 could not, see there); returns how many."""
    encrypted = sum(
        notice_store.replace_plain_contact(session, notice_id, address, addresses.encrypt(address))
        for notice_id, address in notice_store.plain_contacts(session)
    )
    session.commit()
    return encrypted


def plain_contact_count(session: Session) -> int:
    """How many notices keep their notifier's address in the clear (stored by an older version)."""
    return len(notice_store.plain_contacts(session))


def reads_stored_addresses(session: Session, addresses: AddressBook) -> bool:
    """Whether `addresses` (a key from an instance secret) reads the addresses already stored
    encrypted, notifiers' and subscribers'; True when none is stored yet. Encrypting with another
    secret than the server's would leave addresses it can never read."""
    ciphers = (notice_store.an_encrypted_contact(session), mail_store.an_address_cipher(session))
    return all(addresses.decrypt(cipher) is not None for cipher in ciphers if cipher is not None)


def notice_by_reference(session: Session, reference: str) -> IllegalContentNotice | None:
    if not isinstance(reference, str) or not REFERENCE.match(reference):
        return None
    return notice_store.by_reference(session, reference)


# --- the moderators' side ---------------------------------------------------------------------


def visible_notice(session: Session, scope: Scope, notice_id: int) -> IllegalContentNotice:
    notice = notice_store.notice(session, notice_id)
    if notice is None or not scope.allows(notice.site_id):
        raise NotAllowed(f"no notice {notice_id}")
    return notice


def notice_queue(session: Session, scope: Scope, status: str | None = None, limit: int = 100) -> list[IllegalContentNotice]:
    """Open notices oldest first (the deadline runs from receipt); decided ones newest first."""
    return notice_store.queue(session, scope.site_ids, status, limit)


def open_notice_count(session: Session, scope: Scope) -> int:
    return notice_store.open_count(session, scope.site_ids)


def start_review(session: Session, user: User, notice: IllegalContentNotice) -> None:
    """A moderator takes the notice up: the notifier sees it is under review."""
    if notice.status == NoticeStatus.RECEIVED:
        notice.status = NoticeStatus.UNDER_REVIEW
        notice.review_started_at = utcnow()
        notice.decided_by_name = user.username
        _announce(session, notice)
        session.commit()


def decide_notice(
    session: Session, user: User, notice: IllegalContentNotice, action: str, ground: str | None, explanation: str
) -> None:
    """Decide a notice once: remove the comment (the workspace's rejection, on the ground the
    moderator found) or take no action; the written explanation is shown to the notifier.
    Refused (NoticeRefused), it changes nothing."""
    try:
        _decide_notice(session, user, notice, action, ground, explanation)
    except NoticeRefused:
        session.rollback()
        raise


def _decide_notice(
    session: Session, user: User, notice: IllegalContentNotice, action: str, ground: str | None, explanation: str
) -> None:
    if notice.status in NoticeStatus.DECIDED:
        raise NoticeRefused("already_decided", _("This notice has been decided already."), status=409)
    if action not in ACTIONS:
        raise NoticeRefused("action_invalid", _("Choose whether to remove the comment or take no action."), field="action")
    if action == "remove" and ground not in GROUNDS:
        raise NoticeRefused("ground_invalid", _("Choose the legal ground the removal rests on."), field="ground")
    explanation = clean_text(explanation or "")
    if not has_visible(explanation):
        raise NoticeRefused("explanation_required", _("Write down the reasons for the decision."), field="explanation")
    if len(explanation) > MAX_DECISION_CHARS:
        raise NoticeRefused(
            "explanation_too_long",
            _("The explanation is at most %(num)s characters.") % {"num": MAX_DECISION_CHARS},
            field="explanation",
        )
    now = utcnow()
    claimed = notice_store.claim_decision(
        session,
        notice.id,
        status=NoticeStatus.ACTION_TAKEN if action == "remove" else NoticeStatus.NO_ACTION,
        action=action,
        ground=ground if action == "remove" else None,
        explanation=explanation,
        now=now,
        user_id=user.id,
        username=user.username,
    )
    if not claimed:
        session.rollback()
        raise NoticeRefused("already_decided", _("This notice has been decided already."), status=409)
    # The decision was written by a conditional UPDATE: read it back, or the notice in hand keeps
    # columns it never loaded (its decision ground) empty.
    session.refresh(notice)
    _announce(session, notice)  # committed below with the decision, or rolled back with it
    if action == "remove":
        assert ground is not None  # a removal's ground was checked above
        # The ordinary decision: status, counts, audit log, reports resolved, statement of reasons;
        # it commits the notice's decision in the same transaction.
        decisions.decide(
            session,
            user,
            [notice.comment_id],
            "reject",
            rejection_reason=reports.ILLEGAL_CONTENT,
            allowed_reasons=(reports.ILLEGAL_CONTENT,),
            note=f"Notice {notice.id} ({GROUNDS[ground]}): {explanation}"[:2000],
        )
        return
    if notice.report_id is not None:
        notice_store.resolve_report(session, notice.report_id, now)
    session.commit()


def erase_expired_contacts(session: Session, keep_days: int, now: datetime | None = None) -> int:
    """Erase the notifier's name and e-mail from notices decided more than `keep_days` ago (kept
    until then to tell them the decision and to answer a complaint about it), with any message to
    them not sent yet; returns how many."""
    now = now or utcnow()
    erased = notice_store.erase_contacts_decided_before(session, now - timedelta(days=keep_days), now)
    session.commit()
    return erased


def comment_is_removed(notice: IllegalContentNotice) -> bool:
    return notice.comment is not None and notice.comment.status == CommentStatus.REJECTED
