"""Regular expressions that a site supplies, compiled by RE2: matching time grows linearly with the text.

Python's own engine backtracks, so one pattern such as ``^(\\w+\\s?)+$`` can hold a CPU for
minutes on a short comment, and with it every site served by the process. RE2 never backtracks;
in exchange it refuses back-references and look-around, and a pattern is refused when it is not
RE2 syntax or would need more than `MAX_PATTERN_MEMORY` to compile.
"""

from __future__ import annotations

from functools import lru_cache

import re2

MAX_PATTERN_CHARS = 1000
# RE2 turns a pattern into an automaton; this bounds how large (and how slow to build) it may be.
MAX_PATTERN_MEMORY = 1 << 20


class PatternError(ValueError):
    """A site pattern that cannot be used; the message says why, for the site's operator."""


def _options() -> re2.Options:
    options = re2.Options()
    options.max_mem = MAX_PATTERN_MEMORY
    options.log_errors = False
    return options


@lru_cache(maxsize=64)
def compile_patterns(patterns: tuple[str, ...]) -> list:
    """Each pattern of a list, compiled (a site's pattern settings are matched as a list)."""
    return [compile_pattern(pattern) for pattern in patterns]


@lru_cache(maxsize=4096)
def compile_pattern(pattern: str) -> re2._Regexp:
    """The compiled pattern, or PatternError."""
    if len(pattern) > MAX_PATTERN_CHARS:
        raise PatternError(f"a pattern has at most {MAX_PATTERN_CHARS} characters")
    return compile_built(pattern)


@lru_cache(maxsize=4096)
def compile_built(pattern: str) -> re2._Regexp:
    """A pattern built by commentdesk from a site's setting (a word-list entry), or PatternError.

    The setting's own length is bounded where it is checked; the pattern built from it is many
    times longer ("idiot" is five groups of alternatives), so only RE2's memory bound applies."""
    try:
        return re2.compile(pattern, _options())
    except re2.error as error:
        detail = error.args[0].decode(errors="replace") if error.args and isinstance(error.args[0], bytes) else str(error)
        raise PatternError(
            f"{pattern!r} is not a regular expression RE2 accepts ({detail}); back-references and look-around are not supported"
        ) from None
