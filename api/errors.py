"""Every error leaves the service as JSON with a 4xx status: no stack trace, no internal path."""

from __future__ import annotations

import logging

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

from optimizer.errors import ScenarioError

log = logging.getLogger("rotation.api")


def install_error_handlers(app: FastAPI) -> None:
    @app.exception_handler(ScenarioError)
    async def invalid_scenario(_: Request, error: ScenarioError) -> JSONResponse:
        return JSONResponse(status_code=422, content=error.to_dict())

    @app.exception_handler(RequestValidationError)
    async def invalid_request(_: Request, error: RequestValidationError) -> JSONResponse:
        problems = [
            {"location": [str(part) for part in item.get("loc", ())], "message": item.get("msg", "")}
            for item in error.errors()
        ]
        return JSONResponse(status_code=422, content={"error": "invalid_request", "problems": problems})

    @app.exception_handler(StarletteHTTPException)
    async def http_error(_: Request, error: StarletteHTTPException) -> JSONResponse:
        return JSONResponse(
            status_code=error.status_code,
            content={"error": error.detail},
            headers=getattr(error, "headers", None),
        )

    @app.exception_handler(Exception)
    async def unexpected(request: Request, error: Exception) -> JSONResponse:
        log.exception("unexpected error on %s %s", request.method, request.url.path)
        return JSONResponse(status_code=500, content={"error": "internal error; the event is logged"})
