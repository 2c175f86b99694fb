"""Request-scoped dependencies: the database session, the calling site, the client's address."""

from __future__ import annotations

from collections.abc import Iterator

from fastapi import Depends, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from sqlalchemy.orm import Session

from commentdesk.api.errors import ApiError
from commentdesk.store import repository as repo
from commentdesk.store.models import Site

_bearer = HTTPBearer(auto_error=False, description="The site's API key, from `commentdesk sites add`.")


def db_session(request: Request) -> Iterator[Session]:
    session = request.app.state.sessions()
    try:
        yield session
    finally:
        session.close()


def calling_site(credentials: HTTPAuthorizationCredentials | None = Depends(_bearer),
                 session: Session = Depends(db_session)) -> Site:
    if credentials is None:
        raise ApiError(401, "api_key_required", "Send the site's API key as 'Authorization: Bearer KEY'.")
    site = repo.site_by_api_key(session, credentials.credentials)
    if site is None:
        raise ApiError(401, "api_key_invalid", "That API key belongs to no site.")
    return site


def client_address(request: Request) -> str | None:
    return request.client.host if request.client else None
