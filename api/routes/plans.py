"""/v1/plans: solve requests as jobs (submit, list, read, cancel), exports, recommendations.

No route solves: a submit stores a queued job for the runner's worker processes; the re-solves
behind recommendations run in the runner's process pool while the route's thread waits.
"""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Annotated, Any, Literal

from fastapi import APIRouter, HTTPException, Query, Request, Response
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from sqlalchemy import select
from sqlalchemy.orm import Session

from api.config import Settings
from api.db import PlanJob, ScenarioRow
from api.deps import CallerDep, SessionDep, SettingsDep
from api.jobs import job_summary, plan_document, request_cancel, submit_job
from api.routes.scenarios import UploadLimitRoute, store_scenario
from api.schemas.plans import (
    CancelAccepted,
    JobAccepted,
    JobStatus,
    PlanDocument,
    PlanPage,
    PlanRequest,
    Recommendations,
)
from api.schemas.scenarios import ErrorBody, InvalidScenario
from api.store import plan_job, scenario_row
from api.worker import PLAN_KEYS, SolvedJob, plan_of, recommend_task, summary_of
from optimizer.instance import Change, Instance
from optimizer.io import load_document
from optimizer.io.outputs import write_outputs
from optimizer.io.plan_csv import write_plan_csv
from optimizer.plan import RuleRow
from optimizer.result import Conflict, Relaxation, Result

router = APIRouter(prefix="/plans", tags=["plans"], route_class=UploadLimitRoute)

RESOLVE_SECONDS = 10.0
"""Default time budget of the re-solves behind one recommendation or explanation request."""
UNAUTHORIZED = {401: {"model": ErrorBody, "description": "Missing, unknown or revoked X-API-Key."}}
NOT_FOUND = {404: {"model": ErrorBody, "description": "No such plan, or not in the key's regions."}}
NO_PLAN = {409: {"model": ErrorBody, "description": "The job has no plan yet (queued, running or failed)."}}
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@router.post(
    "",
    status_code=202,
    response_model=JobAccepted,
    summary="Submit a solve request; poll the job's URL (Location) for progress and the plan",
    responses={
        **UNAUTHORIZED,
        403: {"model": ErrorBody, "description": "An inline scenario outside the key's regions."},
        404: {"model": ErrorBody, "description": "No such scenario, or not in the key's regions."},
        413: {"model": ErrorBody, "description": "The body is over the server's upload limit."},
        422: {"model": InvalidScenario, "description": "A bad field, override or inline scenario."},
        429: {"model": ErrorBody, "description": "The solve queue is full; retry later."},
    },
)
def create_plan(
    body: PlanRequest,
    request: Request,
    response: Response,
    session: SessionDep,
    caller: CallerDep,
    settings: SettingsDep,
) -> JobAccepted:
    if body.scenario is not None:
        # Stored as POST /v1/scenarios stores it: 403 outside the key's regions, the name checked.
        stored = store_scenario(session, caller, load_document(body.scenario.model_dump(exclude_unset=True)))
        row = scenario_row(session, caller, stored.id)
    else:
        row = scenario_row(session, caller, str(body.scenario_id))
    job = submit_job(session, settings, row, body.model_dump(exclude={"scenario_id", "scenario"}))
    # Committed before answering: a client polling the Location at once must find the job.
    session.commit()
    response.headers["Location"] = str(request.url_for("get_plan", job_id=job.id))
    return JobAccepted(id=job.id, status="queued")


