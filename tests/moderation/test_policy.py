"""A site's policy: every setting's type and range, the rules across settings, and how a stored
policy that no longer passes is repaired instead of stopping the site's comments."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from commentdesk.moderation.patterns import MAX_PATTERN_CHARS, PatternError, compile_pattern, compile_patterns
from commentdesk.moderation.policy import DEFAULT_BANNED_WORDS, DEFAULT_REDRESS, DEFAULT_SUSPECT_WORDS, Policy

# (setting, lowest allowed, highest allowed)
COUNTS = [
    ("relevance_min_words", 0, 100),
    ("max_links", 0, 50),
    ("flood_per_minute_commenter", 1, 1000),
    ("flood_per_minute_address", 1, 10_000),
    ("refuse_per_minute_address", 1, 100_000),
    ("duplicate_window_minutes", 0, 100_000),
    ("new_commenter_hold", 0, 1000),
    ("hold_after_recent_rejections", 0, 1000),
    ("recent_rejection_days", 1, 3650),
    ("close_after_days", 0, 36_500),
    ("page_size", 1, 100),
    ("edit_window_minutes", 0, 10_080),
]
THRESHOLDS = [
    "abuse_hold",
    "abuse_reject",
    "violence_hold",
    "sexual_harassment_hold",
    "disability_mockery_hold",
    "relevance_hold",
    "chatter_min_similarity",
    "chatter_margin",
    "other_article_min_similarity",
    "other_article_margin",
    "other_article_max_relevance",
    "spam_hold",
    "spam_reject",
]
SWITCHES = ["premoderate", "nudge", "show_scores_to_readers", "accounts_required"]


def refused_fields(overrides: dict) -> set[str]:
    with pytest.raises(ValidationError) as caught:
        Policy.from_dict(overrides)
    return {str(problem["loc"][0]) if problem["loc"] else "" for problem in caught.value.errors()}


def test_defaults_need_no_setup_and_keep_hold_below_reject():
    policy = Policy()
    assert 0 <= policy.abuse_hold <= policy.abuse_reject <= 1
    assert 0 <= policy.spam_hold <= policy.spam_reject <= 1
    assert policy.relevance_reject is None  # off-topic alone never rejects by default
    assert policy.close_after_days is None and policy.redress_url is None
    assert policy.premoderate is False and policy.nudge is True and policy.accounts_required is False
    assert policy.banned_words == DEFAULT_BANNED_WORDS and policy.suspect_words == DEFAULT_SUSPECT_WORDS
    assert policy.redress_text == DEFAULT_REDRESS
    assert policy.threat_patterns and policy.dehumanising_patterns and policy.off_topic_markers


def test_default_word_lists_are_copies_a_site_cannot_change_for_everyone():
    first = Policy()
    first.banned_words.append("potato")
    assert "potato" not in Policy().banned_words
    assert "potato" not in DEFAULT_BANNED_WORDS


@pytest.mark.parametrize(("name", "low", "high"), COUNTS)
def test_counts_accept_their_range_and_nothing_outside(name, low, high):
    assert getattr(Policy.from_dict({name: low}), name) == low
    assert getattr(Policy.from_dict({name: high}), name) == high
    assert refused_fields({name: low - 1}) == {name}
    assert refused_fields({name: high + 1}) == {name}


@pytest.mark.parametrize("name", [name for name, _low, _high in COUNTS])
@pytest.mark.parametrize("value", [True, False, "5", 2.5, [3], {"n": 3}])
def test_counts_are_json_integers_only(name, value):
    assert refused_fields({name: value}) == {name}


@pytest.mark.parametrize("name", ["page_size", "max_links", "edit_window_minutes"])
def test_a_whole_float_is_the_same_json_number(name):
    assert getattr(Policy.from_dict({name: 7.0}), name) == 7


@pytest.mark.parametrize("name", THRESHOLDS)
def test_thresholds_are_numbers_from_zero_to_one(name):
    low = Policy.from_dict({name: 0} if not name.endswith("_reject") else {name: 1})
    assert getattr(low, name) in (0, 1)
    for bad in (-0.01, 1.01, True, "0.5", None):
        assert name in refused_fields({name: bad})


@pytest.mark.parametrize("name", SWITCHES)
@pytest.mark.parametrize("value", [0, 1, "true", "yes", None])
def test_switches_are_json_booleans_only(name, value):
    assert refused_fields({name: value}) == {name}


@pytest.mark.parametrize("name", SWITCHES)
def test_switches_take_true_and_false(name):
    assert getattr(Policy.from_dict({name: True}), name) is True
    assert getattr(Policy.from_dict({name: False}), name) is False


def test_unknown_settings_are_refused_by_name():
    assert refused_fields({"abuse_treshold": 0.4}) == {"abuse_treshold"}


def test_a_reject_threshold_below_its_hold_threshold_is_refused():
    # The message names both settings and their values, so a moderator sees which to change.
    with pytest.raises(ValidationError, match="must not be below its hold threshold: abuse_reject is 0.7, abuse_hold is 0.8"):
        Policy.from_dict({"abuse_hold": 0.8, "abuse_reject": 0.7})
    with pytest.raises(ValidationError, match="spam_reject is 0.5, spam_hold is 0.6"):
        Policy.from_dict({"spam_hold": 0.6, "spam_reject": 0.5})
    assert Policy.from_dict({"spam_hold": 0.6, "spam_reject": 0.6}).spam_reject == 0.6


def test_null_is_taken_only_where_a_setting_means_never():
    assert Policy.from_dict({"close_after_days": None}).close_after_days is None
    assert Policy.from_dict({"relevance_reject": None}).relevance_reject is None
    assert Policy.from_dict({"redress_url": None}).redress_url is None
    for name in ("page_size", "banned_words", "premoderate", "redress_text"):
        assert refused_fields({name: None}) == {name}


@pytest.mark.parametrize(
    "url", ["https://courier.example/appeals", "http://courier.example/a?b=c", "mailto:editors@courier.example"]
)
def test_redress_address_is_a_web_page_or_a_mailto(url):
    assert Policy.from_dict({"redress_url": url}).redress_url == url


@pytest.mark.parametrize(
    "url",
    [
        "javascript:alert(1)",
        "ftp://courier.example/",
        "courier.example/appeals",
        "https://courier.example/a b",
        "mailto:nobody",
        "https://" + "a" * 2000,
        "data:text/html,<script>alert(1)</script>",
    ],
)
def test_redress_address_refuses_anything_else(url):
    assert refused_fields({"redress_url": url}) == {"redress_url"}


def test_redress_text_is_between_one_and_a_thousand_characters():
    assert Policy.from_dict({"redress_text": "Write to the editors."}).redress_text == "Write to the editors."
    assert refused_fields({"redress_text": ""}) == {"redress_text"}
    assert refused_fields({"redress_text": "x" * 1001}) == {"redress_text"}


@pytest.mark.parametrize("name", ["banned_words", "suspect_words", "blocked_domains", "allowed_domains"])
def test_lists_refuse_empty_entries_and_text_the_database_cannot_store(name):
    assert refused_fields({name: [""]}) == {name}
    assert refused_fields({name: ["bad\x00word"]}) == {name}
    assert refused_fields({name: ["\ud800"]}) == {name}
    assert refused_fields({name: "not a list"}) == {name}


def test_word_and_domain_lengths_are_bounded():
    assert Policy.from_dict({"banned_words": ["w" * 100]}).banned_words == ["w" * 100]
    assert refused_fields({"banned_words": ["w" * 101]}) == {"banned_words"}
    assert Policy.from_dict({"blocked_domains": ["d" * 253]}).blocked_domains == ["d" * 253]
    assert refused_fields({"blocked_domains": ["d" * 254]}) == {"blocked_domains"}


def test_list_lengths_are_bounded():
    assert len(Policy.from_dict({"banned_words": ["w"] * 5000}).banned_words) == 5000
    assert refused_fields({"banned_words": ["w"] * 5001}) == {"banned_words"}
    assert refused_fields({"threat_patterns": ["a"] * 501}) == {"threat_patterns"}


@pytest.mark.parametrize("name", ["threat_patterns", "dehumanising_patterns", "off_topic_markers"])
def test_patterns_must_compile_in_re2(name):
    assert Policy.from_dict({name: [r"\bburn (it|them) down\b"]}).model_dump()[name] == [r"\bburn (it|them) down\b"]
    assert refused_fields({name: ["(unclosed"]}) == {name}
    assert refused_fields({name: [r"(a)\1"]}) == {name}  # back-references: RE2 refuses them
    assert refused_fields({name: [r"(?=look)ahead"]}) == {name}


def test_pattern_errors_explain_what_re2_refuses():
    with pytest.raises(PatternError, match="back-references and look-around are not supported"):
        compile_pattern(r"(?<=x)y")
    with pytest.raises(PatternError, match=f"at most {MAX_PATTERN_CHARS} characters"):
        compile_pattern("a" * (MAX_PATTERN_CHARS + 1))


def test_a_catastrophic_backtracking_pattern_runs_in_linear_time():
    # The classic ReDoS pattern: Python's engine would take minutes on this text; RE2 answers at once.
    pattern = compile_pattern(r"^(\w+\s?)+$")
    assert pattern.search("a" * 5000 + "!") is None


def test_compiled_pattern_lists_keep_their_order():
    compiled = compile_patterns(("first", "second"))
    assert [p.search("the second one") is not None for p in compiled] == [False, True]


def test_updated_checks_the_change_on_top_of_what_is_stored():
    stored = {"abuse_hold": 0.6, "page_size": 20}
    policy, overrides = Policy.updated(stored, {"abuse_reject": 0.9})
    assert overrides == {"abuse_hold": 0.6, "page_size": 20, "abuse_reject": 0.9}
    assert (policy.abuse_hold, policy.abuse_reject, policy.page_size) == (0.6, 0.9, 20)
    # The change is checked with the stored settings: a reject below the stored hold is refused.
    with pytest.raises(ValidationError):
        Policy.updated(stored, {"abuse_reject": 0.5})
    assert stored == {"abuse_hold": 0.6, "page_size": 20}  # nothing changed


def test_a_bad_stored_setting_falls_back_to_its_default_alone(caplog):
    policy = Policy.for_site({"page_size": 0, "abuse_hold": 0.4, "banned_words": ["ok"]})
    assert policy.page_size == Policy().page_size
    assert policy.abuse_hold == 0.4 and policy.banned_words == ["ok"]
    assert "page_size" in caplog.text


def test_a_bad_stored_entry_of_a_list_costs_that_entry_not_the_list(caplog):
    policy = Policy.for_site({"banned_words": ["spam", "   ", "scam"]})
    assert policy.banned_words == ["spam", "scam"]
    assert "banned_words" in caplog.text


def test_a_domain_rule_pasted_as_an_address_or_wildcard_is_read_as_its_host():
    policy = Policy(
        blocked_domains=["https://Spam.Example/offer?x=1", "*.ads.example", "tracker.example.", "www.shop.example:8080"]
    )
    assert policy.blocked_domains == ["spam.example", "ads.example", "tracker.example", "www.shop.example"]


def test_a_domain_rule_that_names_no_host_is_kept_as_written():
    assert Policy(allowed_domains=["not a domain", "*"]).allowed_domains == ["not a domain", "*"]


def test_a_list_entry_too_long_is_refused_in_characters():
    with pytest.raises(ValidationError, match="at most 100 characters"):
        Policy(banned_words=["x" * 101])


@pytest.mark.parametrize("entry", ["   ", "*", " ** "])
def test_a_word_list_entry_that_could_match_nothing_is_refused(entry):
    with pytest.raises(ValidationError):
        Policy(banned_words=[entry])
    with pytest.raises(ValidationError):
        Policy(suspect_words=[entry])


def test_stored_settings_out_of_order_fall_back_to_all_defaults(caplog):
    policy = Policy.for_site({"abuse_hold": 0.9, "abuse_reject": 0.1, "page_size": 5})
    assert policy.abuse_hold == Policy().abuse_hold and policy.page_size == Policy().page_size
    assert "using the defaults" in caplog.text


@pytest.mark.parametrize("stored", [None, {}, [], "garbage", 42])
def test_no_usable_stored_policy_means_the_defaults(stored):
    assert Policy.for_site(stored) == Policy()


def test_unknown_stored_settings_are_dropped_not_fatal():
    policy = Policy.for_site({"setting_from_the_future": 1, "page_size": 12})
    assert policy.page_size == 12


def test_updated_drops_bad_stored_settings_but_never_bad_changes():
    policy, overrides = Policy.updated({"page_size": -3}, {"max_links": 4})
    assert overrides == {"max_links": 4} and policy.page_size == Policy().page_size
    with pytest.raises(ValidationError):
        Policy.updated({}, {"max_links": -1})


def test_assignment_is_validated_too():
    policy = Policy()
    with pytest.raises(ValidationError):
        policy.page_size = 0
    policy.page_size = 3
    assert policy.page_size == 3


def test_as_dict_round_trips_and_names_every_setting():
    policy = Policy.from_dict({"page_size": 4, "redress_url": "mailto:a@b.example"})
    assert Policy.from_dict(policy.as_dict()) == policy
    assert set(policy.as_dict()) == Policy.setting_names()
    assert {"abuse_hold", "page_size", "edit_window_minutes", "threat_patterns"} <= Policy.setting_names()


def test_the_json_schema_states_every_range():
    properties = Policy.model_json_schema()["properties"]
    for name, low, high in COUNTS:
        schema = properties[name]
        bounded = schema if "minimum" in schema else next(option for option in schema["anyOf"] if option.get("type") == "integer")
        assert (bounded["minimum"], bounded["maximum"]) == (low, high), name
    assert properties["abuse_hold"]["minimum"] == 0 and properties["abuse_hold"]["maximum"] == 1
