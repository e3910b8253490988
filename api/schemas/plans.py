"""Request and response bodies of /v1/plans and the explanations, with the examples the OpenAPI
page shows. Field names are SPEC's (plan.csv, report.json, summary.json), so a client reads the
API's plan with the same code as the files."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator
from pydantic_core import PydanticCustomError

from api.policy_schema import OVERRIDE_REF, overrides_description
from api.schemas.errors import ErrorBody, ProblemOut
from api.schemas.lifecycle import Lifecycle
from api.schemas.scenarios import EXAMPLE_DOCUMENT, EXAMPLE_WARNING, ScenarioDocument
from api.schemas.values import with_fields_of
from optimizer.explain.school import SchoolExplanation
from optimizer.explain.teacher import Destination, TeacherExplanation, WhatIf
from optimizer.params import LARGEST
from optimizer.plan import Hire, ItinerantAssignment, Leader, Move, RuleRow, Summary
from optimizer.rules import Post, example
from optimizer.schools import SchoolBalance

JOB_ID = "9d1c2b3a4e5f60718293a4b5c6d7e8f9"
SCENARIO_ID = "3f2a9c0e5b7d4e1f8a6b2c9d0e1f2a3b"
JobStatus = Literal["queued", "running", "cancelling", "done", "cancelled", "failed"]
LIFECYCLE = (
    "The plan's status (`GET /v1/plans/{id}/lifecycle`): draft 草稿, notice 公示中, approved 已审定, "
    "executed 已执行 or withdrawn 已撤回."
)

EXAMPLE_PROGRESS: dict[str, Any] = {"elapsed": 4.52, "objective": 8044.0, "bound": 6500.0, "gap": 0.1919}
EXAMPLE_SUMMARY: dict[str, Any] = {
    "scenario": "qingshan-2025",
    "year": 2025,
    "status": "optimal",
    "objective": 205.0,
    "bound": 205.0,
    "gap": 0.0,
    "solve_seconds": 0.009,
    "build_seconds": 0.003,
    "eligible": 4,
    "rotating": 1,
    "backbone_rotating": 1,
    "shortage_filled": 1,
    "shortage_total": 1,
    "unmet_before": 1,
    "unmet_after": 0.0,
    "vacancies_filled": 1.0,
    "vacancies_open": 0.0,
    "vacancies_created": 0.0,
    "hires": 1,
    "hire_budget": 2,
    "exchanges": 0,
    "itinerant_assignments": 0,
    "schools_with_principal_before": 0,
    "schools_with_principal_after": 0,
    "variables": 2,
    "hard_violations": 0,
}
EXAMPLE_MOVE: dict[str, Any] = {
    "teacher_id": "T002",
    "from_school": "S01",
    "to_school": "S02",
    "subject": "music",
    "term_years": 3,
    "reason": "rotation_quota;backbone_share;shortage;coverage;preferences",
    "kind": "rotation",
}
EXAMPLE_HIRE: dict[str, Any] = {
    "school_id": "S01",
    "subject": "chinese",
    "posts": 1,
    "kind": "open",
    "reason": "recruitment;coverage",
}
EXAMPLE_POST: dict[str, Any] = {
    "school_id": "S02",
    "subject": "music",
    "required": 1,
    "before": 0,
    "after": 1.0,
    "shortage_prices_unmet": True,
    "unmet_before": 1,
    "unmet_after": 0.0,
    "still_open": 0.0,
    "created": 0,
    "filled": 1.0,
}
EXAMPLE_ROW: dict[str, Any] = {
    "rule": "rotation_quota",
    "scope": "region",
    "key": "青山县",
    "target": 1,
    "achieved": 1,
    "status": "met",
    "shortfall": 0,
    "mode": "hard",
    "sentence_zh": "青山县:交流 1 人,不少于符合交流条件教师 4 人的 15%(至少 1 人)",
    "sentence_en": "青山县: 1 rotating, at least 15% of 4 eligible (at least 1)",
    "involved": [],
    "cost": 0.0,
}
EXAMPLE_REQUEST: dict[str, Any] = {
    "overrides": [example()],
    "time_limit": 60.0,
    "seed": 0,
    "previous_plan_id": None,
    "change_weight": None,
    "label": "quota 15%",
}
EXAMPLE_JOB: dict[str, Any] = {
    "id": JOB_ID,
    "status": "running",
    "lifecycle": "draft",
    "scenario_id": SCENARIO_ID,
    "label": "quota 15%",
    "progress": EXAMPLE_PROGRESS,
    "attempts": 1,
    "created_at": "2025-03-01T08:00:00+00:00",
    "started_at": "2025-03-01T08:00:01+00:00",
    "finished_at": None,
}
EXAMPLE_DONE: dict[str, Any] = {
    "status": "done",
    "progress": {"elapsed": 0.2, "objective": 205.0, "bound": 205.0, "gap": 0.0},
    "finished_at": "2025-03-01T08:00:02+00:00",
    "request": EXAMPLE_REQUEST,
    "error": None,
    "summary": EXAMPLE_SUMMARY,
    "moves": [EXAMPLE_MOVE],
    "exchanges": [],
    "hires": [EXAMPLE_HIRE],
    "itinerant": [],
    "leaders": [],
    "coverage": [EXAMPLE_POST],
    "report": [EXAMPLE_ROW],
    "conflicts": [],
    "relaxations": [],
}
"""A finished job of the example scenario: the plan document."""


Overrides = Annotated[
    list[Annotated[str, Field(max_length=500), OVERRIDE_REF]],
    Field(max_length=200, description=overrides_description()),
]
MIN_TIME_LIMIT = 1.0
"""The shortest time limit a request may give, in seconds (the longest is the server's cap,
ROTATION_MAX_TIME_LIMIT): below it a solve cannot even build its model."""
Seconds = Annotated[float, Field(ge=MIN_TIME_LIMIT, allow_inf_nan=False)]
STRICT = ConfigDict(extra="forbid", strict=True)
"""The config of every request body that queues a job: unknown fields refused, and no value
converted (`"20"` is not a number, `true` not a seed)."""
ChangeWeight = Annotated[float, Field(ge=0, le=LARGEST, allow_inf_nan=False)]
Label = Annotated[str, Field(max_length=200)]


class JobRequest(BaseModel):
    """What a plan job solves with, stored with the job (every default filled in): policy
    overrides, a time limit within the server's cap, the seed and engine, and for a re-plan the
    plan it starts from. The one request model: every route that queues a job builds it."""

    model_config = STRICT

    overrides: Overrides = []
    time_limit: Seconds | None = Field(
        default=None,
        description=f"Seconds, from {MIN_TIME_LIMIT:g} to the server's cap (ROTATION_MAX_TIME_LIMIT); "
        "default: the server's (ROTATION_DEFAULT_TIME_LIMIT).",
    )
    seed: int = Field(default=0, ge=0, le=2**31 - 1, description="Fixes the search.")
    engine: Literal["auto", "cp-sat"] = Field(
        default="auto",
        description="auto: HiGHS (LP bound, then MIPs restricted by reduced costs) proves the "
        "optimum or hands its plan and bound to CP-SAT to finish; cp-sat: CP-SAT alone.",
    )
    previous_plan_id: str | None = Field(
        default=None,
        max_length=64,
        description="Re-plan: start from this finished plan of the scenario (or of a variant of it).",
    )
    change_weight: ChangeWeight | None = Field(
        default=None, description="Re-plan: cost of each move that differs from the previous plan."
    )
    label: Label = Field(default="", description="Free text shown with the job.")

    @model_validator(mode="after")
    def change_weight_needs_a_previous_plan(self) -> JobRequest:
        if self.change_weight is not None and self.previous_plan_id is None:
            raise PydanticCustomError(
                "needs_previous_plan",
                "change_weight applies to a re-plan; give previous_plan_id too",
                {"zh": "change_weight 只用于重新编排;请同时给出 previous_plan_id"},
            )
        return self


class PlanRequest(JobRequest):
    """A solve request: a stored scenario (`scenario_id`) or an inline SPEC document (`scenario`,
    stored first), with the job's fields."""

    model_config = ConfigDict(
        **STRICT,
        json_schema_extra={
            "examples": [
                {"scenario_id": SCENARIO_ID, **EXAMPLE_REQUEST},
                {"scenario": EXAMPLE_DOCUMENT, "time_limit": 10},
                {
                    "scenario_id": SCENARIO_ID,
                    "previous_plan_id": JOB_ID,
                    "change_weight": 50,
                    "label": "re-plan after T002 withdrew",
                },
            ]
        },
    )

    scenario_id: str | None = Field(default=None, max_length=64, description="A stored scenario.")
    scenario: ScenarioDocument | None = Field(default=None, description="Or an inline scenario document.")

    @model_validator(mode="after")
    def one_scenario(self) -> PlanRequest:
        if (self.scenario_id is None) == (self.scenario is None):
            raise PydanticCustomError(
                "one_scenario",
                "give exactly one of scenario_id or scenario",
                {"zh": "scenario_id 与 scenario 须给出且只给出一个"},
            )
        return self


