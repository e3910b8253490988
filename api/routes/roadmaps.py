"""/v1/roadmaps: a county planned several years ahead toward its targets, as a job (submit, read,
cancel). The job queues and runs as a plan job does (api.roadmaps); each year's plan is then an
ordinary plan (`GET /v1/plans/{id}`)."""

from __future__ import annotations

from dataclasses import asdict
from typing import Annotated, Any

from fastapi import APIRouter, Query, Request, Response
from sqlalchemy import select
from sqlalchemy.orm import Session

from api.audit import record
from api.db import ROADMAP_KIND, PlanJob
from api.deps import CallerDep, LangDep, PlannerDep, SessionDep, SettingsDep, cancel_answer, solved_job
from api.documents import job_error, job_summary, plan_of
from api.errors import READ_ONLY, ROUTER_ERRORS, ApiError, error_responses, request_problem
from api.idempotency import LOCATION_HEADER, IdempotencyDep
from api.jobs import SETTLE_SECONDS, cancel_or_delete_recorded, submit_roadmap
from api.links import ROADMAP_JOB_LINKS, ROADMAP_LINKS
from api.schemas.plans import CancelAccepted
from api.schemas.roadmaps import RoadmapAccepted, RoadmapJob, RoadmapLedger, RoadmapPage, RoadmapRequest
from api.security import Caller
from api.store import ID_PATTERN, is_id, plan_job, scenario_row
from optimizer.ledger import teacher_lines

router = APIRouter(prefix="/roadmaps", tags=["roadmaps"], responses=ROUTER_ERRORS)

NOT_FOUND = {404: ("not_found", "No such roadmap, or not in the key's regions.")}


@router.post(
    "",
    status_code=202,
    response_model=RoadmapAccepted,
    summary="Plan a county several years ahead toward its targets; poll the roadmap's URL (Location)",
    description="Each year is planned on the bundle the year before leaves (its plan carried out, "
    "the year served), so that every `[targets.<indicator>]` of the scenario's policy is met by its "
    "year. The job queues with the plan jobs (the same limit, 429 `queue_full`); `time_limit` is "
    "per year. `Idempotency-Key`: a retry gets the same roadmap.",
    responses=error_responses(
        {
            403: ("forbidden", "A viewer's key."),
            404: ("not_found", "No such scenario, or not in the key's regions."),
            422: ("invalid_request", "A bad field: years outside 1..10, an unknown method, a time limit."),
            429: ("queue_full", "The solve queue is full; retry later."),
        }
    )
    | {
        202: {
            "description": "The roadmap is queued.",
            "headers": LOCATION_HEADER,
            "links": ROADMAP_JOB_LINKS,
        }
    },
)
def create_roadmap(
    body: RoadmapRequest,
    request: Request,
    session: SessionDep,
    caller: PlannerDep,
    settings: SettingsDep,
    idempotency: IdempotencyDep,
) -> Response:
    idempotency.check(body)
    row = scenario_row(session, caller, body.scenario_id)
    job = submit_roadmap(session, settings, row, body)
    record(session, caller, "roadmap.create", plan=job, detail={"years": body.years, "method": body.method})
    answer = RoadmapAccepted(id=job.id, status="queued")
    location = str(request.url_for("get_roadmap", roadmap_id=job.id))
    return idempotency.answer(answer, location, 202)


@router.get(
    "",
    response_model=RoadmapPage,
    summary="List the roadmaps of the key's regions, newest first",
)
def list_roadmaps(
    session: SessionDep,
    caller: CallerDep,
    limit: Annotated[int, Query(ge=1, le=100, description="Page size.")] = 20,
    offset: Annotated[int, Query(ge=0, description="Roadmaps to skip.")] = 0,
    scenario_id: Annotated[str | None, Query(pattern=ID_PATTERN, description="Only this scenario's.")] = None,
) -> dict[str, Any]:
    query = (
        select(PlanJob.id, PlanJob.regions)
        .where(PlanJob.kind == ROADMAP_KIND)
        .order_by(PlanJob.created_at.desc(), PlanJob.id)
    )
    if scenario_id is not None:
        query = query.where(PlanJob.scenario_id == scenario_id)
    # Regions are a JSON list, so the scope is checked here rather than in portable SQL.
    visible = [row.id for row in session.execute(query) if caller.may_access(row.regions)]
    page = visible[offset : offset + limit]
    by_id = {job.id: job for job in session.scalars(select(PlanJob).where(PlanJob.id.in_(page)))}
    items = []
    for roadmap_id in page:
        job = by_id[roadmap_id]
        summary = job_summary(job)
        items.append(
            {
                **{key: summary[key] for key in ("id", "status", "scenario_id", "label", "created_at")},
                "finished_at": summary["finished_at"],
                "request": job.request,
                "years": job.request["years"],
                "years_done": len((job.progress or {}).get("done", [])),
            }
        )
    return {"items": items, "total": len(visible), "limit": limit, "offset": offset}


