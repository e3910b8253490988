"""Tiny scenarios written in tests: a few schools and teachers, every field defaulted sensibly."""

from __future__ import annotations

from typing import Any

from optimizer.policy import default_policy
from optimizer.scenario import Pin, Scenario, School, Teacher

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


def two_school_county(urban_teachers: int = 10, rural_need: int = 2, **overrides: Any) -> Scenario:
    """One urban school of math teachers, one rural school short of math teachers."""
    schools = [
        school("U1", "urban", establishment=urban_teachers),
        school("R1", "rural", establishment=5, lat=30.2),
    ]
    teachers = [teacher(f"T{i:02d}", "U1", is_backbone=i < 3) for i in range(urban_teachers)]
    teachers += [teacher("R00", "R1", is_backbone=True)]
    demand = {("U1", "math"): urban_teachers, ("R1", "math"): 1 + rural_need}
    return scenario(schools, teachers, demand, overrides=list(overrides.get("overrides", [])))
