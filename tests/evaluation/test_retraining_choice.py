"""A retrained model replaces the current one only if it does better where it matters."""

import pytest

from commentdesk.evaluation.command import compare_with_current
from commentdesk.moderation.models.abuse import WEIGHTS_DIR, AbuseModel

DECISIONS = [
    ("You are a brainless idiot and a disgusting moron.", 1, "a"),
    ("Shut up you pathetic loser, nobody cares.", 1, "a"),
    ("The council should have phased the bike lanes street by street.", 0, "b"),
    ("Services inflation is the real story; the bank is right to hold.", 0, "c"),
]


def shipped_news() -> dict:
    return AbuseModel.load(WEIGHTS_DIR).meta["cross_validated_roc_auc"]


@pytest.mark.models
def test_better_on_the_moderators_decisions_and_as_good_on_news_is_installed():
    news = shipped_news()
    new_meta = {"cross_validated_roc_auc": {"c3": news["c3"], "ucc": news["ucc"], "site": 1.01}}
    result = compare_with_current(WEIGHTS_DIR, new_meta, DECISIONS)
    assert result["decisions"]["n"] == 4 and result["decisions"]["current"] is not None
    assert result["better"] is True


@pytest.mark.models
def test_worse_on_news_is_not_installed_even_if_it_fits_the_decisions():
    news = shipped_news()
    new_meta = {"cross_validated_roc_auc": {"c3": news["c3"] - 0.02, "ucc": news["ucc"], "site": 1.01}}
    assert compare_with_current(WEIGHTS_DIR, new_meta, DECISIONS)["better"] is False


def test_without_decisions_the_news_sets_decide():
    news = shipped_news()
    better = {"cross_validated_roc_auc": {"c3": news["c3"] + 0.01, "ucc": news["ucc"] + 0.01}}
    same = {"cross_validated_roc_auc": {"c3": news["c3"], "ucc": news["ucc"]}}
    assert compare_with_current(WEIGHTS_DIR, better, [])["better"] is True
    assert compare_with_current(WEIGHTS_DIR, same, [])["better"] is False
