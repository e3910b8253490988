"""What-if over HTTP: variants of a scenario by small edits, batches of solves, plans side by
side, and re-planning after a change with the diff against the previous plan.

Variants are ordinary scenarios with a parent and their edits (`changes`); their jobs are ordinary
plan jobs, so every plan route works on them. A key sees only its regions: any other id is a 404.
"""

from __future__ import annotations

from dataclasses import asdict, replace
from typing import Annotated, Any

from fastapi import APIRouter, Body, Query, Response
from sqlalchemy import select
from sqlalchemy.orm import Session

from api.audit import record
from api.db import PlanJob, ScenarioRow
from api.deps import CallerDep, PlannerDep, SessionDep, SettingsDep, committed, plan_result_of
from api.documents import job_scenario, plan_of, summary_of
from api.errors import NO_PLAN, READ_ONLY, ROUTER_ERRORS, ApiError, error_responses, request_problem
from api.idempotency import LOCATION_HEADER, IdempotencyDep
from api.jobs import submit_job
from api.lifecycle import answer_objections
from api.links import BATCH_LINKS, JOB_LINKS, SCENARIO_LINKS
from api.schemas.plans import JobRequest
from api.schemas.variants import (
    EXAMPLE_EDITS,
    BatchAccepted,
    BatchCreate,
    BatchJob,
    Comparison,
    ComparisonRequest,
    PlanDiff,
    PlanOutcome,
    ReplanAccepted,
    ReplanRequest,
    VariantCreate,
    VariantList,
    VariantSummary,
)
from api.security import Caller
from api.store import (
    MAX_NAME,
    missing_regions,
    plan_job,
    save_scenario,
    scenario_of,
    scenario_regions,
    scenario_row,
)
from optimizer.compare import PlanEntry, compare_plans, diff_plans
from optimizer.edits import Edits, apply_edits
from optimizer.plan import Plan
from optimizer.schools import school_balance

router = APIRouter(tags=["what-if"], responses=ROUTER_ERRORS)

NOT_FOUND = {404: ("not_found", "No such scenario or plan in the key's regions.")}
NOT_DONE = {409: ("not_done", "A plan is not done yet.")}
INVALID = {422: ("invalid_scenario", "Every problem of the edits, named by the edit.")}
FORBIDDEN = {403: ("forbidden", "The edits add a region the key does not hold, or the key is a viewer's.")}
QUEUE_FULL = {429: ("queue_full", "The solve queue is full; try again later.")}


@router.post(
    "/scenarios/{scenario_id}/variants",
    status_code=201,
    response_model=VariantSummary,
    responses=error_responses({**FORBIDDEN, **NOT_FOUND, **INVALID})
    | {201: {"description": "The variant is stored.", "links": SCENARIO_LINKS}},
    summary="Create a variant of a scenario by parameter overrides and small edits",
)
def create_variant(
    scenario_id: str,
    body: Annotated[
        VariantCreate,
        Body(
            openapi_examples={
                "what-if": {
                    "summary": "A higher quota",
                    "value": {"label": "quota 15 %", "edits": EXAMPLE_EDITS},
                }
            }
        ),
    ],
    session: SessionDep,
    caller: PlannerDep,
) -> VariantSummary:
    parent = scenario_row(session, caller, scenario_id)
    variant = _save_variant(session, caller, parent, body.edits, body.label, "variant")
    detail = {"name": variant.name, "parent_id": parent.id}
    record(session, caller, "scenario.create", scenario=variant, detail=detail)
    return committed(session, VariantSummary.model_validate(variant))


@router.get(
    "/scenarios/{scenario_id}/variants",
    response_model=VariantList,
    responses=error_responses(NOT_FOUND),
    summary="The variants of a scenario, oldest first",
)
def list_variants(scenario_id: str, session: SessionDep, caller: CallerDep) -> VariantList:
    parent = scenario_row(session, caller, scenario_id)
    rows = session.scalars(
        select(ScenarioRow)
        .where(ScenarioRow.parent_id == parent.id)
        .order_by(ScenarioRow.created_at, ScenarioRow.id)
    )
    return VariantList(
        items=[VariantSummary.model_validate(row) for row in rows if caller.may_access(row.regions)]
    )


