"""One error shape: every error answer is an RFC 9457 problem document carrying {error, message,
problems}, and a failed job's stored error is that core, with the texts in the caller's language
(the `lang` query parameter, else the Accept-Language header, else Chinese); the OpenAPI schema
documents no other shape."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import replace
from typing import Any

import httpx
import pytest
from fastapi.testclient import TestClient

from api.config import Settings
from api.db import PlanJob
from api.main import create_app
from api.security import create_key
from optimizer.io import scenario_to_document
from tests.tiny import two_school_county

Headers = dict[str, str]
MakeKey = Callable[..., Headers]
REGION = "东区"
ZH = "zh-CN,zh;q=0.9,en;q=0.8"
EN = "en-GB,en;q=0.9,zh;q=0.5"
PROBLEM_KEYS = {"code", "file", "row", "column", "rule", "place", "message", "message_zh", "message_en"}
RFC_9457_MEMBERS = {"type", "title", "status", "detail", "instance"}


def chinese(text: str) -> bool:
    """Chinese words in the text, region names left out (they are Chinese in either language)."""
    for name in ("青山县", REGION, "西区"):
        text = text.replace(name, "")
    return any("\u4e00" <= character <= "\u9fff" for character in text)


def county_document() -> dict[str, Any]:
    document = scenario_to_document(two_school_county())
    for school in document["schools"]:
        school["region"] = REGION
    return document


def create_scenario(client: TestClient, headers: Headers) -> str:
    response = client.post("/v1/scenarios", json=county_document(), headers=headers)
    assert response.status_code == 201, response.text
    return str(response.json()["id"])


def assert_one_shape(body: dict[str, Any], code: str, lang: str) -> None:
    """The one error body, its message and every problem's message in `lang`."""
    assert set(body) == {"error", "message", "problems"}, body
    assert body["error"] == code, body
    assert isinstance(body["message"], str) and body["message"]
    assert chinese(body["message"]) == (lang == "zh"), body
    for problem in body["problems"]:
        assert set(problem) == PROBLEM_KEYS, problem
        assert problem["message"] == problem[f"message_{lang}"], problem
        assert chinese(problem["message_zh"]) and not chinese(problem["message_en"]), problem


def assert_problem_document(response: httpx.Response, code: str, lang: str) -> None:
    """The answer: application/problem+json, RFC 9457's members (title and detail in `lang`)
    and the one error body beside them."""
    assert response.headers["content-type"] == "application/problem+json", response.headers
    body = response.json()
    rfc = {member: body.pop(member) for member in RFC_9457_MEMBERS & set(body)}
    assert set(rfc) == RFC_9457_MEMBERS, rfc
    assert rfc["type"].endswith(f":problem:{code}") and rfc["status"] == response.status_code
    assert rfc["detail"] == body["message"] and rfc["instance"].startswith("urn:uuid:")
    assert chinese(rfc["title"]) == (lang == "zh"), rfc
    assert_one_shape(body, code, lang)


def error_requests(client: TestClient, make_key: MakeKey) -> list[tuple[str, Callable[..., httpx.Response]]]:
    """(expected code, a call taking extra headers and params) for every kind of error answer."""
    owner, stranger = make_key(REGION), make_key("西区")
    scenario_id = create_scenario(client, owner)
    bad_document = county_document()
    bad_document["teachers"][0]["gender"] = "X"
    with client.app.state.database.session() as session:
        failed = PlanJob(scenario_id=scenario_id, regions=[REGION], status="failed", request={}, progress={})
        session.add(failed)
        session.flush()
        failed_id = failed.id
    json_type = {**owner, "Content-Type": "application/json"}
    limit = client.app.state.settings.max_upload_bytes
    oversized = {"files": ("teachers.csv", b"x" * (limit + 1))}

    def call(
        method: str, url: str, key: Headers | None = None, **kwargs: Any
    ) -> Callable[..., httpx.Response]:
        def send(headers: Headers, params: dict[str, str]) -> httpx.Response:
            return client.request(method, url, headers={**(key or {}), **headers}, params=params, **kwargs)

        return send

    return [
        ("unauthorized", call("GET", "/v1/scenarios")),
        ("not_found", call("GET", "/v1/scenarios/" + "0" * 32, owner)),
        ("not_found", call("GET", f"/v1/scenarios/{scenario_id}", stranger)),
        ("not_found", call("GET", "/v1/nowhere", owner)),
        ("method_not_allowed", call("PUT", "/v1/scenarios", owner)),
        ("forbidden", call("POST", "/v1/scenarios/demo", stranger)),
        ("too_large", call("POST", "/v1/scenarios/upload", owner, files=oversized)),
        (
            "invalid_request",
            call("POST", "/v1/plans", owner, json={"scenario_id": scenario_id, "time_limit": 0}),
        ),
        ("invalid_request", call("POST", "/v1/plans", owner, json={"scenario_id": scenario_id, "seed": "x"})),
        (
            "invalid_request",
            call("POST", "/v1/plans", owner, json={"scenario_id": scenario_id, "time_limit": 61}),
        ),
        ("invalid_request", call("GET", f"/v1/plans/{failed_id}/diff", owner)),
        ("invalid_scenario", call("POST", "/v1/scenarios", owner, json=bad_document)),
        (
            "invalid_scenario",
            call("POST", "/v1/plans", owner, json={"scenario_id": scenario_id, "overrides": ["nope.x=1"]}),
        ),
        ("bad_request", call("POST", "/v1/plans", json_type, content=b'{"scenario_id": ')),
        ("no_plan", call("GET", f"/v1/plans/{failed_id}/export", owner)),
        ("not_done", call("POST", "/v1/comparisons", owner, json={"plan_ids": [failed_id]})),
    ]


