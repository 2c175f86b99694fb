"""The spam phase: what counts as a link, a phone number or contact bait, how signals add up to
one score, and where that score holds or rejects."""

from __future__ import annotations

import pytest

from commentdesk import render
from commentdesk.moderation.fingerprint import simhash
from commentdesk.moderation.phases import spam
from commentdesk.moderation.policy import Policy
from commentdesk.moderation.types import HOLD, REJECT, Candidate, ModelSignals, RecentActivity
from commentdesk.render import render_comment


def candidate(text: str, **extra) -> Candidate:
    return Candidate(text=text, article_title="Harbour festival", article_body="The harbour festival returns.", **extra)


def codes(text: str, policy: Policy | None = None, **extra) -> list[str]:
    return [code for code, *_rest in spam.spam_score(candidate(text, **extra), policy or Policy())[1]]


@pytest.mark.parametrize(
    ("text", "links"),
    [
        ("see https://harbour.example/programme today", ["https://harbour.example/programme"]),
        ("see http://harbour.example.", ["http://harbour.example."]),
        ("www.harbour.example/a?b=c is the page", ["www.harbour.example/a?b=c"]),
        ("cheap at pills.shop/offer now", ["pills.shop/offer"]),
        (
            "(https://harbour.example/a) and [https://harbour.example/b]",
            ["https://harbour.example/a", "https://harbour.example/b"],
        ),
        ("bare-site.xyz", ["bare-site.xyz"]),
        ("it was 3.5 degrees and the harbour.museum was shut", []),  # not a top-level domain it knows
        ("e.g. this, i.e. that", []),
        ("no links here at all", []),
    ],
)
def test_links_are_found_with_and_without_a_scheme(text, links):
    assert spam.find_links(text) == links


@pytest.mark.parametrize(
    ("text", "phones"),
    [
        ("call +44 7700 900123 now", ["+44 7700 900123"]),
        ("ring 0300-123-4567 today", ["0300-123-4567"]),
        ("call me on (020) 7946 0958", ["(020) 7946 0958"]),  # the area code's opening bracket is shown too
        ("or (+44) 20 7946 0958 from abroad", ["(+44) 20 7946 0958"]),
        ("ring (02079460958) today", ["(02079460958)"]),  # wholly in brackets: both are shown
        ("ring (020 7946 0958), or write", ["(020 7946 0958)"]),
        ("the 2024 budget had 1500000 lines", []),  # too few digits once spaces are counted as one number
        ("figures 12 34 56", []),
        ("a 16-digit card 1234567890123456 is too long to be a phone", []),
    ],
)
def test_phone_numbers_need_ten_to_fifteen_digits(text, phones):
    found = [
        evidence for code, _message, evidence, *_rest in spam.spam_score(candidate(text), Policy())[1] if code == "phone_number"
    ]
    assert found == ([phones] if phones else [])


@pytest.mark.parametrize(
    "text",
    [
        "WhatsApp me for details",
        "whats app me",
        "DM me",
        "earn $500 a day",
        "earn 200 today",
        "working from home is easy money",
        "click here",
        "visit my profile",
        "cheap viagra",
        "crypto signals daily",
    ],
)
def test_contact_bait_is_recognised_in_any_case(text):
    assert codes(text) == ["contact_bait"]


@pytest.mark.parametrize(
    "text",
    [
        "The telegraph pole fell on the pier",
        "I called my mother",
        "She works from her studio",
        "Click beetles everywhere",
    ],
)
def test_ordinary_sentences_are_not_contact_bait(text):
    assert codes(text) == []


@pytest.mark.parametrize(
    ("text", "score", "decision"),
    [
        ("see https://a.example/x", 0.2, None),
        ("see https://a.example/x and https://b.example/y", 0.4, None),
        ("call 0300 123 4567", 0.6, HOLD),
        ("message me", 0.55, HOLD),
        ("message me on 0300 123 4567", 0.96, REJECT),  # 1 - 0.4 * 0.1
        ("see https://a.example/x, call 0300 123 4567", 0.68, HOLD),  # 1 - 0.8 * 0.4
        ("click here https://a.example/x", 0.92, REJECT),  # bait next to a link weighs more
    ],
)
def test_independent_signals_add_up_to_one_score(text, score, decision):
    result = spam.check(candidate(text), ModelSignals(), Policy())
    assert result.scores["spam"] == pytest.approx(score)
    assert result.decision == decision