class JobAccepted(BaseModel):
    """A queued job; for an inline scenario, what its loader skipped (an unknown column)."""

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {"id": JOB_ID, "status": "queued", "warnings": []},
                {"id": JOB_ID, "status": "queued", "warnings": [EXAMPLE_WARNING]},
            ]
        }
    )

    id: str
    status: JobStatus
    warnings: list[ProblemOut] = Field(
        default=[],
        description="The inline scenario's input the loader skipped, in the caller's language "
        "(as POST /v1/scenarios answers); empty for a stored scenario.",
    )


class Progress(BaseModel):
    """The solve so far: seconds, best objective, best bound, relative gap (null until known)."""

    model_config = ConfigDict(json_schema_extra={"examples": [EXAMPLE_PROGRESS]})

    elapsed: float | None = None
    objective: float | None = None
    bound: float | None = None
    gap: float | None = None


@with_fields_of(Summary)
class PlanSummary(BaseModel):
    """summary.json: the scenario's name and year, then the library's Summary: the solve status,
    objective and bound (cost units), times and counts."""

    model_config = ConfigDict(
        use_attribute_docstrings=True, json_schema_extra={"examples": [EXAMPLE_SUMMARY]}
    )

    scenario: str | None = None
    year: int | None = None


@with_fields_of(Post)
class PostFields(BaseModel):
    """The library's Post: one school × subject of the demand, before and after the plan."""

    model_config = ConfigDict(use_attribute_docstrings=True)


