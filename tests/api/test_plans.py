"""/v1/plans: jobs from submit to plan, progress, cancel, exports, recommendations, limits and scopes.

Tiny scenarios solve in milliseconds (a job's time goes to starting its worker process); the
demo county with a 30 s limit is the job still running when progress and cancel are checked.
"""

from __future__ import annotations

import csv
import io
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import replace
from pathlib import Path
from typing import Any

from fastapi.testclient import TestClient
from openpyxl import load_workbook

from api.config import Settings
from api.db import PlanJob
from api.main import create_app
from api.security import create_key
from optimizer.io import load_bundle, scenario_to_document
from optimizer.io.ledger_csv import COMPLAINT_COLUMNS, LEDGER_COLUMNS
from optimizer.io.plan_csv import PLAN_COLUMNS
from tests.tiny import NO_HIRES, scenario, school, teacher

REGION = "东区"
DEMO_COUNTY = Path(__file__).resolve().parents[2] / "scenarios" / "demo-county"
FINISHED = ("done", "cancelled", "failed")
Headers = dict[str, str]


def county_document() -> dict[str, Any]:
    """One urban school of ten math teachers of whom eight are needed, two rural schools one math
    teacher short each, no hiring (tiny.NO_HIRES): the plan moves two teachers, and each has the
    other rural school as an alternative."""
    schools = [
        school("U1", "urban", establishment=8),
        school("R1", "rural", establishment=5, lat=30.2),
        school("R2", "rural", establishment=5, lat=30.3),
    ]
    teachers = [teacher(f"T{i:02d}", "U1", is_backbone=i < 3) for i in range(10)]
    teachers += [teacher("R00", "R1", is_backbone=True), teacher("R01", "R2", is_backbone=True)]
    demand = {("U1", "math"): 8, ("R1", "math"): 2, ("R2", "math"): 2}
    return scenario_to_document(scenario(schools, teachers, demand, overrides=[NO_HIRES]))


def demo_document() -> dict[str, Any]:
    """The shipped demo county (600 teachers): with 2 CP-SAT workers it runs its whole time limit."""
    return scenario_to_document(load_bundle(DEMO_COUNTY))


def create_scenario(client: TestClient, headers: Headers, document: dict[str, Any] | None = None) -> str:
    response = client.post("/v1/scenarios", json=document or county_document(), headers=headers)
    assert response.status_code == 201, response.text
    return response.json()["id"]


def stayer(client: TestClient, headers: Headers, job_id: str) -> str:
    """An urban teacher the plan leaves in place: which of the interchangeable ones move depends on
    how the solver breaks ties between equally good plans."""
    moves = client.get(f"/v1/plans/{job_id}", headers=headers).json()["moves"]
    moved = {move["teacher_id"] for move in moves}
    return next(f"T{i:02d}" for i in range(10) if f"T{i:02d}" not in moved)


def submit(client: TestClient, headers: Headers, **body: Any) -> str:
    response = client.post("/v1/plans", json={"time_limit": 5, **body}, headers=headers)
    assert response.status_code == 202, response.text
    assert response.json()["status"] == "queued"
    assert response.headers["location"].endswith(f"/v1/plans/{response.json()['id']}")
    return response.json()["id"]


def wait_for(
    client: TestClient,
    headers: Headers,
    job_id: str,
    until: Callable[[dict[str, Any]], bool] = lambda job: job["status"] in FINISHED,
    timeout: float = 90.0,
) -> dict[str, Any]:
    """Poll the job until `until` holds (by default: it finished), within `timeout` seconds."""
    deadline = time.monotonic() + timeout
    while True:
        response = client.get(f"/v1/plans/{job_id}", headers=headers)
        assert response.status_code == 200, response.text
        job = response.json()
        if until(job):
            return job
        assert time.monotonic() < deadline, f"job {job_id} still {job['status']}: {job['progress']}"
        time.sleep(0.1)


def solved(client: TestClient, headers: Headers, **body: Any) -> str:
    """A finished job on the tiny county (or the scenario given)."""
    body.setdefault("scenario_id", create_scenario(client, headers))
    job_id = submit(client, headers, **body)
    assert wait_for(client, headers, job_id)["status"] == "done"
    return job_id