def test_more_links_than_allowed_is_rejected_and_says_how_many():
    result = spam.check(candidate("a.com/1 b.net/2 c.org/3"), ModelSignals(), Policy(max_links=2))
    assert result.decision == REJECT
    reason = result.reasons[0]
    assert reason.code == "too_many_links" and reason.evidence == ["a.com/1", "b.net/2", "c.org/3"]
    assert reason.message == "It contains 3 links; at most 2 are allowed."
    assert reason.params == {"count": 3, "allowed": 2}
    assert reason.detail == "spam 0.95, threshold 0.90"


def test_a_site_that_allows_no_links_rejects_the_first():
    assert codes("see harbour.com", Policy(max_links=0)) == ["too_many_links"]
    assert codes("see harbour.example", Policy(max_links=0)) == []  # no scheme and no top-level domain it knows
    assert codes("no link", Policy(max_links=0)) == []


@pytest.mark.parametrize(
    ("link", "blocked"),
    [
        ("https://spam.example/x", True),
        ("https://www.spam.example/x", True),
        ("https://deals.SPAM.example/x", True),
        ("https://notspam.example/x", False),  # a different domain that ends in the same letters
        ("https://spam.example.org/x", False),
    ],
)
def test_a_blocked_domain_covers_its_subdomains_only(link, blocked):
    assert ("blocked_domain" in codes(f"see {link}", Policy(blocked_domains=["Spam.Example"]))) is blocked


def test_links_to_allowed_domains_neither_count_nor_show():
    policy = Policy(allowed_domains=["harbour.example"], max_links=1)
    assert codes("https://harbour.example/a https://www.harbour.example/b https://news.harbour.example/c", policy) == []
    result = spam.spam_score(candidate("https://harbour.example/a https://other.example/b"), policy)
    assert result == (0.2, [("contains_link", "It contains a link.", ["https://other.example/b"], 0.2, {})])


PROTOCOL_RELATIVE_FARM = (
    "Sources: [one](//spam-one.example/buy) [two](//spam-two.example/buy) "
    "[three](//spam-three.example/buy) [four](//spam-four.example/buy)"
)


def test_every_link_the_renderer_makes_clickable_is_counted():
    # Protocol-relative addresses render as clickable links to other sites, like https:// ones.
    assert '<a href="//spam-one.example/buy"' in render_comment(PROTOCOL_RELATIVE_FARM)
    result = spam.check(candidate(PROTOCOL_RELATIVE_FARM), ModelSignals(), Policy(max_links=2))
    assert result.decision == REJECT and result.reasons[0].code == "too_many_links"
    assert result.reasons[0].evidence == [f"//spam-{n}.example/buy" for n in ("one", "two", "three", "four")]
    assert codes(PROTOCOL_RELATIVE_FARM.replace("//", "https://"), Policy(max_links=2))[0] == "too_many_links"


@pytest.mark.parametrize(
    "text",
    [
        "[a](//spam.example/buy)",
        "[a](//SPAM.example./buy)",
        "[a](///spam.example/buy)",
        "[a](//user@spam.example:8080/buy)",
        "[a](//spam%2Eexample/buy)",
        "[a](http:spam.example/buy)",  # from an https page a browser goes to http://spam.example
        "[a](mailto:sales@spam.example)",
        "[a](<//deals.spam.example/buy now>)",
    ],
)
def test_clickable_links_in_any_form_are_checked_against_the_blocked_domains(text):
    assert "<a href=" in render_comment(text)
    assert codes(text, Policy(blocked_domains=["spam.example"]))[0] == "blocked_domain"


