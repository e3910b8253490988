"""/v1/roadmaps: a roadmap job runs to done with its progress per year, each year's plan is an
ordinary plan, other regions get 404, bad requests 422, and a DELETE cancels.

The county is tests/test_roadmap.py's: its young urban principal may rotate only next year, and
the target (every rural leader young) falls due next year, so a 2-year roadmap meets it in its
second year."""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from fastapi.testclient import TestClient

from api.config import Settings
from optimizer.io import load_bundle, scenario_to_document
from tests.api.test_plans import create_scenario, idle_client
from tests.api.test_reliability_jobs import kill_run
from tests.test_roadmap import cooled_down_county
from tests.tiny import YEAR

Headers = dict[str, str]
REGION = "东区"
FINISHED = ("done", "cancelled", "failed")
HISTORY_COUNTY = Path(__file__).resolve().parents[2] / "scenarios" / "history-county"


def roadmap_document() -> dict[str, Any]:
    return scenario_to_document(cooled_down_county(YEAR + 1))


def submit(client: TestClient, headers: Headers, **body: Any) -> str:
    response = client.post("/v1/roadmaps", json={"years": 2, "time_limit": 5, **body}, headers=headers)
    assert response.status_code == 202, response.text
    assert response.headers["location"].endswith(f"/v1/roadmaps/{response.json()['id']}")
    return response.json()["id"]


def wait_for(
    client: TestClient,
    headers: Headers,
    roadmap_id: str,
    until: Callable[[dict[str, Any]], bool] = lambda job: job["status"] in FINISHED,
    timeout: float = 90.0,
) -> list[dict[str, Any]]:
    """Every answer polled until `until` holds, within `timeout` seconds."""
    deadline = time.monotonic() + timeout
    seen = []
    while True:
        response = client.get(f"/v1/roadmaps/{roadmap_id}", headers=headers)
        assert response.status_code == 200, response.text
        seen.append(response.json())
        if until(seen[-1]):
            return seen
        assert time.monotonic() < deadline, f"roadmap {roadmap_id} still {seen[-1]['status']}"
        time.sleep(0.05)


