"""Languages over the API: the embed's catalogue for a page, and a site's default language."""

from __future__ import annotations

from typing import Literal

from fastapi import APIRouter, Depends, Request
from pydantic import BaseModel, ConfigDict, Field, field_validator
from sqlalchemy.orm import Session

from commentdesk import i18n
from commentdesk.api.cached_reads import API_PREFIX
from commentdesk.api.deps import SessionReleasingRoute, calling_site, db_session
from commentdesk.api.routes import ERRORS
from commentdesk.api.schemas import LanguageQueryOrNone, SiteQueryOrNone
from commentdesk.i18n import gettext as _
from commentdesk.i18n import request_language
from commentdesk.i18n.embed import embed_messages
from commentdesk.services import sites
from commentdesk.store import repository as repo
from commentdesk.store.models import Site

router = APIRouter(prefix=API_PREFIX, route_class=SessionReleasingRoute)


class CatalogueOut(BaseModel):
    language: str = Field(description="The language chosen: the page's `lang`, else the site's default, else the browser's.")
    direction: Literal["ltr", "rtl"]
    messages: dict[str, str] = Field(description="The embed's English strings and their translations (empty for English).")


class SiteLanguageIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    language: str | None = Field(
        description="A shipped language (en, ur, de), or null for the server's default.",
        json_schema_extra={"enum": [*i18n.LANGUAGES, None]},
    )

    @field_validator("language")
    @classmethod
    def _shipped(cls, value: str | None) -> str | None:
        if value is not None and value not in i18n.LANGUAGES:
            raise ValueError(_("one of %(languages)s, or null") % {"languages": ", ".join(i18n.LANGUAGES)})
        return value


class SiteLanguageOut(BaseModel):
    language: str | None
    languages: dict[str, str] = Field(description="The shipped languages and their own names.")


@router.get(
    "/i18n",
    response_model=CatalogueOut,
    responses=ERRORS,
    tags=["languages"],
    summary="The embed's words in the page's language (or the site's, or the browser's)",
)
def catalogue(
    request: Request,
    lang: LanguageQueryOrNone = None,
    site: SiteQueryOrNone = None,
    session: Session = Depends(db_session),
):
    found = repo.site_by_slug(session, site) if site else None
    chosen = request_language.for_site(request, found.language if found else None)
    return CatalogueOut(language=chosen, direction=i18n.direction(chosen), messages=embed_messages(chosen))


@router.get(
    "/site/language",
    response_model=SiteLanguageOut,
    responses=ERRORS,
    tags=["languages"],
    summary="The calling site's default language",
)
def get_site_language(site: Site = Depends(calling_site)):
    return SiteLanguageOut(language=site.language, languages=i18n.LANGUAGES)


@router.put(
    "/site/language",
    response_model=SiteLanguageOut,
    responses=ERRORS,
    tags=["languages"],
    summary="Set the calling site's default language",
)
def put_site_language(body: SiteLanguageIn, site: Site = Depends(calling_site), session: Session = Depends(db_session)):
    site = sites.set_language(session, site, body.language)
    return SiteLanguageOut(language=site.language, languages=i18n.LANGUAGES)
