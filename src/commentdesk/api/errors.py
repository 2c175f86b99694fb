"""Errors as JSON a client can act on: {"error": {"code", "message", "fields"}}, for every status.

Whatever goes wrong, the answer has this body: validation problems (422), errors the HTTP layer
raises (404, 405 with the path's real `Allow` methods), refused floods (429 with Retry-After),
and anything unforeseen (500), which is logged and never shown as a traceback or plain text.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping, Sequence
from http import HTTPStatus
from typing import Any

from fastapi import Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic import ValidationError
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.routing import Match
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from commentdesk.i18n import N_, ngettext
from commentdesk.i18n import gettext as _
from commentdesk.services.comment_input import PostingError
from commentdesk.store.repository import InvalidCursor

log = logging.getLogger(__name__)
# Flood limits count the last minute: after this long a refused client may post again.
RETRY_AFTER_SECONDS = 60
_METHODS = ("GET", "HEAD", "POST", "PUT", "PATCH", "DELETE")
_HTTP_CODES = {
    400: "bad_request",
    401: "unauthorized",
    403: "forbidden",
    404: "not_found",
    405: "method_not_allowed",
    413: "too_large",
    429: "too_many_requests",
}
# The router's own refusals carry only the status's English name ("Not Found"): said in words,
# in the reader's language.
_ROUTER_WORDS = {
    404: N_("There is nothing at this address."),
    405: N_("This address does not take requests of this kind."),
}


class ApiError(Exception):
    def __init__(self, status: int, code: str, message: str, fields: dict[str, str] | None = None) -> None:
        super().__init__(message)
        self.status, self.code, self.message, self.fields = status, code, message, fields or {}


def error_body(code: str, message: str, fields: dict[str, str] | None = None) -> dict:
    return {"error": {"code": code, "message": message, "fields": fields or {}}}


def _one_of(ctx: Mapping[str, Any]) -> str:
    return _("Input should be %(expected)s") % {"expected": ctx["expected"]}


# Pydantic's words for the problems a request's fields can have, as msgids, so that a reader reads
# them in the request's language; in English they are pydantic's own words, as clients have always
# had them (a test holds them to it). Any other type keeps pydantic's English. Our own validators
# word their ValueError in the request's language as they raise it; the parsers' own detail after
# a comma (`%(error)s`, e.g. "input is too short") comes from pydantic in English and stays so.
_FIELD_WORDS: dict[str, Callable[[Mapping[str, Any]], str]] = {
    "missing": lambda ctx: _("Field required"),
    "extra_forbidden": lambda ctx: _("Extra inputs are not permitted"),
    "string_type": lambda ctx: _("Input should be a valid string"),
    "string_too_short": lambda ctx: (
        ngettext(
            "String should have at least %(num)s character", "String should have at least %(num)s characters", ctx["min_length"]
        )
        % {"num": ctx["min_length"]}
    ),
    "string_too_long": lambda ctx: (
        ngettext(
            "String should have at most %(num)s character", "String should have at most %(num)s characters", ctx["max_length"]
        )
        % {"num": ctx["max_length"]}
    ),
    "string_pattern_mismatch": lambda ctx: _("String should match pattern '%(pattern)s'") % {"pattern": ctx["pattern"]},
    "int_type": lambda ctx: _("Input should be a valid integer"),
    "int_parsing": lambda ctx: _("Input should be a valid integer, unable to parse string as an integer"),
    "int_from_float": lambda ctx: _("Input should be a valid integer, got a number with a fractional part"),
    "bool_type": lambda ctx: _("Input should be a valid boolean"),
    "bool_parsing": lambda ctx: _("Input should be a valid boolean, unable to interpret input"),
    "float_type": lambda ctx: _("Input should be a valid number"),
    "float_parsing": lambda ctx: _("Input should be a valid number, unable to parse string as a number"),
    "finite_number": lambda ctx: _("Input should be a finite number"),
    "greater_than_equal": lambda ctx: _("Input should be greater than or equal to %(least)s") % {"least": ctx["ge"]},
    "less_than_equal": lambda ctx: _("Input should be less than or equal to %(most)s") % {"most": ctx["le"]},
    "literal_error": _one_of,
    "enum": _one_of,
    "url_type": lambda ctx: _("URL input should be a string or URL"),
    "url_parsing": lambda ctx: _("Input should be a valid URL, %(error)s") % {"error": ctx["error"]},
    "url_syntax_violation": lambda ctx: _("Input violated strict URL syntax rules, %(error)s") % {"error": ctx["error"]},
    "url_too_long": lambda ctx: (
        ngettext("URL should have at most %(num)s character", "URL should have at most %(num)s characters", ctx["max_length"])
        % {"num": ctx["max_length"]}
    ),
    "url_scheme": lambda ctx: _("URL scheme should be %(schemes)s") % {"schemes": ctx["expected_schemes"]},
    "date_type": lambda ctx: _("Input should be a valid date"),
    "date_parsing": lambda ctx: _("Input should be a valid date in the format YYYY-MM-DD, %(error)s") % {"error": ctx["error"]},
    "date_from_datetime_parsing": lambda ctx: _("Input should be a valid date or datetime, %(error)s") % {"error": ctx["error"]},
    "date_from_datetime_inexact": lambda ctx: _("Datetimes provided to dates should have zero time - e.g. be exact dates"),
    "datetime_type": lambda ctx: _("Input should be a valid datetime"),
    "datetime_parsing": lambda ctx: _("Input should be a valid datetime, %(error)s") % {"error": ctx["error"]},
    "datetime_from_date_parsing": lambda ctx: _("Input should be a valid datetime or date, %(error)s") % {"error": ctx["error"]},
    "model_attributes_type": lambda ctx: _("Input should be a valid dictionary or object to extract fields from"),
    "dict_type": lambda ctx: _("Input should be a valid dictionary"),
    "list_type": lambda ctx: _("Input should be a valid list"),
    "value_error": lambda ctx: _("Value error, %(error)s") % {"error": ctx["error"]},
}


def field_message(problem: Mapping[str, Any]) -> str:
    """What is wrong with one field, in the request's language."""
    words = _FIELD_WORDS.get(problem.get("type", ""))
    try:
        return words(problem.get("ctx") or {}) if words else problem.get("msg", "invalid")
    except KeyError:  # a context without the value the words need: pydantic's own message
        return problem.get("msg", "invalid")


