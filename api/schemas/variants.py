"""Request and response bodies of the what-if routes: variants, batches, comparisons, re-plans.

Edits stay a plain object here, documented by the library's `Edits` value: `Edits.from_dict` checks
it and `apply_edits` validates the edited scenario like an upload, so a client gets every problem
at once, named by the edit ("edits.add_teachers", row = item index).
"""

from __future__ import annotations

from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field, WithJsonSchema

from api.schemas.plans import STRICT, ChangeWeight, Label, Overrides, Seconds
from api.schemas.scenarios import EXAMPLE_SUMMARY, ScenarioSummary
from api.schemas.values import with_fields_of
from optimizer import compare
from optimizer.edits import Edits
from optimizer.rules import example
from optimizer.schools import SchoolBalance

StoredId = Annotated[str, Field(max_length=64)]
"""A scenario's or plan's id as a client sends it: an unknown one is 404, a long one 422 (not
echoed back)."""
EXAMPLE_ID = "3f2a9c0e5b7d4e1f8a6b2c9d0e1f2a3b"
EXAMPLE_PLAN_ID = "9c1d2e3f4a5b6c7d8e9f0a1b2c3d4e5f"
EXAMPLE_EDITS: dict[str, Any] = {
    "overrides": [example()],
    "withdraw": ["T002"],
    "set_demand": [{"school_id": "S02", "subject": "music", "required": 2}],
}
EXAMPLE_MOVE: dict[str, Any] = {
    "teacher_id": "T001",
    "from_school": "S01",
    "to_school": "S02",
    "subject": "math",
    "term_years": 3,
    "reason": "rotation_quota;backbone_share;shortage",
}


def edits_schema() -> dict[str, Any]:
    """The JSON schema of the library's `Edits` (its fields and their docstrings), so an edit kind
    added there is documented here without a second edit."""

    class Body(BaseModel):
        model_config = ConfigDict(extra="forbid", use_attribute_docstrings=True)
        edits: Edits

    schema: dict[str, Any] = Body.model_json_schema()["$defs"]["Edits"]
    return schema


EditsObject = Annotated[dict[str, Any], WithJsonSchema(edits_schema())]


class VariantCreate(BaseModel):
    model_config = ConfigDict(
        extra="forbid", json_schema_extra={"examples": [{"label": "quota 15 %", "edits": EXAMPLE_EDITS}]}
    )

    label: Label | None = Field(
        default=None, description="The variant's name; default: the parent's + ' (variant)'."
    )
    edits: EditsObject = Field(default_factory=dict)


class VariantSummary(ScenarioSummary):
    """A stored variant: a scenario with its parent and the edits that made it."""

    model_config = ConfigDict(
        from_attributes=True,
        json_schema_extra={
            "examples": [
                EXAMPLE_SUMMARY | {"name": "quota 15 %", "parent_id": EXAMPLE_ID, "changes": EXAMPLE_EDITS}
            ]
        },
    )

    changes: dict[str, Any] = Field(default={}, description="The edits applied to the parent.")


class VariantList(BaseModel):
    items: list[VariantSummary]


class BatchCreate(BaseModel):
    model_config = ConfigDict(
        **STRICT,
        json_schema_extra={
            "examples": [{"scenario_ids": [EXAMPLE_ID, EXAMPLE_PLAN_ID], "time_limit": 30, "overrides": []}]
        },
    )

    scenario_ids: list[StoredId] = Field(min_length=1, max_length=50, description="Scenarios to solve.")
    time_limit: Seconds | None = Field(
        default=None, description="Seconds per solve, from 1 to the server's cap."
    )
    overrides: Overrides = []


class BatchJob(BaseModel):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [{"id": EXAMPLE_PLAN_ID, "scenario_id": EXAMPLE_ID, "status": "queued"}]
        }
    )

    id: str
    scenario_id: str
    status: str


class BatchAccepted(BaseModel):
    jobs: list[BatchJob] = Field(description="One plan job per scenario, in the request's order.")


class ComparisonRequest(BaseModel):
    model_config = ConfigDict(
        extra="forbid", json_schema_extra={"examples": [{"plan_ids": [EXAMPLE_PLAN_ID, EXAMPLE_ID]}]}
    )

    plan_ids: list[StoredId] = Field(min_length=1, max_length=20, description="Finished plans to compare.")


@with_fields_of(compare.PlanFigures, without=("label",))
class PlanFigures(BaseModel):
    """What planners weigh of one plan, judged against its own scenario and overrides (the
    library's PlanFigures, named by the plan's ids and name instead of its label)."""

    model_config = ConfigDict(use_attribute_docstrings=True)

    plan_id: str
    scenario_id: str
    name: str = Field(description="The job's label, else the scenario's name.")
    overrides: list[str] = Field(default=[], description="The job's own parameter overrides.")
    changes: dict[str, Any] = Field(
        default={}, description="The edits its scenario made to its parent ({} for a scenario of its own)."
    )


