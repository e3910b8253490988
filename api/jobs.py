"""Plan jobs from the routes' side: queueing one (checked against the server's limits and the
scenario, with a bounded queue) and cancelling or deleting one. The runner (`api.runner`) solves
them.
"""

from __future__ import annotations

import math
from datetime import UTC, datetime

from sqlalchemy import func, select, text, update
from sqlalchemy.orm import Session

from api.audit import record
from api.config import Settings
from api.db import ROADMAP_KIND, PlanJob, ScenarioRow, now, rows_updated
from api.deps import over_cap
from api.errors import ApiError, request_problem
from api.schemas.lifecycle import NAMES_ZH
from api.schemas.plans import JobRequest
from api.schemas.roadmaps import RoadmapRequest
from api.security import Caller
from optimizer.rules import policy_from_dict

PLAN_STATUSES = ("optimal", "feasible")
"""Summary statuses of a plan a re-plan can start from."""
QUEUE_LOCK = 0x7175657565
"""The PostgreSQL advisory lock key that serialises admissions to the queue ("queue" in ASCII)."""
QUEUE_RETRY_SECONDS = 30
"""The Retry-After of a 429 `queue_full`."""
SETTLE_SECONDS = 30
"""How long after a job finished a DELETE is still taken for a cancel (a repeated one, or one
that crossed the job's end) rather than a deletion."""


def submit_job(
    session: Session, settings: Settings, scenario_row: ScenarioRow, request: JobRequest
) -> PlanJob:
    """Store a queued plan job for a scenario the caller may access (checked by the caller).

    `request` is validated already; what depends on this server and this scenario is checked here:
    the time limit against settings.max_time_limit (default settings.default_time_limit), the
    overrides against the scenario's policy, and the previous plan of a re-plan (a done job of this
    scenario or of another in its family: variants share a root scenario).
    Raises ApiError 422 for a bad time limit or previous plan, ScenarioError (422) for a bad
    override, ApiError 429 when settings.queue_limit jobs are already queued: a hard limit, even
    for requests that race (see `_admit`).
    """
    stored = request.model_dump(include=set(JobRequest.model_fields))
    stored["time_limit"] = _time_limit(settings, request.time_limit)
    if request.overrides:
        policy_from_dict(scenario_row.document.get("policy", {})).with_overrides(request.overrides)
    if request.previous_plan_id is not None:
        _check_previous(session, scenario_row, request.previous_plan_id)
    job = PlanJob(
        scenario_id=scenario_row.id,
        regions=list(scenario_row.regions),
        status="queued",
        request=stored,
        progress={},
        attempts=0,
    )
    _admit(session, settings, job)
    return job


def submit_roadmap(
    session: Session, settings: Settings, scenario_row: ScenarioRow, request: RoadmapRequest
) -> PlanJob:
    """Store a queued roadmap job (api.roadmaps) for a scenario the caller may access: the same
    queue and limits as a plan job, its time limit (per year) within settings.max_time_limit."""
    stored = request.model_dump()
    stored["time_limit"] = _time_limit(settings, request.time_limit)
    job = PlanJob(
        scenario_id=scenario_row.id,
        regions=list(scenario_row.regions),
        kind=ROADMAP_KIND,
        status="queued",
        request=stored,
        progress={},
        attempts=0,
    )
    _admit(session, settings, job)
    return job


def _admit(session: Session, settings: Settings, job: PlanJob) -> None:
    """Stores the queued job if the queue has room, else 429 (and the caller's transaction, this
    job included, is rolled back). Count and insert are one step for every admission at once:
    PostgreSQL holds an advisory lock to the end of the transaction; on SQLite the job's INSERT
    takes the database's write lock, which no other writer gets before this transaction ends.
    So the count, made after the insert, includes every job admitted before and this one."""
    if session.get_bind().dialect.name == "postgresql":
        session.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": QUEUE_LOCK})
    session.add(job)
    session.flush()
    queued = queued_jobs(session)
    if queued > settings.queue_limit:
        waiting = queued - 1
        raise ApiError(
            429,
            "queue_full",
            f"求解队列已满({waiting} 个任务等待);请稍后重试",
            f"the solve queue is full ({waiting} jobs waiting); retry later",
            headers={"Retry-After": str(QUEUE_RETRY_SECONDS)},
        )


def queued_jobs(session: Session) -> int:
    """How many jobs are queued, as this transaction sees them."""
    return session.scalar(select(func.count()).select_from(PlanJob).where(PlanJob.status == "queued")) or 0