@contextmanager
def idle_client(settings: Settings, **changes: Any) -> Iterator[tuple[TestClient, Headers]]:
    """A service whose dispatcher does not come round during the test: submitted jobs stay queued."""
    with TestClient(create_app(replace(settings, poll_seconds=3600, **changes))) as client:
        with client.app.state.database.session() as session:
            key = create_key(session, [REGION])
        yield client, {"X-API-Key": key}


def test_a_submitted_job_solves_to_the_plan_document(
    client: TestClient, make_key: Callable[..., Headers]
) -> None:
    headers = make_key(REGION)
    scenario_id = create_scenario(client, headers)
    job_id = submit(client, headers, scenario_id=scenario_id, seed=3, label="baseline")
    job = wait_for(client, headers, job_id)
    assert job["status"] == "done", job
    assert job["scenario_id"] == scenario_id and job["label"] == "baseline" and job["attempts"] == 1
    assert job["request"] == {
        "overrides": [],
        "time_limit": 5.0,
        "seed": 3,
        "engine": "auto",
        "previous_plan_id": None,
        "change_weight": None,
        "label": "baseline",
    }
    assert job["summary"]["status"] == "optimal" and job["summary"]["rotating"] == 2
    assert job["progress"]["objective"] == job["summary"]["objective"]
    assert {m["to_school"] for m in job["moves"]} == {"R1", "R2"}
    assert all(m["from_school"] == "U1" and m["reason"] for m in job["moves"])
    assert {row["rule"] for row in job["report"]} >= {"rotation_quota", "shortage", "capacity"}
    assert all(row["status"] in ("met", "violated", "not_applicable") for row in job["report"])
    assert job["conflicts"] == [] and job["relaxations"] == [] and job["error"] is None
    assert job["finished_at"] >= job["started_at"] >= job["created_at"]


def test_overrides_reach_the_solve(client: TestClient, make_key: Callable[..., Headers]) -> None:
    headers = make_key(REGION)
    job_id = solved(client, headers, overrides=["rotation_quota.rate=0.15"])
    report = client.get(f"/v1/plans/{job_id}", headers=headers).json()["report"]
    quota = next(row for row in report if row["rule"] == "rotation_quota")
    assert quota["target"] == 2  # 15 % of the sending school's 10 eligible teachers, rounded up


def test_an_inline_scenario_is_stored_and_solved(
    client: TestClient, make_key: Callable[..., Headers]
) -> None:
    headers = make_key(REGION)
    job_id = submit(client, headers, scenario=county_document())
    job = wait_for(client, headers, job_id)
    assert job["status"] == "done" and job["summary"]["rotating"] == 2
    stored = client.get(f"/v1/scenarios/{job['scenario_id']}", headers=headers)
    assert stored.status_code == 200 and stored.json()["teachers"] == 12


def test_an_invalid_inline_scenario_lists_every_problem(
    client: TestClient, make_key: Callable[..., Headers]
) -> None:
    document = county_document()
    document["teachers"][0]["gender"] = "X"
    document["schools"][1]["area"] = "city"
    response = client.post("/v1/plans", json={"scenario": document}, headers=make_key(REGION))
    assert response.status_code == 422
    columns = {(p["file"], p["column"]) for p in response.json()["problems"]}
    assert {("teachers", "gender"), ("schools", "area")} <= columns


def test_a_bad_override_is_422_with_the_problem(client: TestClient, make_key: Callable[..., Headers]) -> None:
    headers = make_key(REGION)
    scenario_id = create_scenario(client, headers)
    for override in ("rotation_quota.rate=lots", "no_such_rule.x=1", "rotation_quota.rate"):
        response = client.post(
            "/v1/plans", json={"scenario_id": scenario_id, "overrides": [override]}, headers=headers
        )
        assert response.status_code == 422, (override, response.text)
        body = response.json()
        assert body["error"] == "invalid_scenario"
        assert all(p["file"] == "overrides" and p["message"] for p in body["problems"]), body
    assert client.get("/v1/plans", headers=headers).json()["total"] == 0


