"""A plan's life over HTTP: its status and the moves between them (api.lifecycle says which, and
for which role), and the objections raised while it is on public notice (公示). An objection is
answered by `POST /v1/plans/{id}/replan` naming it in `objections`."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Body
from sqlalchemy import select

from api.db import Objection as ObjectionRow
from api.db import PlanJob
from api.deps import CallerDep, PlannerDep, SessionDep, committed, require_member, solved_job
from api.errors import READ_ONLY, ROUTER_ERRORS, error_responses
from api.lifecycle import add_objection, allowed, change
from api.schemas.lifecycle import (
    LifecycleChange,
    LifecycleState,
    Objection,
    ObjectionCreate,
    ObjectionList,
)
from api.security import Caller
from api.store import plan_job

router = APIRouter(prefix="/plans", tags=["lifecycle"], responses=ROUTER_ERRORS)

NOT_FOUND = {404: ("not_found", "No such plan (or teacher in its scenario), or not in the key's regions.")}


@router.get(
    "/{plan_id}/lifecycle",
    response_model=LifecycleState,
    responses=error_responses(NOT_FOUND),
    summary="A plan's status (草稿 / 公示中 / 已审定 / 已执行 / 已撤回) and where this key may move it",
)
def get_lifecycle(plan_id: str, session: SessionDep, caller: CallerDep) -> LifecycleState:
    return _state(caller, plan_job(session, caller, plan_id), [])


@router.post(
    "/{plan_id}/lifecycle",
    response_model=LifecycleState,
    responses=error_responses(
        {
            403: ("insufficient_role", "A viewer's key, or a planner's approving (approver or admin only)."),
            **NOT_FOUND,
            409: (
                "transition_not_allowed",
                "Not a move from the plan's status (transition_not_allowed), a plan not solved "
                "(not_done), or a second official plan of a region and year (already_approved).",
            ),
        }
    ),
    summary="Move a plan along its life: draft → notice → approved → executed, or withdrawn",
    description="Allowed: draft → notice or withdrawn (planner); notice → approved (approver) or "
    "withdrawn (planner); approved → executed or withdrawn (approver). A region has one official "
    "(approved or executed) plan per year: approving another answers 409 `already_approved` "
    "naming it, unless `supersede` is sent, which withdraws the approved one (never an executed "
    "one). Each move is a line of the audit log.",
)
def change_lifecycle(
    plan_id: str,
    body: Annotated[
        LifecycleChange,
        Body(
            openapi_examples={
                "notice": {"summary": "Put a draft on public notice", "value": {"to": "notice"}},
                "approve": {
                    "summary": "Approve, replacing the approved plan",
                    "value": {"to": "approved", "supersede": True},
                },
            }
        ),
    ],
    session: SessionDep,
    caller: PlannerDep,
) -> LifecycleState:
    job = plan_job(session, caller, plan_id)
    superseded = change(session, caller, job, body.to, body.supersede)
    return committed(session, _state(caller, job, superseded))


@router.get(
    "/{plan_id}/objections",
    response_model=ObjectionList,
    responses=error_responses(NOT_FOUND),
    summary="The objections to a plan, oldest first, each with the re-plan answering it",
)
def list_objections(plan_id: str, session: SessionDep, caller: CallerDep) -> ObjectionList:
    job = plan_job(session, caller, plan_id)
    rows = session.scalars(
        select(ObjectionRow)
        .where(ObjectionRow.plan_id == job.id)
        .order_by(ObjectionRow.created_at, ObjectionRow.id)
    )
    return ObjectionList(items=[Objection.model_validate(row) for row in rows])


@router.post(
    "/{plan_id}/objections",
    status_code=201,
    response_model=Objection,
    responses=error_responses(
        {**READ_ONLY, **NOT_FOUND, 409: ("not_on_notice", "The plan is not on public notice.")}
    ),
    summary="Record an objection against a teacher of a plan on public notice (公示)",
    description="Answer it with `POST /v1/plans/{plan_id}/replan` naming it in `objections`: the "
    "re-plan changes as little as it can, and its diff against this plan is the answer.",
)
def create_objection(
    plan_id: str, body: ObjectionCreate, session: SessionDep, caller: PlannerDep
) -> Objection:
    job = plan_job(session, caller, plan_id)
    if job.lifecycle == "notice":
        require_member(solved_job(session, job), "teachers", body.teacher_id)
    objection = add_objection(session, caller, job, body.teacher_id, body.author, body.text)
    return committed(session, Objection.model_validate(objection))


def _state(caller: Caller, job: PlanJob, superseded: list[str]) -> LifecycleState:
    return LifecycleState.model_validate(
        {
            "plan_id": job.id,
            "lifecycle": job.lifecycle,
            "allowed": allowed(caller, job.lifecycle),
            "superseded": superseded,
        }
    )
