"""Request and response bodies of /v1/roadmaps, with the examples the OpenAPI page shows. A
roadmap's years and targets have roadmap.json's fields (`rotation roadmap` writes the same)."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from api.schemas.errors import ErrorBody
from api.schemas.plans import JOB_ID, SCENARIO_ID, STRICT, JobStatus, Label, Seconds
from api.schemas.values import with_fields_of
from optimizer.ledger import TeacherLine

MAX_YEARS = 10
"""The most years one roadmap plans."""
ROADMAP_ID = "7b3e1f0a9c2d4e5f8a6b1c0d2e3f4a5b"
YEAR_SCENARIO_ID = "1c2d3e4f5a6b7c8d9e0f1a2b3c4d5e6f"
Method = Literal["auto", "rolling", "path"]

EXAMPLE_INDICATOR: dict[str, Any] = {
    "indicator": "young_rural_principal_share",
    "region": "青山县",
    "meeting": 6,
    "members": 12,
    "share": 0.5,
    "goal": 0.5,
    "target": 0.5,
    "target_year": 2027,
    "met": True,
}
EXAMPLE_YEAR: dict[str, Any] = {
    "year": 2027,
    "status": "optimal",
    "objective": 5120.0,
    "bound": 5120.0,
    "moves": 41,
    "teachers": 598,
    "hard_rules_broken": 0,
    "path_dropped": False,
    "indicators": [EXAMPLE_INDICATOR],
    "failure": None,
}
EXAMPLE_TARGET: dict[str, Any] = {
    "indicator": "young_rural_principal_share",
    "label_zh": "乡村学校校长45岁及以下占比",
    "label_en": "share of rural principals aged 45 or under",
    "value": 0.5,
    "year": 2027,
    "met_in": 2027,
    "on_time": True,
}
EXAMPLE_REQUEST: dict[str, Any] = {
    "scenario_id": SCENARIO_ID,
    "years": 3,
    "method": "auto",
    "time_limit": 30.0,
    "seed": 0,
    "label": "2027 targets",
}
EXAMPLE_ROADMAP: dict[str, Any] = {
    "id": ROADMAP_ID,
    "status": "running",
    "scenario_id": SCENARIO_ID,
    "label": "2027 targets",
    "request": EXAMPLE_REQUEST,
    "progress": {
        "years": 3,
        "years_done": 1,
        "method": "rolling",
        "elapsed": 31.4,
        "done": [EXAMPLE_YEAR | {"year": 2025}],
    },
    "attempts": 1,
    "created_at": "2025-03-01T08:00:00+00:00",
    "started_at": "2025-03-01T08:00:01+00:00",
    "finished_at": None,
    "error": None,
    "result": None,
}
EXAMPLE_DONE: dict[str, Any] = {
    "status": "done",
    "finished_at": "2025-03-01T08:01:35+00:00",
    "result": {
        "method": "rolling",
        "cost": 15480.0,
        "targets": [EXAMPLE_TARGET],
        "years": [EXAMPLE_YEAR | {"plan_id": JOB_ID, "scenario_id": YEAR_SCENARIO_ID}],
    },
}


class RoadmapRequest(BaseModel):
    """A roadmap: the scenario's county planned `years` years ahead, each year's plan on the bundle
    the year before leaves, so that every target of the policy (`[targets.<indicator>]`) is met by
    its year."""

    model_config = ConfigDict(**STRICT, json_schema_extra={"examples": [EXAMPLE_REQUEST]})

    scenario_id: str = Field(max_length=64, description="A stored scenario: the first year's bundle.")
    years: int = Field(ge=1, le=MAX_YEARS, description=f"Years to plan, 1 to {MAX_YEARS}.")
    method: Method = Field(
        default="auto",
        description="rolling: each year alone, a target held from its year on; path: the years "
        "before a target also hold a straight path to it; auto: rolling, then path when a target is "
        "missed, the roadmap meeting more targets on time (then the cheaper) kept.",
    )
    time_limit: Seconds | None = Field(
        default=None,
        description="Seconds per year on average, within the server's cap (ROTATION_MAX_TIME_LIMIT): the "
        "roadmap keeps to years × this in all, a year proved early leaving its time to the years after; "
        "default: the server's (ROTATION_DEFAULT_TIME_LIMIT). auto may plan every year twice.",
    )
    seed: int = Field(default=0, ge=0, le=2**31 - 1, description="Fixes the search.")
    label: Label = Field(default="", description="Free text shown with the roadmap.")


class RoadmapAccepted(BaseModel):
    model_config = ConfigDict(json_schema_extra={"examples": [{"id": ROADMAP_ID, "status": "queued"}]})

    id: str
    status: JobStatus


class Indicator(BaseModel):
    """A target's indicator in one region after the year's plan."""

    indicator: str
    region: str
    meeting: int = Field(description="Members meeting the indicator (young rural principals, say).")
    members: int = Field(description="Members counted (rural principals, say).")
    share: float
    goal: float | None = Field(description="The share the year was held to (target or path); null: none.")
    target: float
    target_year: int
    met: bool = Field(description="The target's share is reached (whatever the year).")


class RoadmapYear(BaseModel):
    """One planned year, as roadmap.json has it; in a finished roadmap, with its plan and bundle."""

    year: int
    status: str = Field(description="The year's solve status.")
    objective: float | None
    bound: float | None
    moves: int
    teachers: int = Field(description="Teachers in the year's bundle.")
    hard_rules_broken: int = Field(description="Hard rules the checker finds broken (0).")
    path_dropped: bool = Field(description="The year's path goals could not be held: planned without.")
    indicators: list[Indicator]
    failure: dict[str, Any] | None = Field(
        description="When a target due this year cannot be met: the conflicts and relaxations (the year "
        "is then planned with the targets elastic)."
    )
    plan_id: str | None = Field(
        default=None, description="The year's plan: an ordinary plan job (`GET /v1/plans/{id}`)."
    )
    scenario_id: str | None = Field(default=None, description="The bundle the year was planned on.")


class RoadmapProgress(BaseModel):
    """The years planned so far, each with its standings as soon as it is planned."""

    years: int = Field(description="Years to plan.")
    years_done: int
    method: str | None = Field(description="The pass under way (auto plans rolling, then maybe path).")
    elapsed: float | None
    done: list[RoadmapYear]


class Target(BaseModel):
    indicator: str
    label_zh: str
    label_en: str
    value: float
    year: int
    met_in: int | None = Field(description="The first year after whose plan the target holds everywhere.")
    on_time: bool


class RoadmapResult(BaseModel):
    """roadmap.json, each year with its plan's id."""

    method: str = Field(description="The method of the roadmap kept (rolling or path).")
    cost: float = Field(description="The years' objectives together.")
    targets: list[Target]
    years: list[RoadmapYear]


