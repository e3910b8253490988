"""POST /v1/plans/check (issue 15, item 5): a plan the caller sends, such as a stored plan edited
on the page, is judged by every rule without solving; an unknown teacher or school is a 422 that
names its place in the body."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from fastapi.testclient import TestClient

from tests.api.test_plans import create_scenario

MakeKey = Callable[..., dict[str, str]]


def move(teacher_id: str, to_school: str, from_school: str = "U1") -> dict[str, Any]:
    return {
        "teacher_id": teacher_id,
        "from_school": from_school,
        "to_school": to_school,
        "subject": "math",
        "term_years": 3,
    }


def test_a_sent_plan_is_judged_by_every_rule(client: TestClient, make_key: MakeKey) -> None:
    headers = make_key("东区")
    scenario_id = create_scenario(client, headers)
    both = client.post(
        "/v1/plans/check",
        json={"scenario_id": scenario_id, "moves": [move("T00", "R1"), move("T01", "R2")]},
        headers=headers,
    )
    assert both.status_code == 200, both.text
    answer = both.json()
    assert answer["summary"]["rotating"] == 2
    assert answer["summary"]["status"] == "feasible"
    assert {row["rule"] for row in answer["report"]} >= {"rotation_quota", "coverage"}
    # The same plan with one move taken out fills one rural post less: it costs more.
    one = client.post(
        "/v1/plans/check", json={"scenario_id": scenario_id, "moves": [move("T00", "R1")]}, headers=headers
    ).json()
    assert one["summary"]["rotating"] == 1
    assert one["summary"]["objective"] > answer["summary"]["objective"]
    # Another region's key does not see the scenario.
    other = client.post(
        "/v1/plans/check", json={"scenario_id": scenario_id, "moves": []}, headers=make_key("西区")
    )
    assert other.status_code == 404


def test_an_unknown_teacher_or_school_is_named_by_its_place(client: TestClient, make_key: MakeKey) -> None:
    headers = make_key("东区")
    scenario_id = create_scenario(client, headers)
    answer = client.post(
        "/v1/plans/check",
        json={"scenario_id": scenario_id, "moves": [move("T00", "R1"), move("T99", "NOWHERE")]},
        headers={**headers, "Accept-Language": "en"},
    )
    assert answer.status_code == 422, answer.text
    places = [(p["file"], p["row"], p["column"]) for p in answer.json()["problems"]]
    assert places == [("body.moves", 1, "teacher_id"), ("body.moves", 1, "to_school")]
    assert "T99" in answer.json()["problems"][0]["message"]