@router.post(
    "/batches",
    status_code=202,
    response_model=BatchAccepted,
    responses=error_responses({**READ_ONLY, **NOT_FOUND, **QUEUE_FULL})
    | {
        202: {
            "description": "The jobs are queued; Location: the first one's.",
            "headers": LOCATION_HEADER,
            "links": BATCH_LINKS,
        }
    },
    summary="Solve several scenarios: one plan job each",
)
def create_batch(
    body: BatchCreate,
    session: SessionDep,
    caller: PlannerDep,
    settings: SettingsDep,
    idempotency: IdempotencyDep,
) -> Response:
    idempotency.check(body)
    rows = [scenario_row(session, caller, scenario_id) for scenario_id in body.scenario_ids]
    job_request = JobRequest(overrides=body.overrides, time_limit=body.time_limit)
    jobs = [submit_job(session, settings, row, job_request) for row in rows]
    for job in jobs:
        record(session, caller, "plan.create", plan=job)
    batch = [BatchJob(id=job.id, scenario_id=job.scenario_id, status=job.status) for job in jobs]
    return idempotency.accepted(BatchAccepted(jobs=batch), jobs[0].id)


@router.post(
    "/comparisons",
    response_model=Comparison,
    responses=error_responses({**NOT_FOUND, **NOT_DONE}),
    summary="Compare finished plans side by side",
    description="Per plan: rotating count, backbone share, shortage filled by subject, rural staffing, "
    "rules violated and objective, each judged against the plan's own scenario and overrides; per "
    "pair: moves in common (same teacher, same destination) and their Jaccard index.",
)
def compare(body: ComparisonRequest, session: SessionDep, caller: CallerDep) -> dict[str, Any]:
    jobs = [plan_job(session, caller, plan_id) for plan_id in body.plan_ids]
    _require_done(jobs)
    entries, names = [], {}
    for job in jobs:
        entry, names[job.id] = _entry(session, caller, job)
        entries.append(entry)
    comparison = asdict(compare_plans(entries))
    for figures in comparison["plans"]:
        figures.update(names[figures.pop("label")])
    return comparison


@router.get(
    "/plans/{plan_id}/outcome",
    response_model=PlanOutcome,
    responses=error_responses({**NOT_FOUND, **NO_PLAN}),
    summary="One plan's figures and every school before and after it",
    description="The figures a comparison shows for this plan alone (also for a cancelled job's best "
    "plan so far), and per school: headcount against establishment, backbone teachers, degrees, "
    "staff by subject against demand, who leaves and who arrives. The web page charts these.",
)
def outcome(plan_id: str, session: SessionDep, caller: CallerDep) -> dict[str, Any]:
    job = plan_job(session, caller, plan_id)
    plan_result_of(job)
    entry, name = _entry(session, caller, job)
    figures = asdict(compare_plans([entry]).plans[0])
    figures.pop("label")
    figures.update(name)
    schools = [asdict(balance) for balance in school_balance(entry.scenario, entry.plan)]
    return {"plan_id": job.id, "figures": figures, "schools": schools}


@router.post(
    "/plans/{plan_id}/replan",
    status_code=202,
    response_model=ReplanAccepted,
    responses=error_responses({**FORBIDDEN, **NOT_FOUND, **NOT_DONE, **INVALID, **QUEUE_FULL})
    | {202: {"description": "The re-plan's job is queued.", "headers": LOCATION_HEADER, "links": JOB_LINKS}},
    summary="Re-plan after a change, staying close to this plan",
    description="Applies the edits to the plan's scenario (a new variant), then solves it warm-started "
    "from this plan; every move that differs from it costs `change_weight`. The plan's own "
    "overrides and seed carry over. `GET /v1/plans/{id}/diff` then lists what changed. A re-plan "
    "of a plan on public notice may answer its objections (`objections`): each is linked to the "
    "new plan, whose diff against this one is the answer (409 `not_on_notice` off notice).",
)
def replan(
    plan_id: str,
    body: Annotated[
        ReplanRequest,
        Body(
            openapi_examples={
                "withdrawal": {
                    "summary": "A teacher withdraws",
                    "value": {"edits": {"withdraw": ["T001"]}, "change_weight": 50},
                }
            }
        ),
    ],
    session: SessionDep,
    caller: PlannerDep,
    settings: SettingsDep,
    idempotency: IdempotencyDep,
) -> Response:
    idempotency.check(body)
    previous = plan_job(session, caller, plan_id)
    _require_done([previous])
    parent = scenario_row(session, caller, previous.scenario_id)
    variant = _save_variant(session, caller, parent, body.edits, body.label, "re-plan")
    job_request = JobRequest(
        overrides=list(previous.request.get("overrides") or []),
        time_limit=body.time_limit or previous.request.get("time_limit"),
        seed=previous.request.get("seed", 0),
        previous_plan_id=previous.id,
        change_weight=body.change_weight,
        label=body.label or "",
    )
    job = submit_job(session, settings, variant, job_request)
    if body.objections:
        answer_objections(session, previous, body.objections, job)
    detail = {"previous_plan_id": previous.id, "objections": body.objections, "changes": variant.changes}
    record(session, caller, "plan.replan", plan=job, detail=detail)
    answer = ReplanAccepted(
        id=job.id, scenario_id=variant.id, status=job.status, previous_plan_id=previous.id
    )
    return idempotency.accepted(answer, job.id)