class CoveragePost(PostFields):
    """One school × subject of the demand before and after the plan (coverage.csv's row): the
    posts required and taught (走教 shares count), and the unmet posts split into those the plan
    fills, those still open and those it opens."""

    unmet_before: int = Field(description="Posts demanded and not taught before the plan.")
    unmet_after: float = Field(description="Posts demanded and not taught after the plan.")
    still_open: float = Field(description="Of the posts unmet before, those unmet after.")
    created: int = Field(description="Posts taught before and unmet after (a vacancy the plan opens).")
    filled: float = Field(description="Of the posts unmet before, those the plan fills.")


class JobSummary(BaseModel):
    """A job as lists show it: its state, progress and, once finished, the plan's summary."""

    model_config = ConfigDict(json_schema_extra={"examples": [EXAMPLE_JOB | {"summary": None}]})

    id: str
    status: JobStatus
    lifecycle: Lifecycle = Field(description=LIFECYCLE)
    scenario_id: str
    label: str
    progress: Progress
    attempts: int = Field(
        description="Runs started; more than 1 after a server restart resumed it or its solve process "
        "died (run again from its best plan, at most twice)."
    )
    created_at: datetime
    started_at: datetime | None
    finished_at: datetime | None
    summary: PlanSummary | None


class UnchangedFrom(BaseModel):
    """The plan a plan was made from, when the two are identical. That base is the previous plan
    of a re-plan; else, for a variant's plan, the newest done plan of its parent scenario with the
    same overrides; else, for a plan with overrides, the newest done plan of its scenario without."""

    plan_id: str
    scenario_id: str
    name: str = Field(description="The base plan's label, else its scenario's name.")
    overrides: list[str] = Field(description="The base plan's own overrides: its settings before the change.")
    changes: dict[str, Any] = Field(
        description="What this plan changed against it, as a variant's edits: `overrides` "
        "(`rule.param=value`), `add_pins`, `withdraw`, ..."
    )


