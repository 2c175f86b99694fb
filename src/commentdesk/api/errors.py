"""Errors as JSON a client can act on: {"error": {"code", "message", "fields"}}."""

from __future__ import annotations

from fastapi import Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

from commentdesk.services.posting import PostingError
from commentdesk.store.repository import InvalidCursor


class ApiError(Exception):
    def __init__(self, status: int, code: str, message: str, fields: dict[str, str] | None = None) -> None:
        super().__init__(message)
        self.status, self.code, self.message, self.fields = status, code, message, fields or {}


def error_body(code: str, message: str, fields: dict[str, str] | None = None) -> dict:
    return {"error": {"code": code, "message": message, "fields": fields or {}}}


async def _api_error(_request: Request, error: ApiError) -> JSONResponse:
    return JSONResponse(error_body(error.code, error.message, error.fields), status_code=error.status)


async def _posting_error(_request: Request, error: PostingError) -> JSONResponse:
    fields = {error.field: error.message} if error.field else {}
    return JSONResponse(error_body(error.code, error.message, fields), status_code=error.status)


async def _invalid_cursor(_request: Request, error: InvalidCursor) -> JSONResponse:
    return JSONResponse(error_body("invalid_cursor", str(error), {"cursor": str(error)}), status_code=400)


async def _validation_error(_request: Request, error: RequestValidationError) -> JSONResponse:
    fields = {}
    for problem in error.errors():
        location = [str(part) for part in problem.get("loc", ()) if part not in ("body", "query", "path")]
        fields[".".join(location) or "body"] = problem.get("msg", "invalid")
    return JSONResponse(error_body("invalid_request", "Some fields are missing or invalid.", fields), status_code=422)


async def _http_error(_request: Request, error: StarletteHTTPException) -> JSONResponse:
    code = {404: "not_found", 405: "method_not_allowed", 413: "too_large", 429: "too_many_requests"}.get(error.status_code, "http_error")
    return JSONResponse(error_body(code, str(error.detail)), status_code=error.status_code, headers=getattr(error, "headers", None))


def install(app) -> None:
    app.add_exception_handler(ApiError, _api_error)
    app.add_exception_handler(PostingError, _posting_error)
    app.add_exception_handler(InvalidCursor, _invalid_cursor)
    app.add_exception_handler(RequestValidationError, _validation_error)
    app.add_exception_handler(StarletteHTTPException, _http_error)
