"""Request and response bodies of /v1/scenarios, with the examples the OpenAPI page shows.

The document's rows stay plain objects here: `load_document` validates them all at once, so a
client gets every problem with its table, row and column, the same messages as the CLI.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated, Any, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, Field

from api.policy_schema import POLICY_REF, example_policy
from api.schemas.errors import ProblemOut


def _as_utc(moment: datetime) -> datetime:
    """Stored times are UTC; SQLite gives them back without a zone, so the answer adds it."""
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


UtcDatetime = Annotated[datetime, AfterValidator(_as_utc)]


def _teacher(teacher_id: str, school_id: str, subject: str, **fields: Any) -> dict[str, Any]:
    row = {
        "teacher_id": teacher_id,
        "school_id": school_id,
        "subject": subject,
        "stage": "primary",
        "gender": "F",
        "birth_year": 1986,
        "years_at_school": 8,
        "is_backbone": 0,
        "degree": "bachelor",
        "role": "teacher",
    }
    return row | fields


EXAMPLE_DOCUMENT: dict[str, Any] = {
    "name": "qingshan-2025",
    "teachers": [
        _teacher("T001", "S01", "math", is_backbone=1),
        _teacher(
            "T002",
            "S01",
            "music",
            gender="M",
            birth_year=1990,
            years_at_school=7,
            is_backbone=1,
            volunteer=1,
            preferred_schools=["S02"],
        ),
        _teacher("T003", "S01", "chinese", birth_year=1982, years_at_school=12),
        _teacher("T004", "S01", "english", birth_year=1992, years_at_school=4),
        _teacher("T005", "S01", "pe", gender="M", years_at_school=9),
        _teacher("T006", "S02", "chinese", years_at_school=3, degree="associate"),
    ],
    "schools": [
        {
            "school_id": "S01",
            "name": "城关第一小学",
            "region": "青山县",
            "area": "urban",
            "is_weak": 0,
            "stage": "primary",
            "establishment": 5,
        },
        {
            "school_id": "S02",
            "name": "石门村小学",
            "region": "青山县",
            "area": "rural",
            "is_weak": 1,
            "stage": "primary",
            "establishment": 3,
            "max_incoming": 2,
        },
    ],
    "demand": [
        {"school_id": "S01", "subject": "math", "required": 1},
        {"school_id": "S01", "subject": "chinese", "required": 1},
        {"school_id": "S01", "subject": "english", "required": 1},
        {"school_id": "S01", "subject": "pe", "required": 1},
        {"school_id": "S02", "subject": "chinese", "required": 1},
        {"school_id": "S02", "subject": "music", "required": 1},
    ],
    "pins": [],
    "policy": example_policy(),
}

EXAMPLE_SUMMARY: dict[str, Any] = {
    "id": "3f2a9c0e5b7d4e1f8a6b2c9d0e1f2a3b",
    "name": "qingshan-2025",
    "regions": ["青山县"],
    "teachers": 6,
    "schools": 2,
    "year": 2025,
    "parent_id": None,
    "created_at": "2025-03-01T08:00:00Z",
}
EXAMPLE_WARNING: dict[str, Any] = {
    "code": "unknown_column",
    "file": "teachers.csv",
    "row": 1,
    "column": "subjcet",
    "rule": None,
    "place": "teachers.csv, row 1, column subjcet",
    "message": "unknown column, ignored; did you mean subject?",
    "message_zh": "未知的列,已忽略;是否应为 subject?",
    "message_en": "unknown column, ignored; did you mean subject?",
}


class ScenarioDocument(BaseModel):
    """SPEC's JSON document: one object per CSV row, the CSV's column names as keys; `policy` has
    the shape of policy.toml. Keys outside these are reported as problems, not dropped."""

    model_config = ConfigDict(extra="allow", json_schema_extra={"examples": [EXAMPLE_DOCUMENT]})

    name: str | None = Field(default=None, max_length=200, description="Scenario name (else `policy.name`).")
    teachers: list[dict[str, Any]] | None = Field(default=None, description="Rows of teachers.csv.")
    schools: list[dict[str, Any]] | None = Field(default=None, description="Rows of schools.csv.")
    demand: list[dict[str, Any]] | None = Field(default=None, description="Rows of demand.csv.")
    pins: list[dict[str, Any]] | None = Field(default=None, description="Rows of pins.csv (HR decisions).")
    history: list[dict[str, Any]] | None = Field(
        default=None, description="Rows of history.csv (past and current stints); omitted = none."
    )
    policy: Annotated[dict[str, Any] | None, POLICY_REF] = Field(
        default=None, description="policy.toml as an object; omitted = defaults."
    )


class ScenarioSummary(BaseModel):
    """A stored scenario without its document: what a list shows and a create answers."""

    model_config = ConfigDict(from_attributes=True, json_schema_extra={"examples": [EXAMPLE_SUMMARY]})

    id: str
    name: str
    regions: list[str] = Field(description="The regions of its schools; a key must hold all of them.")
    teachers: int
    schools: int
    year: int
    parent_id: str | None = Field(default=None, description="The scenario it is a variant of, if any.")
    created_at: UtcDatetime


class ScenarioCreated(ScenarioSummary):
    """A scenario just stored, with what the loader skipped in its input (an unknown column)."""

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                EXAMPLE_SUMMARY | {"warnings": []},
                EXAMPLE_SUMMARY | {"warnings": [EXAMPLE_WARNING]},
            ]
        },
    )

    warnings: list[ProblemOut] = Field(
        description="Input the loader skipped and went on (an unknown column, one warning each), "
        "in the caller's language; empty when it read everything."
    )


class ScenarioDetail(ScenarioSummary):
    """A stored scenario with its validated document (loads back to the same scenario)."""

    model_config = ConfigDict(
        from_attributes=True,
        json_schema_extra={"examples": [EXAMPLE_SUMMARY | {"document": EXAMPLE_DOCUMENT}]},
    )

    document: dict[str, Any]


class ScenarioPage(BaseModel):
    """One page of the scenarios the key may see, newest first; `total` counts them all."""

    model_config = ConfigDict(
        json_schema_extra={"examples": [{"items": [EXAMPLE_SUMMARY], "total": 1, "limit": 20, "offset": 0}]}
    )

    items: list[ScenarioSummary]
    total: int
    limit: int
    offset: int


class ShippedScenario(BaseModel):
    """Which shipped bundle to store: the demo county, or the county whose hard rules collide."""

    model_config = ConfigDict(extra="forbid", json_schema_extra={"examples": [{"bundle": "demo-county"}]})

    bundle: Literal["demo-county", "conflicting-quotas"] = Field(
        default="demo-county", description="A folder of `scenarios/`; both are in region 青山县."
    )
