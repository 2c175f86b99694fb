"""Models for tests of the rules and the tools around them: canned answers, nothing loaded."""

from __future__ import annotations

import numpy as np

from commentdesk.moderation.models.abuse import AbuseScore
from commentdesk.moderation.models.relevance import RelevanceScore
from commentdesk.moderation.types import Candidate, ModelSignals


class CannedModels:
    """Every comment civil and on topic, with the article's title as its one passage; a text that
    contains `failing` gets failed models instead. Records the texts given and whether each came
    with passages."""

    def __init__(self, failing: str | None = None) -> None:
        self.failing = failing
        self.texts: list[str] = []
        self.passages_given: list[bool] = []

    def load(self):
        return self

    @property
    def versions(self) -> dict[str, str]:
        return {"abuse": "canned"}

    def signals(self, candidate: Candidate) -> ModelSignals:
        self.texts.append(candidate.text)
        self.passages_given.append(candidate.passages is not None)
        if self.failing and self.failing in candidate.text:
            return ModelSignals(failures={"models": "error: weights missing"}, versions=self.versions)
        return ModelSignals(
            abuse=AbuseScore(0.02),
            relevance=RelevanceScore(0.8, 0.6, "Rates held.", "article"),
            passages=[candidate.article_title],
            passage_vectors=np.zeros((1, 2), np.float32),
            versions=self.versions,
        )
