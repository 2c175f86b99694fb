"""The full pipeline with the real models on a small labeled set written for these tests.

On-topic civil comments (sharp criticism, dissent and sarcasm included) must be published;
insults, threats, identity attacks, obfuscated profanity, off-topic chatter and spam must not.
"""

import json
from pathlib import Path

import pytest

from commentdesk.moderation.pipeline import Pipeline
from commentdesk.moderation.policy import Policy
from commentdesk.moderation.types import PUBLISH, Candidate

FIXTURES = Path(__file__).parent.parent / "fixtures"
ARTICLES = json.loads((FIXTURES / "articles.json").read_text())
CASES = [json.loads(line) for line in (FIXTURES / "labeled_comments.jsonl").read_text().splitlines() if line.strip()]


@pytest.mark.models
@pytest.mark.parametrize("case", CASES, ids=[f"{case['category']}:{case['text'][:40]}" for case in CASES])
def test_labeled_comment(case, models):
    article = ARTICLES[case["article"]]
    decision = Pipeline(models).moderate(
        Candidate(text=case["text"], article_title=article["title"], article_body=article["body"]), Policy()
    )
    explained = f"{decision.decision} {decision.scores} {[r.as_dict() for r in decision.reasons]}"
    if case["expect"] == "publish":
        assert decision.decision == PUBLISH, explained
    else:
        assert decision.decision != PUBLISH, explained
        assert decision.reasons, "a comment that is not published must say why"


@pytest.mark.models
def test_a_reply_is_judged_against_the_comment_it_answers(models):
    article = ARTICLES["rates"]
    parent = "Does anyone know if mortgage brokers expect fixed deals to get cheaper next year?"
    reply = "My broker said five-year fixed deals are already coming down a little."
    decision = Pipeline(models).moderate(
        Candidate(text=reply, article_title=article["title"], article_body=article["body"], parent_text=parent), Policy()
    )
    assert decision.decision == PUBLISH, decision.reasons
