"""The FastAPI application: versioned JSON API under /v1, storage, the solve worker pool, and
what operators need: JSON logs, Prometheus metrics, API documentation served from this server.

Routes never run a solve: they store a job and return; the JobRunner's worker processes solve.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI, Request
from starlette.middleware.gzip import GZipMiddleware
from starlette.responses import Response

from api.cluster import start_cluster
from api.config import Settings
from api.db import Database, migrate
from api.errors import install_error_handlers, install_problem_media
from api.idempotency import install_replays
from api.limits import DeclaredLengthLimit
from api.logs import configure_logging
from api.metrics import RequestTimer, ServiceMetrics
from api.policy_schema import install_policy_schema
from api.routes import advance, audit, checks, explanations, health, lifecycle, plans, scenarios, variants
from api.routes import roadmaps as roadmap_routes
from api.runner import JobRunner
from api.security import KEY_CACHE_SECONDS, BadKeyLimiter, KeyCache
from api.web import routes as web

API_DESCRIPTION = """Plans the yearly rotation of teachers between urban and rural schools
(县域义务教育校长教师交流轮岗). Send your key in the `X-API-Key` header; a key sees only the
scenarios and plans of its regions. Every error answer has one shape, an RFC 9457 problem
document (`application/problem+json`: `type`, `title`, `status`, `detail`, `instance`) with the
service's `{"error": code, "message": sentence, "problems": [...]}` beside them (a failed job's
`error` is that core), every problem with its place (file or request part, row, column) and both
texts; the texts are in Chinese or English as the `lang` query parameter or the Accept-Language
header asks (English by default)."""


def create_app(settings: Settings | None = None) -> FastAPI:
    settings = settings or Settings()
    configure_logging()
    metrics = ServiceMetrics()

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        database = Database(settings.database_url)
        migrate(database.engine)
        cluster = start_cluster(settings)
        runner = JobRunner(database, settings, cluster.address if cluster else settings.cluster or None)
        app.state.settings, app.state.database, app.state.runner = settings, database, runner
        metrics.watch(database)
        runner.start()
        try:
            yield
        finally:
            metrics.unwatch()
            runner.stop()
            database.engine.dispose()
            if cluster is not None:
                cluster.close()

    app = FastAPI(
        title="Teacher rotation optimizer",
        version="1.0.0",
        description=API_DESCRIPTION,
        lifespan=lifespan,
        docs_url=None,  # served below from the vendored Swagger UI, not from a CDN
        redoc_url=None,
    )
    app.state.metrics = metrics
    app.state.bad_keys = BadKeyLimiter(settings.bad_key_limit, settings.bad_key_window)
    app.state.keys = KeyCache(KEY_CACHE_SECONDS)
    # Answers over 1 kB go gzipped to a client that accepts it: a scenario document of 3,000
    # teachers is 1.7 MB of JSON, about a tenth of that compressed.
    app.add_middleware(GZipMiddleware, minimum_size=1000)
    app.add_middleware(DeclaredLengthLimit, api=app)
    app.add_middleware(RequestTimer, metrics=metrics)  # outermost: it times the 413s too
    install_error_handlers(app)
    install_policy_schema(app)
    install_problem_media(app)
    install_replays(app)
    app.add_route("/docs", swagger_ui, include_in_schema=False)
    # Every route's body is counted as it streams in (api.limits); scenarios and plans take a
    # scenario's data (a JSON document, CSV files, a workbook), every other route far less.
    small, large = settings.max_request_bytes, settings.max_upload_bytes
    app.include_router(health.router, max_body_size=small)
    for module in (scenarios, advance, plans, explanations, variants, lifecycle, audit):
        limit = large if module in (scenarios, plans) else small
        app.include_router(module.router, prefix="/v1", max_body_size=limit)
    app.include_router(checks.router, prefix="/v1", max_body_size=large)  # a whole plan
    app.include_router(roadmap_routes.router, prefix="/v1", max_body_size=small)
    app.include_router(web.router, max_body_size=small)  # the planner's page at /, reading /v1
    return app


async def swagger_ui(request: Request) -> Response:
    """The API's documentation: Swagger UI from api/web/static/vendor, under the web page's
    Content-Security-Policy (scripts from this server only), so it works offline."""

    def asset(path: str) -> str:
        return str(request.app.url_path_for("static", path=path))

    context = {"title": request.app.title, "openapi_url": request.app.openapi_url, "asset": asset}
    response = web.templates.TemplateResponse(request, "docs.html", context)
    response.headers.update(web.SECURITY_HEADERS)
    return response
