"""Languages in the HTML pages: gettext and the language helpers in templates, and a reader's
words isolated in direction. Which language a request is worded in is chosen by
`commentdesk.i18n.request_language`."""

from __future__ import annotations

from jinja2 import Environment, pass_context
from markupsafe import Markup

from commentdesk import i18n
from commentdesk.i18n.request_language import with_lang
from commentdesk.web import timefmt


@pass_context
def _with_lang(context, url: str) -> str:
    request = context.get("request")
    return with_lang(request, url) if request is not None else url


def install(env: Environment) -> None:
    """gettext/ngettext in templates (`{{ _("…") }}`, `{% trans %}`), in the request's language;
    `language()`/`direction()` for `<html lang dir>`; and the relative-time and number filters."""
    env.add_extension("jinja2.ext.i18n")
    # Added to the environment by the i18n extension just above; the stubs do not know it.
    env.install_gettext_callables(gettext=i18n.gettext, ngettext=i18n.ngettext, newstyle=True)  # type: ignore[attr-defined]
    env.globals.update(
        bdi=bdi,
        bdi_link=bdi_link,
        language=i18n.current,
        direction=i18n.direction,
        with_lang=_with_lang,
        LANGUAGES=i18n.LANGUAGES,
    )
    env.filters.update(relative_time=timefmt.relative_time, long_date=timefmt.long_date, number=timefmt.number)


def bdi(value: object, tag: str = "bdi", css_class: str | None = None) -> Markup:
    """A reader's words (a name, a title) inside a translated sentence, isolated in direction:
    a Latin name in an Urdu sentence, or an Urdu one in English, keeps the sentence in order."""
    class_attribute = Markup(' class="{}"').format(css_class) if css_class else ""
    return Markup('<{tag} dir="auto"{cls}>{value}</{tag}>').format(tag=Markup(tag), cls=class_attribute, value=value)


def bdi_link(href: str, text: object) -> Markup:
    return Markup('<a href="{}" dir="auto">{}</a>').format(href, text)
