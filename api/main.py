"""The FastAPI application: versioned JSON API under /v1, storage, and the solve worker pool.

Routes never run a solve: they store a job and return; the JobRunner's worker processes solve.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI

from api.cluster import start_cluster
from api.config import Settings
from api.db import Database, migrate
from api.errors import install_error_handlers
from api.logs import configure_logging
from api.policy_schema import install_policy_schema
from api.routes import explanations, health, plans, scenarios, variants
from api.runner import JobRunner
from api.web import routes as web

API_DESCRIPTION = """Plans the yearly rotation of teachers between urban and rural schools
(县域义务教育校长教师交流轮岗). Send your key in the `X-API-Key` header; a key sees only the
scenarios and plans of its regions. Every error answer (and a failed job's `error`) has one
shape: `{"error": code, "message": sentence, "problems": [...]}`, every problem with its place
(file or request part, row, column) and both texts; `message` is in Chinese or English as the
`lang` query parameter or the Accept-Language header asks (English by default)."""


def create_app(settings: Settings | None = None) -> FastAPI:
    settings = settings or Settings()
    configure_logging()

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        database = Database(settings.database_url)
        migrate(database.engine)
        cluster = start_cluster(settings)
        runner = JobRunner(database, settings, cluster.address if cluster else settings.cluster or None)
        app.state.settings, app.state.database, app.state.runner = settings, database, runner
        runner.start()
        try:
            yield
        finally:
            runner.stop()
            database.engine.dispose()
            if cluster is not None:
                cluster.close()

    app = FastAPI(
        title="Teacher rotation optimizer",
        version="1.0.0",
        description=API_DESCRIPTION,
        lifespan=lifespan,
    )
    install_error_handlers(app)
    install_policy_schema(app)
    app.include_router(health.router)
    for module in (scenarios, plans, explanations, variants):
        app.include_router(module.router, prefix="/v1")
    app.include_router(web.router)  # the planner's page at /, reading everything from /v1
    return app