def test_request_limits_are_422_and_store_nothing(
    client: TestClient, make_key: Callable[..., Headers]
) -> None:
    headers = make_key(REGION)
    scenario_id = create_scenario(client, headers)
    bad_bodies = [
        ({"scenario_id": scenario_id, "time_limit": 61}, "over this server's cap of 60 s"),
        ({"scenario_id": scenario_id, "time_limit": 0}, "greater than or equal to 1"),
        ({"scenario_id": scenario_id, "change_weight": 5}, "previous_plan_id"),
        ({"scenario_id": scenario_id, "previous_plan_id": "nope"}, "no finished plan nope"),
        ({"scenario_id": scenario_id, "scenario": county_document()}, "exactly one"),
        ({}, "exactly one"),
        ({"scenario_id": scenario_id, "colour": "red"}, "xtra"),
        ({"scenario": county_document(), "time_limit": 600}, "cap"),
    ]
    for body, expected in bad_bodies:
        response = client.post("/v1/plans", json=body, headers=headers)
        assert response.status_code == 422, (body.keys(), response.text)
        assert expected in response.text, response.text
        assert response.json()["error"] == "invalid_request"
    assert client.get("/v1/plans", headers=headers).json()["total"] == 0
    # The inline scenario of the refused request was rolled back with it.
    assert client.get("/v1/scenarios", headers=headers).json()["total"] == 1


def test_a_full_queue_answers_429(settings: Settings) -> None:
    with idle_client(settings, queue_limit=2) as (client, headers):
        scenario_id = create_scenario(client, headers)
        first, _ = (
            submit(client, headers, scenario_id=scenario_id),
            submit(client, headers, scenario_id=scenario_id),
        )
        response = client.post(
            "/v1/plans", json={"scenario_id": scenario_id}, headers={**headers, "Accept-Language": "en"}
        )
        assert response.status_code == 429 and "queue is full" in response.json()["message"]
        assert response.headers["retry-after"]
        assert client.get("/v1/status", headers=headers).json()["queued"] == 2
        # Cancelling a queued job frees its place.
        assert client.delete(f"/v1/plans/{first}", headers=headers).json() == {
            "id": first,
            "status": "cancelled",
        }
        submit(client, headers, scenario_id=scenario_id)


def test_a_queued_job_cancels_at_once(settings: Settings) -> None:
    with idle_client(settings) as (client, headers):
        job_id = submit(client, headers, scenario_id=create_scenario(client, headers))
        response = client.delete(f"/v1/plans/{job_id}", headers=headers)
        assert response.status_code == 202 and response.json()["status"] == "cancelled"
        job = client.get(f"/v1/plans/{job_id}", headers=headers).json()
        assert job["status"] == "cancelled" and "moves" not in job and job["finished_at"]
        assert client.get(f"/v1/plans/{job_id}/export", headers=headers).status_code == 409


def test_a_running_job_reports_progress_and_cancels_to_its_best_plan(
    client: TestClient, make_key: Callable[..., Headers]
) -> None:
    headers = make_key("青山县")
    # CP-SAT alone: the HiGHS warm start proves the demo county optimal before a cancel can land.
    job_id = submit(client, headers, scenario=demo_document(), time_limit=30, engine="cp-sat")
    running = wait_for(
        client, headers, job_id, lambda job: job["progress"]["objective"] is not None, timeout=60
    )
    assert running["status"] == "running", running
    progress = running["progress"]
    assert set(progress) == {"elapsed", "objective", "bound", "gap"}
    assert progress["elapsed"] > 0 and progress["bound"] <= progress["objective"]
    assert "moves" not in running and "summary" not in running

    response = client.delete(f"/v1/plans/{job_id}", headers=headers)
    assert response.status_code == 202 and response.json()["status"] == "cancelling"
    job = wait_for(client, headers, job_id, timeout=30)
    assert job["status"] == "cancelled", job
    assert job["summary"]["status"] == "feasible" and job["summary"]["rotating"] == len(job["moves"]) > 0
    assert job["summary"]["hard_violations"] == 0
    assert job["summary"]["objective"] >= job["summary"]["bound"]
    assert all(m["reason"] for m in job["moves"])  # the checker's reasons, not the raw snapshot
    assert {row["rule"] for row in job["report"]} >= {"rotation_quota", "backbone_share"}
    assert job["finished_at"] is not None
    # A cancelled plan is a plan: it exports like any other.
    assert client.get(f"/v1/plans/{job_id}/export?format=csv", headers=headers).status_code == 200


