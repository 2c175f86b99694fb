"""Where a policy's model thresholds come from: the levels shipped with the weights, or fixed
fallbacks when those files are missing or say something unusable; and stored site patterns
that no longer compile."""

from __future__ import annotations

import json

import pytest
from pydantic import ValidationError

from commentdesk.moderation import policy as policy_module
from commentdesk.moderation.policy import Policy, recommended_thresholds

FALLBACKS = {
    "abuse_hold": 0.5,
    "abuse_reject": 0.93,
    "violence_hold": 0.8,
    "sexual_harassment_hold": 0.7,
    "disability_mockery_hold": 0.7,
    "relevance_hold": 0.2,
}


@pytest.fixture
def weights_dir(tmp_path, monkeypatch):
    """A weights folder the test writes; the shipped thresholds are read again afterwards."""
    monkeypatch.setattr(policy_module, "WEIGHTS_DIR", tmp_path)
    recommended_thresholds.cache_clear()
    policy_module._reject_not_below_hold.cache_clear()  # its warning is said once per pair of levels
    yield tmp_path
    recommended_thresholds.cache_clear()


def write(folder, name: str, thresholds) -> None:
    (folder / f"{name}.json").write_text(json.dumps({"version": "x", "recommended_thresholds": thresholds}))


def test_the_shipped_weights_set_the_model_thresholds():
    shipped = {
        name: json.loads((policy_module.WEIGHTS_DIR / f"{name}.json").read_text())["recommended_thresholds"]
        for name in ("abuse", "relevance", "harm")
    }
    policy = Policy()
    assert (policy.abuse_hold, policy.abuse_reject) == (shipped["abuse"]["hold"], shipped["abuse"]["reject"])
    assert policy.relevance_hold == shipped["relevance"]["hold"]
    assert (policy.violence_hold, policy.sexual_harassment_hold, policy.disability_mockery_hold) == (
        shipped["harm"]["violence"],
        shipped["harm"]["sexual"],
        shipped["harm"]["disability"],
    )


def test_without_weight_files_the_fallbacks_apply(weights_dir):
    policy = Policy()
    assert {name: getattr(policy, name) for name in FALLBACKS} == FALLBACKS
    assert recommended_thresholds() == {"abuse": {}, "relevance": {}, "harm": {}}


def test_a_file_that_is_not_json_falls_back_like_a_missing_one(weights_dir):
    (weights_dir / "abuse.json").write_text("{broken")
    write(weights_dir, "relevance", {"hold": 0.3})
    policy = Policy()
    assert (policy.abuse_hold, policy.abuse_reject) == (0.5, 0.93)
    assert policy.relevance_hold == 0.3


@pytest.mark.parametrize(
    ("value", "used"),
    [
        (0.25, 0.25),
        (0, 0.0),
        (1, 1.0),
        (True, 0.5),
        ("0.3", 0.5),
        (None, 0.5),
    ],
)
def test_only_a_number_in_the_weights_file_is_taken(weights_dir, value, used):
    write(weights_dir, "abuse", {"hold": value, "reject": 1})
    assert Policy().abuse_hold == used


def test_each_threshold_falls_back_on_its_own(weights_dir):
    write(weights_dir, "harm", {"violence": 0.9})
    policy = Policy()
    assert policy.violence_hold == 0.9
    assert policy.sexual_harassment_hold == FALLBACKS["sexual_harassment_hold"]


def test_a_site_overrides_what_the_weights_recommend(weights_dir):
    write(weights_dir, "abuse", {"hold": 0.4, "reject": 0.8})
    assert Policy.from_dict({"abuse_hold": 0.6}).abuse_hold == 0.6
    assert Policy.from_dict({"abuse_hold": 0.6}).abuse_reject == 0.8


def test_shipped_levels_out_of_order_raise_the_reject_level_with_a_warning_instead_of_failing(weights_dir, caplog):
    write(weights_dir, "abuse", {"hold": 0.95, "reject": 0.9})
    policy = Policy.for_site(None)
    assert (policy.abuse_hold, policy.abuse_reject) == (0.95, 0.95)
    assert "reject (0.9) below hold (0.95)" in caplog.text
    # A site's own levels still apply on top, when they are in order.
    assert Policy.for_site({"abuse_reject": 0.98}).abuse_reject == 0.98
    assert Policy.for_site({"abuse_hold": 0.6}).abuse_reject == 0.95


def test_a_moderator_is_still_refused_a_reject_level_below_the_hold_level(weights_dir):
    write(weights_dir, "abuse", {"hold": 0.95, "reject": 0.9})
    with pytest.raises(ValidationError, match="abuse_reject is 0.9, abuse_hold is 0.95"):
        Policy.updated(None, {"abuse_reject": 0.9})


def test_a_stored_pattern_that_no_longer_compiles_gives_back_the_default_patterns(caplog):
    policy = Policy.for_site({"threat_patterns": [r"(?<!x)kill"], "off_topic_markers": [r"^ot\b"]})
    assert policy.threat_patterns == Policy().threat_patterns
    assert policy.off_topic_markers == [r"^ot\b"]
    assert "threat_patterns" in caplog.text