def test_a_roadmap_runs_to_done_with_progress_per_year_and_each_years_plan(
    client: TestClient, make_key: Callable[..., Headers]
) -> None:
    headers = make_key(REGION)
    scenario_id = create_scenario(client, headers, roadmap_document())
    retry = headers | {"Idempotency-Key": "roadmap-1"}
    roadmap_id = submit(client, retry, scenario_id=scenario_id, method="rolling")
    assert submit(client, retry, scenario_id=scenario_id, method="rolling") == roadmap_id

    seen = wait_for(client, headers, roadmap_id)
    done = seen[-1]
    assert done["status"] == "done", done
    assert done["progress"]["years"] == 2 and done["progress"]["years_done"] == 2
    # The years' standings came one by one, the first before the roadmap was done.
    partial = [job for job in seen if job["progress"]["years_done"] == 1]
    assert all(job["status"] == "running" and job["result"] is None for job in partial)
    result = done["result"]
    (target,) = result["targets"]
    assert (target["met_in"], target["on_time"]) == (YEAR + 1, True)
    assert [year["year"] for year in result["years"]] == [YEAR, YEAR + 1]
    assert [year["indicators"][0]["met"] for year in result["years"]] == [False, True]

    first, second = result["years"]
    assert first["scenario_id"] == scenario_id  # the first year is planned on the scenario itself
    plan = client.get(f"/v1/plans/{second['plan_id']}", headers=headers).json()
    assert plan["status"] == "done" and plan["summary"]["year"] == YEAR + 1
    assert plan["scenario_id"] == second["scenario_id"] != scenario_id
    assert "P_U" in {move["teacher_id"] for move in plan["moves"]}
    assert plan["request"]["roadmap_id"] == roadmap_id
    csv = client.get(f"/v1/plans/{second['plan_id']}/export?format=csv", headers=headers)
    assert csv.status_code == 200 and "P_U" in csv.text
    scenario = client.get(f"/v1/scenarios/{second['scenario_id']}", headers=headers).json()
    assert scenario["year"] == YEAR + 1
    ledger = client.get(f"/v1/roadmaps/{roadmap_id}/ledger", headers=headers).json()
    assert (ledger["year"], ledger["plan_id"]) == (YEAR + 1, second["plan_id"])
    moved = {line["teacher_id"]: line["moves_to"] for line in ledger["teachers"]}
    assert moved["P_U"] == next(m["to_school"] for m in plan["moves"] if m["teacher_id"] == "P_U")
    first_ledger = client.get(f"/v1/roadmaps/{roadmap_id}/ledger?year={YEAR}", headers=headers).json()
    assert first_ledger["plan_id"] == first["plan_id"] and first_ledger["teachers"]
    unknown = client.get(f"/v1/roadmaps/{roadmap_id}/ledger?year={YEAR + 5}", headers=headers)
    assert (unknown.status_code, unknown.json()["problems"][0]["column"]) == (422, "year")
    # The roadmap is no plan: the plan routes and the plan list do not show it.
    assert client.get(f"/v1/plans/{roadmap_id}", headers=headers).status_code == 404
    listed = client.get("/v1/plans", headers=headers).json()["items"]
    assert {item["id"] for item in listed} == {first["plan_id"], second["plan_id"]}

    listed = client.get(f"/v1/roadmaps?scenario_id={scenario_id}", headers=headers).json()
    assert [(r["id"], r["years"], r["years_done"], r["status"]) for r in listed["items"]] == [
        (roadmap_id, 2, 2, "done")
    ]
    other = make_key("西区")
    assert client.get("/v1/roadmaps", headers=other).json()["items"] == []
    assert client.get(f"/v1/roadmaps/{roadmap_id}", headers=other).status_code == 404
    assert client.delete(f"/v1/roadmaps/{roadmap_id}", headers=other).status_code == 404
    refused = client.post("/v1/roadmaps", json={"scenario_id": scenario_id, "years": 1}, headers=other)
    assert refused.status_code == 404
    assert client.get(f"/v1/roadmaps/{first['plan_id']}", headers=headers).status_code == 404


def test_bad_requests_are_422_and_queue_nothing(settings: Settings) -> None:
    with idle_client(settings) as (client, headers):
        scenario_id = create_scenario(client, headers)
        for body in (
            {"years": 0},
            {"years": 11},
            {"years": "2"},
            {"years": 2, "method": "joint"},
            {"years": 2, "time_limit": 0.5},
            {"years": 2, "time_limit": 61},
            {"years": 2, "unknown": 1},
        ):
            response = client.post("/v1/roadmaps", json={"scenario_id": scenario_id, **body}, headers=headers)
            assert response.status_code == 422, (body, response.text)
            assert response.headers["content-type"].startswith("application/problem+json")
        english = client.post(
            "/v1/roadmaps",
            json={"scenario_id": scenario_id, "years": 11},
            headers=headers,
            params={"lang": "en"},
        ).json()
        assert english["problems"][0]["column"] == "years"
        assert client.get("/v1/status", headers=headers).json()["queued"] == 0


def test_a_queued_roadmap_cancels_at_once_and_a_finished_one_is_deleted(settings: Settings) -> None:
    with idle_client(settings) as (client, headers):
        roadmap_id = submit(client, headers, scenario_id=create_scenario(client, headers))
        assert client.get("/v1/status", headers=headers).json()["queued"] == 1
        response = client.delete(f"/v1/roadmaps/{roadmap_id}", headers=headers)
        assert response.status_code == 202 and response.json() == {"id": roadmap_id, "status": "cancelled"}
        job = client.get(f"/v1/roadmaps/{roadmap_id}", headers=headers).json()
        assert job["status"] == "cancelled" and job["result"] is None and job["finished_at"]
        not_done = client.get(f"/v1/roadmaps/{roadmap_id}/ledger", headers=headers)
        assert (not_done.status_code, not_done.json()["error"]) == (409, "no_roadmap")
        # A plan's DELETE does not reach a roadmap.
        assert client.delete(f"/v1/plans/{roadmap_id}", headers=headers).status_code == 404


