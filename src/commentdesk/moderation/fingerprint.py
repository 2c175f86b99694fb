"""64-bit SimHash of a comment's words: near-identical texts differ in only a few bits."""

from __future__ import annotations

import hashlib
from functools import lru_cache

import numpy as np

from commentdesk.moderation.normalize import simplify_for_fingerprint

BITS = 64
NEAR_DUPLICATE_BITS = 4
# Short texts ("Well said", "Agreed") are repeated innocently; only longer ones count as copies.
MIN_WORDS = 8


def _hash64(token: str) -> int:
    return int.from_bytes(hashlib.blake2b(token.encode(), digest_size=8).digest(), "big")


@lru_cache(maxsize=512)
def simhash(text: str) -> int | None:
    """Signed 64-bit fingerprint (fits a BIGINT column), or None for texts too short to compare."""
    words = simplify_for_fingerprint(text).split()
    if len(words) < MIN_WORDS:
        return None
    shingles = [" ".join(words[i : i + 2]) for i in range(len(words) - 1)]
    # One row of bits per shingle's hash, lowest bit first; a bit of the fingerprint is set
    # where more shingles have it set than not.
    hashes = np.array([_hash64(shingle) for shingle in shingles], dtype=np.uint64)
    bits = (hashes[:, None] >> _BIT_POSITIONS) & np.uint64(1)
    ones = bits.sum(axis=0, dtype=np.int64)
    unsigned = sum(1 << bit for bit in np.flatnonzero(2 * ones > len(shingles)).tolist())
    return unsigned - (1 << BITS) if unsigned >= 1 << (BITS - 1) else unsigned


_BIT_POSITIONS = np.arange(BITS, dtype=np.uint64)


def distance(a: int, b: int) -> int:
    return ((a ^ b) & ((1 << BITS) - 1)).bit_count()


def is_near_duplicate(fingerprint: int | None, others: list[int]) -> bool:
    if fingerprint is None or not others:
        return False
    # All at once: a busy site compares each comment with its 500 newest.
    differing = np.bitwise_count((np.array(others, dtype=np.int64) ^ np.int64(fingerprint)).view(np.uint64))
    return bool((differing <= NEAR_DUPLICATE_BITS).any())