@router.get(
    "",
    response_model=PlanPage,
    responses=UNAUTHORIZED,
    summary="List the plan jobs of the key's regions, newest first",
)
def list_plans(
    session: SessionDep,
    caller: CallerDep,
    limit: Annotated[int, Query(ge=1, le=100, description="Page size.")] = 20,
    offset: Annotated[int, Query(ge=0, description="Jobs to skip.")] = 0,
    scenario_id: Annotated[str | None, Query(max_length=64, description="Only this scenario's.")] = None,
    status: Annotated[JobStatus | None, Query(description="Only jobs in this state.")] = None,
) -> dict[str, Any]:
    query = select(PlanJob.id, PlanJob.regions).order_by(PlanJob.created_at.desc(), PlanJob.id)
    if scenario_id is not None:
        query = query.where(PlanJob.scenario_id == scenario_id)
    if status is not None:
        query = query.where(PlanJob.status == status)
    # Regions are a JSON list, so the scope is checked here rather than in portable SQL.
    visible = [row.id for row in session.execute(query) if caller.may_access(row.regions)]
    page = visible[offset : offset + limit]
    by_id = {job.id: job for job in session.scalars(select(PlanJob).where(PlanJob.id.in_(page)))}
    items = [job_summary(by_id[job_id]) for job_id in page]
    return {"items": items, "total": len(visible), "limit": limit, "offset": offset}


@router.get(
    "/{job_id}",
    name="get_plan",
    response_model=PlanDocument,
    response_model_exclude_unset=True,
    responses={**UNAUTHORIZED, **NOT_FOUND},
    summary="A job's status and progress and, once it has one, the plan, report and summary",
)
def get_plan(job_id: str, session: SessionDep, caller: CallerDep) -> dict[str, Any]:
    return plan_document(plan_job(session, caller, job_id))


@router.delete(
    "/{job_id}",
    status_code=202,
    response_model=CancelAccepted,
    responses={
        **UNAUTHORIZED,
        **NOT_FOUND,
        204: {"description": "The job had finished; it is deleted."},
    },
    summary="Cancel a queued or running job (the best plan so far is kept), or delete a finished one",
)
def delete_plan(job_id: str, session: SessionDep, caller: CallerDep) -> Any:
    job = plan_job(session, caller, job_id)
    status = request_cancel(session, job.id)
    if status is None:
        session.delete(job)
    session.commit()
    if status is None:
        return Response(status_code=204)
    return JSONResponse(status_code=202, content={"id": job.id, "status": status})


@router.get(
    "/{job_id}/export",
    response_class=Response,
    responses={
        200: {
            "description": "The plan as SPEC's JSON document, plan.csv, or the plan.xlsx workbook.",
            "content": {"application/json": {}, "text/csv": {}, XLSX: {}},
        },
        **UNAUTHORIZED,
        **NOT_FOUND,
        **NO_PLAN,
    },
    summary="Download the plan: json (plan document), csv (plan.csv) or xlsx (HR's workbook)",
)
def export_plan(
    job_id: str,
    session: SessionDep,
    caller: CallerDep,
    format: Annotated[Literal["json", "csv", "xlsx"], Query(description="The file format.")] = "json",
) -> Response:
    job = plan_job(session, caller, job_id)
    document = plan_result_of(job)
    attachment = {"Content-Disposition": f'attachment; filename="plan-{job.id}.{format}"'}
    if format == "json":
        return JSONResponse({key: document[key] for key in PLAN_KEYS}, headers=attachment)
    with tempfile.TemporaryDirectory(prefix="rotation-export-") as folder:
        if format == "csv":
            path = write_plan_csv(plan_of(document["moves"]), Path(folder) / "plan.csv")
            return Response(path.read_bytes(), media_type="text/csv; charset=utf-8", headers=attachment)
        solved = solved_job(session, job)
        write_outputs(stored_result(document), solved.scenario(), folder)
        return Response((Path(folder) / "plan.xlsx").read_bytes(), media_type=XLSX, headers=attachment)