class PlanDocument(BaseModel):
    """A job: its state and progress and, once it has a plan (done, or cancelled after a plan was
    found), SPEC's plan document: summary, the decisions (moves, exchanges, hires, 走教), the
    leaders and coverage after the plan, report, conflicts, relaxations."""

    model_config = ConfigDict(
        use_attribute_docstrings=True,
        json_schema_extra={
            "examples": [
                EXAMPLE_JOB | {"request": EXAMPLE_REQUEST, "error": None},
                EXAMPLE_JOB | EXAMPLE_DONE,
            ]
        },
    )

    id: str
    status: JobStatus
    lifecycle: Lifecycle = Field(description=LIFECYCLE)
    scenario_id: str
    label: str
    request: dict[str, Any] = Field(description="The request as stored, every default filled in.")
    progress: Progress
    attempts: int
    created_at: datetime
    started_at: datetime | None
    finished_at: datetime | None
    error: ErrorBody | None = Field(description="Why the job failed, as every error answer says it.")
    summary: PlanSummary | None = None
    moves: list[Move] | None = Field(
        default=None, description="The rotation moves (plan.csv): one per rotating teacher."
    )
    exchanges: list[Move] | None = Field(
        default=None, description="Two-way exchanges (双向交流 / 跟岗), kind `exchange`, one year each."
    )
    hires: list[Hire] | None = Field(
        default=None, description="New teachers per school and subject (招聘计划, the recruitment file)."
    )
    itinerant: list[ItinerantAssignment] | None = Field(
        default=None, description="走教: a share of a post a teacher also teaches at another school."
    )
    leaders: list[Leader] | None = Field(
        default=None,
        description="Who heads each school that had a principal, after the plan (leaders.csv); "
        "empty for a plan stored before leaders were recorded.",
    )
    coverage: list[CoveragePost] | None = Field(
        default=None,
        description="Every school × subject of the demand before and after the plan (the 学科配备 "
        "table); empty for a plan stored before coverage was recorded.",
    )
    report: list[RuleRow] | None = Field(default=None, description="report.json: one row per rule instance.")
    conflicts: list[dict[str, Any]] | None = Field(
        default=None, description="conflicts.json: minimal sets of hard rule instances that collide."
    )
    relaxations: list[dict[str, Any]] | None = Field(
        default=None, description="relaxations.json: per conflict, the smallest ways out."
    )
    unchanged_from: UnchangedFrom | None = Field(
        default=None,
        description="Present when this done plan is identical to the plan it was made from (the "
        "same moves, exchanges, hires, 走教 and cost): what it changed made no difference.",
    )


class PlanPage(BaseModel):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [{"items": [EXAMPLE_JOB | {"summary": None}], "total": 1, "limit": 20, "offset": 0}]
        }
    )

    items: list[JobSummary]
    total: int
    limit: int
    offset: int


