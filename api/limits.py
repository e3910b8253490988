"""Request bodies are limited on every route by FastAPI's `max_body_size`, set per router in
api.main: the scenario and plan routes, which take a scenario's data, ROTATION_MAX_UPLOAD_BYTES;
every other route ROTATION_MAX_REQUEST_BYTES. FastAPI counts a body as it streams in and, past the
limit, raises 413 at once, which api.errors answers as a problem document; a body sent without a
Content-Length (chunked) is cut off the same way.

A request whose Content-Length already says it is over its route's limit is answered here, its
body unread: FastAPI would answer that one in plain text. (So the limits are set per router, not
on the app: the app's own limit is checked outside every middleware, this one included.)
"""

from __future__ import annotations

from fastapi import FastAPI
from fastapi.routing import RouteContext, iter_route_contexts
from starlette.datastructures import Headers
from starlette.requests import Request
from starlette.routing import Match
from starlette.types import ASGIApp, Receive, Scope, Send

from api.errors import body_too_large, problem_response


class DeclaredLengthLimit:
    """ASGI middleware: 413 `too_large` for a declared Content-Length over the route's limit."""

    def __init__(self, app: ASGIApp, api: FastAPI) -> None:
        self.app, self.api = app, api
        self.routes: list[RouteContext] | None = None

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http":
            declared = Headers(scope=scope).get("content-length", "")
            limit = self._limit(scope) if declared.isdigit() else None
            if limit is not None and int(declared) > limit:
                response = problem_response(Request(scope), body_too_large(limit))
                response.headers["Connection"] = "close"  # the unread body is not drained
                await response(scope, receive, send)
                return
        await self.app(scope, receive, send)

    def _limit(self, scope: Scope) -> int | None:
        """The limit of the route the request goes to, as FastAPI resolves it for that route (the
        routes are read at the first request, when they are all added)."""
        if self.routes is None:
            self.routes = list(iter_route_contexts(self.api.routes))
        for route in self.routes:
            if route.matches(scope)[0] is Match.FULL:
                limit: int | None = getattr(route, "max_body_size", None)
                return limit
        return None
