"""The one error body of every answer that is not a success, and its OpenAPI entries."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from api.schemas.values import with_fields_of
from optimizer.errors import Problem

EXAMPLE_PROBLEM: dict[str, Any] = {
    "code": "bad_value",
    "file": "teachers.csv",
    "row": 3,
    "column": "gender",
    "rule": None,
    "message": "expected one of F, M, got 'X'",
    "message_zh": "应为 F、M 之一,实际为 'X'",
    "message_en": "expected one of F, M, got 'X'",
}


@with_fields_of(Problem, without=("zh", "en"))
class ProblemOut(BaseModel):
    """One problem: a stable `code`, where it is (`file`: the input file or JSON list, or the
    request part: body, query, path; `row`; `column`: the column or the request field's dotted
    path), the rule whose parameter is wrong if any, and its sentence in both languages."""

    model_config = ConfigDict(json_schema_extra={"examples": [EXAMPLE_PROBLEM]})

    message: str = Field(description="The problem in the caller's language.")
    message_zh: str = Field(description="The problem in Chinese.")
    message_en: str = Field(description="The problem in English.")


class ErrorBody(BaseModel):
    """Every 4xx (and 5xx) answer, and the `error` of a failed job: a stable `error` code for
    programs, the `message` in the caller's language (the `lang` query parameter, else the
    Accept-Language header: zh or en, English by default), and the problems it is about, each
    with its place (file or request part, row, column) and both texts."""

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {"error": "not_found", "message": "no scenario 3f2a9c0e", "problems": []},
                {
                    "error": "invalid_scenario",
                    "message": "the input has 1 problem",
                    "problems": [EXAMPLE_PROBLEM],
                },
            ]
        }
    )

    error: str = Field(description="A stable code: not_found, invalid_request, invalid_scenario ...")
    message: str
    problems: list[ProblemOut]


def error_example(code: str, message: str, problems: list[dict[str, Any]] | None = None) -> dict[str, Any]:
    return {"error": code, "message": message, "problems": problems or []}
