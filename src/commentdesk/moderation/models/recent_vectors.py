"""The sentence vectors of the texts the models read lately, so that a reply does not encode its
parent a second time.

A reply's relevance compares it with its parent, and the parent was usually posted a little
earlier and read by these same models then: encoding it again cost a second pass of the encoder
for every reply. Vectors are kept by a digest of the exact text (an edited text is another key),
in memory, newest kept; a miss (after a restart, an imported parent) costs only the pass it would
have saved. The 8-bit encoder reads one text per pass, so a kept vector is the one a new pass
would give.
"""

from __future__ import annotations

import hashlib
import threading
from collections import OrderedDict

import numpy as np

# About 15 MB of float32 vectors of 384 numbers: a day of comments on a busy site.
CAPACITY = 10_000


class RecentVectors:
    """A bounded map from text to its sentence vector, least recently used dropped first; thread-safe."""

    def __init__(self, capacity: int = CAPACITY) -> None:
        self.capacity = capacity
        self._vectors: OrderedDict[bytes, np.ndarray] = OrderedDict()
        self._lock = threading.Lock()

    @staticmethod
    def _key(text: str) -> bytes:
        return hashlib.blake2b(text.encode(), digest_size=16).digest()

    def get(self, text: str) -> np.ndarray | None:
        key = self._key(text)
        with self._lock:
            vector = self._vectors.get(key)
            if vector is not None:
                self._vectors.move_to_end(key)
            return vector

    def remember(self, text: str, vector: np.ndarray) -> None:
        kept = np.array(vector, dtype=np.float32, copy=True)  # not a view that keeps a whole batch alive
        kept.setflags(write=False)
        key = self._key(text)
        with self._lock:
            self._vectors[key] = kept
            self._vectors.move_to_end(key)
            while len(self._vectors) > self.capacity:
                self._vectors.popitem(last=False)

    def __len__(self) -> int:
        return len(self._vectors)
