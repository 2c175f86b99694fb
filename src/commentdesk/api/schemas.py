"""Request and response bodies of the public API (they also make the OpenAPI document)."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, HttpUrl

from commentdesk.moderation.policy import Policy


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class ArticleIn(Strict):
    url: HttpUrl = Field(description="The article's public address; one article per address and site.")
    title: str = Field(min_length=1, max_length=500)
    body: str = Field(default="", max_length=200_000, description="Plain text of the article, used to judge relevance.")
    author: str = Field(default="", max_length=200)
    published_at: datetime | None = None
    comments_open: bool | None = None
    premoderate: bool | None = Field(default=None, description="Hold every comment on this article for a moderator.")


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
    status: Literal["published", "pending", "rejected"]
    reply_count: int = 0
    replies: list[CommentOut] = Field(default_factory=list, description="Published replies, oldest first (top-level comments only).")
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
    author_name: str = Field(min_length=1, max_length=200)
    author_email: str | None = Field(default=None, max_length=254, description="Optional; stored only as a keyed hash.")
    text: str = Field(min_length=1, max_length=20_000)
    parent_id: int | None = Field(default=None, description="The comment this one replies to.")
    nudge: bool = Field(default=False, description="If the comment may break the guidelines in a way the author can fix, "
                        "store nothing and answer 200 with the reasons, so the author can edit it first.")
    nudge_token: str | None = Field(default=None, max_length=64, description="The token of an earlier nudge, when sending the comment after it.")


class ReasonOut(BaseModel):
    code: str
    message: str


class PostedOut(BaseModel):
    outcome: Literal["published", "held", "rejected"]
    message: str = Field(description="The decision in plain words, for the reader.")
    reasons: list[ReasonOut]
    comment: CommentOut


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
    note: str = Field(default="", max_length=1000)


class ReportOut(BaseModel):
    received: bool
    message: str


class CountsOut(BaseModel):
    counts: dict[str, int] = Field(description="Published comments per article id; unknown ids are left out.")


class PolicyIn(Strict):
    """Any subset of the policy settings; the rest keep their current values."""

    abuse_hold: float | None = Field(default=None, ge=0, le=1)
    abuse_reject: float | None = Field(default=None, ge=0, le=1)
    relevance_hold: float | None = Field(default=None, ge=0, le=1)
    relevance_reject: float | None = Field(default=None, ge=0, le=1)
    relevance_min_words: int | None = Field(default=None, ge=0, le=100)
    spam_hold: float | None = Field(default=None, ge=0, le=1)
    spam_reject: float | None = Field(default=None, ge=0, le=1)
    banned_words: list[str] | None = Field(default=None, max_length=5000)
    suspect_words: list[str] | None = Field(default=None, max_length=5000)
    threat_patterns: list[str] | None = Field(default=None, max_length=500)
    blocked_domains: list[str] | None = Field(default=None, max_length=5000)
    allowed_domains: list[str] | None = Field(default=None, max_length=5000)
    max_links: int | None = Field(default=None, ge=0, le=50)
    flood_per_minute_commenter: int | None = Field(default=None, ge=1, le=1000)
    flood_per_minute_address: int | None = Field(default=None, ge=1, le=10000)
    refuse_per_minute_address: int | None = Field(default=None, ge=1, le=100000)
    duplicate_window_minutes: int | None = Field(default=None, ge=0, le=100_000)
    new_commenter_hold: int | None = Field(default=None, ge=0, le=1000)
    hold_after_recent_rejections: int | None = Field(default=None, ge=0, le=1000)
    recent_rejection_days: int | None = Field(default=None, ge=1, le=3650)
    premoderate: bool | None = None
    nudge: bool | None = None
    close_after_days: int | None = Field(default=None, ge=0, le=36500)
    page_size: int | None = Field(default=None, ge=1, le=100)


class PolicyOut(BaseModel):
    policy: dict


def policy_fields() -> set[str]:
    return set(Policy.__dataclass_fields__)
