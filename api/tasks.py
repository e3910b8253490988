"""The short re-solves behind explanations and recommendations: functions the runner's process
pool runs, off the API process, on a job that has a plan."""

from __future__ import annotations

from dataclasses import asdict, dataclass, replace
from typing import Any

from api.documents import job_scenario, plan_of
from optimizer.explain import explanation_json
from optimizer.explain.school import school_label
from optimizer.explain.teacher import (
    RESOLVED_ALTERNATIVES,
    Destination,
    WhatIf,
    explain_teacher,
    pinned_to,
    solve_what_if,
    without_pin,
)
from optimizer.model.candidates import enumerate_candidates
from optimizer.options import DiagnosisBudget, EngineSettings
from optimizer.result import Result
from optimizer.rules import gate_rules
from optimizer.scenario import Scenario
from optimizer.solve import plan_result


@dataclass(frozen=True)
class SolvedJob:
    """What a re-solve needs of a finished job: its scenario document, request and plan document."""

    document: dict[str, Any]
    request: dict[str, Any]
    result: dict[str, Any]

    def scenario(self) -> Scenario:
        return job_scenario(self.document, self.request)

    def base(self, scenario: Scenario) -> Result:
        """The job's plan as the base of what-ifs (its checker cost is the solver's objective).
        It counts as proven optimal only when the solver proved it so for the same objective,
        which a re-plan's change costs alter."""
        base = plan_result(scenario, plan_of(self.result))
        if self.result["summary"]["status"] == "optimal" and not self.request.get("previous_plan_id"):
            return replace(base, summary=replace(base.summary, status="optimal"))
        return base

    def settings(self, time_limit: float, workers: int) -> EngineSettings:
        """Each re-solve within `time_limit` seconds, with the job's seed."""
        return EngineSettings(time_limit=time_limit, workers=workers, seed=int(self.request.get("seed", 0)))


def what_if_diagnosis(time_limit: float) -> DiagnosisBudget:
    """A re-solve's conflict search, when it has no plan: one set, within the re-solve's time."""
    return DiagnosisBudget(time_limit=time_limit, max_conflicts=1)


def explain_teacher_task(job: SolvedJob, teacher_id: str, time_limit: float, workers: int) -> dict[str, Any]:
    """explain_teacher's answer; `time_limit` bounds all its re-solves together."""
    scenario = job.scenario()
    limit = time_limit / RESOLVED_ALTERNATIVES
    settings, diagnosis = job.settings(limit, workers), what_if_diagnosis(limit)
    return explanation_json(explain_teacher(scenario, teacher_id, job.base(scenario), settings, diagnosis))


def recommend_task(
    job: SolvedJob, teacher_id: str, k: int, time_limit: float, workers: int
) -> dict[str, Any]:
    """The k destinations for one teacher that change the plan's cost least: each candidate
    school re-solved with the teacher pinned there (explain_teacher's what-ifs), all within
    `time_limit` seconds; the teacher's current destination, if any, ranks at a change of 0."""
    scenario = job.scenario()
    base = job.base(scenario)
    teacher = scenario.teacher_by_id[teacher_id]
    move = base.plan.move_of(teacher_id)
    current = None if move is None else Destination(move.to_school, move.subject)
    candidates = enumerate_candidates(without_pin(scenario, teacher_id), gate_rules())
    destinations = sorted({c.to_school for c in candidates if c.teacher_id == teacher_id})
    others = [school_id for school_id in destinations if current is None or school_id != current.to_school]
    limit = time_limit / max(1, len(others))
    settings, diagnosis = job.settings(limit, workers), what_if_diagnosis(limit)
    objective = base.summary.objective
    ranked = []
    for school_id in others:
        pinned = pinned_to(scenario, teacher_id, school_id)
        what_if = solve_what_if(pinned, base, teacher_id, settings, diagnosis)
        ranked.append(_recommendation(scenario, teacher_id, school_id, what_if, objective, current=False))
    if current is not None:
        unchanged = WhatIf(base.summary.status, objective, 0.0, (), current, ())
        ranked.append(_recommendation(scenario, teacher_id, current.to_school, unchanged, objective, True))
    ranked.sort(key=lambda r: (r["objective_delta"] is None, r["objective_delta"] or 0.0, not r["current"]))
    return {
        "teacher_id": teacher_id,
        "school_id": scenario.home_school(teacher),
        "current": None if current is None else asdict(current),
        "base_status": base.summary.status,
        "base_objective": objective,
        "evaluated": len(others),
        "recommendations": ranked[:k],
    }


def _recommendation(
    scenario: Scenario,
    teacher_id: str,
    school_id: str,
    what_if: WhatIf,
    base_objective: float | None,
    current: bool,
) -> dict[str, Any]:
    teacher = scenario.teacher_by_id[teacher_id]
    return {
        "to_school": school_id,
        "school": school_label(scenario, school_id),
        "commute_km": scenario.commute_km(teacher, school_id),
        "current": current,
        **asdict(what_if),
        "text_zh": what_if.text("zh", base_objective),
        "text_en": what_if.text("en", base_objective),
    }