def test_exports(client: TestClient, make_key: Callable[..., Headers]) -> None:
    headers = make_key(REGION)
    job_id = solved(client, headers)
    plan = client.get(f"/v1/plans/{job_id}", headers=headers).json()

    as_json = client.get(f"/v1/plans/{job_id}/export?format=json", headers=headers)
    assert as_json.status_code == 200 and "attachment" in as_json.headers["content-disposition"]
    keys = ("summary", "moves", "exchanges", "hires", "itinerant", "leaders", "coverage", "report")
    assert as_json.json() == {k: plan[k] for k in (*keys, "conflicts", "relaxations")}

    as_csv = client.get(f"/v1/plans/{job_id}/export?format=csv", headers=headers)
    assert as_csv.status_code == 200 and as_csv.headers["content-type"].startswith("text/csv")
    lines = as_csv.content.decode("utf-8-sig").splitlines()
    assert lines[0] == ",".join(PLAN_COLUMNS)
    assert len(lines) == 1 + len(plan["moves"])

    as_xlsx = client.get(f"/v1/plans/{job_id}/export?format=xlsx", headers=headers)
    assert as_xlsx.status_code == 200
    book = load_workbook(io.BytesIO(as_xlsx.content))
    assert book.sheetnames[:5] == ["交流名单", "公示", "规则报告", "学校前后对比", "汇总"]
    listed = len(plan["moves"]) + len(plan["exchanges"]) + len(plan["itinerant"])
    assert book["交流名单"].max_row == 2 + listed  # a title row, the header, one row per teacher sent
    assert "台账" in book.sheetnames

    ledger = client.get(f"/v1/plans/{job_id}/export?format=ledger", headers=headers)
    assert ledger.status_code == 200 and f"ledger-{job_id}.csv" in ledger.headers["content-disposition"]
    rows = list(csv.reader(ledger.content.decode("utf-8-sig").splitlines()))
    assert rows[0] == list(LEDGER_COLUMNS)
    moves_to = rows[0].index("moves_to")
    assert {row[0] for row in rows[1:] if row[moves_to]} == {m["teacher_id"] for m in plan["moves"]}
    complaints = client.get(f"/v1/plans/{job_id}/export?format=complaints", headers=headers)
    assert complaints.status_code == 200
    assert complaints.content.decode("utf-8-sig").splitlines()[0] == ",".join(COMPLAINT_COLUMNS)

    assert client.get(f"/v1/plans/{job_id}/export?format=pdf", headers=headers).status_code == 422


def test_an_infeasible_plan_has_conflicts_and_exports_them(
    client: TestClient, make_key: Callable[..., Headers]
) -> None:
    headers = make_key(REGION)
    # Half the teachers must rotate, but at most a fifth of a school may leave: hard rules collide.
    job_id = solved(client, headers, overrides=["rotation_quota.rate=0.5"])
    job = client.get(f"/v1/plans/{job_id}", headers=headers).json()
    assert job["summary"]["status"] == "infeasible" and job["moves"] == []
    assert job["conflicts"] and job["conflicts"][0]["members"]
    book = load_workbook(
        io.BytesIO(client.get(f"/v1/plans/{job_id}/export?format=xlsx", headers=headers).content)
    )
    assert "规则冲突" in book.sheetnames