class CancelAccepted(BaseModel):
    """A cancel in progress (`cancelling`: the best plan so far is kept) or done (`cancelled`)."""

    model_config = ConfigDict(json_schema_extra={"examples": [{"id": JOB_ID, "status": "cancelling"}]})

    id: str
    status: Literal["cancelling", "cancelled"]


@with_fields_of(WhatIf)
class Recommendation(BaseModel):
    """One destination for the teacher: the plan re-solved with the teacher pinned there (the
    library's what-if: its status, objective, how much its cost changes from the current plan,
    per rule in `rule_costs`, and where it sends the teacher)."""

    to_school: str
    school: str = Field(description="Id and name.")
    commute_km: float | None
    current: bool = Field(description="Where the current plan sends the teacher (change 0).")
    text_zh: str
    text_en: str


class Recommendations(BaseModel):
    """The k destinations that change the plan's cost least, cheapest first."""

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "plan_id": JOB_ID,
                    "teacher_id": "T002",
                    "school_id": "S01",
                    "current": {"to_school": "S02", "post": "music"},
                    "base_status": "optimal",
                    "base_objective": 200.0,
                    "evaluated": 0,
                    "recommendations": [
                        {
                            "to_school": "S02",
                            "school": "S02 石门村小学",
                            "commute_km": None,
                            "current": True,
                            "status": "optimal",
                            "objective": 200.0,
                            "objective_delta": 0.0,
                            "rule_costs": [],
                            "move": {"to_school": "S02", "post": "music"},
                            "conflicts": [],
                            "text_zh": "目标值 +0(200 → 200),各规则代价不变",
                            "text_en": "objective +0 (200 → 200), no rule's cost changes",
                        }
                    ],
                }
            ]
        }
    )

    plan_id: str
    teacher_id: str
    school_id: str = Field(description="The teacher's school this year.")
    current: Destination | None = Field(description="The teacher's move in the plan, if any.")
    base_status: str
    base_objective: float | None
    evaluated: int = Field(description="Other destinations re-solved.")
    recommendations: list[Recommendation]


@with_fields_of(TeacherExplanation, without=("labels",))
class TeacherExplanationOut(BaseModel):
    """Why one teacher moves or not (`case`): the rules served, the alternatives re-solved with
    their cost, or the eligibility condition, the pin, the lack of a post, the cost of forcing
    the move. `text` is the explanation in the language asked for."""

    model_config = ConfigDict(
        use_attribute_docstrings=True,
        json_schema_extra={
            "examples": [
                {
                    "teacher_id": "T002",
                    "case": "moves",
                    "lang": "en",
                    "text": "T002 (S01 城关第一小学, music, age 35)\n"
                    "Eligibility: eligible (7 years at the school).\n"
                    "Moves this year to S02 石门村小学 (music post) for 3 years.",
                }
            ]
        },
    )

    lang: Literal["zh", "en"]
    text: str
    text_zh: str
    text_en: str


@with_fields_of(SchoolExplanation, without=("balance", "labels", "rules"))
@with_fields_of(SchoolBalance, without=("moves_in", "moves_out"))
class SchoolExplanationOut(BaseModel):
    """One school before and after the plan: staff by subject against demand, backbone teachers,
    establishment, degree mix, who arrives and leaves, and the rule rows about it."""

    model_config = ConfigDict(
        use_attribute_docstrings=True,
        json_schema_extra={
            "examples": [
                {
                    "school_id": "S02",
                    "lang": "zh",
                    "text": "S02 石门村小学(青山县,乡村,薄弱校)\n编制 3 人;教职工调动前 1 人,调动后 2 人。",
                }
            ]
        },
    )

    lang: Literal["zh", "en"]
    text: str
    text_zh: str
    text_en: str
    rules: list[dict[str, Any]] = Field(
        description="The rule rows about the school as report.json has them (numbers as the checker "
        "gives them: a count stays an integer)."
    )
