"""Spam signals: links and link farms, phone numbers and contact bait, copies, and flooding."""

from __future__ import annotations

import re
import unicodedata
from urllib.parse import unquote

from commentdesk.i18n import N_
from commentdesk.moderation.fingerprint import is_near_duplicate, simhash
from commentdesk.moderation.policy import Policy
from commentdesk.moderation.types import HOLD, REJECT, Candidate, ModelSignals, PhaseResult, Reason
from commentdesk.render import reader_view

LINK = re.compile(
    r"(?i)\b(?:https?://|www\.)[^\s<>\"')\]]+|\b[a-z0-9-]+\.(?:com|net|org|info|biz|ru|xyz|top|io|co|ly|me|shop|site|online)(?:/[^\s<>\"')\]]*)?\b"
)
# Ten to fifteen digits with the usual separators; an area code in brackets ("(020) 7946 0958")
# starts at its bracket, so the number is shown as written.
PHONE = re.compile(r"(?<!\d)\(?(?:\+?\d[\s\-.()]*){9,14}\d(?!\d)")
CONTACT_BAIT = re.compile(
    r"(?i)\b(?:whats\s*app|telegram|dm me|message me|contact me|call me|text me|earn \$?\d+|"
    r"work(?:ing)? from home|make money|per hour from home|click here|visit my (?:site|profile|page)|"
    r"buy now|cheap (?:pills|viagra|meds)|crypto (?:signals|investment)|free followers)\b"
)


def find_links(text: str) -> list[str]:
    """Addresses written out in plain text (not clickable, but an advertisement all the same)."""
    return [match.group(0) for match in LINK.finditer(text)]


def comment_links(text: str, html: str | None = None) -> list[str]:
    """Every link in a comment: each one the renderer makes clickable (any form of address it
    lets through, "//host/path" included), then those written out in the rest of the visible text.
    `html`: the text already rendered, when the caller has it."""
    view = reader_view(text, html)
    return [*view.hrefs, *find_links(view.text)]


def find_phones(text: str) -> list[str]:
    """Phone numbers as written: a number wholly in brackets ("(02079460958)") keeps its closing
    bracket, which the pattern (ending at a digit) leaves out."""
    phones = []
    for match in PHONE.finditer(text):
        number = match.group(0).strip()
        if number.count("(") > number.count(")") and text.startswith(")", match.end()):
            number += ")"
        phones.append(number)
    return phones


_SCHEME = re.compile(r"([a-zA-Z][a-zA-Z0-9+.-]*):(.*)", re.DOTALL)
# What a browser trims from an address, and removes from within it, before reading it.
_URL_EDGES = "".join(map(chr, range(0x21)))
_URL_DROPPED = re.compile(r"[\t\n\r]")
# Full stops a browser reads as the dot between a host's labels (IDNA's mapping).
_DOTS = re.compile("[\u3002\uff0e\uff61]")


def _domain(link: str) -> str:
    """The host a link leads to, read as a browser reads an address ("//host/path" and "http:host"
    leave the page too); "" for one within the page's own site (a path, "#part", "?query")."""
    link = _URL_DROPPED.sub("", link.strip(_URL_EDGES)).replace("\\", "/")
    if "://" not in link and find_links(link) == [link]:
        link = "//" + link  # written out without a scheme: "www.host.example/page"
    scheme = _SCHEME.match(link)
    if scheme is not None:
        name, rest = scheme.group(1).lower(), scheme.group(2)
        if name == "mailto":
            authority = re.split(r"[?#]", rest)[0].rpartition("@")[2]
        elif name in ("http", "https"):
            authority = re.split(r"[/?#]", rest.lstrip("/"))[0]
        else:
            return ""
    elif link.startswith("//"):
        authority = re.split(r"[/?#]", link.lstrip("/"))[0]
    else:
        return ""
    host = authority.rpartition("@")[2]
    host = host.partition("]")[0] + "]" if host.startswith("[") else host.partition(":")[0]
    host = _DOTS.sub(".", unicodedata.normalize("NFKC", unquote(host))).lower().rstrip(".")
    return host.removeprefix("www.")


def _domain_matches(domain: str, rules: list[str]) -> bool:
    return any(domain == rule.lower() or domain.endswith("." + rule.lower()) for rule in rules)


def spam_score(candidate: Candidate, policy: Policy) -> tuple[float, list[tuple[str, str, list[str], float, dict]]]:
    """A 0..1 spam score and the signals behind it as (code, message, evidence, weight, message's values)."""
    signals: list[tuple[str, str, list[str], float, dict]] = []
    links = comment_links(candidate.text, candidate.html)
    foreign = [link for link in links if not _domain_matches(_domain(link), policy.allowed_domains)]
    blocked = [link for link in foreign if _domain_matches(_domain(link), policy.blocked_domains)]
    if blocked:
        signals.append(("blocked_domain", N_("It links to a site that is not allowed here."), blocked, 1.0, {}))
    if len(foreign) > policy.max_links:
        signals.append(
            (
                "too_many_links",
                N_("It contains %(count)s links; at most %(allowed)s are allowed."),
                foreign,
                0.95,
                {"count": len(foreign), "allowed": policy.max_links},
            )
        )
    elif foreign:
        signals.append(("contains_link", N_("It contains a link."), foreign, 0.2 * len(foreign), {}))
    phones = find_phones(candidate.text)
    if phones:
        signals.append(("phone_number", N_("It contains a phone number."), phones, 0.6, {}))
    bait = [match.group(0) for match in CONTACT_BAIT.finditer(candidate.text)]
    if bait:
        weight = 0.9 if (links or phones) else 0.55
        signals.append(("contact_bait", N_("It looks like an advertisement or a request to make contact."), bait, weight, {}))
    recent = candidate.recent
    if recent is not None:
        if recent.same_text_by_commenter:
            signals.append(("duplicate", N_("You have already posted this comment."), [], 0.95, {}))
        elif is_near_duplicate(simhash(candidate.text), recent.recent_fingerprints):
            signals.append(("near_duplicate", N_("A nearly identical comment was posted here recently."), [], 0.7, {}))
        if recent.by_commenter_last_minute >= policy.flood_per_minute_commenter:
            signals.append(("flooding", N_("You are posting faster than this site allows; please wait a minute."), [], 0.7, {}))
        elif recent.by_address_last_minute >= policy.flood_per_minute_address:
            signals.append(("flooding", N_("Many comments came from your network in the last minute."), [], 0.6, {}))
    # Independent signals add up: 1 - product of (1 - weight).
    remaining = 1.0
    for *_rest, weight, _params in signals:
        remaining *= 1.0 - min(weight, 1.0)
    return round(1.0 - remaining, 4), signals


def check(candidate: Candidate, _signals: ModelSignals, policy: Policy) -> PhaseResult:
    score, found = spam_score(candidate, policy)
    result = PhaseResult(scores={"spam": score})
    if score >= policy.spam_reject:
        result.decision = REJECT
    elif score >= policy.spam_hold:
        result.decision = HOLD
    if result.decision:
        result.reasons = [Reason(code, message, evidence, params=params) for code, message, evidence, _w, params in found]
        threshold = policy.spam_reject if result.decision == REJECT else policy.spam_hold
        result.reasons[0].detail = f"spam {score:.2f}, threshold {threshold:.2f}"
    return result
