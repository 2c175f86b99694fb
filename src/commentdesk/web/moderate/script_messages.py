"""The words of workspace.js (status line, "N selected" counter), in the moderator's language.

They are msgids of the catalogue like any other; the page carries them as a JSON block
(`<script type="application/json" id="workspace-messages">`) that the script reads, so the
script needs no request of its own and shows its words in the page's language at once.
Plural sentences travel as one form per CLDR plural category; the script picks the form with
the browser's `Intl.PluralRules` for the page's language, which follows the same CLDR rules.
"""

from __future__ import annotations

from babel import Locale

from commentdesk import i18n
from commentdesk.i18n import N_, ngettext
from commentdesk.i18n import gettext as _
from commentdesk.services import workspace

MESSAGES = {
    "server_answered": N_("The server answered %(status)s."),
    "not_saved": N_("Not saved: %(error)s"),
    "nothing_to_undo": N_("Nothing to undo."),
    "undone": N_("Undone."),
    "could_not_undo": N_("Could not undo: %(error)s"),
    "reason_chosen": N_("Reason: %(reason)s."),
    "banned": N_("Banned %(name)s."),
    "suspended": N_("Suspended %(name)s."),
    "the_commenter": N_("the commenter"),
    "ban_not_saved": N_("Ban not saved: %(error)s"),
    "select_first": N_("Select comments first (x, or the boxes)."),
}

# Literal ngettext calls, so that extraction finds both forms of each sentence.
PLURALS = {
    "selected": lambda n: ngettext("%(num)s selected", "%(num)s selected", n),
    "approved": lambda n: ngettext(
        "Approved %(num)s comment. Press u to undo.", "Approved %(num)s comments. Press u to undo.", n
    ),
    "restored": lambda n: ngettext(
        "Restored %(num)s comment. Press u to undo.", "Restored %(num)s comments. Press u to undo.", n
    ),
    "rejected": lambda n: ngettext(
        "Rejected %(num)s comment as %(reason)s. Press u to undo.", "Rejected %(num)s comments as %(reason)s. Press u to undo.", n
    ),
}


def _category_samples(language: str) -> dict[str, int]:
    """One count for each plural category the language has among whole numbers ("one": 1, "other": 0…)."""
    locale = Locale.parse(language)
    samples: dict[str, int] = {}
    for number in range(0, 200):
        samples.setdefault(locale.plural_form(number), number)
    return samples


def for_current_language() -> dict:
    """{"language", "messages", "plurals", "reasons"} for the JSON block, in the request's language."""
    language = i18n.current()
    samples = _category_samples(language)
    return {
        "language": language,
        "messages": {key: _(msgid) for key, msgid in MESSAGES.items()},
        "plurals": {key: {category: form(number) for category, number in samples.items()} for key, form in PLURALS.items()},
        "reasons": {code: _(words) for code, words in workspace.REJECTION_REASONS.items()},
    }
