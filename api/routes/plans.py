"""/v1/plans: solve requests as jobs (submit, list, read, cancel), exports, recommendations.

No route solves: a submit stores a queued job for the runner's worker processes; the re-solves
behind recommendations run in the runner's process pool while the route's thread waits.
"""

from __future__ import annotations

import json
import math
import tempfile
from pathlib import Path
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Query, Request, Response
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import JSONResponse
from sqlalchemy import select
from sqlalchemy.orm import Session

from api.audit import record
from api.db import PLAN_KIND, Database, PlanJob
from api.deps import (
    XLSX,
    CallerDep,
    DatabaseDep,
    LangDep,
    PlannerDep,
    SessionDep,
    SettingsDep,
    cancel_answer,
    plan_result_of,
    require_member,
    resolve_seconds,
    solved_job,
)
from api.documents import DECISION_KEYS, PLAN_KEYS, job_summary, plan_document, plan_of, stored_result
from api.errors import NO_PLAN, READ_ONLY, ROUTER_ERRORS, TOO_LARGE, error_responses
from api.idempotency import LOCATION_HEADER, IdempotencyDep
from api.jobs import SETTLE_SECONDS, cancel_or_delete_recorded, submit_job
from api.links import JOB_LINKS, LIST_LINKS, PLAN_LINKS
from api.schemas.plans import (
    MIN_TIME_LIMIT,
    CancelAccepted,
    JobAccepted,
    JobStatus,
    PlanDocument,
    PlanPage,
    PlanRequest,
    Recommendations,
)
from api.security import Caller
from api.store import ID_PATTERN, plan_job, scenario_row, store_scenario
from api.tasks import recommend_task
from optimizer.io import load_document
from optimizer.io.ledger_csv import COMPLAINTS_FILE, LEDGER_FILE
from optimizer.io.outputs import write_outputs
from optimizer.io.plan_csv import write_plan_csv

router = APIRouter(prefix="/plans", tags=["plans"], responses=ROUTER_ERRORS)

NOT_FOUND = {404: ("not_found", "No such plan, or not in the key's regions.")}
BUSY = {429: ("busy", "Too many re-solves in progress; retry later.")}
LEDGER_EXPORTS = {"ledger": LEDGER_FILE, "complaints": COMPLAINTS_FILE}
"""Export formats that are one of the fairness ledger's files, written with the workbook."""


@router.post(
    "",
    status_code=202,
    response_model=JobAccepted,
    summary="Submit a solve request; poll the job's URL (Location) for progress and the plan",
    responses=error_responses(
        {
            403: ("forbidden", "An inline scenario outside the key's regions, or a viewer's key."),
            404: ("not_found", "No such scenario, or not in the key's regions."),
            **TOO_LARGE,
            422: ("invalid_scenario", "A bad field (invalid_request), override or inline scenario."),
            429: ("queue_full", "The solve queue is full; retry later."),
        }
    )
    | {202: {"description": "The job is queued.", "headers": LOCATION_HEADER, "links": JOB_LINKS}},
)
def create_plan(
    body: PlanRequest,
    session: SessionDep,
    caller: PlannerDep,
    settings: SettingsDep,
    lang: LangDep,
    idempotency: IdempotencyDep,
) -> Response:
    idempotency.check(body)
    warnings = []
    if body.scenario is not None:
        # Stored as POST /v1/scenarios stores it: 403 outside the key's regions, the name checked.
        scenario = load_document(body.scenario.model_dump(exclude_unset=True))
        row = store_scenario(session, caller, scenario)
        record(session, caller, "scenario.create", scenario=row, detail={"name": row.name})
        warnings = [warning.to_dict(lang) for warning in scenario.warnings]
    else:
        row = scenario_row(session, caller, str(body.scenario_id))
    job = submit_job(session, settings, row, body)
    record(session, caller, "plan.create", plan=job)
    answer = JobAccepted.model_validate({"id": job.id, "status": "queued", "warnings": warnings})
    return idempotency.accepted(answer, job.id)


