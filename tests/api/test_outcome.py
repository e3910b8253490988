"""GET /v1/plans/{id}/outcome: one plan's comparison figures and every school before and after."""

from __future__ import annotations

from collections.abc import Callable

from fastapi.testclient import TestClient

from api.db import PlanJob
from tests.api.test_variants import create_scenario, solve_plan

MakeKey = Callable[..., dict[str, str]]


def test_the_outcome_agrees_with_the_comparison_and_the_moves(client: TestClient, make_key: MakeKey) -> None:
    headers = make_key("东区")
    plan = solve_plan(client, headers, create_scenario(client, headers))
    answer = client.get(f"/v1/plans/{plan['id']}/outcome", headers=headers)
    assert answer.status_code == 200, answer.text
    outcome = answer.json()
    compared = client.post("/v1/comparisons", json={"plan_ids": [plan["id"]]}, headers=headers).json()
    assert outcome["figures"] == compared["plans"][0]
    schools = {school["school_id"]: school for school in outcome["schools"]}
    assert set(schools) == {"U1", "R1"}
    moved = [move["teacher_id"] for move in plan["moves"]]
    assert sorted(schools["U1"]["moves_out"]) == sorted(moved) == sorted(schools["R1"]["moves_in"])
    for school in schools.values():
        change = len(school["moves_in"]) - len(school["moves_out"])
        assert school["headcount_after"] == school["headcount_before"] + change
    math = next(s for s in schools["R1"]["subjects"] if s["subject"] == "math")
    assert (math["shortage_before"], math["shortage_after"]) == (2, 0)


def test_a_job_without_a_plan_is_409(client: TestClient, make_key: MakeKey) -> None:
    """A failed job, stored directly: it has no plan, so nothing to chart."""
    headers = make_key("东区")
    scenario_id = create_scenario(client, headers)
    with client.app.state.database.session() as session:
        job = PlanJob(scenario_id=scenario_id, regions=["东区"], status="failed", request={}, progress={})
        session.add(job)
        session.flush()
        job_id = job.id
    answer = client.get(f"/v1/plans/{job_id}/outcome", headers=headers)
    assert answer.status_code == 409, answer.text
    body = answer.json()
    assert {key: body[key] for key in ("error", "message", "problems")} == {
        "error": "no_plan",
        "message": f"方案任务 {job_id} 尚无方案(状态 failed)",  # Chinese by default
        "problems": [],
    }
