"""The audit log: one line per change, written in the same transaction as the change itself, so a
change that is rolled back leaves no line and a line never lacks its change."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from sqlalchemy.orm import Session

from api.db import AuditLine, PlanJob, ScenarioRow
from api.security import Caller


def record(
    session: Session,
    caller: Caller,
    action: str,
    *,
    scenario: ScenarioRow | None = None,
    plan: PlanJob | None = None,
    detail: dict[str, Any] | None = None,
) -> None:
    """One line for `action` (e.g. `plan.lifecycle`) by the caller's person, on a scenario or a
    plan (a plan names its scenario too); the line's regions are theirs."""
    regions: Iterable[str] = plan.regions if plan is not None else scenario.regions if scenario else ()
    scenario_id = plan.scenario_id if plan is not None else scenario.id if scenario else None
    session.add(
        AuditLine(
            actor=caller.name,
            key_id=caller.key_id,
            action=action,
            scenario_id=scenario_id,
            plan_id=plan.id if plan is not None else None,
            regions=sorted(regions),
            detail=detail or {},
        )
    )


def record_command(
    session: Session, actor: str, action: str, detail: dict[str, Any], scenario: ScenarioRow | None = None
) -> None:
    """A line for a change made on the command line (a key made or revoked, the demo county
    loaded): no key did it, so `actor` says who."""
    session.add(
        AuditLine(
            actor=actor,
            action=action,
            scenario_id=scenario.id if scenario is not None else None,
            regions=sorted(scenario.regions) if scenario is not None else [],
            detail=detail,
        )
    )