def history_roadmap(client: TestClient, headers: Headers, years: int) -> str:
    """A rolling roadmap of the shipped history county (a year takes seconds), started."""
    history = scenario_to_document(load_bundle(HISTORY_COUNTY))
    scenario_id = create_scenario(client, headers, history)
    return submit(client, headers, scenario_id=scenario_id, years=years, method="rolling")


def plan_ids(client: TestClient, headers: Headers) -> set[str]:
    return {item["id"] for item in client.get("/v1/plans", headers=headers).json()["items"]}


def test_a_running_roadmap_cancels_and_keeps_the_years_it_planned(
    client: TestClient, make_key: Callable[..., Headers]
) -> None:
    headers = make_key("青山县")
    roadmap_id = history_roadmap(client, headers, years=3)
    running = wait_for(client, headers, roadmap_id, lambda job: job["progress"]["years_done"] >= 1)[-1]
    # A year is an ordinary plan as soon as it is planned, while the next one is planned.
    first = running["progress"]["done"][0]
    assert client.get(f"/v1/plans/{first['plan_id']}", headers=headers).json()["status"] == "done"
    response = client.delete(f"/v1/roadmaps/{roadmap_id}", headers=headers)
    assert response.status_code == 202 and response.json()["status"] in ("cancelling", "cancelled")
    job = wait_for(client, headers, roadmap_id, timeout=30)[-1]
    assert job["status"] == "cancelled", job
    years = job["result"]["years"]
    assert 1 <= len(years) < 3 and years[0]["plan_id"] == first["plan_id"]
    (target,) = job["result"]["targets"]
    assert target["on_time"] is False  # its year lies beyond the years planned
    assert plan_ids(client, headers) == {year["plan_id"] for year in years}
    ledger = client.get(f"/v1/roadmaps/{roadmap_id}/ledger", headers=headers)
    assert ledger.status_code == 200 and ledger.json()["plan_id"] == years[-1]["plan_id"]


def test_auto_keeps_only_the_years_of_the_pass_it_chose(
    client: TestClient, make_key: Callable[..., Headers]
) -> None:
    headers = make_key(REGION)
    # No leader is young: rolling misses the target, so auto plans the years again with a path.
    document = scenario_to_document(cooled_down_county(YEAR + 1, urban_principal_age=50))
    scenario_id = create_scenario(client, headers, document)
    roadmap_id = submit(client, headers, scenario_id=scenario_id, method="auto")
    seen = wait_for(client, headers, roadmap_id)
    assert any(job["progress"]["method"] == "path" for job in seen)
    years = seen[-1]["result"]["years"]
    assert len(years) == 2 and plan_ids(client, headers) == {year["plan_id"] for year in years}
    scenarios = client.get("/v1/scenarios", headers=headers).json()["items"]
    assert {item["id"] for item in scenarios} == {scenario_id} | {year["scenario_id"] for year in years}


def test_a_roadmap_run_again_after_its_process_died_keeps_only_its_own_years(
    client: TestClient, make_key: Callable[..., Headers]
) -> None:
    headers = make_key("青山县")
    roadmap_id = history_roadmap(client, headers, years=2)
    wait_for(client, headers, roadmap_id, lambda job: job["progress"]["years_done"] >= 1)
    kill_run(client, roadmap_id, 1)
    done = wait_for(client, headers, roadmap_id, timeout=120)[-1]
    assert (done["status"], done["attempts"]) == ("done", 2), done
    years = done["result"]["years"]
    assert len(years) == 2 and plan_ids(client, headers) == {year["plan_id"] for year in years}
