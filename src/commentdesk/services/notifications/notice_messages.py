"""The words of the messages to someone who sent a notice of illegal content (docs/dsa.md): its
receipt, the start of its review, and the decision with the moderator's reasons. Plain text,
worded in the language of the work at hand, like the messages to readers (messages.py).

The messages name no one: not the notifier, not the comment's author. A sent message keeps no
contact data once the outbox has erased its address.
"""

from __future__ import annotations

from commentdesk.i18n import gettext as _
from commentdesk.i18n import ngettext
from commentdesk.services.notifications.messages import Message


def _footer(site_name: str, status_url: str, contact_days: int) -> str:
    return (
        "\n\n"
        + _("Follow your notice: %(url)s") % {"url": status_url}
        + "\n\n--\n"
        + _("You receive this because you sent %(site)s a notice of illegal content.") % {"site": site_name}
        + "\n"
        + ngettext(
            "Your name and e-mail address are erased %(num)s day after the decision.",
            "Your name and e-mail address are erased %(num)s days after the decision.",
            contact_days,
        )
        % {"num": contact_days}
        + "\n"
    )


def received(
    site_name: str, article_title: str, ground_words: str, reference: str, status_url: str, contact_days: int
) -> Message:
    values = {"article": article_title, "ground": ground_words, "reference": reference, "site": site_name}
    body = "\n\n".join(
        [
            _('We received your notice that a comment on "%(article)s" is illegal (%(ground)s).') % values,
            _(
                "A moderator will look at it. We will write to you when the review starts and when it is decided, "
                "with the reasons for the decision."
            ),
            _("Your reference: %(reference)s") % values,
        ]
    )
    return Message(
        "notice_received",
        _("Your notice to %(site)s is received") % values,
        body + _footer(site_name, status_url, contact_days),
    )


def under_review(site_name: str, article_title: str, status_url: str, contact_days: int) -> Message:
    values = {"article": article_title, "site": site_name}
    body = "\n\n".join(
        [
            _('A moderator is now reviewing your notice about a comment on "%(article)s".') % values,
            _("We will write to you again with the decision and its reasons."),
        ]
    )
    return Message(
        "notice_review",
        _("Your notice to %(site)s is under review") % values,
        body + _footer(site_name, status_url, contact_days),
    )


def decided(
    site_name: str,
    article_title: str,
    removed_on: str | None,
    reasons: str,
    redress: str,
    status_url: str,
    contact_days: int,
) -> Message:
    """`removed_on`: the legal ground the comment was removed on; None when no action was taken.
    `reasons`: the moderator's, in full; `redress`: how to contest the decision (the site's words)."""
    values = {"article": article_title, "site": site_name, "ground": removed_on or ""}
    if removed_on is not None:
        subject = _("Your notice to %(site)s: the comment was removed") % values
        outcome = _('A moderator decided your notice about a comment on "%(article)s": the comment was removed (%(ground)s).')
    else:
        subject = _("Your notice to %(site)s: no action taken") % values
        outcome = _('A moderator decided your notice about a comment on "%(article)s": no action was taken, the comment stays.')
    parts = [outcome % values, _("The moderator's reasons:") + "\n" + reasons]
    if redress:
        parts.append(redress)
    return Message("notice_decision", subject, "\n\n".join(parts) + _footer(site_name, status_url, contact_days))
