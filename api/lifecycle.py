"""A plan's life: 草稿 draft → 公示中 notice → 已审定 approved → 已执行 executed, and 已撤回
withdrawn from any of the first three. Only the moves in TRANSITIONS are allowed, each for a role;
one plan per region and year is official (approved or executed); objections are recorded while a
plan is on notice and answered by a re-plan.
"""

from __future__ import annotations

from sqlalchemy import select, text, update
from sqlalchemy.orm import Session

from api.audit import record
from api.db import Objection, PlanJob, ScenarioRow, now, rows_updated
from api.deps import require_role
from api.errors import ApiError, request_problem
from api.jobs import PLAN_STATUSES
from api.schemas.lifecycle import NAMES_ZH, Lifecycle
from api.security import Caller, Role

TRANSITIONS: dict[tuple[str, Lifecycle], Role] = {
    ("draft", "notice"): "planner",
    ("draft", "withdrawn"): "planner",
    ("notice", "approved"): "approver",
    ("notice", "withdrawn"): "planner",
    ("approved", "executed"): "approver",
    ("approved", "withdrawn"): "approver",
}
"""(from, to): the least role that may make the move. Executed and withdrawn plans stay as they are."""
OFFICIAL = ("approved", "executed")
"""The statuses of a region's and year's one official plan."""
APPROVAL_LOCK = 0x617070726F7665
"""The PostgreSQL advisory lock key that serialises approvals ("approve" in ASCII)."""


def allowed(caller: Caller, current: str) -> list[Lifecycle]:
    """The statuses the caller may move a plan in `current` to."""
    return [to for (start, to), role in TRANSITIONS.items() if start == current and caller.may(role)]


def allowed_any(current: str) -> list[Lifecycle]:
    """The statuses a plan in `current` can move to, whatever the key."""
    return [to for (start, to) in TRANSITIONS if start == current]


def change(session: Session, caller: Caller, job: PlanJob, to: Lifecycle, supersede: bool) -> list[str]:
    """Moves the plan to `to` with one audit line (and one per plan it supersedes); returns the
    ids of the approved plans it superseded. 409 for a move TRANSITIONS lacks, a plan not done,
    or a second official plan of a region and year; 403 for a role short of the move's."""
    start = job.lifecycle
    role = TRANSITIONS.get((start, to))
    if role is None:
        targets = [NAMES_ZH[target] for target in allowed_any(start)]
        zh_targets = "、".join(targets) if targets else "无"
        en_targets = ", ".join(allowed_any(start)) or "none"
        raise ApiError(
            409,
            "transition_not_allowed",
            f"方案状态为{NAMES_ZH[start]}（{start}），不能改为{NAMES_ZH[to]}（{to}）；可改为：{zh_targets}",
            f"the plan is {start}: it cannot move to {to}; it can move to: {en_targets}",
        )
    require_role(caller, role, f"把方案改为{NAMES_ZH[to]}", f"move a plan to {to}")
    if to == "notice" and not _has_plan(job):
        solve_status = (job.summary or {}).get("status", "-")
        raise ApiError(
            409,
            "not_done",
            f"方案 {job.id} 没有可公示的方案（任务状态 {job.status}，求解状态 {solve_status}），不能公示",
            f"plan {job.id} has no plan to put on notice (job {job.status}, solve {solve_status})",
        )
    if to == "approved" and session.get_bind().dialect.name == "postgresql":
        session.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": APPROVAL_LOCK})
    # Conditional on the status read: of two requests that race, the second finds it changed.
    moved = update(PlanJob).where(PlanJob.id == job.id, PlanJob.lifecycle == start).values(lifecycle=to)
    if not rows_updated(session, moved):
        raise ApiError(
            409,
            "lifecycle_changed",
            "方案状态刚被他人修改；请刷新后重试",
            "the plan's status was just changed by someone else; reload and retry",
        )
    superseded = _supersede(session, caller, job, supersede) if to == "approved" else []
    session.refresh(job)
    record(session, caller, "plan.lifecycle", plan=job, detail={"from": start, "to": to})
    return superseded