@router.get(
    "",
    response_model=PlanPage,
    responses={200: {"description": "A page of plan jobs.", "links": LIST_LINKS["plans"]}},
    summary="List the plan jobs of the key's regions, newest first",
)
def list_plans(
    session: SessionDep,
    caller: CallerDep,
    limit: Annotated[int, Query(ge=1, le=100, description="Page size.")] = 20,
    offset: Annotated[int, Query(ge=0, description="Jobs to skip.")] = 0,
    scenario_id: Annotated[str | None, Query(pattern=ID_PATTERN, description="Only this scenario's.")] = None,
    status: Annotated[JobStatus | None, Query(description="Only jobs in this state.")] = None,
) -> dict[str, Any]:
    query = (
        select(PlanJob.id, PlanJob.regions)
        .where(PlanJob.kind == PLAN_KIND)
        .order_by(PlanJob.created_at.desc(), PlanJob.id)
    )
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
    responses=error_responses(NOT_FOUND) | {200: {"description": "The job.", "links": PLAN_LINKS}},
    summary="A job's status and progress and, once it has one, the plan, report and summary",
    description="A failed job's `error` has the shape of every error answer, in the caller's language.",
)
async def get_plan(job_id: str, database: DatabaseDep, caller: CallerDep, lang: LangDep) -> Response:
    """The status poll, the request clients send most: read and answered in one trip to the
    thread pool (each trip costs about as much as the reading)."""
    return await run_in_threadpool(plan_answer, database, caller, job_id, lang)


def plan_answer(database: Database, caller: Caller, job_id: str, lang: str) -> Response:
    """GET /v1/plans/{id}'s answer, validated and serialized as its response model would be."""
    with database.session() as session:
        job = plan_job(session, caller, job_id)
        document = plan_document(job, lang)
        unchanged = unchanged_from(session, caller, job) if job.status == "done" else None
        if unchanged is not None:
            document["unchanged_from"] = unchanged
    body = PlanDocument.model_validate(document).model_dump_json(exclude_unset=True)
    return Response(body, media_type="application/json")


def unchanged_from(session: Session, caller: Caller, job: PlanJob) -> dict[str, Any] | None:
    """The plan `job` was made from and what it changed against it (UnchangedFrom), when the two
    plans are identical; None otherwise, or when it was made from none."""
    found = _base_of(session, caller, job)
    if found is None:
        return None
    base, changes = found
    if not _same_plan(base, job):
        return None
    name = base.request.get("label") or scenario_row(session, caller, base.scenario_id).name
    overrides = list(base.request.get("overrides") or [])
    return {
        "plan_id": base.id,
        "scenario_id": base.scenario_id,
        "name": name,
        "overrides": overrides,
        "changes": changes,
    }


def _base_of(session: Session, caller: Caller, job: PlanJob) -> tuple[PlanJob, dict[str, Any]] | None:
    """A re-plan's previous plan; a variant's plan: the newest done plan of the parent with the same
    overrides; a plan with overrides: the newest done plan of its scenario without. With the
    changes made against that base, as a variant's edits."""
    scenario = scenario_row(session, caller, job.scenario_id)
    overrides = list(job.request.get("overrides") or [])
    previous_id = job.request.get("previous_plan_id")
    if previous_id:
        previous = session.get(PlanJob, previous_id)
        if previous is None or previous.status != "done" or not caller.may_access(previous.regions):
            return None
        return previous, dict(scenario.changes or {})
    if scenario.parent_id:
        base = _newest_done(session, caller, scenario.parent_id, overrides)
        return None if base is None else (base, dict(scenario.changes or {}))
    if overrides:
        base = _newest_done(session, caller, scenario.id, [])
        return None if base is None else (base, {"overrides": overrides})
    return None


def _newest_done(session: Session, caller: Caller, scenario_id: str, overrides: list[str]) -> PlanJob | None:
    """The scenario's newest done plan with these overrides, read whole only once it is found (a
    plan's stored result is large)."""
    query = (
        select(PlanJob.id, PlanJob.request, PlanJob.regions)
        .where(PlanJob.kind == PLAN_KIND, PlanJob.scenario_id == scenario_id, PlanJob.status == "done")
        .order_by(PlanJob.created_at.desc(), PlanJob.id)
    )
    for plan_id, request, regions in session.execute(query):
        if list(request.get("overrides") or []) == overrides and caller.may_access(regions):
            return session.get(PlanJob, plan_id)
    return None


def _same_plan(first: PlanJob, second: PlanJob) -> bool:
    """The same decisions (moves, exchanges, hires, 走教, whatever rule each names as its reason)
    and the same cost."""
    a, b = first.result or {}, second.result or {}
    cost_a, cost_b = a["summary"]["objective"], b["summary"]["objective"]
    same_cost = cost_a is not None and cost_b is not None and math.isclose(cost_a, cost_b, abs_tol=1e-6)
    return same_cost and _decisions(a) == _decisions(b)


def _decisions(document: dict[str, Any]) -> dict[str, list[str]]:
    def without_reason(item: dict[str, Any]) -> str:
        return json.dumps({name: value for name, value in item.items() if name != "reason"}, sort_keys=True)

    return {key: sorted(map(without_reason, document[key])) for key in DECISION_KEYS}


