"""Scenario rows <-> Scenario values, and access checks that answer 404 for other regions.

A key that may not see a scenario gets the same 404 as for one that does not exist, so a
caller learns nothing about other regions' data.
"""

from __future__ import annotations

from typing import Any

from fastapi import HTTPException
from sqlalchemy.orm import Session

from api.db import PlanJob, ScenarioRow
from api.security import Caller
from optimizer.io import load_document, scenario_to_document
from optimizer.scenario import Scenario


def is_id(value: str) -> bool:
    """Ids are uuid4 hex; anything else (a NUL byte PostgreSQL refuses, say) is simply unknown."""
    return len(value) == 32 and all(c in "0123456789abcdef" for c in value)


def scenario_regions(scenario: Scenario) -> list[str]:
    return sorted({school.region for school in scenario.schools})


def save_scenario(
    session: Session,
    scenario: Scenario,
    *,
    parent_id: str | None = None,
    changes: dict[str, Any] | None = None,
) -> ScenarioRow:
    row = ScenarioRow(
        name=scenario.name or "scenario",
        regions=scenario_regions(scenario),
        year=scenario.policy.year,
        teachers=len(scenario.teachers),
        schools=len(scenario.schools),
        document=scenario_to_document(scenario),
        parent_id=parent_id,
        changes=changes or {},
    )
    session.add(row)
    session.flush()
    return row


def scenario_row(session: Session, caller: Caller, scenario_id: str) -> ScenarioRow:
    row = session.get(ScenarioRow, scenario_id) if is_id(scenario_id) else None
    if row is None or not caller.may_access(row.regions):
        raise HTTPException(status_code=404, detail=f"no scenario {scenario_id}")
    return row


def plan_job(session: Session, caller: Caller, job_id: str) -> PlanJob:
    job = session.get(PlanJob, job_id) if is_id(job_id) else None
    if job is None or not caller.may_access(job.regions):
        raise HTTPException(status_code=404, detail=f"no plan {job_id}")
    return job


def scenario_of(row: ScenarioRow) -> Scenario:
    """The stored document as a Scenario (validated again: a stored row is trusted no more)."""
    return load_document(row.document)
