"""A retrained model replaces the current one only if it does better where it matters."""

import pytest

from commentdesk.evaluation.retraining import compare_with_current, news_figures, split_decisions
from commentdesk.moderation.models.abuse import WEIGHTS_DIR
from commentdesk.moderation.models.abuse_finetuned import load_abuse_model

DECISIONS = [
    ("You are a brainless idiot and a disgusting moron.", 1, "a"),
    ("Shut up you pathetic loser, nobody cares.", 1, "a"),
    ("The council should have phased the bike lanes street by street.", 0, "b"),
    ("Services inflation is the real story; the bank is right to hold.", 0, "c"),
]


def shipped_news() -> dict:
    return news_figures(load_abuse_model(WEIGHTS_DIR).meta)


def meta_with(c3: float, ucc: float) -> dict:
    return {"held_out_roc_auc": {"c3": {"roc_auc": c3}, "ucc": {"roc_auc": ucc}}}


@pytest.mark.models
def test_a_model_no_better_on_the_held_back_decisions_is_not_installed():
    news = shipped_news()
    result = compare_with_current(WEIGHTS_DIR, WEIGHTS_DIR, meta_with(news["c3"], news["ucc"]), DECISIONS)
    assert result["decisions"]["held_back"] == 4
    assert result["decisions"]["current"] == result["decisions"]["new"]
    assert result["better"] is False


def test_without_decisions_the_news_sets_decide():
    news = shipped_news()
    better, same = meta_with(news["c3"] + 0.01, news["ucc"] + 0.01), meta_with(news["c3"], news["ucc"])
    worse_on_one = meta_with(news["c3"] - 0.02, news["ucc"] + 0.05)
    assert compare_with_current(WEIGHTS_DIR, WEIGHTS_DIR, better, [])["better"] is True
    assert compare_with_current(WEIGHTS_DIR, WEIGHTS_DIR, same, [])["better"] is False
    assert compare_with_current(WEIGHTS_DIR, WEIGHTS_DIR, worse_on_one, [])["better"] is False


def test_decisions_are_held_back_by_article_and_deterministically():
    decisions = [(f"comment {i}", i % 2, f"article {i // 3}") for i in range(300)]
    learn, check = split_decisions(decisions)
    assert len(learn) + len(check) == 300 and 20 <= len(check) <= 110
    assert not {g for _t, _l, g in learn} & {g for _t, _l, g in check}
    assert split_decisions(decisions) == (learn, check)
