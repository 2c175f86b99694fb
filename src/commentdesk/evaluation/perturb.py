"""Evasion rewrites of abusive comments, for the robustness check.

Each rewrite targets the words an evader would disguise: words from a short list of common
abusive stems, or, when a comment has none, its longer words. All randomness is seeded.
"""

from __future__ import annotations

import random
import re

# Stems only used to pick which words to disguise (evaluation, not the model).
ABUSIVE_STEMS = (
    "fuck",
    "shit",
    "bitch",
    "cunt",
    "dick",
    "cock",
    "pussy",
    "asshole",
    "ass",
    "bastard",
    "damn",
    "crap",
    "idiot",
    "moron",
    "stupid",
    "dumb",
    "retard",
    "loser",
    "jerk",
    "fool",
    "scum",
    "pig",
    "whore",
    "slut",
    "fag",
    "nigg",
    "kill",
    "die",
    "hate",
    "ugly",
    "fat",
    "trash",
    "garbage",
    "liar",
    "clown",
    "imbecile",
    "hypocrite",
    "pathetic",
    "ignorant",
    "disgusting",
    "freak",
)
HOMOGLYPHS = {"a": "а", "e": "е", "o": "о", "p": "р", "c": "с", "y": "у", "x": "х", "i": "і", "s": "ѕ", "j": "ј"}
LEET = {"a": "4", "e": "3", "i": "1", "o": "0", "s": "5", "t": "7"}


def _spacing(word: str, rng: random.Random) -> str:
    return " ".join(word)


def _leet(word: str, rng: random.Random) -> str:
    spots = [i for i, c in enumerate(word) if c.lower() in LEET]
    if not spots:
        return word
    chosen = set(rng.sample(spots, max(1, len(spots) // 2)))
    return "".join(LEET[c.lower()] if i in chosen else c for i, c in enumerate(word))


def _drop_letter(word: str, rng: random.Random) -> str:
    if len(word) < 4:
        return word
    vowels = [i for i in range(1, len(word) - 1) if word[i].lower() in "aeiou"]
    i = rng.choice(vowels or list(range(1, len(word) - 1)))
    return word[:i] + word[i + 1 :]


def _homoglyph(word: str, rng: random.Random) -> str:
    return "".join(HOMOGLYPHS.get(c, c) if rng.random() < 0.6 else c for c in word)


PERTURBATIONS = {
    "spacing": _spacing,
    "leetspeak": _leet,
    "dropped_letters": _drop_letter,
    "lookalike_unicode": _homoglyph,
}


def _targets(words: list[str]) -> list[int]:
    hits = [i for i, w in enumerate(words) if any(s in w.lower() for s in ABUSIVE_STEMS)]
    if hits:
        return hits
    long_words = sorted(range(len(words)), key=lambda i: -len(words[i]))
    return [i for i in long_words[:2] if len(words[i]) >= 4]


def perturb(text: str, kind: str, seed: int = 0) -> str:
    """Rewrite the targeted words of ``text`` with one evasion technique."""
    rng = random.Random(f"{seed}:{kind}:{text}")
    parts = re.split(r"(\s+)", text)
    words = parts[::2]
    for i in _targets(words):
        m = re.match(r"^(\W*)(.*?)(\W*)$", words[i], re.S)
        if m is None:  # cannot happen: every group may be empty
            continue
        lead, core, tail = m.groups()
        if core:
            words[i] = lead + PERTURBATIONS[kind](core, rng) + tail
    parts[::2] = words
    return "".join(parts)
