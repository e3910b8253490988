"""The FastAPI application: versioned JSON API under /v1, storage, and the solve worker pool.

Routes never run a solve: they store a job and return; the JobRunner's worker processes solve.
"""

from __future__ import annotations

import json
import logging
import os
import sys
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import UTC, datetime

from fastapi import FastAPI

from api.config import Settings
from api.db import Database, migrate
from api.errors import install_error_handlers
from api.jobs import JobRunner
from api.routes import explanations, health, plans, scenarios, variants
from api.web import routes as web

API_DESCRIPTION = """Plans the yearly rotation of teachers between urban and rural schools
(县域义务教育校长教师交流轮岗). Send your key in the `X-API-Key` header; a key sees only the
scenarios and plans of its regions. Every error is JSON: 4xx with `error` and, for invalid
scenarios, every problem with its file, row and column."""


class JsonLogFormatter(logging.Formatter):
    """One JSON object per line: time, level, logger, message (and the exception type)."""

    def format(self, record: logging.LogRecord) -> str:
        entry = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        if record.exc_info and record.exc_info[0] is not None:
            entry["exception"] = record.exc_info[0].__name__
        return json.dumps(entry, ensure_ascii=False)


def configure_logging() -> None:
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(JsonLogFormatter())
    logger = logging.getLogger("rotation")
    logger.handlers[:] = [handler]
    logger.setLevel(logging.INFO)
    logger.propagate = False


class LocalDaskCluster:
    """The Dask LocalCluster a server with ROTATION_CLUSTER=local owns: started here, in the
    server process, because job processes are daemonic and may not start processes of their own."""

    def __init__(self, workers: int) -> None:
        from distributed import LocalCluster

        self.cluster = LocalCluster(
            n_workers=workers, threads_per_worker=1, processes=True, dashboard_address=None
        )
        self.address: str = self.cluster.scheduler_address

    def close(self) -> None:
        self.cluster.close()


def start_cluster(settings: Settings) -> LocalDaskCluster | None:
    if settings.cluster != "local":
        return None
    return LocalDaskCluster(max(1, os.cpu_count() or 1))


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
    app.include_router(health.router)
    for module in (scenarios, plans, explanations, variants):
        app.include_router(module.router, prefix="/v1")
    app.include_router(web.router)  # the planner's page at /, reading everything from /v1
    return app
