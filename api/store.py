"""Scenario rows <-> Scenario values, and access checks that answer 404 for other regions.

A key that may not see a scenario gets the same 404 as for one that does not exist, so a
caller learns nothing about other regions' data: the check reads the row's light columns only
(documents and plans are deferred in api.db), so it answers as fast as for an unknown id.
"""

from __future__ import annotations

import re
from typing import Any

from sqlalchemy.orm import Session

from api.db import PLAN_KIND, PlanJob, ScenarioRow
from api.errors import ApiError
from api.security import Caller
from optimizer.errors import Problem, ScenarioError
from optimizer.io import load_document, scenario_to_document
from optimizer.scenario import Scenario

MAX_NAME = 200
"""The longest scenario name stored."""


ID_PATTERN = "^[0-9a-f]{32}$"
"""A scenario's or plan's id: uuid4 hex."""


def is_id(value: str) -> bool:
    """Ids are uuid4 hex; anything else (a NUL byte PostgreSQL refuses, say) is simply unknown."""
    return re.fullmatch(ID_PATTERN, value) is not None


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


def store_scenario(session: Session, caller: Caller, scenario: Scenario) -> ScenarioRow:
    """Saves a scenario the key may read back; creating one outside its regions is forbidden."""
    regions = scenario_regions(scenario)
    if not caller.may_access(regions):
        raise missing_regions(sorted(set(regions) - caller.regions))
    if len(scenario.name) > MAX_NAME or not scenario.name.isprintable():
        zh = f"名称应为可打印文本,最多 {MAX_NAME} 个字符"
        en = f"expected a printable name of at most {MAX_NAME} characters"
        raise ScenarioError([Problem(code="bad_name", zh=zh, en=en, file="policy", column="name")])
    return save_scenario(session, scenario)


def missing_regions(regions: list[str]) -> ApiError:
    """403 for a scenario with schools in regions the key does not hold."""
    names = ", ".join(regions)
    return ApiError(403, "forbidden", f"该密钥不含区域 {names}", f"the key does not hold region(s) {names}")


def scenario_row(session: Session, caller: Caller, scenario_id: str) -> ScenarioRow:
    row = session.get(ScenarioRow, scenario_id) if is_id(scenario_id) else None
    if row is None or not caller.may_access(row.regions):
        raise ApiError(404, "not_found", f"没有场景 {scenario_id}", f"no scenario {scenario_id}")
    return row


def plan_job(session: Session, caller: Caller, job_id: str) -> PlanJob:
    job = session.get(PlanJob, job_id) if is_id(job_id) else None
    if job is None or job.kind != PLAN_KIND or not caller.may_access(job.regions):
        raise ApiError(404, "not_found", f"没有方案任务 {job_id}", f"no plan {job_id}")
    return job


def scenario_of(row: ScenarioRow) -> Scenario:
    """The stored document as a Scenario (validated again: a stored row is trusted no more)."""
    return load_document(row.document)
