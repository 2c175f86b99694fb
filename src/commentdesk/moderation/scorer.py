"""`commentdesk score`: JSON lines in, one decision per line out, in order (see PRODUCT.md).

Each line is judged on its own (no commenter history), with the site's default policy.
"""

from __future__ import annotations

import hashlib
import json
import sys
from collections import OrderedDict
from typing import IO

from commentdesk.moderation.pipeline import ModerationModels, Pipeline
from commentdesk.moderation.policy import Policy
from commentdesk.moderation.types import HOLD, Candidate, Decision

MAX_LINE_CHARS = 1_000_000


class InputError(ValueError):
    pass


class Scorer:
    def __init__(self, models: ModerationModels | None = None, policy: Policy | None = None) -> None:
        self.models = models or ModerationModels(timeout_ms=10_000)
        self.pipeline = Pipeline(self.models)
        self.policy = policy or Policy()
        self._passages: OrderedDict[str, tuple] = OrderedDict()

    def decide(self, title: str, body: str, text: str, parent: str | None) -> Decision:
        candidate = Candidate(text=text, article_title=title, article_body=body, parent_text=parent)
        key = hashlib.sha256(f"{title}\n\n{body}".encode()).hexdigest()
        if key in self._passages:
            candidate.passages, candidate.passage_vectors = self._passages[key]
            self._passages.move_to_end(key)
        decision = self.pipeline.moderate(candidate, self.policy)
        if key not in self._passages and decision.passages is not None:
            self._passages[key] = (decision.passages, decision.passage_vectors)
            if len(self._passages) > 256:
                self._passages.popitem(last=False)
        return decision

    def score_record(self, record: object) -> dict:
        title, body, text, parent = parse_record(record)
        decision = self.decide(title, body, text, parent)
        return contract_output(record["id"], decision)

    def score_line(self, line: str) -> dict:
        try:
            if len(line) > MAX_LINE_CHARS:
                raise InputError(f"line longer than {MAX_LINE_CHARS} characters")
            try:
                record = json.loads(line)
            except json.JSONDecodeError as error:
                raise InputError(f"not JSON: {error.msg}") from None
            return self.score_record(record)
        except InputError as error:
            record_id = None
            try:
                parsed = json.loads(line)
                record_id = parsed.get("id") if isinstance(parsed, dict) else None
            except (json.JSONDecodeError, RecursionError):
                pass
            return {"id": record_id, "decision": HOLD, "abuse": 0.0, "relevance": 0.0, "spam": 0.0,
                    "reasons": [{"code": "invalid_input", "message": str(error)}]}


def parse_record(record: object) -> tuple[str, str, str, str | None]:
    if not isinstance(record, dict):
        raise InputError("each line must be a JSON object")
    if "id" not in record:
        raise InputError("missing 'id'")
    article = record.get("article")
    if not isinstance(article, dict):
        raise InputError("'article' must be an object with 'title' and 'body'")
    title, body = article.get("title", ""), article.get("body", "")
    text, parent = record.get("text"), record.get("parent")
    if not isinstance(title, str) or not isinstance(body, str):
        raise InputError("'article.title' and 'article.body' must be strings")
    if not isinstance(text, str) or not text.strip():
        raise InputError("'text' must be a non-empty string")
    if parent is not None and not isinstance(parent, str):
        raise InputError("'parent' must be a string or null")
    return title, body, text, parent


def contract_output(record_id: object, decision: Decision) -> dict:
    scores = decision.scores
    return {
        "id": record_id,
        "decision": decision.decision,
        "abuse": float(scores.get("abuse", 0.0)),
        "relevance": float(scores.get("relevance", 0.0)),
        "spam": float(scores.get("spam", 0.0)),
        "reasons": [{"code": reason.code, "message": reason.message} for reason in decision.reasons],
    }


def run(stdin: IO[str], stdout: IO[str], stderr: IO[str] = sys.stderr, scorer: Scorer | None = None) -> int:
    scorer = scorer or Scorer()
    print("commentdesk score: loading models...", file=stderr, flush=True)
    scorer.models.load()
    count = 0
    for line in stdin:
        if not line.strip():
            continue
        result = scorer.score_line(line)
        stdout.write(json.dumps(result, ensure_ascii=False) + "\n")
        stdout.flush()
        count += 1
        if count % 500 == 0:
            print(f"commentdesk score: {count} comments scored", file=stderr, flush=True)
    print(f"commentdesk score: done, {count} comments", file=stderr, flush=True)
    return 0
