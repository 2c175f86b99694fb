"""Request and response bodies of the public API (they also make the OpenAPI document)."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Literal

from fastapi import Path, Query
from pydantic import AfterValidator, BaseModel, BeforeValidator, ConfigDict, Field, HttpUrl, StrictBool, create_model
from pydantic.fields import FieldInfo

from commentdesk.bounds import (
    MAX_ID,
    NO_NUL,
    SPACE_CLASS,
    DbId,
    DbText,
    id_from_text,
    storable_text,
    storable_text_or_none,
)
from commentdesk.i18n import gettext as _
from commentdesk.moderation.policy import Policy
from commentdesk.services.comment_input import INVISIBLE_CLASS, MAX_COMMENT_CHARS, MAX_NAME_CHARS, has_visible


class Strict(BaseModel):
    """Request bodies: unknown fields are refused, and no value is coerced (0 is not false, true is not 1)."""

    model_config = ConfigDict(extra="forbid")


def _json_string(value):
    # Dates and addresses come as JSON strings; a number is not read as a timestamp.
    if not isinstance(value, (str, datetime)):
        raise ValueError(_("expected a string"))
    return value


Timestamp = Annotated[datetime, BeforeValidator(_json_string)]
_SPACE = SPACE_CLASS  # posting strips exactly these
# Posting's own rules (services.posting), stated in the document as patterns. Posting checks them
# itself, so the answer names the problem in the reader's words ("Please give a name to post under.").
# Names and comments need one visible character: space, control and format characters alone
# (a zero-width space, a direction mark) are refused.
VISIBLE_PATTERN = rf"^[^\x00]*[^{INVISIBLE_CLASS}][^\x00]*$"
VisibleText = Annotated[str, Field(json_schema_extra={"pattern": VISIBLE_PATTERN}), AfterValidator(storable_text)]
# An e-mail address as posting accepts it, empty meaning none.
EMAIL_PATTERN = rf"^[{_SPACE}]*([^@{_SPACE}\x00]{{1,64}}@[^@{_SPACE}\x00]{{1,190}}\.[^@{_SPACE}\x00]{{2,63}})?[{_SPACE}]*$"
Email = Annotated[str, Field(json_schema_extra={"pattern": EMAIL_PATTERN}), AfterValidator(storable_text)]


def _path_id(value):
    if isinstance(value, str):
        found = id_from_text(value)
        if found is None:
            raise ValueError(
                _("must be a whole number from 1 to %(most)s, written plainly (1, not 01, +1 or 1.0)") % {"most": MAX_ID}
            )
        return found
    return value


# An id in a path: a whole number the database's INTEGER columns can hold, in its one spelling.
PathId = Annotated[int, Path(ge=1, le=MAX_ID), BeforeValidator(_path_id)]

# Text in a query string, one type per kind of value, so that every route bounds it alike. The
# length and pattern come before the validator (bounds.NO_NUL says why); `...OrNone`: optional.
SITE_CHARS = 64  # a site's slug has at most 63 (services.sites.SLUG)
URL_CHARS = 2000
CURSOR_CHARS = 200  # well above any cursor the server issues
LANGUAGE_TAG_CHARS = 35  # the longest language tag BCP 47 asks software to accept
TOKEN_CHARS = 64
SiteQuery = Annotated[str, Query(max_length=SITE_CHARS, pattern=NO_NUL), AfterValidator(storable_text)]
SiteQueryOrNone = Annotated[str | None, Query(max_length=SITE_CHARS, pattern=NO_NUL), AfterValidator(storable_text_or_none)]
UrlQuery = Annotated[str, Query(max_length=URL_CHARS, pattern=NO_NUL), AfterValidator(storable_text)]
CursorQueryOrNone = Annotated[str | None, Query(max_length=CURSOR_CHARS, pattern=NO_NUL), AfterValidator(storable_text_or_none)]
LanguageQueryOrNone = Annotated[
    str | None, Query(max_length=LANGUAGE_TAG_CHARS, pattern=NO_NUL), AfterValidator(storable_text_or_none)
]
TokenQuery = Annotated[str, Query(max_length=TOKEN_CHARS, pattern=NO_NUL), AfterValidator(storable_text)]


class ErrorDetail(BaseModel):
    code: str = Field(description="Stable, machine-readable code, e.g. invalid_request, article_not_found.")
    message: str = Field(description="What went wrong, in plain words.")
    fields: dict[str, str] = Field(description="Field name (dotted for nested fields) -> what is wrong with it.")


class ErrorOut(BaseModel):
    """Every error answer has this body, whatever its status."""

    error: ErrorDetail


def _visible_title(title: str) -> str:
    # A title of spaces or zero-width characters would head the article's page with nothing.
    if not has_visible(title):
        raise ValueError(_("a title needs at least one visible character"))
    return title


class ArticleIn(Strict):
    url: Annotated[HttpUrl, BeforeValidator(_json_string)] = Field(
        description="The article's public address; one article per address and site."
    )
    title: Annotated[DbText, AfterValidator(_visible_title)] = Field(
        min_length=1, max_length=500, json_schema_extra={"pattern": VISIBLE_PATTERN}
    )
    body: DbText = Field(default="", max_length=200_000, description="Plain text of the article, used to judge relevance.")
    author: DbText = Field(default="", max_length=200)
    published_at: Timestamp | None = None
    comments_open: StrictBool | None = None
    premoderate: StrictBool | None = Field(default=None, description="Hold every comment on this article for a moderator.")


class ArticleOut(BaseModel):
    id: int
    site: str
    url: str
    title: str
    author: str
    published_at: datetime | None
    comments_open: bool
    premoderate: bool
    published_count: int
    page_url: str
    email_notifications: bool = Field(
        default=False, description="Whether readers may ask to be e-mailed about replies (comment `notify`)."
    )


class Author(BaseModel):
    name: str


class ParentRef(BaseModel):
    id: int
    author_name: str


class CommentOut(BaseModel):
    id: int
    author: Author
    html: str = Field(description="Sanitised HTML of the comment text.")
    created_at: datetime
    parent: ParentRef | None = Field(description="The comment this one answers (for replies).")
    status: Literal["published", "pending", "rejected", "checking"]
    reply_count: int = 0
    deleted: bool = Field(
        default=False, description='Deleted by its author: shown as "comment deleted" to keep its replies in place.'
    )
    edited: bool = Field(default=False, description="Changed by its author after posting.")
    replies: list[CommentOut] = Field(
        default_factory=list, description="Published replies, oldest first (top-level comments only)."
    )
    more_replies_cursor: str | None = None


class ThreadOut(BaseModel):
    article: ArticleOut
    total: int = Field(description="Published comments on the article, replies included.")
    comments: list[CommentOut]
    next_cursor: str | None
    page_size: int
    comments_open: bool


class RepliesOut(BaseModel):
    replies: list[CommentOut]
    next_cursor: str | None


class CommentIn(Strict):
    author_name: VisibleText = Field(
        min_length=1,
        max_length=200,
        json_schema_extra={"maxLength": MAX_NAME_CHARS},
        description=f"At most {MAX_NAME_CHARS} characters, spaces between words counted once; "
        "direction overrides, embeddings and isolates (U+202A-U+202E, U+2066-U+2069) are taken out.",
    )
    author_email: Email | None = Field(default=None, max_length=254, description="Optional; stored only as a keyed hash.")
    text: VisibleText = Field(
        min_length=1,
        max_length=MAX_COMMENT_CHARS,
        description=f"At most {MAX_COMMENT_CHARS:,} characters; an installation may set a lower limit (422 text_too_long).",
    )
    parent_id: DbId | None = Field(default=None, description="The comment this one replies to.")
    nudge: StrictBool = Field(
        default=False,
        description="If the comment may break the guidelines in a way the author can fix, "
        "store nothing and answer 200 with the reasons, so the author can edit it first.",
    )
    nudge_token: DbText | None = Field(
        default=None, max_length=64, description="The token of an earlier nudge, when sending the comment after it."
    )
    notify: StrictBool = Field(
        default=False,
        description="E-mail the author about replies and about the moderators' decision if the "
        "comment is held; needs author_email, and the address is confirmed first (double opt-in). "
        "A signed-in reader's mail goes to the address in the publisher's token when it carries one "
        "(no confirmation when the token says `email_verified`), else to author_email. "
        "422 notifications_unavailable where the server sends no e-mail (article.email_notifications).",
    )
    reader_session: DbText | None = Field(
        default=None,
        max_length=4096,
        description="A signed-in reader's session "
        "(POST /reader/session): the comment is posted as that account, whose name is used.",
    )
    guest_token: DbText | None = Field(
        default=None,
        max_length=64,
        description="A random first-party token the embed keeps "
        "for a guest (22-64 characters A-Z a-z 0-9 _ -); a ban of the guest covers it.",
    )


class ReasonOut(BaseModel):
    code: str
    message: str


class RedressOut(BaseModel):
    text: str = Field(description="How to contest the decision, in the site's words.")
    url: str | None = Field(description="Where to appeal (a web page or a mailto: address), when the site gives one.")


class StatementOut(BaseModel):
    """The statement of reasons that comes with every rejection (EU Digital Services Act, Art. 17)."""

    automated: bool = Field(description="Whether the decision was made automatically (true) or by a moderator.")
    decided_by: str = Field(description="The same, in words for the author.")
    reasons: list[ReasonOut]
    redress: RedressOut
    issued_at: datetime


OUTCOME_HELP = (
    "published: shown to readers now; held: a moderator will read it first; rejected: not published; "
    "checking: stored, but the server was too busy to check it at once. It is decided as soon as the "
    "models are free (usually within seconds): ask `outcome_url` until the outcome is no longer checking."
)


class PostedOut(BaseModel):
    outcome: Literal["published", "held", "rejected", "checking"] = Field(description=OUTCOME_HELP)
    message: str = Field(description="The decision in plain words, for the reader.")
    reasons: list[ReasonOut]
    comment: CommentOut
    outcome_url: str = Field(
        description="Where the author's page asks for the comment's outcome later "
        "(GET; it carries a token that only this answer gives out)."
    )
    statement: StatementOut | None = Field(default=None, description="With a rejection: its statement of reasons.")
    edit_token: str | None = Field(
        default=None,
        description="The secret that lets the author edit or delete this "
        "comment until `editable_until`; given out only here, keep it.",
    )
    editable_until: datetime | None = None


class Authorship(Strict):
    reader_session: DbText | None = Field(default=None, max_length=4096, description="The author's reader session, for accounts.")
    edit_token: DbText | None = Field(default=None, max_length=64, description="The edit token from the comment's 201.")


class EditIn(Authorship):
    text: VisibleText = Field(min_length=1, max_length=MAX_COMMENT_CHARS)


class SourceOut(BaseModel):
    text: str = Field(description="The comment as its author wrote it (Markdown), as it was stored.")


class EditedOut(BaseModel):
    outcome: Literal["published", "held", "rejected"] = Field(description="The edit is moderated like a new comment.")
    message: str
    reasons: list[ReasonOut]
    comment: CommentOut


class DeletedOut(BaseModel):
    deleted: bool
    message: str


class ReaderSessionIn(Strict):
    site: DbText = Field(min_length=1, max_length=64)
    reader_token: DbText = Field(
        min_length=1, max_length=4096, description="The JWT the publisher signed for its signed-in reader."
    )


class ReaderSessionOut(BaseModel):
    reader_session: str = Field(description="Send it with posts, edits and deletions; valid until `expires_at`.")
    name: str
    expires_at: datetime
    email_known: bool = Field(
        default=False,
        description="The token carried the reader's e-mail address: a post's `notify` uses it, and `author_email` is not read.",
    )
    email_verified: bool = Field(
        default=False,
        description="The publisher marked that address verified (`email_verified`): e-mail about comments starts without a confirmation.",
    )


class SsoIn(Strict):
    algorithm: Literal["HS256", "RS256", "ES256"]
    key: DbText = Field(
        min_length=1,
        max_length=10_000,
        description="HS256: the shared secret (32 bytes or more); RS256/ES256: the publisher's PEM public key.",
    )


class SsoOut(BaseModel):
    enabled: bool
    algorithm: str | None = Field(description="The only algorithm accepted, whatever a token's header says.")
    key_fingerprint: str | None = Field(description="Tells two keys apart; the key itself is never sent back.")


class OutcomeOut(BaseModel):
    outcome: Literal["published", "held", "rejected", "checking", "deleted"] = Field(
        description=OUTCOME_HELP + ' deleted: the author has deleted it since (readers see "comment deleted").'
    )
    message: str = Field(description="The outcome in plain words, for the author.")
    reasons: list[ReasonOut]
    comment: CommentOut | None = Field(default=None, description="The comment as readers see it, once published.")
    statement: StatementOut | None = Field(default=None, description="With a rejection: its statement of reasons.")


class NudgeOut(BaseModel):
    outcome: Literal["nudge"] = "nudge"
    message: str
    reasons: list[ReasonOut]
    nudge_token: str = Field(description="Send it back with the (edited or unchanged) comment.")


class NudgeStatsOut(BaseModel):
    nudged: int = Field(description="Comments for which the author was warned before posting.")
    sent_after_nudge: int
    edited: int = Field(description="Sent again with changes.")
    edited_and_published: int
    unchanged: int
    abandoned: int = Field(description="Never sent after the warning.")
    edit_pass_rate: float | None = Field(description="Share of edited comments that were then published.")


class ReportIn(Strict):
    reason: Literal["abusive", "off_topic", "spam", "other"]
    note: DbText = Field(default="", max_length=1000)


class ReportOut(BaseModel):
    received: bool
    message: str


NOTICE_GROUNDS = Literal[
    "defamation",
    "illegal_hate_speech",
    "terrorist_content",
    "privacy_violation",
    "intellectual_property",
    "child_safety",
    "other",
]
NoticeStatusWord = Literal["received", "under_review", "action_taken", "no_action"]


class NoticeIn(Strict):
    """A notice of illegal content (EU Digital Services Act, Art. 16)."""

    ground: NOTICE_GROUNDS = Field(description="The legal ground: why the comment is illegal.")
    explanation: DbText = Field(
        max_length=20_000, description="Why the comment is illegal, in the notifier's words (10 to 5,000 characters)."
    )
    notifier_name: DbText = Field(default="", max_length=200, description="Required, except for child_safety.")
    notifier_email: Email = Field(
        default="", max_length=254, description="Required, except for child_safety; the decision is told there."
    )
    good_faith: StrictBool = Field(
        description="The notifier's statement that the notice is accurate and complete, in good faith: must be true."
    )


class NoticeOut(BaseModel):
    reference: str = Field(description="The notice's id; keep it to look the notice up (GET /api/v1/notices/{reference}).")
    status: NoticeStatusWord
    status_words: str
    ground: str
    ground_words: str
    comment_id: int
    received_at: datetime
    decided_at: datetime | None
    decision_explanation: str = Field(description="The moderators' reasons, once decided.")
    status_url: str = Field(description="The notice's status page for the notifier.")


class CountsOut(BaseModel):
    counts: dict[str, int] = Field(description="Published comments per article id; unknown ids are left out.")


def _update_field(name: str, info: FieldInfo):
    """The policy setting `name` as an optional member of an update: same type, same limits;
    leaving it out keeps the current value, and null is refused unless the setting takes null."""
    annotation = Annotated[(info.annotation, *info.metadata)] if info.metadata else info.annotation
    return annotation, Field(default=None, description=info.description, json_schema_extra=_without_default)


def _without_default(schema: dict) -> None:
    schema.pop("default", None)


PolicyIn = create_model(
    "PolicyIn",
    __config__=ConfigDict(extra="forbid"),
    __doc__="Any subset of the policy settings; the rest keep their current values. The result is checked as a whole.",
    **{name: _update_field(name, info) for name, info in Policy.model_fields.items()},
)


class PolicyOut(BaseModel):
    policy: Policy


# --- webhooks ---------------------------------------------------------------------------------

EventKind = Literal[
    "comment.created",
    "comment.published",
    "comment.held",
    "comment.rejected",
    "comment.edited",
    "comment.deleted",
    "comment.reported",
    "article.closed",
]
# http or https, with no user name or password before the host (the signature authenticates).
# No control character, and no space before or after: a URL parser drops those without a word
# (tabs and line breaks anywhere, NUL at the end), and the endpoint saved must be the one sent.
WEBHOOK_URL_PATTERN = r"^[hH][tT][tT][pP][sS]?://[^/@?#\\\x00-\x20]+([/?#]([^\x00-\x1f]*[^\x00-\x20])?)?$"


def _webhook_url_text(value):
    value = _json_string(value)
    if isinstance(value, str) and (value != value.strip(" ") or any(ord(char) < 0x20 for char in value)):
        raise ValueError(_("a URL has no control characters or line breaks, and no spaces around it"))
    return value


WebhookUrl = Annotated[
    HttpUrl,
    BeforeValidator(_webhook_url_text),
    Field(
        description="http or https, no user name or password; at most 2000 characters.",
        json_schema_extra={"pattern": WEBHOOK_URL_PATTERN, "maxLength": 2000},
    ),
]


class WebhookIn(Strict):
    url: WebhookUrl
    events: list[EventKind] = Field(
        default_factory=list, max_length=8, description="Event types to send; empty or left out: all."
    )
    description: DbText = Field(default="", max_length=200)


class WebhookUpdateIn(Strict):
    url: WebhookUrl | None = None
    events: list[EventKind] | None = Field(default=None, max_length=8)
    description: DbText | None = Field(default=None, max_length=200)
    active: StrictBool | None = Field(default=None, description="A paused endpoint gets no new deliveries.")


class DeliveryCounts(BaseModel):
    pending: int = 0
    delivered: int = 0
    failed: int = 0


class WebhookOut(BaseModel):
    id: int
    url: str
    events: list[str] = Field(description="Event types sent to it; empty: all.")
    description: str
    active: bool
    created_at: datetime
    deliveries: DeliveryCounts


class WebhookCreatedOut(WebhookOut):
    secret: str = Field(description="The signing secret. Shown only in this answer: keep it now.")


class WebhooksOut(BaseModel):
    webhooks: list[WebhookOut]


class DeliveryOut(BaseModel):
    id: int
    event_id: str
    event_type: str
    status: Literal["pending", "delivered", "failed"]
    attempts: int
    last_status_code: int | None
    last_error: str
    next_attempt_at: datetime | None = Field(description="When it is tried next; null once delivered or failed.")
    delivered_at: datetime | None
    created_at: datetime


class DeliveriesOut(BaseModel):
    deliveries: list[DeliveryOut]


class RetriedOut(BaseModel):
    retried: int = Field(description="Failed deliveries queued again from their first try.")