@router.delete(
    "/{job_id}",
    status_code=202,
    response_model=CancelAccepted,
    responses={
        **error_responses(
            {
                **READ_ONLY,
                **NOT_FOUND,
                409: (
                    "just_finished",
                    "The job was done or failed just before, or its plan is past its draft "
                    "(not_draft); nothing changed.",
                ),
            }
        ),
        202: {"description": "The job is cancelled or cancelling.", "headers": LOCATION_HEADER},
        204: {"description": "The job had finished; it is deleted."},
    },
    summary="Cancel a queued or running job (the best plan so far is kept), or delete a finished one",
    description="A queued job is cancelled at once (202 `cancelled`), a running one stops and "
    "keeps its best plan so far (202 `cancelling`, then `cancelled`). The same DELETE repeated "
    "(a double click, a client's retry) answers the cancel's status again and deletes nothing, "
    f"until {SETTLE_SECONDS} s after the job finished. A job finished longer ago is deleted, "
    "with its plan (204). One done or failed within those seconds is kept: the DELETE was a "
    "cancel that crossed the job's end (409 `just_finished`, Retry-After says when a DELETE "
    "would delete it). Only a draft is deleted: a plan on notice, approved, executed or withdrawn "
    "is kept (409 `not_draft`).",
)
def delete_plan(job_id: str, request: Request, session: SessionDep, caller: PlannerDep) -> Any:
    job = plan_job(session, caller, job_id)
    status = cancel_or_delete_recorded(session, caller, job, "plan")
    return cancel_answer(job.id, status, str(request.url_for("get_plan", job_id=job.id)))


@router.get(
    "/{job_id}/export",
    response_class=Response,
    responses={
        200: {
            "description": "The plan as SPEC's JSON document, plan.csv, the plan.xlsx workbook, or "
            "the fairness ledger's ledger.csv (a line per teacher) or complaints.csv (the justified "
            "complaints).",
            "content": {"application/json": {}, "text/csv": {}, XLSX: {}},
        },
        **error_responses({**NOT_FOUND, **NO_PLAN}),
    },
    summary="Download the plan: json (plan document), csv (plan.csv), xlsx (HR's workbook), ledger "
    "(ledger.csv) or complaints (complaints.csv)",
)
def export_plan(
    job_id: str,
    session: SessionDep,
    caller: CallerDep,
    format: Annotated[
        Literal["json", "csv", "xlsx", "ledger", "complaints"], Query(description="The file format.")
    ] = "json",
) -> Response:
    job = plan_job(session, caller, job_id)
    document = plan_result_of(job)
    name = f"{format}-{job.id}.csv" if format in LEDGER_EXPORTS else f"plan-{job.id}.{format}"
    attachment = {"Content-Disposition": f'attachment; filename="{name}"'}
    if format == "json":
        return JSONResponse({key: document[key] for key in PLAN_KEYS}, headers=attachment)
    with tempfile.TemporaryDirectory(prefix="rotation-export-") as folder:
        if format == "csv":
            path = write_plan_csv(plan_of(document), Path(folder) / "plan.csv")
            return Response(path.read_bytes(), media_type="text/csv; charset=utf-8", headers=attachment)
        solved = solved_job(session, job)
        write_outputs(stored_result(document), solved.scenario(), folder)
        if format in LEDGER_EXPORTS:
            ledger = (Path(folder) / LEDGER_EXPORTS[format]).read_bytes()
            return Response(ledger, media_type="text/csv; charset=utf-8", headers=attachment)
        return Response((Path(folder) / "plan.xlsx").read_bytes(), media_type=XLSX, headers=attachment)


@router.get(
    "/{job_id}/recommendations",
    response_model=Recommendations,
    responses=error_responses(
        {
            404: ("not_found", "No such plan or teacher, or not in the key's regions."),
            **NO_PLAN,
            **BUSY,
        }
    ),
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
        float | None,
        Query(
            ge=MIN_TIME_LIMIT,
            allow_inf_nan=False,
            description=f"Seconds for all re-solves (default 10), from {MIN_TIME_LIMIT:g} to the cap.",
        ),
    ] = None,
) -> dict[str, Any]:
    job = plan_job(session, caller, job_id)
    solved = solved_job(session, job)
    require_member(solved, "teachers", teacher_id)
    seconds = resolve_seconds(settings, time_limit)
    session.commit()  # no database connection held while the pool solves
    future = request.app.state.runner.compute(
        recommend_task, solved, teacher_id, k, seconds, settings.cpsat_workers
    )
    return {"plan_id": job.id, **future.result()}
