"""A site's moderation policy: thresholds, word lists and rules, with defaults that need no setup.

`Policy` is the one definition of every setting, its type and its range: the HTTP API's update
body is derived from it, and an update is checked as a whole (the stored settings with the
change on top) before it is stored. Types are strict: `true` is not a number and `0` is not a
boolean. An explicit `null` is refused for any setting that does not take null.
"""

from __future__ import annotations

import json
import logging
import re
from functools import lru_cache
from pathlib import Path
from typing import Annotated
from urllib.parse import urlsplit

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    StrictBool,
    ValidationError,
    field_validator,
    model_validator,
)

from commentdesk.bounds import JSON_INTEGER, NO_NUL, SPACE_CLASS, storable_text
from commentdesk.i18n import N_
from commentdesk.i18n import gettext as _
from commentdesk.moderation.default_patterns import (
    DEFAULT_DEHUMANISING_PATTERNS,
    DEFAULT_GROUP_HATRED_PATTERNS,
    DEFAULT_OFF_TOPIC_MARKERS,
    DEFAULT_THREAT_PATTERNS,
)
from commentdesk.moderation.patterns import MAX_PATTERN_CHARS, compile_pattern

log = logging.getLogger(__name__)

WEIGHTS_DIR = Path(__file__).parent / "models" / "weights"

# Slurs a newsroom rejects outright; sites extend or replace the list. Profanity is not on it:
# "this budget is a f***ing mess" attacks no one, and a site that wants a clean-language policy
# adds "fuck*", "shit*" and the like here itself.
DEFAULT_BANNED_WORDS = [
    # "retard" without a star: "fire retardant" and "growth retardation" are news words.
    "cunt*",
    "nigger*",
    "faggot*",
    "retard",
    "retards",
    "retarded",
    "kike*",
    "spic",
    "spics",
    "tranny*",
    "wetback*",
    "raghead*",
    "towelhead*",
    "paki",
    "pakis",
    "wog",
    "wogs",
    "golliwog*",
    "gypo*",
    "gyppo*",
    "darkie*",
    "darky",
    "beaner*",
    "gook*",
    "jigaboo*",
    "kaffir*",
    "sambo*",
]
# Words and phrases that are often but not always abusive, aimed at a person: held for a person to
# read. Words that readers quote or report ("traitors", "vermin") are left to the models.
DEFAULT_SUSPECT_WORDS = [
    "idiot*",
    "moron*",
    "stupid*",
    "scum*",
    "bitch*",
    "bastard*",
    "dickhead*",
    "asshole*",
    "dumbass*",
    "imbecile*",
    "kill yourself",
    "kys",
    "fuck you",
    "fuck off",
    "shut the fuck up",
    "stfu",
    "piece of shit",
    # Vulgar insults the abuse models score low, British ones above all ("you are a wanker": P(abusive)
    # 0.02): rare in the North American sets they learned from. Not "twat*" ("Twatter") nor
    # "slut*" ("SlutWalk", a march reported on).
    "wanker*",
    "prick",
    "pricks",
    "twat",
    "twats",
    "cocksucker*",
    "whore*",
    "slut",
    "sluts",
    "slutty",
    "tosser*",
    "bellend*",
    "knobhead*",
    "arsehole*",
    "douchebag*",
    "douche",
    "douches",
    "cretin*",
    "jackass*",
    "motherfucker*",
    "shithead*",
    "dipshit*",
    "fuckwit*",
    # Slurs for disabled people, used as insults; held rather than rejected, since some are also
    # ordinary words elsewhere ("mong" is a town, "cripple" a verb) and some are reclaimed.
    "mong",
    "mongs",
    "mongoloid*",
    "spacker*",
    "spaz",
    "spazz*",
    "spastic*",
    "downie*",
    "tard",
    "tards",
    "cripple",
    "cripples",
    "window licker*",
    "windowlicker*",
    "coon",
    "coons",
    "dago*",
    # A slur, and also the "chink in the armour" of many a news story: a person tells them apart.
    "chink",
    "chinks",
]


def _default_threats() -> list[str]:
    return list(DEFAULT_THREAT_PATTERNS)


def _default_dehumanising() -> list[str]:
    return list(DEFAULT_DEHUMANISING_PATTERNS)


def _default_group_hatred() -> list[str]:
    return list(DEFAULT_GROUP_HATRED_PATTERNS)


