"""Request-scoped dependencies: the database session, the calling site, the client's address."""

from __future__ import annotations

import functools
import inspect
from collections.abc import Iterator

from fastapi import Depends, Request
from fastapi.routing import APIRoute
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


class SessionReleasingRoute(APIRoute):
    """A route whose handler gives its database connection back as soon as it returns.

    FastAPI validates and serialises a plain handler's answer in another worker thread, and
    closes yield dependencies only after that. Holding the connection across that second wait
    for a thread is how a busy server used to deadlock: every thread waited for a connection
    while the connections' holders waited for a thread. Here the session is closed in the
    handler's own thread, so a connection is never held while waiting for anything.
    """

    def __init__(self, path: str, endpoint, **kwargs) -> None:
        super().__init__(path, _closing_session_on_return(endpoint), **kwargs)


def _closing_session_on_return(endpoint):
    if inspect.iscoroutinefunction(endpoint) or getattr(endpoint, "closes_session", False):
        return endpoint
    signature = inspect.signature(endpoint)
    if any(parameter.kind is inspect.Parameter.VAR_KEYWORD for parameter in signature.parameters.values()):
        return endpoint

    @functools.wraps(endpoint)
    def run(*args, _request_session: Session, **kwargs):
        try:
            return endpoint(*args, **kwargs)
        finally:
            _request_session.close()

    # The same cached session the handler and its dependencies receive, as one more parameter.
    request_session = inspect.Parameter(
        "_request_session", inspect.Parameter.KEYWORD_ONLY, default=Depends(db_session), annotation=Session
    )
    run.__signature__ = signature.replace(parameters=[*signature.parameters.values(), request_session])
    run.closes_session = True
    return run


def calling_site(
    credentials: HTTPAuthorizationCredentials | None = Depends(_bearer), session: Session = Depends(db_session)
) -> Site:
    if credentials is None:
        raise ApiError(401, "api_key_required", "Send the site's API key as 'Authorization: Bearer KEY'.")
    site = repo.site_by_api_key(session, credentials.credentials)
    if site is None:
        raise ApiError(401, "api_key_invalid", "That API key belongs to no site.")
    return site


def client_address(request: Request) -> str | None:
    return request.client.host if request.client else None
