"""The words of each message. Plain text: it reads the same in every mail program.

Each message is worded in the language of the work at hand (`commentdesk.i18n.using`): the
notifier sets the reader's language, the digest the server's default.
"""

from __future__ import annotations

import textwrap
from dataclasses import dataclass

from commentdesk.i18n import gettext as _
from commentdesk.i18n import ngettext

QUOTE_CHARS = 600


@dataclass(frozen=True)
class Message:
    kind: str
    subject: str
    body: str


def _quote(text: str) -> str:
    short = text if len(text) <= QUOTE_CHARS else text[:QUOTE_CHARS].rstrip() + "…"
    return "\n".join("> " + line for line in textwrap.fill(short, 72, replace_whitespace=False).splitlines())


def _footer(unsubscribe_url: str, site_name: str) -> str:
    return (
        "\n\n--\n"
        + _("You receive this because you asked %(site)s to e-mail you about your comment.") % {"site": site_name}
        + "\n"
        + _("Stop all e-mail about your comments: %(url)s") % {"url": unsubscribe_url}
        + "\n"
    )


def confirmation(site_name: str, article_title: str, confirm_url: str, unsubscribe_url: str) -> Message:
    values = {"article": article_title, "site": site_name, "url": confirm_url}
    body = "\n\n".join(
        [
            _(
                'Someone, probably you, commented on "%(article)s" on %(site)s and asked to be told of replies '
                "and of the moderators' decisions by e-mail."
            )
            % values,
            _("To confirm this address, open:\n%(url)s") % values,
            _("If it was not you, ignore this message: nothing more will be sent, and the address is deleted in a week."),
        ]
    )
    return Message(
        "confirm", _("Confirm e-mail about your comments on %(site)s") % values, body + _footer(unsubscribe_url, site_name)
    )


def reply(site_name: str, article_title: str, replier: str, reply_text: str, read_url: str, unsubscribe_url: str) -> Message:
    values = {"name": replier, "article": article_title, "url": read_url}
    body = "\n\n".join(
        [
            _('%(name)s replied to your comment on "%(article)s":') % values,
            _quote(reply_text),
            _("Read the conversation: %(url)s") % values,
        ]
    )
    return Message("reply", _("%(name)s replied to your comment") % values, body + _footer(unsubscribe_url, site_name))


def decision(
    site_name: str,
    article_title: str,
    published: bool,
    comment_text: str,
    explanation: str,
    reasons: list[str],
    read_url: str,
    faq_url: str,
    unsubscribe_url: str,
) -> Message:
    values = {"article": article_title}
    if published:
        subject = _("Your comment is published")
        opening = _('A moderator read your comment on "%(article)s" and published it.') % values
    else:
        subject = _("Your comment was not published")
        opening = _('A moderator read your comment on "%(article)s" and did not publish it.') % values
    lines = [opening, "", _quote(comment_text), ""]
    if explanation:
        lines.append(explanation)
    lines.extend(f"- {reason}" for reason in reasons)
    lines.append("")
    lines.append(
        _("Read the conversation: %(url)s") % {"url": read_url}
        if published
        else _("What we publish, and how to ask again: %(url)s") % {"url": faq_url}
    )
    return Message("decision", subject, "\n".join(lines) + _footer(unsubscribe_url, site_name))


def digest(queues: list[tuple[str, int, int, str]], workspace_url: str) -> Message:
    """`queues`: (site name, comments waiting, unresolved reports, age of the oldest waiting)."""
    waiting = sum(row[1] for row in queues)
    reports = sum(row[2] for row in queues)
    lines = [
        ngettext("%(num)s comment waits for a moderator", "%(num)s comments wait for a moderator", waiting) % {"num": waiting}
        + ", "
        + ngettext("and %(num)s report is open.", "and %(num)s reports are open.", reports) % {"num": reports},
        "",
    ]
    for name, held, reported, oldest in queues:
        waiting_words = ngettext("%(num)s waiting", "%(num)s waiting", held) % {"num": held}
        if held:
            waiting_words += " " + _("(oldest %(age)s)") % {"age": oldest}
        lines.append(f"{name}: {waiting_words}, " + ngettext("%(num)s report", "%(num)s reports", reported) % {"num": reported})
    lines += ["", _("Moderate: %(url)s") % {"url": workspace_url}]
    return Message("digest", _("Comments waiting: %(num)s") % {"num": waiting}, "\n".join(lines) + "\n")
