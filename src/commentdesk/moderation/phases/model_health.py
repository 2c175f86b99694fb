"""A model that could not run leaves the comment for a person: never published unchecked."""

from __future__ import annotations

from commentdesk.i18n import N_
from commentdesk.moderation.policy import Policy
from commentdesk.moderation.types import HOLD, Candidate, ModelSignals, PhaseResult, Reason


def check(_candidate: Candidate, signals: ModelSignals, _policy: Policy) -> PhaseResult:
    if not signals.failures:
        return PhaseResult()
    reasons = [
        Reason(
            "model_timeout" if "timed out" in problem else "model_unavailable",
            N_("Automatic checks could not run, so a moderator will read it."),
            [f"{model}: {problem}"],
        )
        for model, problem in sorted(signals.failures.items())
    ]
    return PhaseResult(HOLD, reasons)
