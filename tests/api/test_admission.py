"""What a request that queues work must be to be queued (issue 16, item 10): real types (a string
is not a number), finite numbers within their declared ranges (rule parameters by the rule's own
declaration, a time limit from 1 s to the server's cap), and room in the queue: the queue limit is
hard, also for requests that race.
"""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from api import jobs
from api.config import Settings
from optimizer.rules import example
from tests.api.test_plans import create_scenario, idle_client

MakeKey = Callable[..., dict[str, str]]
REGION = "东区"


def weight_override(value: str) -> str:
    """A rule parameter set to `value` (the registry's example override, its value replaced)."""
    name, _, _ = example().partition("=")
    return f"{name}={value}"


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"time_limit": "20"}, "time_limit"),
        ({"time_limit": True}, "time_limit"),
        ({"time_limit": 1e-300}, "time_limit"),
        ({"time_limit": 0.5}, "time_limit"),
        ({"seed": "3"}, "seed"),
        ({"seed": 2.5}, "seed"),
        ({"previous_plan_id": "0" * 32, "change_weight": 1e308}, "change_weight"),
        ({"previous_plan_id": "0" * 32, "change_weight": "5"}, "change_weight"),
    ],
)
def test_a_plan_request_has_real_types_and_ranges(
    client: TestClient, make_key: MakeKey, body: dict[str, Any], field: str
) -> None:
    headers = make_key(REGION)
    scenario_id = create_scenario(client, headers)
    response = client.post("/v1/plans", json={"scenario_id": scenario_id, **body}, headers=headers)
    assert response.status_code == 422, response.text
    assert response.json()["error"] == "invalid_request"
    assert field in {problem["column"] for problem in response.json()["problems"]}, response.text
    assert client.get("/v1/plans", headers=headers).json()["total"] == 0


def test_every_route_that_queues_refuses_a_time_limit_given_as_text(
    client: TestClient, make_key: MakeKey
) -> None:
    headers = make_key(REGION)
    scenario_id = create_scenario(client, headers)
    unknown_plan = "0" * 32
    for path, body in [
        ("/v1/batches", {"scenario_ids": [scenario_id], "time_limit": "20"}),
        (f"/v1/plans/{unknown_plan}/replan", {"time_limit": "20"}),
        (f"/v1/plans/{unknown_plan}/replan", {"time_limit": 0.001}),
    ]:
        response = client.post(path, json=body, headers=headers)
        assert response.status_code == 422, (path, response.text)
        assert response.json()["error"] == "invalid_request", response.text
    for path in (f"/v1/plans/{unknown_plan}/recommendations", f"/v1/plans/{unknown_plan}/teachers/T01"):
        response = client.get(path, params={"teacher_id": "T01", "time_limit": "0.5"}, headers=headers)
        assert response.status_code == 422, (path, response.text)
    assert client.get("/v1/plans", headers=headers).json()["total"] == 0


@pytest.mark.parametrize("value", ["inf", "nan", "-inf", "1e308"])
def test_an_override_outside_the_parameters_range_is_refused_on_every_route(
    client: TestClient, make_key: MakeKey, value: str
) -> None:
    headers = make_key(REGION)
    scenario_id = create_scenario(client, headers)
    overrides = [weight_override(value)]
    for path, body in [
        ("/v1/plans", {"scenario_id": scenario_id, "overrides": overrides}),
        ("/v1/batches", {"scenario_ids": [scenario_id], "overrides": overrides}),
        (f"/v1/scenarios/{scenario_id}/variants", {"edits": {"overrides": overrides}}),
    ]:
        response = client.post(path, json=body, headers=headers)
        assert response.status_code == 422, (path, response.text)
        assert response.json()["problems"], response.text
    assert client.get("/v1/plans", headers=headers).json()["total"] == 0
    assert client.get(f"/v1/scenarios/{scenario_id}/variants", headers=headers).json()["items"] == []


def test_the_queue_limit_holds_for_requests_that_race(
    settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Two submits meet between counting the queue and storing their job: one is refused."""
    meeting = threading.Barrier(2, timeout=1.0)
    count = jobs.queued_jobs

    def counted_then_meet(session: Session) -> int:
        queued = count(session)
        # Fixed, the other submit waits for this one's transaction: nothing to meet.
        with contextlib.suppress(threading.BrokenBarrierError):
            meeting.wait()
        return queued

    monkeypatch.setattr(jobs, "queued_jobs", counted_then_meet)
    with idle_client(settings, queue_limit=1) as (client, headers):
        scenario_id = create_scenario(client, headers)

        def submit(_: int) -> int:
            body = {"scenario_id": scenario_id, "time_limit": 5}
            return client.post("/v1/plans", json=body, headers=headers).status_code

        with ThreadPoolExecutor(2) as pool:
            statuses = sorted(pool.map(submit, range(2)))
        assert statuses == [202, 429]
        assert client.get("/v1/status", headers=headers).json()["queued"] == 1