def test_links_the_renderer_does_not_make_clickable_are_still_counted_when_written_out():
    # Not clickable, but an address for readers to copy: as before, it counts.
    assert codes("see www.spam.example/buy", Policy(blocked_domains=["spam.example"]))[0] == "blocked_domain"
    assert codes("[a](javascript:alert(1))", Policy(max_links=0)) == []


def test_a_link_is_counted_once_by_its_address_not_again_by_its_words():
    assert spam.comment_links("[https://harbour.example/a](https://harbour.example/a)") == ["https://harbour.example/a"]
    assert spam.comment_links("see [the plan](/plan) and www.other.com") == ["/plan", "www.other.com"]
    assert codes("[a](//harbour.example/a)", Policy(allowed_domains=["harbour.example"], max_links=0)) == []
    assert codes("[a](#comment-3)", Policy(max_links=0)) == ["too_many_links"]  # clickable: it counts


def test_the_links_are_read_from_the_html_already_rendered_and_the_text_rendered_only_without_it(monkeypatch):
    text = "[a](//spam.example/buy), [b](https://harbour.example/b) and www.other.com"
    policy = Policy(blocked_domains=["spam.example"], max_links=1)
    rendered = codes(text, policy)  # a candidate without html (score, eval): rendered here
    assert rendered == ["blocked_domain", "too_many_links"]

    def not_again(_text):
        raise AssertionError("the comment was rendered a second time")

    monkeypatch.setattr(render, "render_comment", not_again)
    assert codes(text, policy, html=render_comment(text)) == rendered


def test_an_allowed_domain_is_not_blocked_even_when_listed_as_both():
    policy = Policy(allowed_domains=["harbour.example"], blocked_domains=["harbour.example"])
    assert codes("https://harbour.example/a", policy) == []


@pytest.mark.parametrize(
    ("by_commenter", "by_address", "reason_message"),
    [
        (5, 0, "You are posting faster than this site allows; please wait a minute."),
        (4, 12, "Many comments came from your network in the last minute."),
        (9, 99, "You are posting faster than this site allows; please wait a minute."),  # one flooding reason, not two
    ],
)
def test_flooding_counts_from_the_limit_on(by_commenter, by_address, reason_message):
    recent = RecentActivity(by_commenter_last_minute=by_commenter, by_address_last_minute=by_address)
    result = spam.check(candidate("Lovely fireworks", recent=recent), ModelSignals(), Policy())
    assert [(reason.code, reason.message) for reason in result.reasons] == [("flooding", reason_message)]
    assert result.decision == HOLD


def test_just_under_both_flood_limits_is_fine():
    recent = RecentActivity(by_commenter_last_minute=4, by_address_last_minute=11)
    assert spam.check(candidate("Lovely fireworks", recent=recent), ModelSignals(), Policy()).decision is None


def test_an_exact_repeat_is_not_also_reported_as_a_near_duplicate():
    text = "The harbour festival fireworks were the best we have seen in years, well done to the organisers"
    recent = RecentActivity(same_text_by_commenter=True, recent_fingerprints=[simhash(text)])
    assert codes(text, recent=recent) == ["duplicate"]


def test_spam_reasons_are_kept_in_the_order_found_and_the_first_carries_the_detail():
    result = spam.check(candidate("visit my site www.deals.example call 0300 123 4567"), ModelSignals(), Policy())
    assert [reason.code for reason in result.reasons] == ["contains_link", "phone_number", "contact_bait"]
    assert result.reasons[0].detail.startswith("spam 0.9") and all(reason.detail == "" for reason in result.reasons[1:])


@pytest.mark.parametrize(("hold", "reject", "decision"), [(0.55, 0.9, HOLD), (0.56, 0.9, None), (0.5, 0.55, REJECT)])
def test_the_spam_thresholds_are_inclusive(hold, reject, decision):
    result = spam.check(candidate("message me"), ModelSignals(), Policy(spam_hold=hold, spam_reject=reject))
    assert result.decision == decision
    assert [reason.code for reason in result.reasons] == ([] if decision is None else ["contact_bait"])
