"""Prometheus metrics at /metrics: request latency, jobs by status, queue depth, solve seconds.

Request latency is measured in this process by an ASGI middleware. The job figures come from
the database when Prometheus scrapes, so they are right whichever process (or server) ran the
jobs: counts by status, and every job finished since this server started observed once in the
solve-seconds histogram (a counter that restarts with the server, as Prometheus expects).
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator, Sequence
from datetime import UTC, datetime, timedelta
from typing import get_args

from fastapi.routing import iter_route_contexts
from prometheus_client import CollectorRegistry, Histogram, ProcessCollector
from prometheus_client.core import GaugeMetricFamily, Metric
from prometheus_client.registry import Collector
from sqlalchemy import Row, func, select
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from api.db import Database, PlanJob
from api.schemas.plans import JobStatus

SOLVE_BUCKETS = (1, 5, 10, 30, 60, 120, 300, 600, 1800, 3600)
"""Solve seconds: from a quick re-plan to the longest time limit an operator may allow."""
LATE_COMMIT = timedelta(minutes=1)
"""How far back each scrape looks again for finished jobs: a job's finish time is taken before
its row is committed, so one may appear after a later-finished job was already observed."""


class ServiceMetrics:
    """The app's registry (one per app, so test apps do not share figures) and its metrics."""

    def __init__(self) -> None:
        self.registry = CollectorRegistry()
        ProcessCollector(registry=self.registry)
        self.request_seconds = Histogram(
            "rotation_http_request_duration_seconds",
            "Time to answer an HTTP request, by method, route and status.",
            ["method", "route", "status"],
            registry=self.registry,
        )
        self.jobs: JobCollector | None = None

    def watch(self, database: Database) -> None:
        """Start reporting the jobs of this database (the app's lifespan calls it)."""
        self.jobs = JobCollector(database)
        self.registry.register(self.jobs)

    def unwatch(self) -> None:
        if self.jobs is not None:
            self.registry.unregister(self.jobs)
            self.jobs = None


class JobCollector(Collector):
    """Jobs by status and the queue's depth, counted at each scrape; finished jobs not yet seen
    are observed into the solve-seconds histogram then, before it is reported."""

    def __init__(self, database: Database) -> None:
        self.database = database
        self.solve_seconds = Histogram(
            "rotation_solve_duration_seconds",
            "Seconds from a job's start to its end, by how it ended (done, cancelled, failed).",
            ["status"],
            buckets=SOLVE_BUCKETS,
            registry=None,
        )
        self.started = self.newest = datetime.now(UTC)
        self.seen: dict[str, datetime] = {}
        self.lock = threading.Lock()

    def collect(self) -> Iterator[Metric]:
        with self.database.session() as session:
            counts = dict(
                session.execute(select(PlanJob.status, func.count()).group_by(PlanJob.status)).all()
            )
            with self.lock:
                finished = session.execute(
                    select(PlanJob.id, PlanJob.status, PlanJob.started_at, PlanJob.finished_at).where(
                        PlanJob.finished_at >= self.newest - LATE_COMMIT, PlanJob.started_at.is_not(None)
                    )
                ).all()
                self._observe(finished)
        jobs = GaugeMetricFamily("rotation_jobs", "Jobs in the database by status.", labels=["status"])
        for status in get_args(JobStatus):
            jobs.add_metric([status], counts.get(status, 0))
        yield jobs
        yield GaugeMetricFamily(
            "rotation_queue_depth", "Jobs waiting for a solve process.", counts.get("queued", 0)
        )
        yield from self.solve_seconds.collect()

    def _observe(self, finished: Sequence[Row[str, str, datetime | None, datetime | None]]) -> None:
        """Observe the jobs not seen yet; remember only those a later scrape's query can return."""
        for job_id, status, started_at, finished_at in finished:
            if started_at is None or finished_at is None or job_id in self.seen:
                continue
            end = _utc(finished_at)
            if end < self.started:
                continue
            self.seen[job_id] = end
            self.newest = max(self.newest, end)
            self.solve_seconds.labels(status).observe((end - _utc(started_at)).total_seconds())
        self.seen = {job_id: end for job_id, end in self.seen.items() if end >= self.newest - LATE_COMMIT}


class RequestTimer:
    """ASGI middleware: each HTTP request's seconds into the latency histogram, labelled by the
    route's whole path template (not the path itself, so ids do not multiply the series)."""

    def __init__(self, app: ASGIApp, metrics: ServiceMetrics) -> None:
        self.app, self.metrics = app, metrics
        self.templates: dict[int, str] | None = None

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        start = time.perf_counter()
        status = 500

        async def send_and_note(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
            await send(message)

        try:
            await self.app(scope, receive, send_and_note)
        finally:
            template = self._template(scope)
            self.metrics.request_seconds.labels(scope["method"], template, str(status)).observe(
                time.perf_counter() - start
            )

    def _template(self, scope: Scope) -> str:
        """The matched route's template with its routers' prefixes (a route knows only its own
        part), read from the app's routes at the first request, when they are all added."""
        route = scope.get("route")
        if route is None:
            return "unmatched"
        if self.templates is None:
            self.templates = {
                id(context.original_route): context.path
                for context in iter_route_contexts(scope["app"].routes)
                if context.path
            }
        return self.templates.get(id(route)) or str(getattr(route, "path", "unmatched"))


def _utc(moment: datetime) -> datetime:
    """SQLite gives naive datetimes back; every stored time is UTC."""
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)
