"""Tiny scenarios written in tests: a few schools and teachers, every field defaulted sensibly."""

from __future__ import annotations

from collections import Counter
from typing import Any

import pytest

from optimizer.diagnosis.oracle import HardInstanceOracle
from optimizer.options import EngineSettings
from optimizer.report import hard_violations, plan_cost
from optimizer.result import Result
from optimizer.rules import default_policy
from optimizer.scenario import Pin, Scenario, School, Teacher
from optimizer.solve import solve

YEAR = 2025


def school(school_id: str, area: str = "urban", **fields: Any) -> School:
    values: dict[str, Any] = {
        "name": school_id,
        "region": "东区",
        "area": area,
        "is_weak": False,
        "stage": "primary",
        "establishment": 10,
        "lat": 30.0,
        "lon": 120.0,
    }
    values.update(fields)
    return School(school_id=school_id, **values)


def teacher(teacher_id: str, school_id: str, subject: str = "math", **fields: Any) -> Teacher:
    values: dict[str, Any] = {
        "stage": "primary",
        "gender": "F",
        "birth_year": YEAR - 35,
        "years_at_school": 8,
        "is_backbone": False,
        "degree": "bachelor",
        "role": "teacher",
    }
    values.update(fields)
    return Teacher(teacher_id=teacher_id, school_id=school_id, subject=subject, **values)


def scenario(
    schools: list[School],
    teachers: list[Teacher],
    demand: dict[tuple[str, str], int],
    pins: list[Pin] = (),  # type: ignore[assignment]
    overrides: list[str] = (),  # type: ignore[assignment]
) -> Scenario:
    policy = default_policy().with_overrides([f"year={YEAR}", *overrides])
    return Scenario(tuple(teachers), tuple(schools), dict(demand), tuple(pins), policy, name="tiny")


NO_HIRES = "recruitment.max_new_teachers=0"
"""The county recruits nobody: for a test of a rotation behaviour, whose posts a hire (5 a post)
would otherwise fill more cheaply than a move (22 km between the tiny schools)."""


def two_school_county(
    urban_teachers: int = 10, rural_need: int = 2, urban_spare: int = 0, **overrides: Any
) -> Scenario:
    """One urban school of math teachers, one rural school short of math teachers.

    U1's demand and establishment are its headcount less `urban_spare`: that many may leave without
    opening a vacancy (coverage) or taking U1 below its establishment (staffing_balance).
    """
    needed = urban_teachers - urban_spare
    schools = [
        school("U1", "urban", establishment=needed),
        school("R1", "rural", establishment=5, lat=30.2),
    ]
    teachers = [teacher(f"T{i:02d}", "U1", is_backbone=i < 3) for i in range(urban_teachers)]
    teachers += [teacher("R00", "R1", is_backbone=True)]
    demand = {("U1", "math"): needed, ("R1", "math"): 1 + rural_need}
    return scenario(schools, teachers, demand, overrides=list(overrides.get("overrides", [])))


def solve_checked(sc: Scenario, expect: str | None = "optimal", time_limit: float = 20.0) -> Result:
    """Solve, then assert what must hold of every solver answer.

    A plan: optimal (tiny models), no hard rule broken, the checker's cost equals the solver's
    objective, and per elastic rule the checker's shortfall equals the solver's. No plan: every
    conflict set is infeasible, and dropping any member makes the rest feasible.
    `expect` None accepts either a plan or an infeasibility answer, and checks whichever comes;
    "plan" accepts an optimal or a feasible plan (a model too large to prove in `time_limit`).
    """
    result = solve(sc, EngineSettings(time_limit=time_limit, seed=1))
    status = result.summary.status
    allowed = {None: ("optimal", "infeasible"), "plan": ("optimal", "feasible")}.get(expect, (expect,))
    assert status in allowed, (result.summary, result.conflicts)
    if status == "infeasible":
        assert result.conflicts
        for conflict in result.conflicts:
            assert conflict.instances and conflict.minimal
            labels = [i.label for i in conflict.instances]
            assert not hard_subset_feasible(sc, labels)
            for label in labels:
                assert hard_subset_feasible(sc, [m for m in labels if m != label]), label
        return result
    assert not hard_violations(result.report), hard_violations(result.report)
    assert plan_cost(result.report) == pytest.approx(result.summary.objective)
    solver_short: Counter[str] = Counter()
    for label, value in result.shortfalls.items():
        solver_short[label.split("[", 1)[0]] += value
    checker_short: Counter[str] = Counter()
    for row in result.report:
        if row.rule in solver_short:
            checker_short[row.rule] += int(row.shortfall)
    assert +checker_short == +solver_short
    return result


def hard_subset_feasible(sc: Scenario, labels: list[str]) -> bool:
    """Whether the model is feasible when only the hard instances in `labels` are enforced."""
    answer = HardInstanceOracle(sc, EngineSettings()).check(labels, time_limit=20)
    assert answer is not None
    return answer