@router.get(
    "/plans/{plan_id}/diff",
    response_model=PlanDiff,
    responses=error_responses(
        {**NOT_FOUND, **NOT_DONE, 422: ("invalid_request", "No plan to compare with.")}
    ),
    summary="What changed between a plan and another (by default its previous plan)",
)
def diff(
    plan_id: str,
    session: SessionDep,
    caller: CallerDep,
    against: Annotated[
        str | None, Query(description="The plan to compare with; default: the previous plan.")
    ] = None,
) -> dict[str, Any]:
    job = plan_job(session, caller, plan_id)
    other_id = against or job.request.get("previous_plan_id")
    if not other_id:
        raise request_problem(
            "no_previous_plan",
            "该方案没有上一版方案;请给出 ?against=<方案 id>",
            "the plan has no previous plan; give ?against=<plan id>",
            "query",
            "against",
        )
    other = plan_job(session, caller, other_id)
    _require_done([job, other])
    return {"plan_id": job.id, "against": other.id, **asdict(diff_plans(_plan(other), _plan(job)))}


def _save_variant(
    session: Session,
    caller: Caller,
    parent: ScenarioRow,
    edits_body: dict[str, Any],
    label: str | None,
    kind: str,
) -> ScenarioRow:
    """The edited parent, stored with its parent and edits; a region the key lacks is refused.
    Without a label it is named after the parent: "<parent> (<kind>)"."""
    if label is not None and not label.isprintable():
        raise request_problem("bad_label", "应为可打印文本", "expected printable text", "body", "label")
    edits = Edits.from_dict(edits_body)
    scenario = apply_edits(scenario_of(parent), edits)
    scenario = replace(scenario, name=label or f"{parent.name[: MAX_NAME - len(kind) - 3]} ({kind})")
    missing = sorted(set(scenario_regions(scenario)) - caller.regions)
    if missing and not caller.admin:
        raise missing_regions(missing)
    return save_scenario(session, scenario, parent_id=parent.id, changes=edits.to_dict())


def _entry(session: Session, caller: Caller, job: PlanJob) -> tuple[PlanEntry, dict[str, Any]]:
    """A job with a plan as a comparison entry, with the ids and name its figures are shown by
    (the job's label, else its scenario's name) and what it changed (so a comparison says which
    parameters differ)."""
    row = scenario_row(session, caller, job.scenario_id)
    scenario = job_scenario(row.document, job.request)
    entry = PlanEntry(job.id, scenario, _plan(job), summary_of(plan_result_of(job)))
    name = job.request.get("label") or row.name
    return entry, {
        "plan_id": job.id,
        "scenario_id": job.scenario_id,
        "name": name,
        "overrides": list(job.request.get("overrides") or []),
        "changes": dict(row.changes or {}),
    }


def _require_done(jobs: list[PlanJob]) -> None:
    waiting = ", ".join(job.id for job in jobs if job.status != "done")
    if waiting:
        raise ApiError(409, "not_done", f"方案尚未完成:{waiting}", f"plan(s) not done yet: {waiting}")


def _plan(job: PlanJob) -> Plan:
    assert job.result is not None
    return plan_of(job.result)
