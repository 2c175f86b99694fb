"""The workspace's filters and globals, added to the one Jinja environment (web/templating.py),
and the workspace pages rendered in the moderator's language.

The workspace language is chosen like a reader's, with the moderator's own setting in the place
of the site's default: `?lang=`, then the setting (web/moderate/preferences.py), then the
browser's `Accept-Language`, then the server's default.
"""

from __future__ import annotations

from datetime import UTC, datetime

from babel.numbers import format_percent
from fastapi import Request
from markupsafe import Markup

from commentdesk import i18n
from commentdesk.i18n import N_, request_language
from commentdesk.i18n import gettext as _
from commentdesk.i18n.durations import duration_words
from commentdesk.services import workspace
from commentdesk.web.moderate import script_messages, words
from commentdesk.web.static_files import static_url
from commentdesk.web.templating import templates


def _stamp(when: datetime | None) -> str:
    if when is None:
        return ""
    return when.astimezone(UTC).strftime("%Y-%m-%d %H:%M UTC")


def _percent(value: float | None) -> str:
    return "–" if value is None else format_percent(value, locale=i18n.current())


def _ban_ending(when: datetime | None) -> str:
    if when is None:
        return ""
    if when >= workspace.PERMANENT.replace(year=9000):
        return _("permanently")
    return _("until %(time)s") % {"time": _stamp(when)}


# The accounts' roles (services/accounts.py) in words.
ROLE_WORDS = {"moderator": N_("moderator"), "admin": N_("administrator")}


# Stored codes of the audit log (comment statuses, actions, actors) in words; the log keeps the codes.
STATUS_WORDS = {"published": N_("published"), "pending": N_("held"), "rejected": N_("rejected"), "checking": N_("being checked")}
ACTION_WORDS = {
    "publish": N_("published"),
    "hold": N_("held"),
    "reject": N_("rejected"),
    "approve": N_("approved"),
    "restore": N_("restored"),
    "undo": N_("undone"),
    "report": N_("reported"),
    "edit": N_("edited"),
    "delete": N_("deleted"),
    "imported": N_("imported"),
    "ban": N_("banned"),
    "suspend": N_("suspended"),
    "unban": N_("ban lifted"),
    "notice_removal": N_("removed after a notice"),
}
ACTOR_WORDS = {"system": N_("system"), "reader": N_("reader"), "author": N_("author"), "moderator": N_("moderator")}
# Article events (store/models.py ArticleEvent.action) and webhook deliveries' states, likewise.
ARTICLE_ACTION_WORDS = {
    "close": N_("comments closed"),
    "reopen": N_("comments reopened"),
    "premoderate": N_("pre-moderation on"),
    "stop_premoderating": N_("pre-moderation off"),
}
DELIVERY_WORDS = {"pending": N_("pending"), "delivered": N_("delivered"), "failed": N_("failed")}


def _from_table(table: dict[str, str]):
    def words(code: str | None) -> str:
        return _(table[code]) if code in table else (code or "")

    return words


def _role_words(role: str) -> str:
    return _(ROLE_WORDS[role]) if role in ROLE_WORDS else role


def _words(value: str | None) -> str:
    """A word from the code's tables (queue names, reasons), marked with N_() where it is defined."""
    return _(value) if value else ""


templates.env.filters.update(
    stamp=_stamp,
    duration=duration_words,
    percent=_percent,
    ban_ending=_ban_ending,
    reason_words=words.reason_words,
    words=_words,
)
templates.env.globals.update(
    QUEUES=words.QUEUES,
    REJECTED_VIEWS=words.REJECTED_VIEWS,
    REJECTION_REASONS=workspace.REJECTION_REASONS,
    REASON_WORDS=words.REASON_WORDS,
    static_url=static_url,
    Markup=Markup,
    role_words=_role_words,
    status_words=_from_table(STATUS_WORDS),
    action_words=_from_table(ACTION_WORDS),
    actor_words=_from_table(ACTOR_WORDS),
    # notice.html's `status_words` is the notices' own table; a comment's status there uses this name.
    comment_status_words=_from_table(STATUS_WORDS),
    article_action_words=_from_table(ARTICLE_ACTION_WORDS),
    delivery_words=_from_table(DELIVERY_WORDS),
    workspace_script_messages=script_messages.for_current_language,
)


def choose_language(request: Request, moderator=None) -> str:
    """Word the rest of the request in the moderator's language (see the module's docstring)."""
    user = getattr(moderator, "user", None)
    return request_language.for_site(request, getattr(user, "language", None))


def render(request: Request, name: str, context: dict, status_code: int = 200):
    choose_language(request, context.get("me"))
    return templates.TemplateResponse(request, name, context, status_code=status_code)
