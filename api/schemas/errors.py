"""The one error body of every answer that is not a success (an RFC 9457 problem document with
the service's own members), the core error a failed job stores, and their OpenAPI entries."""

from __future__ import annotations

from http import HTTPStatus
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from api.schemas.values import with_fields_of
from optimizer.errors import Problem

PROBLEM_TYPE = "tag:teacher-rotation,2025:problem:"
"""A problem document's `type` is this followed by its `error` code (a tag URI: an identifier,
not a page to fetch)."""
EXAMPLE_PROBLEM: dict[str, Any] = {
    "code": "bad_value",
    "file": "teachers.csv",
    "row": 3,
    "column": "gender",
    "rule": None,
    "place": "teachers.csv, row 3, column gender",
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

    place: str = Field(
        description="Where, in the caller's language, in the words the CLI prints "
        "(teachers.csv, row 3, column gender / teachers.csv,第 3 行,“gender”列); empty when the "
        "problem has no place."
    )
    message: str = Field(description="The problem in the caller's language.")
    message_zh: str = Field(description="The problem in Chinese.")
    message_en: str = Field(description="The problem in English.")


class ErrorBody(BaseModel):
    """The service's error, the `error` of a failed job and the core of every error answer: a
    stable `error` code for programs, the `message` in the caller's language (the `lang` query
    parameter, else the Accept-Language header: zh or en, Chinese by default), and the problems
    it is about, each with its place (file or request part, row, column) and both texts."""

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


class ProblemDetails(ErrorBody):
    """Every 4xx and 5xx answer, sent as `application/problem+json` (RFC 9457): `type` (the
    `error` code as a URI), `title` (the status in the caller's language), `status`, `detail` (the
    same sentence as `message`) and `instance` (this answer's own `urn:uuid:` URI, under which a
    server error is logged), with the service's `error`,
    `message` and `problems` beside them."""

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "type": PROBLEM_TYPE + "invalid_scenario",
                    "title": "Unprocessable Content",
                    "status": 422,
                    "detail": "the input has 1 problem",
                    "instance": "urn:uuid:0f8fad5b-d9cb-469f-a165-70867728950e",
                    "error": "invalid_scenario",
                    "message": "the input has 1 problem",
                    "problems": [EXAMPLE_PROBLEM],
                }
            ]
        }
    )

    type: str = Field(description=f"`{PROBLEM_TYPE}` followed by the `error` code.")
    title: str = Field(description="The HTTP status's name, in the caller's language.")
    status: int = Field(description="The HTTP status code.")
    detail: str = Field(description="What went wrong: the same sentence as `message`.")
    instance: str = Field(
        description="This occurrence's own URI (`urn:uuid:...`); a server error is logged under it."
    )


def error_example(status: int, code: str, message: str) -> dict[str, Any]:
    """A problem document's example for a route's OpenAPI entry (the title in English)."""
    return {
        "type": PROBLEM_TYPE + code,
        "title": HTTPStatus(status).phrase,
        "status": status,
        "detail": message,
        "instance": "urn:uuid:0f8fad5b-d9cb-469f-a165-70867728950e",
        "error": code,
        "message": message,
        "problems": [],
    }