@pytest.mark.parametrize(
    ("headers", "params", "lang"),
    [
        ({}, {}, "zh"),
        ({"Accept-Language": ZH}, {}, "zh"),
        ({"Accept-Language": EN}, {}, "en"),
        ({"Accept-Language": "fr, zh-TW;q=0.7"}, {}, "zh"),
        ({"Accept-Language": EN}, {"lang": "zh"}, "zh"),
        ({"Accept-Language": ZH}, {"lang": "en"}, "en"),
    ],
    ids=["default", "header-zh", "header-en", "header-first-known", "param-zh", "param-en"],
)
def test_every_error_answer_has_one_shape_in_the_callers_language(
    client: TestClient, make_key: MakeKey, headers: Headers, params: dict[str, str], lang: str
) -> None:
    for code, send in error_requests(client, make_key):
        response = send(headers, params)
        assert 400 <= response.status_code < 500, (code, response.status_code, response.text)
        assert_problem_document(response, code, lang)


def test_problems_carry_their_place(client: TestClient, make_key: MakeKey) -> None:
    headers = make_key(REGION)
    scenario_id = create_scenario(client, headers)
    body = {"scenario_id": scenario_id, "time_limit": 0, "colour": "red"}
    response = client.post("/v1/plans", json=body, headers={**headers, "Accept-Language": ZH})
    places = {(p["file"], p["column"], p["code"]): p["message"] for p in response.json()["problems"]}
    assert places == {
        ("body", "time_limit", "greater_than_equal"): "应不小于 1",
        ("body", "colour", "extra_forbidden"): "不接受此字段",
    }


def test_a_full_queue_answers_in_the_callers_language(settings: Settings) -> None:
    with TestClient(create_app(replace(settings, queue_limit=0))) as client:
        with client.app.state.database.session() as session:
            headers = {"X-API-Key": create_key(session, [REGION])}
        scenario_id = create_scenario(client, headers)
        for lang in ("zh", "en"):
            response = client.post(
                "/v1/plans", json={"scenario_id": scenario_id}, params={"lang": lang}, headers=headers
            )
            assert response.status_code == 429 and response.headers["retry-after"]
            assert_problem_document(response, "queue_full", lang)


def test_a_failed_jobs_stored_error_has_the_same_shape_in_either_language(
    client: TestClient, make_key: MakeKey
) -> None:
    headers = make_key(REGION)
    scenario_id = create_scenario(client, headers)
    # Stored past submit_job's checks, as a job from an older server could be: the worker fails it.
    request = {"overrides": ["rotation_quota.rate=2"], "time_limit": 5.0, "seed": 0}
    with client.app.state.database.session() as session:
        job = PlanJob(scenario_id=scenario_id, regions=[REGION], request=request, progress={}, attempts=0)
        session.add(job)
        session.flush()
        job_id = job.id
    deadline = time.monotonic() + 60
    while client.get(f"/v1/plans/{job_id}", headers=headers).json()["status"] in ("queued", "running"):
        assert time.monotonic() < deadline, "the job did not finish"
        time.sleep(0.1)
    for lang, accept in (("zh", ZH), ("en", EN)):
        job = client.get(f"/v1/plans/{job_id}", headers={**headers, "Accept-Language": accept}).json()
        assert job["status"] == "failed"
        assert_one_shape(job["error"], "invalid_scenario", lang)
        assert [(p["file"], p["column"]) for p in job["error"]["problems"]] == [
            ("overrides", "rules.rotation_quota.rate")
        ]


def test_the_schema_documents_only_the_one_error_shape(client: TestClient) -> None:
    schema = client.app.openapi()
    assert "HTTPValidationError" not in schema["components"]["schemas"]
    error_refs = set()
    for path, operations in schema["paths"].items():
        for method, operation in operations.items():
            for status, answer in operation["responses"].items():
                if not status.startswith(("4", "5")):
                    continue
                assert list(answer["content"]) == ["application/problem+json"], (method, path, status)
                content = answer["content"]["application/problem+json"]
                error_refs.add(content["schema"]["$ref"])
                assert content["example"]["error"], (method, path, status)
    assert error_refs == {"#/components/schemas/ProblemDetails"}