def test_recommendations_rank_destinations_by_cost_change(
    client: TestClient, make_key: Callable[..., Headers]
) -> None:
    headers = make_key(REGION)
    job_id = solved(client, headers)
    mover = client.get(f"/v1/plans/{job_id}", headers=headers).json()["moves"][0]
    response = client.get(
        f"/v1/plans/{job_id}/recommendations",
        params={"teacher_id": mover["teacher_id"], "k": 3},
        headers=headers,
    )
    assert response.status_code == 200, response.text
    answer = response.json()
    assert answer["plan_id"] == job_id and answer["current"]["to_school"] == mover["to_school"]
    assert answer["evaluated"] == 1  # the other rural school
    ranked = answer["recommendations"]
    assert {r["to_school"] for r in ranked} == {"R1", "R2"}
    current = next(r for r in ranked if r["current"])
    assert current["objective_delta"] == 0 and current["to_school"] == mover["to_school"]
    other = next(r for r in ranked if not r["current"])
    assert other["status"] == "optimal" and other["objective_delta"] >= -1e-6  # the plan is optimal
    assert other["move"]["to_school"] == other["to_school"] and other["text_zh"] and other["text_en"]
    deltas = [r["objective_delta"] for r in ranked]
    assert deltas == sorted(deltas)

    staying = stayer(client, headers, job_id)
    one = client.get(
        f"/v1/plans/{job_id}/recommendations", params={"teacher_id": staying, "k": 1}, headers=headers
    ).json()
    assert one["current"] is None and len(one["recommendations"]) == 1 and one["evaluated"] == 2

    for params, status in (
        ({"teacher_id": "T99"}, 404),
        ({"teacher_id": "T05", "k": 0}, 422),
        ({"teacher_id": "T05", "time_limit": 61}, 422),
        ({}, 422),
    ):
        response = client.get(f"/v1/plans/{job_id}/recommendations", params=params, headers=headers)
        assert response.status_code == status, (params, response.text)


def test_a_replan_starts_from_the_previous_plan(client: TestClient, make_key: Callable[..., Headers]) -> None:
    headers = make_key(REGION)
    scenario_id = create_scenario(client, headers)
    previous = solved(client, headers, scenario_id=scenario_id)
    job_id = solved(client, headers, scenario_id=scenario_id, previous_plan_id=previous, change_weight=1000)
    before, after = (client.get(f"/v1/plans/{i}", headers=headers).json() for i in (previous, job_id))
    assert after["moves"] == before["moves"]  # nothing changed, so nothing moves differently
    # A plan of another scenario family cannot be the starting point.
    other = create_scenario(client, headers)
    response = client.post(
        "/v1/plans", json={"scenario_id": other, "previous_plan_id": previous}, headers=headers
    )
    assert response.status_code == 422 and "previous_plan_id" in response.text


def test_the_list_is_paginated_and_filtered(settings: Settings) -> None:
    with idle_client(settings) as (client, headers):
        first, second = create_scenario(client, headers), create_scenario(client, headers)
        ids = [submit(client, headers, scenario_id=first) for _ in range(3)]
        ids.append(submit(client, headers, scenario_id=second, label="other"))
        page = client.get("/v1/plans", params={"limit": 3}, headers=headers).json()
        assert page["total"] == 4 and [item["id"] for item in page["items"]] == ids[::-1][:3]
        rest = client.get("/v1/plans", params={"limit": 3, "offset": 3}, headers=headers).json()
        assert [item["id"] for item in rest["items"]] == [ids[0]]
        assert rest["items"][0]["status"] == "queued" and rest["items"][0]["summary"] is None
        only = client.get("/v1/plans", params={"scenario_id": second}, headers=headers).json()
        assert [item["label"] for item in only["items"]] == ["other"]
        assert client.get("/v1/plans", params={"status": "done"}, headers=headers).json()["total"] == 0
        assert client.get("/v1/plans", params={"limit": 0}, headers=headers).status_code == 422


def plan_routes(job_id: str) -> list[tuple[str, str]]:
    """Every route that reads or changes one plan job."""
    return [
        ("GET", f"/v1/plans/{job_id}"),
        ("GET", f"/v1/plans/{job_id}/export?format=json"),
        ("GET", f"/v1/plans/{job_id}/export?format=csv"),
        ("GET", f"/v1/plans/{job_id}/export?format=xlsx"),
        ("GET", f"/v1/plans/{job_id}/recommendations?teacher_id=T02"),
        ("GET", f"/v1/plans/{job_id}/teachers/T02?lang=en"),
        ("GET", f"/v1/plans/{job_id}/schools/R1?lang=zh"),
        ("DELETE", f"/v1/plans/{job_id}"),
    ]