def problem_fields(problems: Sequence[Mapping[str, Any]]) -> dict[str, str]:
    """Pydantic's error list as {"dotted.field": "what is wrong"}, in the request's language."""
    fields: dict[str, str] = {}
    for problem in problems:
        if problem.get("type") == "json_invalid":
            # Its location is a character position, not a field: say so on the body.
            where = next((part for part in problem.get("loc", ()) if isinstance(part, int)), None)
            fields.setdefault(
                "body",
                _("not valid JSON (at character %(where)s)") % {"where": where} if where is not None else _("not valid JSON"),
            )
            continue
        location = [str(part) for part in problem.get("loc", ()) if part not in ("body", "query", "path")]
        fields.setdefault(".".join(location) or "body", field_message(problem))
    return fields


def invalid(
    error: ValidationError, code: str = "invalid_request", message: str = "Some fields are missing or invalid."
) -> ApiError:
    return ApiError(422, code, message, problem_fields(error.errors()))


async def _api_error(_request: Request, error: ApiError) -> JSONResponse:
    return JSONResponse(error_body(error.code, error.message, error.fields), status_code=error.status)


async def _posting_error(_request: Request, error: PostingError) -> JSONResponse:
    fields = {error.field: error.message} if error.field else {}
    headers = {"Retry-After": str(RETRY_AFTER_SECONDS)} if error.status == 429 else None
    return JSONResponse(error_body(error.code, error.message, fields), status_code=error.status, headers=headers)


async def _invalid_cursor(_request: Request, error: InvalidCursor) -> JSONResponse:
    return JSONResponse(error_body("invalid_cursor", str(error), {"cursor": str(error)}), status_code=400)


async def validation_error(_request: Request, error: RequestValidationError) -> JSONResponse:
    return JSONResponse(
        error_body("invalid_request", _("Some fields are missing or invalid."), problem_fields(error.errors())), status_code=422
    )


async def http_error(request: Request, error: StarletteHTTPException) -> JSONResponse:
    """An HTTP error as the API's JSON body (pages outside the API answer theirs as a page: web/moderate/refused.py)."""
    headers = dict(getattr(error, "headers", None) or {})
    if error.status_code == 405:
        headers["Allow"] = ", ".join(allowed_methods(request))
    code = _HTTP_CODES.get(error.status_code, "http_error")
    return JSONResponse(error_body(code, http_message(error)), status_code=error.status_code, headers=headers or None)


def http_message(error: StarletteHTTPException) -> str:
    """What an HTTP error says, in the reader's language: the router's own (404, 405) say it in words."""
    message = str(error.detail)
    if error.status_code in _ROUTER_WORDS and message == HTTPStatus(error.status_code).phrase:
        return _(_ROUTER_WORDS[error.status_code])
    return message


def allowed_methods(request: Request) -> list[str]:
    """Every method some route accepts at this path (the router names only the first route it finds)."""
    routes = request.app.router.routes
    return [
        method
        for method in _METHODS
        if any(route.matches({**request.scope, "method": method})[0] == Match.FULL for route in routes)
    ]


async def _unexpected(request: Request, error: Exception) -> JSONResponse:
    log.error("unhandled error on %s %s", request.method, request.url.path, exc_info=error)
    return JSONResponse(
        error_body("internal_error", _("Something went wrong on our side. Please try again later.")), status_code=500
    )


class UnexpectedErrors:
    """Answers an unforeseen exception with the 500 above, inside the app's middleware: the answer
    then leaves through the middleware outside it like any other, with their headers (no framing
    of the workspace, CORS for the API) and in the reader's language. Starlette's own last resort
    (the handler for Exception) answers outside all of them, for a failure of those few."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = False

        async def sending(message: Message) -> None:
            nonlocal started
            started = started or message["type"] == "http.response.start"
            await send(message)

        try:
            await self.app(scope, receive, sending)
        except Exception as error:
            if started:  # half an answer has gone out: nothing else can be said
                raise
            response = await _unexpected(Request(scope), error)
            await response(scope, receive, send)


def install(app) -> None:
    app.add_exception_handler(ApiError, _api_error)
    app.add_exception_handler(PostingError, _posting_error)
    app.add_exception_handler(InvalidCursor, _invalid_cursor)
    app.add_exception_handler(RequestValidationError, validation_error)
    app.add_exception_handler(StarletteHTTPException, http_error)
    app.add_exception_handler(Exception, _unexpected)
