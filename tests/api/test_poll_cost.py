"""A status poll is the request clients send most (a page or a script every second per job, 20
clients at once in benchmarks/api_load.py): it reads the job's row and nothing else, its key
looked up only when this server has not checked it within KEY_CACHE_SECONDS."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy import event

from api.db import PlanJob
from tests.api.test_plans import create_scenario

MakeKey = Callable[..., dict[str, str]]


@contextmanager
def statements(client: TestClient) -> Iterator[list[tuple[str, Any]]]:
    """Every SQL statement the service runs inside the block, with its parameters (the runner's
    own, which name no job, run meanwhile too)."""
    seen: list[tuple[str, Any]] = []

    def record(_conn: Any, _cursor: Any, statement: str, parameters: Any, *_args: Any) -> None:
        seen.append((statement, parameters))

    engine = client.app.state.database.engine
    event.listen(engine, "before_cursor_execute", record)
    try:
        yield seen
    finally:
        event.remove(engine, "before_cursor_execute", record)


def cancelled_job(client: TestClient, scenario_id: str) -> str:
    """A job cancelled before it ran (no plan), stored directly: the runner leaves it alone."""
    with client.app.state.database.session() as session:
        job = PlanJob(scenario_id=scenario_id, regions=["东区"], status="cancelled", request={})
        session.add(job)
        session.flush()
        return job.id


def test_a_status_poll_reads_the_job_row_alone(client: TestClient, make_key: MakeKey) -> None:
    headers = make_key("东区")
    job_id = cancelled_job(client, create_scenario(client, headers))
    assert client.get(f"/v1/plans/{job_id}", headers=headers).status_code == 200
    with statements(client) as seen:
        for _ in range(3):
            answer = client.get(f"/v1/plans/{job_id}", headers=headers)
            assert answer.status_code == 200 and answer.json()["status"] == "cancelled"
    polls = [statement for statement, parameters in seen if job_id in str(parameters)]
    assert len(polls) == 3 and all("FROM plan_jobs" in statement for statement in polls), polls
    assert not [statement for statement, _ in seen if "api_keys" in statement]


def test_a_wrong_key_is_looked_up_at_every_request(client: TestClient, make_key: MakeKey) -> None:
    """Only right keys are kept: a wrong one is checked (and counted by the bad-key limit) each time."""
    headers = make_key("东区")
    wrong = {"X-API-Key": headers["X-API-Key"][:-4] + "xxxx"}
    with statements(client) as seen:
        for _ in range(3):
            assert client.get("/v1/plans", headers=wrong).status_code == 401
    assert sum("FROM api_keys" in statement for statement, _ in seen) == 3