def test_another_regions_key_gets_404_everywhere(
    client: TestClient, make_key: Callable[..., Headers]
) -> None:
    owner, stranger = make_key(REGION), make_key("西区")
    scenario_id = create_scenario(client, owner)
    job_id = solved(client, owner, scenario_id=scenario_id)
    for method, url in plan_routes(job_id):
        response = client.request(method, url, headers=stranger)
        assert response.status_code == 404, (method, url, response.text)
        assert job_id in response.json()["message"]
    response = client.post("/v1/plans", json={"scenario_id": scenario_id}, headers=stranger)
    assert response.status_code == 404
    response = client.post("/v1/plans", json={"scenario": county_document()}, headers=stranger)
    assert response.status_code == 403 and REGION in response.json()["message"]
    assert client.get("/v1/plans", headers=stranger).json() == {
        "items": [],
        "total": 0,
        "limit": 20,
        "offset": 0,
    }
    # A key holding both regions, or an admin key, sees it.
    assert client.get(f"/v1/plans/{job_id}", headers=make_key(REGION, "西区")).status_code == 200
    assert client.get("/v1/plans", headers=make_key(admin=True)).json()["total"] == 1
    # The owner's plan is untouched.
    assert client.get(f"/v1/plans/{job_id}", headers=owner).json()["status"] == "done"


def test_no_key_is_401_everywhere(client: TestClient, make_key: Callable[..., Headers]) -> None:
    headers = make_key(REGION)
    job_id = solved(client, headers)
    routes = [*plan_routes(job_id), ("GET", "/v1/plans"), ("POST", "/v1/plans")]
    for method, url in routes:
        for wrong in ({}, {"X-API-Key": "rk_0000_not-a-key"}):
            response = client.request(method, url, headers=wrong, json={"scenario": county_document()})
            assert response.status_code == 401, (method, url, response.text)
    assert client.get(f"/v1/plans/{job_id}", headers=headers).json()["status"] == "done"


def test_the_openapi_page_documents_every_plan_route_with_examples(client: TestClient) -> None:
    schema = client.get("/openapi.json").json()
    paths = schema["paths"]
    for path in (
        "/v1/plans",
        "/v1/plans/{job_id}",
        "/v1/plans/{job_id}/export",
        "/v1/plans/{job_id}/recommendations",
        "/v1/plans/{job_id}/teachers/{teacher_id}",
        "/v1/plans/{job_id}/schools/{school_id}",
    ):
        assert path in paths
    components = schema["components"]["schemas"]
    for model in ("PlanRequest", "PlanDocument", "PlanPage", "JobAccepted", "Recommendations"):
        assert components[model].get("examples"), model


def test_an_input_problem_found_by_the_worker_fails_the_job_with_every_problem(
    client: TestClient, make_key: Callable[..., Headers]
) -> None:
    headers = make_key(REGION)
    scenario_id = create_scenario(client, headers)
    # Stored past submit_job's checks, as a job from an older server could be.
    request = {"overrides": ["rotation_quota.rate=2", "capacity.mode=soft"], "time_limit": 5.0, "seed": 0}
    with client.app.state.database.session() as session:
        job = PlanJob(scenario_id=scenario_id, regions=[REGION], request=request, progress={}, attempts=0)
        session.add(job)
        session.flush()
        job_id = job.id
    job = wait_for(client, headers, job_id)
    assert job["status"] == "failed", job
    problems = job["error"]["problems"]
    assert {p["column"] for p in problems} == {"rules.rotation_quota.rate", "rules.capacity.mode"}
    assert all(p["file"] == "overrides" for p in problems)


def test_a_stopped_server_requeues_its_running_job_and_the_next_one_finishes_it(settings: Settings) -> None:
    with TestClient(create_app(settings)) as first:
        with first.app.state.database.session() as session:
            headers = {"X-API-Key": create_key(session, ["青山县"])}
        job_id = submit(first, headers, scenario=demo_document(), time_limit=10)
        wait_for(first, headers, job_id, lambda job: job["progress"]["objective"] is not None, timeout=60)
    with TestClient(create_app(settings)) as second:
        job = wait_for(second, headers, job_id, timeout=60)
    assert job["status"] == "done" and job["attempts"] == 2 and job["moves"]
