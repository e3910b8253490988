"""POST /v1/plans/check: a plan the caller sends (a stored plan edited on the page, or one made by
hand), judged by every rule without the solver, as `rotation check` judges plan.csv. Every
teacher and school it names must be the scenario's: an unknown one is a 422 naming its place."""

from __future__ import annotations

from dataclasses import asdict
from typing import Any

from fastapi import APIRouter

from api.deps import CallerDep, SessionDep
from api.documents import job_scenario
from api.errors import ROUTER_ERRORS, error_responses
from api.schemas.checks import PlanCheck, PlanCheckRequest
from api.store import scenario_row
from optimizer.errors import Problem, ScenarioError
from optimizer.io.problems import unknown_reference
from optimizer.plan import Plan
from optimizer.report import hard_violations
from optimizer.rules import all_rules
from optimizer.scenario import Scenario
from optimizer.solve import plan_result

router = APIRouter(tags=["plans"], responses=ROUTER_ERRORS)


@router.post(
    "/plans/check",
    response_model=PlanCheck,
    responses=error_responses(
        {
            404: ("not_found", "No such scenario in the key's regions."),
            422: ("invalid_scenario", "Every unknown teacher or school of the plan, by its place."),
        }
    ),
    summary="Check a plan the caller sends against every rule, without solving",
)
def check_plan(body: PlanCheckRequest, session: SessionDep, caller: CallerDep) -> dict[str, Any]:
    row = scenario_row(session, caller, body.scenario_id)
    scenario = job_scenario(row.document, {"overrides": body.overrides})
    problems = unknown_references(scenario, body)
    if problems:
        raise ScenarioError(problems)
    plan = Plan(
        moves=tuple(body.moves),
        exchanges=tuple(body.exchanges),
        hires=tuple(body.hires),
        itinerant=tuple(body.itinerant),
    )
    result = plan_result(scenario, plan)
    broken = {row.rule for row in hard_violations(result.report)}
    return {
        "scenario_id": row.id,
        "summary": asdict(result.summary),
        "report": [asdict(row) for row in result.report],
        "hard_violated_rules": [rule.id for rule in all_rules() if rule.id in broken],
    }


def unknown_references(scenario: Scenario, body: PlanCheckRequest) -> list[Problem]:
    """Each teacher or school the plan names that the scenario lacks, at body.<list>[index]."""
    problems = []
    for name, fields in (
        ("moves", (("teacher_id", "teacher"), ("from_school", "school"), ("to_school", "school"))),
        ("exchanges", (("teacher_id", "teacher"), ("from_school", "school"), ("to_school", "school"))),
        ("hires", (("school_id", "school"),)),
        ("itinerant", (("teacher_id", "teacher"), ("home_school", "school"), ("school_id", "school"))),
    ):
        for index, item in enumerate(getattr(body, name)):
            for field, what in fields:
                value = getattr(item, field)
                known = scenario.teacher_by_id if what == "teacher" else scenario.school_by_id
                if value not in known:
                    problems.append(unknown_reference(f"body.{name}", index, field, what, value))
    return problems
