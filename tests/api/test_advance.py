"""POST /v1/scenarios/{id}/advance: next year's scenario from a solved plan."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from fastapi.testclient import TestClient

from optimizer.advance import advance
from optimizer.io import load_document
from optimizer.plan import Plan
from tests.api.test_variants import create_scenario, solve_plan

Headers = dict[str, str]


def test_advance_stores_next_years_scenario_and_refuses_other_plans(
    client: TestClient, make_key: Callable[..., Headers]
) -> None:
    headers = make_key("东区")
    scenario_id = create_scenario(client, headers)
    solved = solve_plan(client, headers, scenario_id)
    assert solved["moves"]
    url = f"/v1/scenarios/{scenario_id}/advance"
    retry = headers | {"Idempotency-Key": "advance-1"}
    response = client.post(url, json={"plan_id": solved["id"]}, headers=retry)
    assert response.status_code == 201, response.text
    created = response.json()
    assert response.headers["Location"].endswith(f"/v1/scenarios/{created['id']}")
    assert (created["year"], created["parent_id"]) == (2026, scenario_id)
    again = client.post(url, json={"plan_id": solved["id"]}, headers=retry)
    assert (again.status_code, again.json()["id"]) == (201, created["id"])

    document = client.get(response.headers["Location"], headers=headers).json()["document"]
    this_year = load_document(client.get(f"/v1/scenarios/{scenario_id}", headers=headers).json()["document"])
    without_plan = advance(this_year, Plan(()))
    following = load_document(document)
    for move in solved["moves"]:
        teacher = following.teacher_by_id[move["teacher_id"]]
        assert (teacher.school_id, teacher.on_rotation_from) == (move["to_school"], move["from_school"])
        assert without_plan.teacher_by_id[move["teacher_id"]].school_id == move["from_school"]
    assert following.pins == ()
    refused(client, make_key, headers, scenario_id, create_scenario(client, headers), solved)


def refused(
    client: TestClient,
    make_key: Callable[..., Headers],
    headers: Headers,
    first: str,
    second: str,
    solved: dict[str, Any],
) -> None:
    """Another scenario's plan is 422, an unknown plan or another region's scenario 404, a plan id
    that is not one 422 (checked on the test's one solved plan: a solve is the slow part)."""
    response = client.post(
        f"/v1/scenarios/{second}/advance",
        json={"plan_id": solved["id"]},
        headers=headers,
        params={"lang": "en"},
    )
    assert response.status_code == 422
    assert response.headers["content-type"].startswith("application/problem+json")
    problem = response.json()["problems"][0]
    assert (problem["code"], problem["column"]) == ("other_scenario", "plan_id")
    assert "is another scenario's" in problem["message"]
    missing = client.post(f"/v1/scenarios/{first}/advance", json={"plan_id": "0" * 32}, headers=headers)
    assert (missing.status_code, missing.json()["error"]) == (404, "not_found")
    other_region = make_key("西区")
    hidden = client.post(
        f"/v1/scenarios/{first}/advance", json={"plan_id": solved["id"]}, headers=other_region
    )
    assert hidden.status_code == 404
    bad = client.post(f"/v1/scenarios/{first}/advance", json={"plan_id": 7}, headers=headers)
    assert bad.status_code == 422
