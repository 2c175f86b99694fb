"""The commenter's record and the site's pre-moderation rules."""

from __future__ import annotations

from commentdesk.i18n import N_
from commentdesk.moderation.policy import Policy
from commentdesk.moderation.types import HOLD, Candidate, ModelSignals, PhaseResult, Reason


def check(candidate: Candidate, _signals: ModelSignals, policy: Policy) -> PhaseResult:
    reasons: list[Reason] = []
    if candidate.premoderated or policy.premoderate:
        reasons.append(Reason("premoderated", N_("Comments here are read by a moderator before they are published.")))
    history = candidate.history
    if history is not None:
        if policy.new_commenter_hold and history.published < policy.new_commenter_hold:
            reasons.append(Reason("new_commenter", N_("Comments from new commenters are read by a moderator first.")))
        if policy.hold_after_recent_rejections and history.recent_rejections >= policy.hold_after_recent_rejections:
            reasons.append(
                Reason(
                    "recent_rejections", N_("Several of your recent comments were not published, so this one is reviewed first.")
                )
            )
    if not reasons:
        return PhaseResult()
    return PhaseResult(HOLD, reasons)
