"""What-if routes: variants, batches, comparisons, re-plans and diffs, on the two-school county.

two_school_county(urban_spare=3) without hires: U1 (urban) has 10 eligible math teachers of whom
7 are needed, R1 (rural) is 2 math teachers short. With the default 10 % quota the optimal plan
moves 2 teachers (both shortage posts); with a 30 % quota and departure cap it moves 3.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

from fastapi.testclient import TestClient

from api.db import PlanJob
from optimizer.io import scenario_to_document
from tests.tiny import NO_HIRES, two_school_county

Headers = dict[str, str]
HIGHER_QUOTA = ["rotation_quota.rate=0.3", "capacity.max_departure_share=0.3"]


def create_scenario(client: TestClient, headers: Headers, region: str = "东区") -> str:
    document = scenario_to_document(two_school_county(urban_spare=3, overrides=[NO_HIRES]))
    for school in document["schools"]:
        school["region"] = region
    response = client.post("/v1/scenarios", json=document, headers=headers)
    assert response.status_code == 201, response.text
    return response.json()["id"]


def wait_done(client: TestClient, headers: Headers, plan_id: str, deadline: float = 60.0) -> dict[str, Any]:
    stop = time.monotonic() + deadline
    while time.monotonic() < stop:
        document = client.get(f"/v1/plans/{plan_id}", headers=headers).json()
        if document["status"] not in ("queued", "running"):
            assert document["status"] == "done", document
            return document
        time.sleep(0.1)
    raise AssertionError(f"plan {plan_id} not done within {deadline} s")


def solve_plan(client: TestClient, headers: Headers, scenario_id: str) -> dict[str, Any]:
    response = client.post(
        "/v1/plans", json={"scenario_id": scenario_id, "time_limit": 5, "seed": 1}, headers=headers
    )
    assert response.status_code == 202, response.text
    return wait_done(client, headers, response.json()["id"])


def test_variants_are_created_from_edits_and_listed(
    client: TestClient, make_key: Callable[..., Headers]
) -> None:
    headers = make_key("东区")
    parent = create_scenario(client, headers)
    edits = {
        "overrides": HIGHER_QUOTA,
        "set_demand": [{"school_id": "R1", "subject": "music", "required": 1}],
    }

    response = client.post(
        f"/v1/scenarios/{parent}/variants", json={"label": "quota 30 %", "edits": edits}, headers=headers
    )

    assert response.status_code == 201, response.text
    variant = response.json()
    assert (variant["name"], variant["parent_id"], variant["changes"]) == ("quota 30 %", parent, edits)
    document = client.get(f"/v1/scenarios/{variant['id']}", headers=headers).json()["document"]
    assert document["policy"]["rules"]["rotation_quota"]["rate"] == 0.3
    assert {"school_id": "R1", "subject": "music", "required": 1} in document["demand"]
    unnamed = client.post(f"/v1/scenarios/{parent}/variants", json={"edits": {}}, headers=headers).json()
    assert unnamed["name"] == "tiny (variant)"
    listed = client.get(f"/v1/scenarios/{parent}/variants", headers=headers).json()["items"]
    assert [item["id"] for item in listed] == [variant["id"], unnamed["id"]]
    assert client.get(f"/v1/scenarios/{variant['id']}/variants", headers=headers).json()["items"] == []


def test_a_batch_of_two_is_solved_and_compared(client: TestClient, make_key: Callable[..., Headers]) -> None:
    headers = make_key("东区")
    base = create_scenario(client, headers)
    variant = client.post(
        f"/v1/scenarios/{base}/variants", json={"edits": {"overrides": HIGHER_QUOTA}}, headers=headers
    ).json()["id"]

    response = client.post(
        "/v1/batches", json={"scenario_ids": [base, variant], "time_limit": 5}, headers=headers
    )

    assert response.status_code == 202, response.text
    jobs = response.json()["jobs"]
    assert [job["scenario_id"] for job in jobs] == [base, variant]
    plan_ids = [job["id"] for job in jobs]
    for plan_id in plan_ids:
        wait_done(client, headers, plan_id)
    response = client.post("/v1/comparisons", json={"plan_ids": plan_ids}, headers=headers)
    assert response.status_code == 200, response.text
    comparison = response.json()
    plans = comparison["plans"]
    assert [p["plan_id"] for p in plans] == plan_ids
    assert [p["rotating"] for p in plans] == [2, 3]
    assert [(p["shortage_filled"], p["shortage_total"]) for p in plans] == [(2, 2), (2, 2)]
    assert [p["rural"]["headcount_after"] for p in plans] == [3, 4]
    assert all(p["status"] == "optimal" for p in plans) and plans[0]["violations"] == []
    # The third teacher the higher quota moves arrives above R1's need (staffing_balance, elastic).
    assert [(v["rule"], v["count"]) for v in plans[1]["violations"]] == [("staffing_balance", 1)]
    assert plans[0]["shortage_by_subject"] == [{"subject": "math", "before": 2, "after": 0, "filled": 2}]
    [overlap] = comparison["overlaps"]
    assert (overlap["first"], overlap["second"]) == tuple(plan_ids)
    assert overlap["common"] + overlap["only_first"] == 2
    assert overlap["common"] + overlap["only_second"] == 3


def test_replan_after_a_withdrawal_keeps_the_other_moves(
    client: TestClient, make_key: Callable[..., Headers]
) -> None:
    headers = make_key("东区")
    scenario_id = create_scenario(client, headers)
    first = solve_plan(client, headers, scenario_id)
    withdrawn, kept = first["moves"]

    response = client.post(
        f"/v1/plans/{first['id']}/replan",
        json={"edits": {"withdraw": [withdrawn["teacher_id"]]}, "change_weight": 50, "time_limit": 5},
        headers=headers,
    )

    assert response.status_code == 202, response.text
    accepted = response.json()
    assert accepted["previous_plan_id"] == first["id"]
    variant = client.get(f"/v1/scenarios/{accepted['scenario_id']}", headers=headers).json()
    assert variant["parent_id"] == scenario_id
    assert {"teacher_id": withdrawn["teacher_id"], "action": "stay", "school_id": None} in variant[
        "document"
    ]["pins"]
    second = wait_done(client, headers, accepted["id"])
    moving = {m["teacher_id"]: m for m in second["moves"]}
    assert withdrawn["teacher_id"] not in moving
    assert moving[kept["teacher_id"]]["to_school"] == kept["to_school"]
    assert len(moving) == 2

    diff = client.get(f"/v1/plans/{accepted['id']}/diff", headers=headers).json()
    assert diff["against"] == first["id"]
    assert [m["teacher_id"] for m in diff["removed"]] == [withdrawn["teacher_id"]]
    assert len(diff["added"]) == 1 and diff["redirected"] == []
    assert (diff["unchanged"], diff["changed"]) == (1, 2)
    reverse = client.get(f"/v1/plans/{first['id']}/diff?against={accepted['id']}", headers=headers).json()
    assert [m["teacher_id"] for m in reverse["added"]] == [withdrawn["teacher_id"]]


def test_diff_without_a_previous_plan_asks_for_one(
    client: TestClient, make_key: Callable[..., Headers]
) -> None:
    headers = make_key("东区")
    plan = solve_plan(client, headers, create_scenario(client, headers))
    response = client.get(f"/v1/plans/{plan['id']}/diff", headers=headers)
    assert response.status_code == 422
    assert response.json()["problems"][0]["column"] == "against"
    itself = client.get(f"/v1/plans/{plan['id']}/diff?against={plan['id']}", headers=headers).json()
    assert (itself["changed"], itself["unchanged"]) == (0, 2)


def test_unfinished_plans_cannot_be_compared_or_replanned(
    client: TestClient, make_key: Callable[..., Headers]
) -> None:
    headers = make_key("东区")
    scenario_id = create_scenario(client, headers)
    done = solve_plan(client, headers, scenario_id)
    with client.app.state.database.session() as session:
        failed = PlanJob(scenario_id=scenario_id, regions=["东区"], status="failed", request={}, progress={})
        session.add(failed)
        session.flush()
        failed_id = failed.id

    compared = client.post("/v1/comparisons", json={"plan_ids": [done["id"], failed_id]}, headers=headers)
    assert compared.status_code == 409
    assert failed_id in compared.json()["message"]
    assert client.post(f"/v1/plans/{failed_id}/replan", json={}, headers=headers).status_code == 409
    assert client.get(f"/v1/plans/{done['id']}/diff?against={failed_id}", headers=headers).status_code == 409


def test_bad_edits_are_422_with_every_problem(client: TestClient, make_key: Callable[..., Headers]) -> None:
    headers = make_key("东区")
    scenario_id = create_scenario(client, headers)
    edits = {
        "remove_schools": ["R1"],
        "withdraw": ["nobody"],
        "add_teachers": [{"teacher_id": "N1", "school_id": "R1", "subject": "math", "gender": "X"}],
        "overrides": ["rotation_quota.rate=2"],
    }

    response = client.post(f"/v1/scenarios/{scenario_id}/variants", json={"edits": edits}, headers=headers)

    assert response.status_code == 422
    body = response.json()
    assert body["error"] == "invalid_scenario"
    places = {(p["file"], p["row"], p["column"]) for p in body["problems"]}
    assert {
        ("edits.overrides", 0, "rotation_quota.rate"),
        ("edits.add_teachers", 0, "gender"),
        ("edits.add_teachers", 0, "stage"),
        ("edits.remove_schools", 0, "school_id"),
        ("edits.withdraw", 0, "teacher_id"),
    } <= places
    assert client.get(f"/v1/scenarios/{scenario_id}/variants", headers=headers).json()["items"] == []
    shape = client.post(
        f"/v1/scenarios/{scenario_id}/variants", json={"edits": {"rename": []}}, headers=headers
    )
    assert shape.status_code == 422 and shape.json()["error"] == "invalid_scenario"
    assert [(p["file"], p["column"]) for p in shape.json()["problems"]] == [("edits", "rename")]

    plan = solve_plan(client, headers, scenario_id)
    replanned = client.post(f"/v1/plans/{plan['id']}/replan", json={"edits": edits}, headers=headers)
    assert replanned.status_code == 422 and replanned.json()["problems"]


def test_a_variant_in_a_region_the_key_lacks_is_forbidden(
    client: TestClient, make_key: Callable[..., Headers]
) -> None:
    headers = make_key("东区")
    scenario_id = create_scenario(client, headers)
    school = {
        "school_id": "W1",
        "name": "西村小学",
        "region": "西区",
        "area": "rural",
        "is_weak": 0,
        "stage": "primary",
        "establishment": 3,
    }
    response = client.post(
        f"/v1/scenarios/{scenario_id}/variants", json={"edits": {"add_schools": [school]}}, headers=headers
    )
    assert response.status_code == 403
    admin = make_key(admin=True)
    assert (
        client.post(
            f"/v1/scenarios/{scenario_id}/variants", json={"edits": {"add_schools": [school]}}, headers=admin
        ).status_code
        == 201
    )


def test_another_regions_key_gets_404_on_every_route(
    client: TestClient, make_key: Callable[..., Headers]
) -> None:
    owner, stranger = make_key("东区"), make_key("西区")
    scenario_id = create_scenario(client, owner)
    plan = solve_plan(client, owner, scenario_id)
    own_plan = solve_plan(client, stranger, create_scenario(client, stranger, region="西区"))
    requests = [
        ("post", f"/v1/scenarios/{scenario_id}/variants", {"edits": {}}),
        ("get", f"/v1/scenarios/{scenario_id}/variants", None),
        ("post", "/v1/batches", {"scenario_ids": [scenario_id]}),
        ("post", "/v1/comparisons", {"plan_ids": [plan["id"]]}),
        ("post", f"/v1/plans/{plan['id']}/replan", {"edits": {"withdraw": ["T01"]}}),
        ("get", f"/v1/plans/{plan['id']}/diff?against={plan['id']}", None),
        ("get", f"/v1/plans/{own_plan['id']}/diff?against={plan['id']}", None),
        ("post", "/v1/comparisons", {"plan_ids": [own_plan["id"], plan["id"]]}),
    ]
    for method, url, body in requests:
        response = client.request(method, url, json=body, headers=stranger)
        assert response.status_code == 404, (method, url, response.text)
    assert (
        client.get(f"/v1/scenarios/{scenario_id}/variants", headers={"X-API-Key": "rk_bad_key"}).status_code
        == 401
    )


def test_a_plan_identical_to_its_base_says_what_it_was_made_from(
    client: TestClient, make_key: Callable[..., Headers]
) -> None:
    """A 15 % quota moves the same 2 teachers as the default 10 % (both needed by R1's shortage):
    its plan names the plan it was made from. A 30 % quota moves a third: its plan does not."""
    headers = make_key("东区")
    base_id = create_scenario(client, headers)
    base = solve_plan(client, headers, base_id)
    no_effect = ["rotation_quota.rate=0.15"]
    variant = client.post(
        f"/v1/scenarios/{base_id}/variants", json={"edits": {"overrides": no_effect}}, headers=headers
    ).json()["id"]
    effective = client.post(
        f"/v1/scenarios/{base_id}/variants", json={"edits": {"overrides": HIGHER_QUOTA}}, headers=headers
    ).json()["id"]

    same = solve_plan(client, headers, variant)
    different = solve_plan(client, headers, effective)
    response = client.post(
        "/v1/plans",
        json={"scenario_id": base_id, "overrides": no_effect, "time_limit": 5, "seed": 1},
        headers=headers,
    )
    overridden = wait_done(client, headers, response.json()["id"])

    assert same["unchanged_from"] == {
        "plan_id": base["id"],
        "scenario_id": base_id,
        "name": "tiny",
        "overrides": [],
        "changes": {"overrides": no_effect},
    }
    assert overridden["unchanged_from"]["plan_id"] == base["id"]
    assert overridden["unchanged_from"]["changes"] == {"overrides": no_effect}
    assert "unchanged_from" not in different
    assert "unchanged_from" not in client.get(f"/v1/plans/{base['id']}", headers=headers).json()
