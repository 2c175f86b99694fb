"""How long something took or has waited, in words of the language of the work at hand: "45 s",
"12 min", "3.5 h", "2.0 days". The moderators' workspace and their e-mail digest say it alike.

Kept beside the catalogues rather than in `web`, so that the services (the digest) can use it.
"""

from __future__ import annotations

from babel.numbers import format_decimal

from commentdesk import i18n
from commentdesk.i18n import gettext as _
from commentdesk.i18n import ngettext

# Up to these many seconds a span is said in the smaller unit (90 s, not 1.5 min).
_SECONDS_UP_TO = 90
_MINUTES_UP_TO = 90 * 60
_HOURS_UP_TO = 48 * 3600


def duration_words(seconds: float | None) -> str:
    """A span of time in the largest unit that reads well; a dash when there is none to tell."""
    if seconds is None:
        return "–"
    language = i18n.current()
    if seconds < _SECONDS_UP_TO:
        return _("%(number)s s") % {"number": format_decimal(round(seconds), locale=language)}
    if seconds < _MINUTES_UP_TO:
        return _("%(number)s min") % {"number": format_decimal(round(seconds / 60), locale=language)}
    if seconds < _HOURS_UP_TO:
        return _("%(number)s h") % {"number": format_decimal(seconds / 3600, "0.0", locale=language)}
    days = seconds / 86400
    return ngettext("%(number)s day", "%(number)s days", round(days)) % {"number": format_decimal(days, "0.0", locale=language)}
