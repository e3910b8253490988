"""Operations: /health (liveness, no key), /v1/status (the solve queue as a key sees it) and
/metrics (Prometheus, admin keys only: it counts every region's jobs)."""

from __future__ import annotations

from fastapi import APIRouter, Request, Response
from prometheus_client import CONTENT_TYPE_LATEST, generate_latest
from pydantic import BaseModel, Field
from sqlalchemy import select

from api.db import PlanJob
from api.deps import CallerDep, SessionDep, SettingsDep
from api.errors import ROUTER_ERRORS, ApiError, error_responses

router = APIRouter(tags=["operations"])
ADMIN_ONLY = {403: ("forbidden", "The key is not an admin key.")}
ACTIVE = ("queued", "running", "cancelling")
"""The statuses of jobs that hold a place in the queue or a solve process."""


class Liveness(BaseModel):
    status: str = Field(description="Always `ok`: the server answers.", examples=["ok"])


class QueueStatus(BaseModel):
    """The solve queue as the calling key sees it: only jobs of scenarios whose regions it holds."""

    queued: int = Field(description="The key's jobs waiting for a solve process.")
    running: int = Field(description="The key's jobs being solved (or being stopped).")
    workers: int = Field(description="Solve processes this server runs at once (for every key).")
    queue_limit: int = Field(description="Queued jobs (of every key) beyond which a new job gets 429.")


@router.get("/health", summary="Liveness: the server answers (no key, nothing about any region)")
async def health() -> Liveness:
    return Liveness(status="ok")


@router.get(
    "/v1/status", summary="The solve queue: the key's queued and running jobs", responses=ROUTER_ERRORS
)
def status(caller: CallerDep, session: SessionDep, settings: SettingsDep) -> QueueStatus:
    active = session.execute(select(PlanJob.status, PlanJob.regions).where(PlanJob.status.in_(ACTIVE))).all()
    mine = [job_status for job_status, regions in active if caller.may_access(regions)]
    return QueueStatus(
        queued=mine.count("queued"),
        running=len(mine) - mine.count("queued"),
        workers=settings.solve_workers,
        queue_limit=settings.queue_limit,
    )


@router.get(
    "/metrics",
    summary="Prometheus metrics (admin keys): jobs by status, queue depth, solve seconds, request latency",
    response_class=Response,
    responses={
        200: {"content": {CONTENT_TYPE_LATEST.split(";")[0]: {}}, "description": "Prometheus text format."},
        **ROUTER_ERRORS,
        **error_responses(ADMIN_ONLY),
    },
)
def metrics(caller: CallerDep, request: Request) -> Response:
    if not caller.admin:
        raise ApiError(403, "forbidden", "仅管理员密钥可读取指标", "metrics are for admin keys only")
    return Response(generate_latest(request.app.state.metrics.registry), media_type=CONTENT_TYPE_LATEST)
