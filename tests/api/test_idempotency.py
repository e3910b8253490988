"""Idempotency-Key on the POSTs that queue work, and Location on every 202 (issue 16, item 13): a
retried request gets the first answer and queues nothing more; the same key with another request is
refused; answers are kept KEEP_HOURS.
"""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta
from typing import Any

import pytest
from fastapi.testclient import TestClient
from pydantic import BaseModel
from sqlalchemy import update

from api import idempotency
from api.config import Settings
from api.db import IdempotencyRecord, PlanJob, now
from api.schemas.plans import EXAMPLE_SUMMARY
from api.security import create_key
from tests.api.test_plans import REGION, create_scenario, idle_client

Headers = dict[str, str]


def queued(client: TestClient, headers: Headers) -> int:
    return int(client.get("/v1/status", headers=headers).json()["queued"])


def post(client: TestClient, path: str, body: dict[str, Any], headers: Headers, key: str) -> Any:
    return client.post(path, json=body, headers={**headers, "Idempotency-Key": key})


def test_a_retried_plan_request_gets_the_first_answer_and_queues_nothing(settings: Settings) -> None:
    with idle_client(settings) as (client, headers):
        body = {"scenario_id": create_scenario(client, headers), "time_limit": 5}
        first = post(client, "/v1/plans", body, headers, "retry-1")
        again = post(client, "/v1/plans", body, headers, "retry-1")
        assert first.status_code == again.status_code == 202, again.text
        assert again.json() == first.json()
        assert again.headers["location"] == first.headers["location"]
        assert first.headers["location"].endswith(f"/v1/plans/{first.json()['id']}")
        assert queued(client, headers) == 1

        other = post(client, "/v1/plans", {**body, "time_limit": 6}, headers, "retry-1")
        assert other.status_code == 422, other.text
        [problem] = other.json()["problems"]
        assert (problem["code"], problem["column"]) == ("idempotency_key_reused", "Idempotency-Key")
        assert queued(client, headers) == 1

        # Keys are per API key, and a new key is a new request.
        with client.app.state.database.session() as session:
            someone_else = {"X-API-Key": create_key(session, [REGION])}
        assert post(client, "/v1/plans", body, someone_else, "retry-1").json()["id"] != first.json()["id"]
        assert post(client, "/v1/plans", body, headers, "retry-2").json()["id"] != first.json()["id"]
        assert queued(client, headers) == 3


def test_an_answer_is_kept_for_its_hours_only(settings: Settings) -> None:
    with idle_client(settings) as (client, headers):
        body = {"scenario_id": create_scenario(client, headers)}
        first = post(client, "/v1/plans", body, headers, "old")
        with client.app.state.database.session() as session:
            stale = now() - timedelta(hours=idempotency.KEEP_HOURS, minutes=1)
            session.execute(update(IdempotencyRecord).values(created_at=stale))
        later = post(client, "/v1/plans", body, headers, "old")
        assert later.status_code == 202 and later.json()["id"] != first.json()["id"]
        assert queued(client, headers) == 2
        with client.app.state.database.session() as session:
            assert session.query(IdempotencyRecord).count() == 1  # the stale answer went


def test_batches_and_replans_are_idempotent_and_every_202_has_a_location(settings: Settings) -> None:
    with idle_client(settings) as (client, headers):
        scenario_id = create_scenario(client, headers)
        batch = {"scenario_ids": [scenario_id, scenario_id]}
        first = post(client, "/v1/batches", batch, headers, "batch")
        again = post(client, "/v1/batches", batch, headers, "batch")
        assert first.status_code == again.status_code == 202 and again.json() == first.json()
        first_job = first.json()["jobs"][0]["id"]
        assert first.headers["location"].endswith(f"/v1/plans/{first_job}")
        assert queued(client, headers) == 2

        with client.app.state.database.session() as session:
            done = PlanJob(
                scenario_id=scenario_id,
                regions=[REGION],
                status="done",
                request={"time_limit": 5.0},
                result={"summary": EXAMPLE_SUMMARY, "moves": []},
            )
            session.add(done)
            session.flush()
            done_id = done.id
        replan = {"edits": {"withdraw": ["T00"]}}
        first = post(client, f"/v1/plans/{done_id}/replan", replan, headers, "replan")
        again = post(client, f"/v1/plans/{done_id}/replan", replan, headers, "replan")
        assert first.status_code == again.status_code == 202, first.text
        assert again.json() == first.json()
        assert first.headers["location"].endswith(f"/v1/plans/{first.json()['id']}")
        variants = client.get(f"/v1/scenarios/{scenario_id}/variants", headers=headers).json()["items"]
        assert len(variants) == 1 and queued(client, headers) == 3

        cancel = client.delete(f"/v1/plans/{first_job}", headers=headers)
        assert cancel.status_code == 202 and cancel.headers["location"].endswith(f"/v1/plans/{first_job}")


def test_two_requests_with_one_key_at_once_queue_one_job(
    settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Both find no answer kept, then both do the work: the second's is rolled back, and it
    answers the first's."""
    meeting = threading.Barrier(2, timeout=5.0)
    check = idempotency.Idempotency.check

    def checked_then_meet(guard: idempotency.Idempotency, body: BaseModel) -> None:
        check(guard, body)
        meeting.wait()

    monkeypatch.setattr(idempotency.Idempotency, "check", checked_then_meet)
    with idle_client(settings) as (client, headers):
        body = {"scenario_id": create_scenario(client, headers)}
        with ThreadPoolExecutor(2) as pool:
            answers = list(pool.map(lambda _: post(client, "/v1/plans", body, headers, "twin"), range(2)))
        assert [answer.status_code for answer in answers] == [202, 202]
        assert answers[0].json() == answers[1].json()
        assert queued(client, headers) == 1


def test_the_openapi_documents_the_key_and_the_location(client: TestClient) -> None:
    paths = client.get("/openapi.json").json()["paths"]
    for path in ("/v1/plans", "/v1/batches", "/v1/plans/{plan_id}/replan"):
        operation = paths[path]["post"]
        assert "Idempotency-Key" in {p["name"] for p in operation["parameters"] if p["in"] == "header"}
        assert "Location" in operation["responses"]["202"]["headers"], path
    assert "Location" in paths["/v1/plans/{job_id}"]["delete"]["responses"]["202"]["headers"]
