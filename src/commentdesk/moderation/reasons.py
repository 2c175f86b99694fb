"""Every automatic reason code, in one table: what it is called, and how each part treats it.

A phase emits a reason by its code; the moderator workspace (card labels, filters, highlighting,
the rejection it suggests), posting (which reasons the author is warned of before storing) and
the evaluation suites (which reasons count as "abuse" or "off-topic") all read this table.
Adding a phase means: one phase module, one line in ``pipeline.PHASES``, one entry here.
The reader's words are composed by the phase itself (they name scores and the triggering words).
"""

from __future__ import annotations

from dataclasses import dataclass

from commentdesk.i18n import N_

# What a reason is about: the rejection a moderator most likely means when rejecting such a comment.
ABUSIVE = "abusive"
OFF_TOPIC = "off_topic"
SPAM = "spam"


@dataclass(frozen=True)
class ReasonKind:
    code: str
    moderator_words: str  # on the card, in filters and charts
    category: str | None = None  # ABUSIVE, OFF_TOPIC, SPAM, or None (process reasons)
    highlighted: bool = False  # its evidence is words of the comment: marked on the card, quoted to the author
    nudgeable: bool = False  # the author is warned before the comment is stored, and may reword it
    model_failure: bool = False  # a model could not run: the comment waits for a person


_KINDS = (
    ReasonKind("abusive", N_("Abusive language"), ABUSIVE, highlighted=True, nudgeable=True),
    ReasonKind("possibly_abusive", N_("Possibly abusive"), ABUSIVE, highlighted=True, nudgeable=True),
    ReasonKind("banned_word", N_("Banned word"), ABUSIVE, highlighted=True, nudgeable=True),
    ReasonKind("suspect_word", N_("Suspect word"), ABUSIVE, highlighted=True, nudgeable=True),
    ReasonKind("threat", N_("Possible threat"), ABUSIVE, highlighted=True),
    ReasonKind("dehumanising", N_("Dehumanising language"), ABUSIVE, highlighted=True),
    ReasonKind("group_hatred", N_("Hatred of a group"), ABUSIVE, highlighted=True),
    ReasonKind("sexual_harassment", N_("Possible sexual harassment"), ABUSIVE),
    ReasonKind("disability_mockery", N_("Possible mockery of disability"), ABUSIVE),
    ReasonKind("off_topic", N_("Possibly off-topic"), OFF_TOPIC, nudgeable=True),
    ReasonKind("other_article", N_("About another article"), OFF_TOPIC, nudgeable=True),
    ReasonKind("blocked_domain", N_("Link to a blocked site"), SPAM, highlighted=True),
    ReasonKind("too_many_links", N_("Too many links"), SPAM, highlighted=True),
    ReasonKind("contains_link", N_("Contains a link"), SPAM, highlighted=True),
    ReasonKind("phone_number", N_("Phone number"), SPAM, highlighted=True),
    ReasonKind("contact_bait", N_("Advertising or contact bait"), SPAM, highlighted=True),
    ReasonKind("duplicate", N_("Posted twice"), SPAM),
    ReasonKind("near_duplicate", N_("Near-duplicate of a recent comment"), SPAM),
    ReasonKind("flooding", N_("Posting too fast"), SPAM),
    ReasonKind("premoderated", N_("Article is pre-moderated")),
    ReasonKind("new_commenter", N_("New commenter")),
    ReasonKind("recent_rejections", N_("Recent rejections")),
    ReasonKind("model_timeout", N_("Model timed out"), model_failure=True),
    ReasonKind("model_unavailable", N_("Model unavailable"), model_failure=True),
    ReasonKind("check_failed", N_("An automatic check failed")),
    ReasonKind("sent_after_nudge", N_("Posted unchanged after a warning")),
)

REASONS: dict[str, ReasonKind] = {kind.code: kind for kind in _KINDS}


def codes_where(**wanted: object) -> frozenset[str]:
    """The codes whose attributes have the given values, e.g. ``codes_where(category=ABUSIVE)``."""
    return frozenset(kind.code for kind in _KINDS if all(getattr(kind, name) == value for name, value in wanted.items()))


MODERATOR_WORDS: dict[str, str] = {kind.code: kind.moderator_words for kind in _KINDS}
HIGHLIGHTED = codes_where(highlighted=True)
NUDGEABLE = codes_where(nudgeable=True)
ABUSE_CODES = codes_where(category=ABUSIVE)
OFF_TOPIC_CODES = codes_where(category=OFF_TOPIC)
MODEL_FAILURE_CODES = codes_where(model_failure=True)
SUGGESTED_REJECTION: dict[str, str] = {kind.code: kind.category for kind in _KINDS if kind.category}

# A moderator's rejection (the workspace's rejection reasons, and the removal after a notice of
# illegal content), in the words its author reads in the statement of reasons.
MODERATOR_REJECTION_READER_WORDS: dict[str, str] = {
    ABUSIVE: N_("A moderator found it abusive or hateful, which our guidelines do not allow."),
    OFF_TOPIC: N_("A moderator found it off-topic: comments here are about the article."),
    SPAM: N_("A moderator found it to be spam or advertising."),
    "other": N_("A moderator found that it breaks our community guidelines."),
    "illegal_content": N_("A moderator found it illegal after a notice of illegal content."),
}


def rejection_reader_words(code: str) -> str:
    """The author's words for a moderator's rejection reason (an unknown code: the general one)."""
    return MODERATOR_REJECTION_READER_WORDS.get(code, MODERATOR_REJECTION_READER_WORDS["other"])
