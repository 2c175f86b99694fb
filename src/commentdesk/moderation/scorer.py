"""`commentdesk score`: JSON lines in, one decision per line out, in order (see PRODUCT.md).

Each line is judged on its own (no commenter history), with the site's default policy. It is a
batch tool: it waits for the models however busy the machine is, so a line is held only when a
model really fails, and the reasons say which.
"""

from __future__ import annotations

import hashlib
import json
import sys
import threading
from collections import OrderedDict
from collections.abc import Iterable, Iterator
from concurrent.futures import ThreadPoolExecutor
from typing import IO

from commentdesk.moderation.models.site_articles import SiteArticle, SiteArticles
from commentdesk.moderation.pipeline import ModerationModels, Pipeline
from commentdesk.moderation.policy import Policy
from commentdesk.moderation.types import HOLD, Candidate, Decision

MAX_LINE_CHARS = 1_000_000


class InputError(ValueError):
    pass


class Scorer:
    def __init__(self, models: ModerationModels | None = None, policy: Policy | None = None) -> None:
        # No time budget: a slow machine makes scoring slower, never a line held for timing out.
        self.models = models or ModerationModels(timeout_ms=None)
        self.pipeline = Pipeline(self.models)
        self.policy = policy or Policy()
        self._passages: OrderedDict[str, tuple] = OrderedDict()
        self._passages_lock = threading.Lock()  # score runs lines in several threads
        self.site_articles: SiteArticles | None = None
        self._site_article_ids: dict[str, int] = {}

    def use_site_articles(self, articles: list[tuple[str, str]]) -> None:
        """Judge comments as if these (title, body) articles were one site's: each comment is also
        compared with the others (see moderation.models.site_articles). Embeds them once, here."""
        self.models.load()
        banked = []
        for index, (title, body) in enumerate(articles):
            passages, vectors = self.models.article_passages(title, body)
            self._site_article_ids[_article_key(title, body)] = index
            banked.append(SiteArticle(index, title, passages, vectors))
        self.site_articles = SiteArticles(banked)

    def decide(self, title: str, body: str, text: str, parent: str | None) -> Decision:
        key = _article_key(title, body)
        candidate = Candidate(
            text=text,
            article_title=title,
            article_body=body,
            parent_text=parent,
            article_id=self._site_article_ids.get(key),
            site_articles=self.site_articles,
        )
        with self._passages_lock:
            cached = self._passages.get(key)
            if cached is not None:
                self._passages.move_to_end(key)
        if cached is not None:
            candidate.passages, candidate.passage_vectors = cached
        decision = self.pipeline.moderate(candidate, self.policy)
        if cached is None and decision.passages is not None:
            with self._passages_lock:
                self._passages[key] = (decision.passages, decision.passage_vectors)
                if len(self._passages) > 256:
                    self._passages.popitem(last=False)
        return decision

    def score_record(self, record: object) -> dict:
        title, body, text, parent = parse_record(record)
        assert isinstance(record, dict)  # parse_record refuses anything else
        decision = self.decide(title, body, text, parent)
        return contract_output(record["id"], decision)

    def score_line(self, line: str) -> dict:
        try:
            if not line.strip():
                raise InputError("empty line")
            if len(line) > MAX_LINE_CHARS:
                raise InputError(f"line longer than {MAX_LINE_CHARS} characters")
            try:
                record = json.loads(line)
            except json.JSONDecodeError as error:
                raise InputError(f"not JSON: {error.msg}") from None
            except RecursionError:  # "[[[[…" a hundred thousand deep: one bad line, not the end of the run
                raise InputError("not JSON: nested too deeply") from None
            return self.score_record(record)
        except InputError as error:
            record_id = None
            try:
                parsed = json.loads(line)
                record_id = parsed.get("id") if isinstance(parsed, dict) else None
            except (json.JSONDecodeError, RecursionError):
                pass
            return {
                "id": record_id if _strict_json(record_id) else None,
                "decision": HOLD,
                "abuse": 0.0,
                "relevance": 0.0,
                "spam": 0.0,
                "reasons": [{"code": "invalid_input", "message": str(error)}],
            }


