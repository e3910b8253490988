"""Bodies of a plan's life: its status and the moves between them, the objections raised while it
is on public notice (公示), and the audit log."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from api.schemas.scenarios import UtcDatetime

Lifecycle = Literal["draft", "notice", "approved", "executed", "withdrawn"]
"""草稿, 公示中 (on public notice), 已审定 (approved), 已执行 (executed), 已撤回 (withdrawn)."""
NAMES_ZH: dict[str, str] = {
    "draft": "草稿",
    "notice": "公示中",
    "approved": "已审定",
    "executed": "已执行",
    "withdrawn": "已撤回",
}

PLAN_ID = "9d1c2b3a4e5f60718293a4b5c6d7e8f9"
OTHER_PLAN_ID = "0a1b2c3d4e5f60718293a4b5c6d7e8f9"
SCENARIO_ID = "3f2a9c0e5b7d4e1f8a6b2c9d0e1f2a3b"
OBJECTION_ID = "5e6f708192a3b4c5d6e7f8091a2b3c4d"
Text = Annotated[str, Field(min_length=1, max_length=2000)]
Name = Annotated[str, Field(min_length=1, max_length=200)]


class LifecycleChange(BaseModel):
    model_config = ConfigDict(
        extra="forbid",
        strict=True,
        json_schema_extra={"examples": [{"to": "notice"}, {"to": "approved", "supersede": True}]},
    )

    to: Lifecycle = Field(description="The status to move the plan to.")
    supersede: bool = Field(
        default=False,
        description="Approving: withdraw the approved plan of the same region and year instead of "
        "answering 409 `already_approved`.",
    )


class LifecycleState(BaseModel):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "plan_id": PLAN_ID,
                    "lifecycle": "notice",
                    "allowed": ["approved", "withdrawn"],
                    "superseded": [],
                }
            ]
        }
    )

    plan_id: str
    lifecycle: Lifecycle
    allowed: list[Lifecycle] = Field(description="The statuses this key may move the plan to now.")
    superseded: list[str] = Field(
        default=[], description="Approved plans this approval withdrew (with `supersede`)."
    )


class ObjectionCreate(BaseModel):
    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [{"teacher_id": "T001", "author": "T001 本人", "text": "家中老人需照顾,申请暂缓交流"}]
        },
    )

    teacher_id: Annotated[str, Field(min_length=1, max_length=100)] = Field(
        description="The teacher of the plan's scenario the objection is about."
    )
    author: Name = Field(description="Who raised it: the teacher, a school, a parent ...")
    text: Text = Field(description="The objection as received.")


EXAMPLE_OBJECTION: dict[str, Any] = {
    "id": OBJECTION_ID,
    "plan_id": PLAN_ID,
    "teacher_id": "T001",
    "author": "T001 本人",
    "text": "家中老人需照顾,申请暂缓交流",
    "recorded_by": "张三",
    "created_at": "2025-03-02T08:00:00+00:00",
    "answer_plan_id": OTHER_PLAN_ID,
    "answered_at": "2025-03-03T08:00:00+00:00",
}


class Objection(BaseModel):
    """An objection to a plan on notice; `answer_plan_id` is the re-plan that answers it, and
    `GET /v1/plans/{answer_plan_id}/diff` what that re-plan changed."""

    model_config = ConfigDict(from_attributes=True, json_schema_extra={"examples": [EXAMPLE_OBJECTION]})

    id: str
    plan_id: str
    teacher_id: str
    author: str
    text: str
    recorded_by: str = Field(description="The person whose key recorded it.")
    created_at: UtcDatetime
    answer_plan_id: str | None = Field(description="The re-plan answering it, once there is one.")
    answered_at: UtcDatetime | None


class ObjectionList(BaseModel):
    model_config = ConfigDict(json_schema_extra={"examples": [{"items": [EXAMPLE_OBJECTION]}]})

    items: list[Objection]


EXAMPLE_LINE: dict[str, Any] = {
    "id": 42,
    "at": "2025-03-02T08:00:00+00:00",
    "actor": "李四",
    "action": "plan.lifecycle",
    "scenario_id": SCENARIO_ID,
    "plan_id": PLAN_ID,
    "regions": ["青山县"],
    "detail": {"from": "notice", "to": "approved"},
}


class AuditLineOut(BaseModel):
    """One change: who (the key's person), when (UTC), what, on which scenario or plan."""

    model_config = ConfigDict(from_attributes=True, json_schema_extra={"examples": [EXAMPLE_LINE]})

    id: int
    at: UtcDatetime
    actor: str
    action: str = Field(
        description="What changed, e.g. scenario.create, scenario.advance, scenario.delete, "
        "plan.create, plan.cancel, plan.delete, plan.replan, plan.lifecycle, objection.create, "
        "key.create, key.revoke."
    )
    scenario_id: str | None
    plan_id: str | None
    regions: list[str]
    detail: dict[str, Any]


class AuditPage(BaseModel):
    model_config = ConfigDict(
        json_schema_extra={"examples": [{"items": [EXAMPLE_LINE], "total": 1, "limit": 50, "offset": 0}]}
    )

    items: list[AuditLineOut]
    total: int
    limit: int
    offset: int
