"""The hand-written seeds: enough of each kind, no repeats, labels and head targets well formed."""

import math
import re
from itertools import combinations

import pytest

from commentdesk.evaluation import seed_examples
from commentdesk.moderation.models.abuse_encoder import HEADS

ABUSIVE_GROUPS = ("POLITE_THREATS", "INCITEMENT", "DEHUMANISATION", "WISHING_HARM", "INSULTS_AT_PEOPLE", "HARASSMENT")
FINE_GROUPS = (
    "SHARP_CRITICISM",
    "SARCASM_AND_DISSENT",
    "COUNTER_SPEECH",
    "NEGATED",
    "REPORTED_SPEECH",
    "PROFANITY_AT_NO_ONE",
    "IDENTITY_NEUTRAL",
    "VIOLENCE_IN_NEWS",
)


def _normalised(text: str) -> str:
    return " ".join(re.findall(r"[a-z0-9']+", text.lower()))


def _words(text: str) -> set[str]:
    return set(_normalised(text).split())


@pytest.mark.parametrize("name", ABUSIVE_GROUPS + FINE_GROUPS)
def test_each_group_has_40_to_60_seeds_of_4_to_40_words(name):
    seeds = getattr(seed_examples, name)
    assert 40 <= len(seeds) <= 60
    assert all(4 <= len(text.split()) <= 40 for text in seeds)


def test_original_groups_are_kept():
    assert (len(seed_examples.THREATS), len(seed_examples.IDENTITY_ATTACKS), len(seed_examples.HARD_NEGATIVES)) == (30, 30, 42)


def test_labeled_seeds_cover_every_group_with_its_label():
    rows = seed_examples.labeled_seeds()
    label_of = {text: label for text, label, _targets in rows}
    for name in ("THREATS", "IDENTITY_ATTACKS") + ABUSIVE_GROUPS:
        assert {label_of[text] for text in getattr(seed_examples, name)} == {1}, name
    for name in ("HARD_NEGATIVES",) + FINE_GROUPS:
        assert {label_of[text] for text in getattr(seed_examples, name)} == {0}, name
    assert len(rows) == sum(len(texts) for texts, _label, _targets in seed_examples.SEED_GROUPS)


def test_no_seed_repeats_or_nearly_repeats_another():
    texts = [text for text, _label, _targets in seed_examples.labeled_seeds()]
    assert len({_normalised(text) for text in texts}) == len(texts)
    for a, b in combinations(texts, 2):
        shared = len(_words(a) & _words(b)) / len(_words(a) | _words(b))
        assert shared < 0.6, (a, b)


def test_targets_name_every_head_and_mark_abusive_rows():
    for text, label, targets in seed_examples.labeled_seeds():
        assert label in (0, 1)
        assert set(targets) == set(HEADS), text
        assert all(value in (0.0, 1.0) or math.isnan(value) for value in targets.values()), text
        if label == 1:
            assert any(value == 1.0 for value in targets.values()), text


def test_fine_seeds_carry_no_abuse_category_except_obscenity_for_profanity():
    targets_of = {text: targets for text, _label, targets in seed_examples.labeled_seeds()}
    for name in ("HARD_NEGATIVES",) + FINE_GROUPS:
        for text in getattr(seed_examples, name):
            on = {head for head, value in targets_of[text].items() if value == 1.0}
            assert on == ({"obscenity"} if name == "PROFANITY_AT_NO_ONE" else set()), text


@pytest.mark.parametrize(
    "name, heads",
    [
        ("POLITE_THREATS", {"threat"}),
        ("INCITEMENT", {"incitement", "threat"}),
        ("DEHUMANISATION", {"dehumanisation", "identity_attack"}),
        ("WISHING_HARM", {"threat"}),
        ("INSULTS_AT_PEOPLE", {"insult"}),
    ],
)
def test_abusive_groups_set_their_heads(name, heads):
    targets_of = {text: targets for text, _label, targets in seed_examples.labeled_seeds()}
    for text in getattr(seed_examples, name):
        assert {head for head, value in targets_of[text].items() if value == 1.0} == heads, text


def test_harassment_is_an_insult_and_sexual_harassment_also_obscene():
    targets_of = {text: targets for text, _label, targets in seed_examples.labeled_seeds()}
    obscene = [targets_of[text]["obscenity"] == 1.0 for text in seed_examples.HARASSMENT]
    assert all(targets_of[text]["insult"] == 1.0 for text in seed_examples.HARASSMENT)
    assert any(obscene) and not all(obscene)


def test_harm_seeds_are_labeled_for_known_heads_and_never_in_the_suites():
    import json

    from commentdesk.evaluation import harm_seeds
    from commentdesk.evaluation.suites import FUNCTIONAL_FILE, OFFTOPIC_FILE
    from commentdesk.moderation.models.harm import HEADS

    suite_texts = set()
    for path in (FUNCTIONAL_FILE, OFFTOPIC_FILE):
        for line in path.read_text(encoding="utf-8").splitlines():
            if line.strip():
                suite_texts.add(json.loads(line)["text"].strip().lower())
    seen = set()
    for _name, (texts, heads) in harm_seeds.HARM_SEED_GROUPS.items():
        assert set(heads) <= set(HEADS)
        assert len(texts) >= 10
        for text in texts:
            key = text.strip().lower()
            assert key not in suite_texts, text
            assert key not in seen, text
            seen.add(key)
    abusive_seeds = {text.strip().lower() for text, _label, _targets in seed_examples.labeled_seeds()}
    assert not abusive_seeds & suite_texts


def test_identity_mentions_are_publishable_unrepeated_and_name_every_identity_word():
    rows = seed_examples.identity_mentions()
    texts = [text for text, _label, _targets in rows]
    assert len(rows) == 1200 and {label for _t, label, _h in rows} == {0}
    assert all(set(targets) == set(HEADS) and not any(targets.values()) for _t, _l, targets in rows)
    assert len(set(texts)) == len(texts)
    for word in seed_examples.IDENTITY_WORDS:
        assert sum(re.search(rf"\b{word}\b", text, re.IGNORECASE) is not None for text in texts) >= 10, word
    assert not any(re.search(r"\ba [aeiou]", text, re.IGNORECASE) for text in texts)  # "an atheist", not "a atheist"
    assert seed_examples.identity_mentions() == rows  # the same pick every time


def test_identity_mentions_are_not_suite_cases():
    from commentdesk.evaluation.suites import load_functional, load_offtopic

    suite = [_words(case.text) for case in load_functional() + load_offtopic()]
    for text, _label, _targets in seed_examples.identity_mentions():
        words = _words(text)
        assert all(len(words & case) / len(words | case) < 0.5 for case in suite), text