def _article_key(title: str, body: str) -> str:
    return hashlib.sha256(f"{title}\n\n{body}".encode()).hexdigest()


def _strict_json(value: object) -> bool:
    """Whether `value` can be written as strict JSON in UTF-8: Python's parser takes NaN,
    Infinity (and 1e999), and "\\ud800" or undecodable bytes give lone surrogates; none of them
    may be echoed."""
    try:
        json.dumps(value, allow_nan=False, ensure_ascii=False).encode("utf-8")
    except (ValueError, UnicodeEncodeError, RecursionError):
        return False
    return True


def _is_text(value: str) -> bool:
    """False for a string with a lone surrogate, which no model (and no UTF-8 output) can take."""
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def parse_record(record: object) -> tuple[str, str, str, str | None]:
    if not isinstance(record, dict):
        raise InputError("each line must be a JSON object")
    if "id" not in record:
        raise InputError("missing 'id'")
    if not _strict_json(record["id"]):
        raise InputError("'id' must be plain JSON (not NaN, Infinity or a string with a lone surrogate)")
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
    for name, value in (("text", text), ("parent", parent), ("article.title", title), ("article.body", body)):
        if value is not None and not _is_text(value):
            raise InputError(f"'{name}' is not valid text (a lone surrogate, or bytes that are not UTF-8)")
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


# Lines judged at once: enough to fill the embedder's micro-batches, few enough that a reader
# of the output sees answers promptly when lines arrive one by one.
CHUNK_LINES = 32


def run(stdin: IO[str], stdout: IO[str], stderr: IO[str] = sys.stderr, scorer: Scorer | None = None) -> int:
    scorer = scorer or Scorer()
    print("commentdesk score: loading models...", file=stderr, flush=True)
    scorer.models.load()
    count = 0
    progress = _Progress(stderr)
    with ThreadPoolExecutor(max_workers=16, thread_name_prefix="score") as pool:
        for chunk in _chunks(stdin):
            # map() keeps input order; the threads meet in the embedder's shared batches.
            for result in pool.map(scorer.score_line, chunk):
                stdout.write(json.dumps(result, ensure_ascii=False) + "\n")
                count += 1
                progress.advance(count)
            stdout.flush()
    progress.close()
    print(f"commentdesk score: done, {count} comments", file=stderr, flush=True)
    return 0


class _Progress:
    """A live bar with lines per second when stderr is a terminal; otherwise a line every
    PROGRESS_EVERY comments, which reads well in a log."""

    PROGRESS_EVERY = 500

    def __init__(self, stderr: IO[str]) -> None:
        self.stderr = stderr
        self.bar = None
        if _is_terminal(stderr):
            from tqdm import tqdm

            self.bar = tqdm(file=stderr, unit=" lines", desc="commentdesk score", dynamic_ncols=True, mininterval=0.2)

    def advance(self, count: int) -> None:
        if self.bar is not None:
            self.bar.update(1)
        elif count % self.PROGRESS_EVERY == 0:
            print(f"commentdesk score: {count} comments scored", file=self.stderr, flush=True)

    def close(self) -> None:
        if self.bar is not None:
            self.bar.close()


def _is_terminal(stream) -> bool:
    try:
        return stream.isatty()
    except (AttributeError, ValueError):
        return False


def _chunks(lines: Iterable[str]) -> Iterator[list[str]]:
    """Lines in groups (a blank one too: it is answered, as every line is); a group is handed on
    early when input pauses (interactive use). A UTF-8 byte order mark before the first line,
    which some editors and Windows tools write, is not part of it."""
    chunk: list[str] = []
    first = True
    for line in lines:
        if first:
            line, first = line.removeprefix("\ufeff"), False
        chunk.append(line)
        if len(chunk) >= CHUNK_LINES or (chunk and not _more_waiting(lines)):
            yield chunk
            chunk = []
    if chunk:
        yield chunk


def _more_waiting(stream) -> bool:
    """Whether more input can be read without blocking (always True for non-file iterables)."""
    try:
        import select as select_module

        ready, _, _ = select_module.select([stream], [], [], 0)
        return bool(ready)
    except (TypeError, ValueError, OSError):
        return True