@router.get(
    "/{roadmap_id}",
    name="get_roadmap",
    response_model=RoadmapJob,
    responses=error_responses(NOT_FOUND) | {200: {"description": "The roadmap.", "links": ROADMAP_LINKS}},
    summary="A roadmap's status, the years planned so far with their standings and, once done, the "
    "roadmap with each year's plan",
    description="A failed roadmap's `error` has the shape of every error answer, in the caller's language.",
)
def get_roadmap(roadmap_id: str, session: SessionDep, caller: CallerDep, lang: LangDep) -> dict[str, Any]:
    job = roadmap_job(session, caller, roadmap_id)
    answer = job_summary(job)
    done = (job.progress or {}).get("done", [])
    return {
        **{key: answer[key] for key in ("id", "status", "scenario_id", "label", "attempts")},
        **{key: answer[key] for key in ("created_at", "started_at", "finished_at")},
        "request": job.request,
        "progress": {
            "years": job.request["years"],
            "years_done": len(done),
            "method": (job.progress or {}).get("method"),
            "elapsed": (job.progress or {}).get("elapsed"),
            "done": done,
        },
        "error": job_error(job.error, lang),
        "result": job.result,
    }


@router.delete(
    "/{roadmap_id}",
    status_code=202,
    response_model=CancelAccepted,
    responses={
        **error_responses(
            {
                **READ_ONLY,
                **NOT_FOUND,
                409: ("just_finished", "The roadmap was done or failed just before; nothing changed."),
            }
        ),
        202: {"description": "The roadmap is cancelled or cancelling.", "headers": LOCATION_HEADER},
        204: {"description": "The roadmap had finished; it is deleted (its years' plans are kept)."},
    },
    summary="Cancel a queued or running roadmap, or delete a finished one",
    description="As for a plan job: a queued roadmap is cancelled at once (202 `cancelled`), a "
    "running one stops (202 `cancelling`, then `cancelled`, its `result` the years it had planned, "
    "whose plans stay). "
    f"The same DELETE repeated answers the same, until {SETTLE_SECONDS} s after the roadmap "
    "finished (409 `just_finished` for one that ended within them); later it deletes the roadmap "
    "(204). Its years' plans are ordinary plans and stay.",
)
def delete_roadmap(roadmap_id: str, request: Request, session: SessionDep, caller: PlannerDep) -> Any:
    job = roadmap_job(session, caller, roadmap_id)
    status = cancel_or_delete_recorded(session, caller, job, "roadmap")
    return cancel_answer(job.id, status, str(request.url_for("get_roadmap", roadmap_id=job.id)))


@router.get(
    "/{roadmap_id}/ledger",
    response_model=RoadmapLedger,
    responses=error_responses(
        {
            404: (
                "not_found",
                "No such roadmap, or not in the key's regions, or the year's plan was deleted.",
            ),
            409: ("no_roadmap", "The roadmap is not done."),
            422: ("invalid_request", "The roadmap did not plan that year (unknown_year)."),
        }
    ),
    summary="The fairness ledger of a year of a finished roadmap (its last year by default)",
    description="Every teacher of the year's bundle: years served at rural and weak schools, "
    "rotations done, service owed, the year they fall due and where the year's plan sends them "
    "(ledger.csv's rows; `GET /v1/plans/{id}/export?format=ledger` has the same as a file, with "
    "the plan's other files).",
)
def roadmap_ledger(
    roadmap_id: str,
    session: SessionDep,
    caller: CallerDep,
    year: Annotated[int | None, Query(description="A year the roadmap planned; default its last.")] = None,
) -> dict[str, Any]:
    job = roadmap_job(session, caller, roadmap_id)
    if job.result is None:
        raise ApiError(
            409,
            "no_roadmap",
            f"路线图 {job.id} 尚未完成(状态 {job.status})",
            f"roadmap {job.id} is not done (status {job.status})",
        )
    years = job.result["years"]
    entry = years[-1] if year is None else next((y for y in years if y["year"] == year), None)
    if entry is None:
        planned = ", ".join(str(y["year"]) for y in years)
        raise request_problem(
            "unknown_year",
            f"路线图没有规划 {year} 年(规划了 {planned})",
            f"the roadmap did not plan {year} (it planned {planned})",
            "query",
            "year",
        )
    plan = plan_job(session, caller, entry["plan_id"])
    solved = solved_job(session, plan)
    lines = teacher_lines(solved.scenario(), plan_of(solved.result))
    return {
        "roadmap_id": job.id,
        "year": entry["year"],
        "plan_id": plan.id,
        "teachers": [asdict(line) for line in lines],
    }


def roadmap_job(session: Session, caller: Caller, roadmap_id: str) -> PlanJob:
    """The roadmap job, or 404 (as for an unknown one) when it is another region's."""
    job = session.get(PlanJob, roadmap_id) if is_id(roadmap_id) else None
    if job is None or job.kind != ROADMAP_KIND or not caller.may_access(job.regions):
        raise ApiError(404, "not_found", f"没有路线图 {roadmap_id}", f"no roadmap {roadmap_id}")
    return job
