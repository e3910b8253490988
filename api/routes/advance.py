"""/v1/scenarios/{id}/advance: next year's scenario from this year's and one of its plans
(`optimizer.advance`, as `rotation advance` writes the next bundle).

The new scenario is an ordinary stored scenario, the year's child (`parent_id`); its plans are
ordinary plan jobs, so a county is planned year after year with the same routes.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Body, Request, Response
from pydantic import BaseModel, ConfigDict, Field

from api.audit import record
from api.deps import PlannerDep, SessionDep, plan_result_of
from api.documents import job_scenario, plan_of
from api.errors import READ_ONLY, ROUTER_ERRORS, ApiError, error_responses, request_problem
from api.idempotency import IdempotencyDep
from api.links import SCENARIO_LINKS
from api.schemas.scenarios import ScenarioSummary
from api.store import plan_job, save_scenario, scenario_row
from optimizer.advance import advance

router = APIRouter(prefix="/scenarios", tags=["scenarios"], responses=ROUTER_ERRORS)

PLANNED = ("optimal", "feasible")
"""A job's statuses that carry a plan to carry out."""
LOCATION = {
    "Location": {"description": "The URL of the new scenario.", "schema": {"type": "string", "format": "uri"}}
}


class AdvanceRequest(BaseModel):
    """Which of the scenario's plans the year carries out."""

    model_config = ConfigDict(
        extra="forbid", json_schema_extra={"examples": [{"plan_id": "5d0c3a8f2b6e4f1a9c7d2e4b6a8f0c1d"}]}
    )

    plan_id: str = Field(
        max_length=64,
        description="A plan job of this scenario, done with a plan (an id that names none: 404, as for any "
        "unknown id).",
    )


@router.post(
    "/{scenario_id}/advance",
    status_code=201,
    response_model=ScenarioSummary,
    responses=error_responses(
        {
            **READ_ONLY,
            404: ("not_found", "No such scenario or plan, or not in the key's regions."),
            409: ("no_plan", "The job has no plan to carry out (not done, infeasible or timed out)."),
            422: ("invalid_request", "The plan is another scenario's (other_scenario)."),
        }
    )
    | {201: {"description": "Next year's scenario is stored.", "headers": LOCATION, "links": SCENARIO_LINKS}},
    summary="Store next year's scenario: this year's with the plan carried out and the year served",
    description="Returns end, teachers who reach retirement age leave, the plan's moves and exchanges "
    "take effect (on rotation, with their history rows), 走教 joins the history, hires become new "
    "teachers, a school's acting head becomes its principal, years at school, ages and service "
    "grow; pins are dropped, schools and demand stay. `Idempotency-Key`: a retry gets the same "
    "scenario.",
)
def advance_scenario(
    scenario_id: str,
    body: Annotated[AdvanceRequest, Body()],
    request: Request,
    session: SessionDep,
    caller: PlannerDep,
    idempotency: IdempotencyDep,
) -> Response:
    idempotency.check(body)
    row = scenario_row(session, caller, scenario_id)
    job = plan_job(session, caller, body.plan_id)
    if job.scenario_id != row.id:
        raise request_problem(
            "other_scenario",
            f"方案 {job.id} 属于另一个场景,不是 {row.id}",
            f"plan {job.id} is another scenario's, not {row.id}'s",
            "body",
            "plan_id",
        )
    document = plan_result_of(job)
    if document["summary"]["status"] not in PLANNED:
        status = document["summary"]["status"]
        raise ApiError(
            409,
            "no_plan",
            f"方案任务 {job.id} 没有方案(状态 {status})",
            f"plan {job.id} has no plan ({status})",
        )
    following = advance(job_scenario(row.document, dict(job.request)), plan_of(document))
    stored = save_scenario(session, following, parent_id=row.id, changes={"advanced_by": job.id})
    record(
        session, caller, "scenario.advance", scenario=stored, detail={"parent_id": row.id, "plan_id": job.id}
    )
    answer = ScenarioSummary.model_validate(stored)
    location = str(request.url_for("get_scenario", scenario_id=stored.id))
    return idempotency.answer(answer, location, 201)
