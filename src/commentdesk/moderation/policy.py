"""A site's moderation policy: thresholds, word lists and rules, with defaults that need no setup."""

from __future__ import annotations

import json
import re
from dataclasses import asdict, dataclass, field, fields
from functools import lru_cache
from pathlib import Path

WEIGHTS_DIR = Path(__file__).parent / "models" / "weights"

# Strong words a newsroom rejects outright; sites extend or replace the list.
DEFAULT_BANNED_WORDS = [
    "fuck*", "motherfuck*", "cunt*", "nigger*", "faggot*", "retard*", "kike*", "spic", "chink*",
    "tranny*", "wetback*", "raghead*",
]
# Words that are often but not always abusive: held for a person to read.
DEFAULT_SUSPECT_WORDS = [
    "idiot*", "moron*", "stupid*", "scum*", "bitch*", "bastard*", "shit*", "dickhead*",
    "asshole*", "dumbass*", "imbecile*", "kill yourself", "kys", "traitor*", "vermin",
]


def _default_threats() -> list[str]:
    from commentdesk.moderation.phases.threats import DEFAULT_THREAT_PATTERNS

    return DEFAULT_THREAT_PATTERNS


@lru_cache(maxsize=1)
def recommended_thresholds() -> dict:
    """Thresholds chosen on held-out data and shipped with the model weights."""
    found: dict = {}
    for name in ("abuse.json", "relevance.json"):
        path = WEIGHTS_DIR / name
        try:
            found[name.removesuffix(".json")] = json.loads(path.read_text()).get("recommended_thresholds", {})
        except (OSError, ValueError):
            found[name.removesuffix(".json")] = {}
    return found


def _model_default(model: str, key: str, fallback: float) -> float:
    value = recommended_thresholds().get(model, {}).get(key)
    return float(value) if isinstance(value, (int, float)) else fallback


@dataclass
class Policy:
    abuse_hold: float = field(default_factory=lambda: _model_default("abuse", "hold", 0.5))
    abuse_reject: float = field(default_factory=lambda: _model_default("abuse", "reject", 0.93))
    relevance_hold: float = field(default_factory=lambda: _model_default("relevance", "hold", 0.2))
    # Off-topic alone never rejects unless a site asks for it.
    relevance_reject: float | None = None
    # Comments this short ("Well said.") are not judged for relevance.
    relevance_min_words: int = 4
    spam_hold: float = 0.5
    spam_reject: float = 0.9
    banned_words: list[str] = field(default_factory=lambda: list(DEFAULT_BANNED_WORDS))
    suspect_words: list[str] = field(default_factory=lambda: list(DEFAULT_SUSPECT_WORDS))
    # Regular expressions over the normalised text (lower case, tricks undone); a match holds.
    threat_patterns: list[str] = field(default_factory=lambda: list(_default_threats()))
    blocked_domains: list[str] = field(default_factory=list)
    allowed_domains: list[str] = field(default_factory=list)
    max_links: int = 2
    flood_per_minute_commenter: int = 5
    flood_per_minute_address: int = 12
    # Past this many posts a minute from one network address, posts are refused (429), not stored.
    refuse_per_minute_address: int = 60
    duplicate_window_minutes: int = 120
    new_commenter_hold: int = 0
    hold_after_recent_rejections: int = 2
    recent_rejection_days: int = 30
    premoderate: bool = False
    # Warn authors before storing a comment they could reword (word lists, abuse, relevance).
    nudge: bool = True
    close_after_days: int | None = None
    page_size: int = 10

    @classmethod
    def from_dict(cls, overrides: dict | None) -> "Policy":
        """Defaults with a site's overrides on top; unknown keys are refused."""
        overrides = overrides or {}
        known = {spec.name for spec in fields(cls)}
        unknown = set(overrides) - known
        if unknown:
            raise ValueError(f"unknown policy settings: {', '.join(sorted(unknown))}")
        policy = cls(**overrides)
        for pattern in policy.threat_patterns:
            try:
                re.compile(pattern)
            except re.error as error:
                raise ValueError(f"threat pattern {pattern!r} is not a valid regular expression: {error}") from None
        return policy

    def as_dict(self) -> dict:
        return asdict(self)
