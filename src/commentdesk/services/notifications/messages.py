"""The words of each message. Plain text: it reads the same in every mail program."""

from __future__ import annotations

import textwrap
from dataclasses import dataclass

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
    return (f"\n\n--\nYou receive this because you asked {site_name} to e-mail you about your comment.\n"
            f"Stop all e-mail about your comments: {unsubscribe_url}\n")


def confirmation(site_name: str, article_title: str, confirm_url: str, unsubscribe_url: str) -> Message:
    body = (f"Someone, probably you, commented on \"{article_title}\" on {site_name} and asked to be told of replies "
            f"and of the moderators' decisions by e-mail.\n\nTo confirm this address, open:\n{confirm_url}\n\n"
            "If it was not you, ignore this message: nothing more will be sent, and the address is deleted in a week.")
    return Message("confirm", f"Confirm e-mail about your comments on {site_name}", body + _footer(unsubscribe_url, site_name))


def reply(site_name: str, article_title: str, replier: str, reply_text: str, read_url: str, unsubscribe_url: str) -> Message:
    body = f"{replier} replied to your comment on \"{article_title}\":\n\n{_quote(reply_text)}\n\nRead the conversation: {read_url}"
    return Message("reply", f"{replier} replied to your comment", body + _footer(unsubscribe_url, site_name))


def decision(site_name: str, article_title: str, published: bool, comment_text: str, explanation: str,
             reasons: list[str], read_url: str, faq_url: str, unsubscribe_url: str) -> Message:
    if published:
        subject = "Your comment is published"
        opening = f"A moderator read your comment on \"{article_title}\" and published it."
    else:
        subject = "Your comment was not published"
        opening = f"A moderator read your comment on \"{article_title}\" and did not publish it."
    lines = [opening, "", _quote(comment_text), ""]
    if explanation:
        lines.append(explanation)
    lines.extend(f"- {reason}" for reason in reasons)
    lines.append("")
    lines.append(f"Read the conversation: {read_url}" if published else f"What we publish, and how to ask again: {faq_url}")
    return Message("decision", subject, "\n".join(lines) + _footer(unsubscribe_url, site_name))


def digest(queues: list[tuple[str, int, int, str]], workspace_url: str) -> Message:
    """`queues`: (site name, comments waiting, unresolved reports, age of the oldest waiting)."""
    waiting = sum(row[1] for row in queues)
    reports = sum(row[2] for row in queues)
    lines = [f"{waiting} comments wait for a moderator, and {reports} reports are open.", ""]
    for name, held, reported, oldest in queues:
        lines.append(f"{name}: {held} waiting" + (f" (oldest {oldest})" if held else "") + f", {reported} reports")
    lines += ["", f"Moderate: {workspace_url}"]
    return Message("digest", f"Comments waiting: {waiting}", "\n".join(lines) + "\n")