@router.get(
    "/{job_id}/recommendations",
    response_model=Recommendations,
    responses={
        **UNAUTHORIZED,
        404: {"model": ErrorBody, "description": "No such plan or teacher, or not in the key's regions."},
        **NO_PLAN,
        429: {"model": ErrorBody, "description": "Too many re-solves in progress; retry later."},
    },
    summary="For one teacher, the k destinations that change the plan's cost least",
    description="Each candidate destination is re-solved with the teacher pinned there (the "
    "alternatives of the teacher's explanation), all within `time_limit` seconds together; the "
    "answer ranks them by the change of the plan's cost, cheapest first.",
)
def recommendations(
    job_id: str,
    request: Request,
    session: SessionDep,
    caller: CallerDep,
    settings: SettingsDep,
    teacher_id: Annotated[str, Query(min_length=1, max_length=100, description="The teacher.")],
    k: Annotated[int, Query(ge=1, le=20, description="How many destinations.")] = 3,
    time_limit: Annotated[
        float | None, Query(gt=0, description="Seconds for all re-solves (default 10, at most the cap).")
    ] = None,
) -> dict[str, Any]:
    job = plan_job(session, caller, job_id)
    solved = solved_job(session, job)
    require_member(solved, "teachers", "teacher_id", teacher_id)
    seconds = resolve_seconds(settings, time_limit)
    session.commit()  # no database connection held while the pool solves
    future = request.app.state.runner.compute(
        recommend_task, solved, teacher_id, k, seconds, settings.cpsat_workers
    )
    return {"plan_id": job.id, **future.result()}


def plan_result_of(job: PlanJob) -> dict[str, Any]:
    """The job's plan document, or 409 while it has none."""
    if job.result is None:
        raise HTTPException(status_code=409, detail=f"plan {job.id} has no plan yet (status {job.status})")
    return job.result


def solved_job(session: Session, job: PlanJob) -> SolvedJob:
    """What re-solves and explanations need of a job with a plan (409 without one)."""
    result = plan_result_of(job)
    return SolvedJob(session.get(ScenarioRow, job.scenario_id).document, dict(job.request), result)


def require_member(solved: SolvedJob, table: str, column: str, value: str) -> None:
    """404 for a teacher or school the plan's scenario does not have."""
    if not any(row.get(column) == value for row in solved.document.get(table, [])):
        raise HTTPException(status_code=404, detail=f"no {table[:-1]} {value} in the plan's scenario")


def resolve_seconds(settings: Settings, time_limit: float | None) -> float:
    """The re-solve budget asked for, within the server's cap (422 above it)."""
    if time_limit is None:
        return min(RESOLVE_SECONDS, settings.max_time_limit)
    if time_limit > settings.max_time_limit:
        message = f"{time_limit:g} s is over this server's cap of {settings.max_time_limit:g} s"
        raise RequestValidationError(
            [{"loc": ("query", "time_limit"), "msg": message, "type": "value_error"}]
        )
    return time_limit


def stored_result(document: dict[str, Any]) -> Result:
    """A stored plan document as the library's Result, for the workbook writer."""
    conflicts = tuple(
        Conflict(
            instances=tuple(
                Instance(
                    m["rule"],
                    m["scope"],
                    m["key"],
                    m["target"],
                    m["unit"],
                    m["sentence_zh"],
                    m["sentence_en"],
                )
                for m in c["members"]
            ),
            minimal=c["minimal"],
            seconds=c["seconds"],
            summary_zh=c["summary_zh"],
            summary_en=c["summary_en"],
        )
        for c in document["conflicts"]
    )
    relaxations = tuple(
        Relaxation(
            conflict=r["conflict"],
            relaxed=tuple(r["relaxed"]),
            units=r["units"],
            change=Change(
                overrides=tuple(r["overrides"]),
                school_fields=tuple(tuple(f) for f in r["school_fields"]),
                drop_pins=tuple(r["drop_pins"]),
                sentence_zh=r["sentence_zh"],
                sentence_en=r["sentence_en"],
            ),
            plan_cost=r["plan_cost"],
        )
        for r in document["relaxations"]
    )
    report = tuple(RuleRow(**{**row, "involved": tuple(row["involved"])}) for row in document["report"])
    return Result(plan_of(document["moves"]), report, summary_of(document), conflicts, relaxations)