def _has_plan(job: PlanJob) -> bool:
    return job.status == "done" and job.summary is not None and job.summary.get("status") in PLAN_STATUSES


def _supersede(session: Session, caller: Caller, job: PlanJob, supersede: bool) -> list[str]:
    """The other official plans of the job's year sharing one of its regions: with `supersede`,
    approved ones the key may see are withdrawn; any other makes the approval a 409 (this
    transaction, the approval included, is rolled back). Run after the job's own update, so that
    on SQLite the write lock is held: two approvals cannot both find the other missing."""
    year = session.scalar(select(ScenarioRow.year).where(ScenarioRow.id == job.scenario_id))
    rivals = session.execute(
        select(PlanJob.id, PlanJob.regions, PlanJob.lifecycle)
        .join(ScenarioRow, ScenarioRow.id == PlanJob.scenario_id)
        .where(PlanJob.lifecycle.in_(OFFICIAL), PlanJob.id != job.id, ScenarioRow.year == year)
    ).all()
    rivals = [rival for rival in rivals if set(rival.regions) & set(job.regions)]
    blocking = [
        rival
        for rival in rivals
        if not (supersede and rival.lifecycle == "approved" and caller.may_access(rival.regions))
    ]
    if blocking:
        names = ", ".join(f"{rival.id} ({rival.lifecycle}, {'/'.join(rival.regions)})" for rival in blocking)
        raise ApiError(
            409,
            "already_approved",
            f"{year} 年已有审定的方案：{names}；如要以本方案取代已审定（未执行）的方案，请加 supersede",
            f"{year} already has an official plan: {names}; to replace an approved (not executed) "
            "one with this plan, send supersede",
        )
    for rival in rivals:
        session.execute(update(PlanJob).where(PlanJob.id == rival.id).values(lifecycle="withdrawn"))
        replaced = session.get_one(PlanJob, rival.id)
        session.refresh(replaced)
        detail = {"from": "approved", "to": "withdrawn", "superseded_by": job.id}
        record(session, caller, "plan.lifecycle", plan=replaced, detail=detail)
    return [rival.id for rival in rivals]


def add_objection(
    session: Session, caller: Caller, job: PlanJob, teacher_id: str, author: str, objection_text: str
) -> Objection:
    """An objection to a plan on notice (409 otherwise), with its audit line."""
    if job.lifecycle != "notice":
        raise not_on_notice(job)
    objection = Objection(
        plan_id=job.id, teacher_id=teacher_id, author=author, text=objection_text, recorded_by=caller.name
    )
    session.add(objection)
    session.flush()
    record(
        session,
        caller,
        "objection.create",
        plan=job,
        detail={"objection_id": objection.id, "teacher_id": teacher_id},
    )
    return objection


def answer_objections(session: Session, previous: PlanJob, objection_ids: list[str], answer: PlanJob) -> None:
    """Links the objections (of `previous`, which must be on notice) to the re-plan answering
    them: 409 off notice, 422 for an id that is not one of the plan's objections."""
    if previous.lifecycle != "notice":
        raise not_on_notice(previous)
    found = session.scalars(
        select(Objection).where(Objection.plan_id == previous.id, Objection.id.in_(objection_ids))
    ).all()
    unknown = sorted(set(objection_ids) - {objection.id for objection in found})
    if unknown:
        names = ", ".join(unknown)
        raise request_problem(
            "unknown_objection",
            f"方案 {previous.id} 没有异议 {names}",
            f"plan {previous.id} has no objection {names}",
            "body",
            "objections",
        )
    moment = now()
    for objection in found:
        objection.answer_plan_id, objection.answered_at = answer.id, moment


def not_on_notice(job: PlanJob) -> ApiError:
    return ApiError(
        409,
        "not_on_notice",
        f"方案 {job.id} 的状态为{NAMES_ZH[job.lifecycle]}：只有公示中的方案才受理和答复异议",
        f"plan {job.id} is {job.lifecycle}: objections are taken and answered only while it is on notice",
    )
