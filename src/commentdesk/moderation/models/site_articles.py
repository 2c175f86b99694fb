"""What else on the same site a comment could be about: the passages of the site's other articles.

A comment under the tram story that is plainly about the football club's new signing scores low
against the tram story, but so does a short reaction; what tells them apart is that the site
also reported the signing and the comment fits that report much better. So a comment is compared
with the leading passages of the site's other recent articles, in the same way as with its own
article (the best passage), and the closest one is named.

An article on the same subject as the comment's own (the bus timetable under the tram story) is
left out: a comment about buses under a tram story is about transport, not about another story.

The bank holds vectors only (no database): the service that builds it (services/site_articles.py)
decides which articles it holds and when it is rebuilt.
"""

from __future__ import annotations

from collections.abc import Hashable, Sequence
from dataclasses import dataclass

import numpy as np

# The site's most recent articles compared with; each by its title and first passages (a news
# report states its subject early), which bounds the bank at a few megabytes per site.
MAX_ARTICLES = 200
PASSAGES_PER_ARTICLE = 12
# Articles at least this close to the comment's own (mean passage vectors) share its subject.
RELATED_ARTICLE_SIMILARITY = 0.5


@dataclass(frozen=True)
class SiteArticle:
    """One article of the site as the bank takes it in: its passages (title first) and their vectors."""

    key: Hashable  # the article's id in the store; any unique value in an evaluation
    title: str
    passages: Sequence[str]
    vectors: np.ndarray


@dataclass
class OtherArticleMatch:
    key: Hashable
    title: str
    similarity: float  # the comment's cosine with the article's closest passage
    closest: str  # that passage


def centroid(vectors: np.ndarray) -> np.ndarray:
    """The article's direction: the unit mean of its passage vectors."""
    mean = np.asarray(vectors, dtype=np.float32).mean(axis=0)
    norm = float(np.linalg.norm(mean))
    return mean / norm if norm > 0 else mean


class SiteArticles:
    """The passage vectors of up to MAX_ARTICLES articles, searched in one matrix product."""

    def __init__(self, articles: Sequence[SiteArticle]) -> None:
        kept = [article for article in articles[:MAX_ARTICLES] if len(article.vectors)]
        self.keys = [article.key for article in kept]
        self.titles = [article.title for article in kept]
        self._passages: list[str] = []
        owners: list[int] = []
        blocks: list[np.ndarray] = []
        for row, article in enumerate(kept):
            vectors = np.asarray(article.vectors, dtype=np.float32)[:PASSAGES_PER_ARTICLE]
            blocks.append(vectors)
            owners += [row] * len(vectors)
            self._passages += list(article.passages[: len(vectors)])
        width = blocks[0].shape[1] if blocks else 0
        self._vectors = np.concatenate(blocks) if blocks else np.zeros((0, width), dtype=np.float32)
        self._owners = np.asarray(owners, dtype=np.int64)
        # Unit rows already (centroid), so one product gives their cosines with another centroid.
        self._centroids = np.stack([centroid(block) for block in blocks]) if blocks else np.zeros((0, width), np.float32)

    def __len__(self) -> int:
        return len(self.keys)

    def closest(
        self, comment_vec: np.ndarray, own_key: Hashable | None, own_passage_vecs: np.ndarray | None
    ) -> OtherArticleMatch | None:
        """The other article whose best passage fits the comment best, leaving out the comment's
        own article and those on its subject; None when there is none."""
        if not len(self.keys):
            return None
        comment = np.asarray(comment_vec, dtype=np.float32).ravel()
        if comment.shape[0] != self._vectors.shape[1]:
            return None  # vectors of another embedder: nothing to compare
        eligible = np.array([key != own_key for key in self.keys], dtype=bool)
        if own_passage_vecs is not None and len(own_passage_vecs):
            eligible &= self._centroids @ centroid(own_passage_vecs) < RELATED_ARTICLE_SIMILARITY
        candidates = eligible[self._owners]
        if not candidates.any():
            return None
        sims = np.where(candidates, self._vectors @ comment, -np.inf)
        best = int(np.argmax(sims))
        row = int(self._owners[best])
        return OtherArticleMatch(self.keys[row], self.titles[row], float(sims[best]), self._passages[best])