def _default_off_topic_markers() -> list[str]:
    return list(DEFAULT_OFF_TOPIC_MARKERS)


@lru_cache(maxsize=1)
def recommended_thresholds() -> dict:
    """Thresholds chosen on held-out data and shipped with the model weights."""
    found: dict = {}
    for name in ("abuse.json", "relevance.json", "harm.json"):
        path = WEIGHTS_DIR / name
        try:
            found[name.removesuffix(".json")] = json.loads(path.read_text()).get("recommended_thresholds", {})
        except (OSError, ValueError):
            found[name.removesuffix(".json")] = {}
    return found


def _model_default(model: str, key: str, fallback: float) -> float:
    value = recommended_thresholds().get(model, {}).get(key)
    return float(value) if isinstance(value, (int, float)) and not isinstance(value, bool) else fallback


def _default_abuse_hold() -> float:
    return _model_default("abuse", "hold", 0.5)


def _default_abuse_reject() -> float:
    """The shipped reject level, raised to the shipped hold level if it is below it: a weights file
    out of order must not stop every site's comments (a moderator's setting out of order is refused)."""
    return _reject_not_below_hold(_default_abuse_hold(), _model_default("abuse", "reject", 0.93))


@lru_cache(maxsize=8)
def _reject_not_below_hold(hold: float, reject: float) -> float:
    # Cached by value: every policy of every request reads the defaults, the warning is said once.
    if reject >= hold:
        return reject
    log.warning(
        "the shipped abuse thresholds put reject (%s) below hold (%s): using %s for both; check the weights' abuse.json",
        reject,
        hold,
        hold,
    )
    return hold


# A probability threshold: a JSON number from 0 to 1 (an integer 0 or 1 is a number too, a boolean is not).
Threshold = Annotated[float, Field(ge=0, le=1, strict=True)]


def _matchable_word(entry: str) -> str:
    # An entry of spaces and masks alone ("   ", "*") would be stored and never match anything.
    if not entry.replace("*", "").strip():
        raise ValueError(_("a word needs a letter, digit or sign besides spaces and *"))
    return entry


# The same rule, stated in the API document.
WORD_PATTERN = rf"^[^\x00]*[^\x00*{SPACE_CLASS}][^\x00]*$"


def _host_rule(entry: str) -> str:
    """A domain rule as it is matched: the host in lower case. An address pasted whole
    ("https://spam.example/offer") or a wildcard ("*.spam.example") would never equal a link's
    host, so it is read as that host (subdomains are matched anyway). An entry that names no host
    is kept as written: it matches nothing, as before."""
    text = entry.strip().lower().removeprefix("*.")
    try:
        host = urlsplit(text if "//" in text else "//" + text).hostname or ""
    except ValueError:
        host = ""
    host = host.strip(".")
    return host if _HOST.fullmatch(host) else entry


_HOST = re.compile(r"[^\s/\\@:?#*\[\]]{1,253}")
# Lengths are checked on the string itself, before the validators: a list entry that is too long is
# then refused as "at most 100 characters", not as "at most 100 items after validation".
Word = Annotated[
    str,
    Field(pattern=NO_NUL, min_length=1, max_length=100, json_schema_extra={"pattern": WORD_PATTERN}),
    AfterValidator(storable_text),
    AfterValidator(_matchable_word),
]
Domain = Annotated[
    str, Field(pattern=NO_NUL, min_length=1, max_length=253), AfterValidator(storable_text), AfterValidator(_host_rule)
]
Pattern = Annotated[str, Field(pattern=NO_NUL, min_length=1, max_length=MAX_PATTERN_CHARS), AfterValidator(storable_text)]
RedressText = Annotated[str, Field(pattern=NO_NUL, min_length=1, max_length=1000), AfterValidator(storable_text)]
RedressUrl = Annotated[str, Field(max_length=2000, pattern=r"^(https?://[^\s\x00]+|mailto:[^\s\x00@]+@[^\s\x00]+)$")]
# Shown in the reader's language; a site's own words are shown as the site wrote them.
DEFAULT_REDRESS = N_(
    "If you think this decision is wrong, you can ask the editors to review it; "
    "you may also turn to an out-of-court dispute settlement body or a court."
)