class RoadmapJob(BaseModel):
    """A roadmap job: its state, the years planned so far and, once done, the roadmap."""

    model_config = ConfigDict(
        json_schema_extra={"examples": [EXAMPLE_ROADMAP, EXAMPLE_ROADMAP | EXAMPLE_DONE]}
    )

    id: str
    status: JobStatus
    scenario_id: str
    label: str
    request: dict[str, Any] = Field(description="The request as stored, every default filled in.")
    progress: RoadmapProgress
    attempts: int
    created_at: datetime
    started_at: datetime | None
    finished_at: datetime | None
    error: ErrorBody | None = Field(description="Why the job failed, as every error answer says it.")
    result: RoadmapResult | None = Field(
        description="The roadmap, once done; for one cancelled while it ran, the years it had planned "
        "(its targets judged on them)."
    )


class RoadmapSummary(BaseModel):
    """A roadmap as lists show it: its request, state and years planned (no years' figures)."""

    id: str
    status: JobStatus
    scenario_id: str
    label: str
    request: dict[str, Any] = Field(description="The request as stored, every default filled in.")
    years: int = Field(description="Years to plan.")
    years_done: int
    created_at: datetime
    finished_at: datetime | None


class RoadmapPage(BaseModel):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "items": [
                        {
                            **{k: EXAMPLE_ROADMAP[k] for k in ("id", "status", "scenario_id", "label")},
                            **{k: EXAMPLE_ROADMAP[k] for k in ("request", "created_at", "finished_at")},
                            "years": 3,
                            "years_done": 1,
                        }
                    ],
                    "total": 1,
                    "limit": 20,
                    "offset": 0,
                }
            ]
        }
    )

    items: list[RoadmapSummary]
    total: int
    limit: int
    offset: int


@with_fields_of(TeacherLine)
class LedgerLine(BaseModel):
    """One teacher's line of the fairness ledger (ledger.csv's row): service done and owed, the
    year they fall due, and where the year's plan sends them."""

    model_config = ConfigDict(use_attribute_docstrings=True)


class RoadmapLedger(BaseModel):
    """The fairness ledger of one year of a finished roadmap: every teacher of the year's bundle."""

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "roadmap_id": ROADMAP_ID,
                    "year": 2026,
                    "plan_id": JOB_ID,
                    "teachers": [
                        {
                            "teacher_id": "T0001",
                            "name": "王芳",
                            "school_id": "S001",
                            "rural_years": 0,
                            "weak_years": 0,
                            "rotations": 1,
                            "owed_years": 0,
                            "last_rotated_year": 2019,
                            "due_year": 2022,
                            "overdue_years": 4,
                            "moves_to": "S014",
                        }
                    ],
                }
            ]
        }
    )

    roadmap_id: str
    year: int
    plan_id: str = Field(description="The year's plan, whose ledger this is.")
    teachers: list[LedgerLine]
