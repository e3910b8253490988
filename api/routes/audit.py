"""/v1/audit: who changed what, when, on which scenario or plan (api.audit writes the lines)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query
from sqlalchemy import select

from api.db import AuditLine
from api.deps import CallerDep, SessionDep
from api.errors import ROUTER_ERRORS
from api.schemas.lifecycle import AuditLineOut, AuditPage
from api.store import ID_PATTERN

router = APIRouter(tags=["audit"], responses=ROUTER_ERRORS)


@router.get(
    "/audit",
    response_model=AuditPage,
    summary="The audit log, newest first: every change, by whom and when",
    description="An admin key reads every line (keys made or revoked on the command line too); "
    "any other key the lines of its regions only.",
)
def audit_log(
    session: SessionDep,
    caller: CallerDep,
    limit: Annotated[int, Query(ge=1, le=500, description="Page size.")] = 50,
    offset: Annotated[int, Query(ge=0, description="Lines to skip.")] = 0,
    plan_id: Annotated[str | None, Query(pattern=ID_PATTERN, description="Only this plan's.")] = None,
    scenario_id: Annotated[str | None, Query(pattern=ID_PATTERN, description="Only this scenario's.")] = None,
    region: Annotated[str | None, Query(max_length=200, description="Only lines about this region.")] = None,
) -> AuditPage:
    query = select(AuditLine.id, AuditLine.regions).order_by(AuditLine.id.desc())
    if plan_id is not None:
        query = query.where(AuditLine.plan_id == plan_id)
    if scenario_id is not None:
        query = query.where(AuditLine.scenario_id == scenario_id)
    # Regions are a JSON list, so the scope is checked here rather than in portable SQL.
    visible = [
        line.id
        for line in session.execute(query)
        if (caller.admin or (line.regions and caller.may_access(line.regions)))
        and (region is None or region in line.regions)
    ]
    page = visible[offset : offset + limit]
    by_id = {line.id: line for line in session.scalars(select(AuditLine).where(AuditLine.id.in_(page)))}
    items = [AuditLineOut.model_validate(by_id[line_id]) for line_id in page]
    return AuditPage(items=items, total=len(visible), limit=limit, offset=offset)
