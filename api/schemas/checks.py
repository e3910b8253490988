"""Checking a plan the caller sends (POST /v1/plans/check): an edited plan, or one made by hand,
judged by every rule without the solver, as `rotation check` judges plan.csv."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from api.schemas.plans import Overrides, PlanSummary
from api.schemas.variants import StoredId
from optimizer.plan import Hire, ItinerantAssignment, Move, RuleRow

MAX_ROWS = 100_000

EXAMPLE_MOVE: dict[str, Any] = {
    "teacher_id": "T002",
    "from_school": "S01",
    "to_school": "S02",
    "subject": "music",
    "term_years": 3,
    "reason": "",
    "kind": "rotation",
}


class PlanCheckRequest(BaseModel):
    """A plan in the shape GET /v1/plans/{id} gives it (so a plan can be fetched, edited and sent
    back), and the scenario with the overrides it is judged under."""

    model_config = ConfigDict(
        extra="forbid",
        use_attribute_docstrings=True,
        json_schema_extra={
            "examples": [{"scenario_id": "3f2a9c0e5b7d4e1f8a6b2c9d0e1f2a3b", "moves": [EXAMPLE_MOVE]}]
        },
    )

    scenario_id: StoredId
    overrides: Overrides = []
    moves: list[Move] = Field(default=[], max_length=MAX_ROWS, description="Rotation moves, as plan.csv.")
    exchanges: list[Move] = Field(default=[], max_length=MAX_ROWS, description="Two-way exchanges (跟岗).")
    hires: list[Hire] = Field(default=[], max_length=MAX_ROWS, description="New teachers (招聘计划).")
    itinerant: list[ItinerantAssignment] = Field(default=[], max_length=MAX_ROWS, description="走教 shares.")


class PlanCheck(BaseModel):
    """The plan judged by every rule: its summary (the checker's cost as its objective), the rule
    report, and the hard rules it breaks (none: the plan may be filed)."""

    model_config = ConfigDict(use_attribute_docstrings=True)

    scenario_id: str
    summary: PlanSummary
    report: list[RuleRow]
    hard_violated_rules: list[str] = Field(description="Rule ids with a hard instance violated.")