class Policy(BaseModel):
    model_config = ConfigDict(extra="forbid", validate_assignment=True)

    abuse_hold: Threshold = Field(default_factory=_default_abuse_hold)
    abuse_reject: Threshold = Field(default_factory=_default_abuse_reject)
    # The harm model's heads: threats, wishing or calling for violence; sexual harassment. A score
    # at or above its level holds the comment for a person (never rejects: context decides).
    violence_hold: Threshold = Field(default_factory=lambda: _model_default("harm", "violence", 0.8))
    sexual_harassment_hold: Threshold = Field(default_factory=lambda: _model_default("harm", "sexual", 0.7))
    disability_mockery_hold: Threshold = Field(default_factory=lambda: _model_default("harm", "disability", 0.7))
    relevance_hold: Threshold = Field(default_factory=lambda: _model_default("relevance", "hold", 0.2))
    # Off-topic alone never rejects unless a site asks for it (null: never).
    relevance_reject: Threshold | None = None
    # Comments this short ("Well said.") are not judged for relevance.
    relevance_min_words: Annotated[int, Field(ge=0, le=100), JSON_INTEGER] = 4
    # Chatter (sports results, weather, greetings, "First!"): held when a common off-topic subject
    # fits the comment at least this well and by this margin better than the article does. Off
    # with the relevance hold: a relevance_hold of 0 (and no relevance_reject) holds no comment
    # as off-topic on the models' word.
    chatter_min_similarity: Threshold = 0.38
    chatter_margin: Threshold = 0.05
    # Another article of the same site (the football signing under the tram story): held when the
    # comment fits one of its passages at least this well, by this margin better than its own
    # article (or the comment answered), and its relevance to its own is below the ceiling.
    # Set on SemEval-2016 (docs/evaluation): a forum's questions are close to one another, so
    # only clear cases are held.
    other_article_min_similarity: Threshold = 0.6
    other_article_margin: Threshold = 0.2
    other_article_max_relevance: Threshold = 0.35
    # Regular expressions (RE2) for a comment that says it is off-topic ("Unrelated, but…"): held.
    off_topic_markers: list[Pattern] = Field(default_factory=_default_off_topic_markers, max_length=500)
    spam_hold: Threshold = 0.5
    spam_reject: Threshold = 0.9
    banned_words: list[Word] = Field(default_factory=lambda: list(DEFAULT_BANNED_WORDS), max_length=5000)
    suspect_words: list[Word] = Field(default_factory=lambda: list(DEFAULT_SUSPECT_WORDS), max_length=5000)
    # Regular expressions (RE2 syntax) over the normalised text (lower case, tricks undone); a match holds.
    threat_patterns: list[Pattern] = Field(default_factory=_default_threats, max_length=500)
    # The same, for language that describes a group of people as animals, vermin or a disease.
    dehumanising_patterns: list[Pattern] = Field(default_factory=_default_dehumanising, max_length=500)
    # The same, for hatred of a group said outright ("I hate ...", "... don't deserve to live here").
    group_hatred_patterns: list[Pattern] = Field(default_factory=_default_group_hatred, max_length=500)
    blocked_domains: list[Domain] = Field(default_factory=list, max_length=5000)
    allowed_domains: list[Domain] = Field(default_factory=list, max_length=5000)
    max_links: Annotated[int, Field(ge=0, le=50), JSON_INTEGER] = 2
    flood_per_minute_commenter: Annotated[int, Field(ge=1, le=1000), JSON_INTEGER] = 5
    flood_per_minute_address: Annotated[int, Field(ge=1, le=10_000), JSON_INTEGER] = 12
    # Past this many posts a minute from one network address, posts are refused (429), not stored.
    refuse_per_minute_address: Annotated[int, Field(ge=1, le=100_000), JSON_INTEGER] = 60
    duplicate_window_minutes: Annotated[int, Field(ge=0, le=100_000), JSON_INTEGER] = 120
    new_commenter_hold: Annotated[int, Field(ge=0, le=1000), JSON_INTEGER] = 0
    hold_after_recent_rejections: Annotated[int, Field(ge=0, le=1000), JSON_INTEGER] = 2
    recent_rejection_days: Annotated[int, Field(ge=1, le=3650), JSON_INTEGER] = 30
    premoderate: StrictBool = False
    # Warn authors before storing a comment they could reword (word lists, abuse, relevance).
    nudge: StrictBool = True
    # Show authors the scores and thresholds behind each reason, as moderators see them (off: plain words only).
    show_scores_to_readers: StrictBool = False
    # Comments close this many days after the article's publication (null: never).
    close_after_days: Annotated[int, Field(ge=0, le=36_500), JSON_INTEGER] | None = None
    page_size: Annotated[int, Field(ge=1, le=100), JSON_INTEGER] = 10
    # How an author can contest a rejection, shown with every statement of reasons (EU Digital
    # Services Act, Art. 17): words, and an address (web page or mailto:) where to appeal.
    redress_text: RedressText = DEFAULT_REDRESS
    redress_url: RedressUrl | None = None
    # Only readers signed in through the publisher may post (docs/sso.md); off: guests may too.
    accounts_required: StrictBool = False
    # Authors may edit or delete their own comment this many minutes after posting it (0: never).
    edit_window_minutes: Annotated[int, Field(ge=0, le=10_080), JSON_INTEGER] = 15

    @field_validator("threat_patterns", "dehumanising_patterns", "group_hatred_patterns", "off_topic_markers")
    @classmethod
    def _patterns_compile(cls, patterns: list[str]) -> list[str]:
        for pattern in patterns:
            compile_pattern(pattern)  # PatternError is a ValueError: reported as this field's error
        return patterns

    @model_validator(mode="after")
    def _thresholds_in_order(self) -> Policy:
        for kind in ("abuse", "spam"):
            hold, reject = getattr(self, f"{kind}_hold"), getattr(self, f"{kind}_reject")
            if reject < hold:
                raise ValueError(
                    f"a reject threshold must not be below its hold threshold: {kind}_reject is {reject}, {kind}_hold is {hold}"
                )
        return self

    @classmethod
    def from_dict(cls, overrides: dict | None) -> Policy:
        """Defaults with `overrides` on top, checked strictly; ValueError (a ValidationError) if any is wrong."""
        return cls.model_validate(overrides or {})

    @classmethod
    def for_site(cls, stored: dict | None) -> Policy:
        """The policy a site runs under. Never fails: a stored setting that no longer passes the
        checks (written by an older version, or by hand) is logged and replaced by its default,
        so one bad setting cannot stop a site's comments."""
        return cls.model_validate(cls._usable_overrides(stored))

    @classmethod
    def updated(cls, stored: dict | None, changes: dict) -> tuple[Policy, dict]:
        """The policy with `changes` on top of the stored overrides, checked as a whole, and the
        overrides to store. Raises ValueError (a ValidationError) and changes nothing if any check fails."""
        overrides = {**cls._usable_overrides(stored), **changes}
        return cls.model_validate(overrides), overrides

    @classmethod
    def _usable_overrides(cls, stored: dict | None) -> dict:
        overrides = dict(stored) if isinstance(stored, dict) else {}
        while True:
            try:
                cls.model_validate(overrides)
                return overrides
            except ValidationError as error:
                problems = [problem["loc"] for problem in error.errors() if problem.get("loc")]
                bad = {str(loc[0]) for loc in problems} & set(overrides)
                if not bad:  # a rule across settings (thresholds out of order): keep none of the stored ones
                    log.warning("site policy ignored, using the defaults: %s", error)
                    return {}
                # One entry of a list that no longer passes ("not a domain") costs that entry, not the list.
                entries = {(str(loc[0]), loc[1]) for loc in problems if len(loc) > 1 and isinstance(loc[1], int)}
                for name in sorted(bad):
                    values = overrides[name]
                    dropped = {index for setting, index in entries if setting == name}
                    if isinstance(values, list) and dropped and all(len(loc) > 1 for loc in problems if str(loc[0]) == name):
                        log.warning("site policy setting %s: entries %s ignored: %s", name, sorted(dropped), error)
                        overrides[name] = [value for index, value in enumerate(values) if index not in dropped]
                    else:
                        log.warning("site policy setting %s ignored, using its default: %s", name, error)
                        overrides.pop(name)

    def redress_words(self) -> str:
        """How to contest a decision, in the current language: the default words translated, a
        site's own words as written."""
        return _(DEFAULT_REDRESS) if self.redress_text == DEFAULT_REDRESS else self.redress_text

    def as_dict(self) -> dict:
        return self.model_dump()

    @classmethod
    def setting_names(cls) -> set[str]:
        return set(cls.model_fields)