EXAMPLE_FIGURES: dict[str, Any] = {
    "plan_id": EXAMPLE_PLAN_ID,
    "scenario_id": EXAMPLE_ID,
    "name": "quota 15 %",
    "overrides": [],
    "changes": {"overrides": ["rotation_quota.rate=0.15"]},
    "status": "optimal",
    "objective": 44.0,
    "eligible": 11,
    "rotating": 2,
    "backbone_rotating": 1,
    "backbone_share": 0.5,
    "shortage_filled": 2,
    "shortage_total": 2,
    "shortage_by_subject": [{"subject": "math", "before": 2, "after": 0, "filled": 2}],
    "rural": {
        "schools": 1,
        "establishment": 5,
        "headcount_before": 1,
        "headcount_after": 3,
        "understaffed_after": 1,
    },
    "hard_violations": 0,
    "elastic_violations": 0,
    "violations": [],
    "targets": {"backbone_share": 0.2, "rural_degree_share_ratio_max": 1.05},
}


class Comparison(BaseModel):
    """Plans side by side, and the moves each pair of them shares."""

    model_config = ConfigDict(
        use_attribute_docstrings=True,
        json_schema_extra={
            "examples": [
                {
                    "plans": [EXAMPLE_FIGURES],
                    "overlaps": [
                        {
                            "first": EXAMPLE_PLAN_ID,
                            "second": EXAMPLE_ID,
                            "common": 2,
                            "only_first": 0,
                            "only_second": 1,
                            "jaccard": 0.6667,
                        }
                    ],
                }
            ]
        },
    )

    plans: list[PlanFigures] = Field(description="In the request's order.")
    overlaps: list[compare.Overlap] = Field(description="Every pair of plans, named by their ids.")


EXAMPLE_OUTCOME: dict[str, Any] = {
    "plan_id": EXAMPLE_PLAN_ID,
    "figures": EXAMPLE_FIGURES,
    "schools": [
        {
            "school_id": "S02",
            "name": "石门村小学",
            "region": "青山县",
            "area": "rural",
            "is_weak": True,
            "establishment": 3,
            "headcount_before": 1,
            "headcount_after": 2,
            "backbone_before": 0,
            "backbone_after": 1,
            "degree_before": 1,
            "degree_after": 2,
            "subjects": [
                {
                    "subject": "music",
                    "required": 1,
                    "before": 0,
                    "after": 1,
                    "shortage_before": 1,
                    "shortage_after": 0,
                }
            ],
            "moves_out": [],
            "moves_in": ["T002"],
        }
    ],
}


class PlanOutcome(BaseModel):
    """One plan's figures (as a comparison shows them) and every school before and after it."""

    model_config = ConfigDict(
        use_attribute_docstrings=True,
        json_schema_extra={"examples": [EXAMPLE_OUTCOME]},
    )

    plan_id: str
    figures: PlanFigures
    schools: list[SchoolBalance] = Field(description="In the scenario's order.")


class ReplanRequest(BaseModel):
    model_config = ConfigDict(
        **STRICT,
        json_schema_extra={
            "examples": [{"edits": {"withdraw": ["T001"]}, "change_weight": 50, "time_limit": 30}]
        },
    )

    edits: EditsObject = Field(default_factory=dict)
    change_weight: ChangeWeight = Field(default=50.0, description="Cost of each move that differs.")
    time_limit: Seconds | None = Field(
        default=None, description="Seconds, from 1 to the server's cap; default: the plan's own."
    )
    label: Label | None = Field(default=None, description="Name of the edited scenario.")
    objections: list[StoredId] = Field(
        default_factory=list,
        max_length=100,
        description="Objections to the plan (on public notice) this re-plan answers: each is "
        "linked to the new plan, whose diff against the plan is the answer.",
    )


class ReplanAccepted(BaseModel):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "id": EXAMPLE_PLAN_ID,
                    "scenario_id": EXAMPLE_ID,
                    "status": "queued",
                    "previous_plan_id": EXAMPLE_ID,
                }
            ]
        }
    )

    id: str = Field(description="The new plan job.")
    scenario_id: str = Field(description="The edited variant of the plan's scenario.")
    status: str
    previous_plan_id: str


@with_fields_of(compare.PlanDiff)
class PlanDiff(BaseModel):
    """What changed from the other plan (`against`) to this one: the library's PlanDiff."""

    model_config = ConfigDict(
        use_attribute_docstrings=True,
        json_schema_extra={
            "examples": [
                {
                    "plan_id": EXAMPLE_PLAN_ID,
                    "against": EXAMPLE_ID,
                    "added": [EXAMPLE_MOVE | {"teacher_id": "T005"}],
                    "removed": [EXAMPLE_MOVE | {"teacher_id": "T002"}],
                    "redirected": [],
                    "unchanged": 1,
                    "changed": 2,
                }
            ]
        },
    )

    plan_id: str
    against: str = Field(description="The plan compared with (by default the re-plan's previous plan).")