def _time_limit(settings: Settings, time_limit: float | None) -> float:
    """The request's time limit within the server's cap, or the server's default."""
    if time_limit is None:
        return min(settings.default_time_limit, settings.max_time_limit)
    if time_limit > settings.max_time_limit:
        raise over_cap(settings, time_limit, "body")
    return time_limit


def _check_previous(session: Session, scenario_row: ScenarioRow, job_id: str) -> None:
    """A re-plan starts from a finished plan of the same scenario family, of no other region."""
    previous = session.get(PlanJob, job_id)
    usable = (
        previous is not None
        and previous.status == "done"
        and previous.result is not None
        and previous.result["summary"]["status"] in PLAN_STATUSES
        and set(previous.regions) <= set(scenario_row.regions)
        and _family(session, previous.scenario_id) == _family(session, scenario_row.id)
    )
    if not usable:
        raise request_problem(
            "unknown_plan",
            f"本场景及其变体中没有已完成的方案 {job_id}",
            f"no finished plan {job_id} of this scenario or of a variant of the same scenario",
            "body",
            "previous_plan_id",
        )


def _family(session: Session, scenario_id: str) -> str:
    """The root scenario of the variant chain (parent_id links) a scenario belongs to."""
    seen: set[str] = set()
    current = scenario_id
    while current not in seen:
        seen.add(current)
        parent = session.scalar(select(ScenarioRow.parent_id).where(ScenarioRow.id == current))
        if parent is None:
            return current
        current = parent
    return current


def cancel_or_delete(session: Session, job_id: str) -> str | None:
    """DELETE of a job. A queued job is cancelled at once (no plan); a running one becomes
    cancelling and the runner stops it, keeping its best plan; either answers its new status, and
    so does the same DELETE repeated while the job is cancelling or in the SETTLE_SECONDS after it
    was cancelled (a double click never deletes the plan a cancel kept). A job done or failed in
    those seconds is kept: the DELETE was a cancel that came too late (ApiError 409
    `just_finished`). A job finished before that is deleted (None) if its plan is a draft, and
    refused (409 `not_draft`) once it is on notice, approved, executed or withdrawn."""
    running = update(PlanJob).where(PlanJob.id == job_id, PlanJob.status == "running")
    if rows_updated(session, running.values(status="cancelling")):
        return "cancelling"
    queued = update(PlanJob).where(PlanJob.id == job_id, PlanJob.status == "queued")
    if rows_updated(session, queued.values(status="cancelled", finished_at=now())):
        return "cancelled"
    job = session.get(PlanJob, job_id, populate_existing=True)
    if job is None:  # deleted by a DELETE that came first
        return None
    if job.status == "cancelling":
        return job.status
    since = _seconds_since(job.finished_at)
    if since >= SETTLE_SECONDS:
        if job.lifecycle != "draft":
            raise ApiError(
                409,
                "not_draft",
                f"方案 {job.id} 的状态为{NAMES_ZH[job.lifecycle]}：只有草稿可以删除",
                f"plan {job.id} is {job.lifecycle}: only a draft can be deleted",
            )
        session.delete(job)
        return None
    if job.status == "cancelled":
        return job.status
    wait = math.ceil(SETTLE_SECONDS - since)
    raise ApiError(
        409,
        "just_finished",
        f"任务在此请求之前刚刚结束({job.status}):未取消也未删除,方案保留;"
        f"如需删除,请在 {wait} 秒后再次发送 DELETE",
        f"the job had just finished ({job.status}) before this request: nothing was cancelled or "
        f"deleted and its plan is kept; to delete it, send DELETE again in {wait} s",
        headers={"Retry-After": str(wait)},
    )


def cancel_or_delete_recorded(session: Session, caller: Caller, job: PlanJob, noun: str) -> str | None:
    """`cancel_or_delete` of the caller's job, with its audit line (`<noun>.delete` or
    `<noun>.cancel`; a repeated cancel changes nothing and is no line), committed."""
    before = job.status
    status = cancel_or_delete(session, job.id)
    if status != before:
        record(session, caller, f"{noun}.delete" if status is None else f"{noun}.cancel", plan=job)
    session.commit()
    return status


def _seconds_since(moment: datetime | None) -> float:
    """Seconds from `moment` (UTC; SQLite gives it back without its zone) to now; never: inf."""
    if moment is None:
        return math.inf
    return (now() - (moment if moment.tzinfo else moment.replace(tzinfo=UTC))).total_seconds()
