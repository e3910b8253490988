"""Access checks and lists read light columns only (issue 16, item 9): a request for another
region's scenario or plan is refused before any document is loaded (so it is answered as fast as
for an unknown id, and costs nothing), and no list loads a scenario document or a plan.

Every SQL statement the service runs is recorded; a statement that selects a document column
(`scenarios.document`, `plan_jobs.result`, `plan_jobs.best`) is a document load.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

import sqlalchemy as sa
from fastapi.testclient import TestClient
from sqlalchemy import event

from api.config import Settings
from api.db import Database, PlanJob, new_id, now
from api.main import create_app
from api.schemas.plans import EXAMPLE_SUMMARY
from api.security import create_key
from api.store import save_scenario
from tests.api.test_plans import county_document, create_scenario
from tests.api.test_staffing import migrate_to
from tests.tiny import two_school_county

MakeKey = Callable[..., dict[str, str]]
DOCUMENT_COLUMNS = re.compile(r"\b(scenarios\.document|plan_jobs\.result|plan_jobs\.best)\b")
SUMMARY = EXAMPLE_SUMMARY


@contextmanager
def document_loads(client: TestClient) -> Iterator[list[str]]:
    """The SELECT statements, run inside the block, that read a document column."""
    loads: list[str] = []

    def record(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        selected = re.split(r"\sFROM\s", statement, maxsplit=1)[0]
        if statement.lstrip().upper().startswith("SELECT") and DOCUMENT_COLUMNS.search(selected):
            loads.append(statement)

    engine = client.app.state.database.engine
    event.listen(engine, "before_cursor_execute", record)
    try:
        yield loads
    finally:
        event.remove(engine, "before_cursor_execute", record)


def done_job(client: TestClient, scenario_id: str, region: str) -> str:
    """A finished job of the scenario, stored directly (no solve needed to be read or refused)."""
    with client.app.state.database.session() as session:
        job = PlanJob(
            scenario_id=scenario_id,
            regions=[region],
            status="done",
            request={},
            result={"summary": SUMMARY, "moves": []},
            best={"moves": []},
        )
        session.add(job)
        session.flush()
        return job.id


def test_another_regions_objects_are_refused_before_any_document_loads(
    client: TestClient, make_key: MakeKey
) -> None:
    owner, stranger = make_key("东区"), make_key("西区")
    scenario_id = create_scenario(client, owner)
    plan_id = done_job(client, scenario_id, "东区")
    requests: list[tuple[str, str, dict[str, Any] | None]] = [
        ("GET", f"/v1/scenarios/{scenario_id}", None),
        ("DELETE", f"/v1/scenarios/{scenario_id}", None),
        ("GET", f"/v1/scenarios/{scenario_id}/variants", None),
        ("POST", f"/v1/scenarios/{scenario_id}/variants", {"edits": {}}),
        ("POST", "/v1/plans", {"scenario_id": scenario_id}),
        ("POST", "/v1/batches", {"scenario_ids": [scenario_id]}),
        ("GET", f"/v1/plans/{plan_id}", None),
        ("DELETE", f"/v1/plans/{plan_id}", None),
        ("GET", f"/v1/plans/{plan_id}/export", None),
        ("GET", f"/v1/plans/{plan_id}/outcome", None),
        ("GET", f"/v1/plans/{plan_id}/diff?against={plan_id}", None),
        ("GET", f"/v1/plans/{plan_id}/schools/U1", None),
        ("POST", f"/v1/plans/{plan_id}/replan", {"edits": {}}),
        ("POST", "/v1/comparisons", {"plan_ids": [plan_id]}),
    ]
    for method, path, body in requests:
        with document_loads(client) as loads:
            response = client.request(method, path, json=body, headers=stranger)
        assert response.status_code == 404, (method, path, response.text)
        assert loads == [], (method, path, loads)
    # The counter sees a load where there is one: the owner reading the scenario and the plan.
    with document_loads(client) as loads:
        assert client.get(f"/v1/scenarios/{scenario_id}", headers=owner).status_code == 200
        assert client.get(f"/v1/plans/{plan_id}", headers=owner).status_code == 200
    assert len(loads) == 2, loads


def test_lists_load_no_document(client: TestClient, make_key: MakeKey) -> None:
    headers = make_key("东区")
    scenario_id = create_scenario(client, headers)
    create_scenario(client, headers, county_document())
    variant = client.post(f"/v1/scenarios/{scenario_id}/variants", json={"edits": {}}, headers=headers)
    assert variant.status_code == 201, variant.text
    plan_id = done_job(client, scenario_id, "东区")
    with document_loads(client) as loads:
        scenarios = client.get("/v1/scenarios", headers=headers).json()
        plans = client.get("/v1/plans", headers=headers).json()
        variants = client.get(f"/v1/scenarios/{scenario_id}/variants", headers=headers).json()
    assert loads == []
    assert scenarios["total"] == 3 and [v["id"] for v in variants["items"]] == [variant.json()["id"]]
    [listed] = plans["items"]
    assert listed["id"] == plan_id and listed["summary"] | SUMMARY == listed["summary"]


def test_the_summaries_of_plans_stored_before_are_listed(settings: Settings) -> None:
    """Migration 0005 copies each stored plan's summary into the job's summary column."""
    migrate_to(settings.database_url, "0004")
    database = Database(settings.database_url)
    jobs = sa.table(
        "plan_jobs",
        *(sa.column(name, sa.JSON) for name in ("regions", "request", "progress", "result")),
        *(sa.column(name) for name in ("id", "scenario_id", "status", "attempts", "retries", "created_at")),
    )
    with database.session() as session:
        row = save_scenario(session, two_school_county(), parent_id=None, changes={})
        region = row.regions[0]
        job_id = new_id()
        stored = {"summary": SUMMARY, "moves": []}
        common = {"scenario_id": row.id, "regions": [region], "request": {}, "progress": {}}
        common |= {"attempts": 1, "retries": 0, "created_at": now()}
        session.execute(jobs.insert().values(id=job_id, status="done", result=stored, **common))
        session.execute(jobs.insert().values(id=new_id(), status="queued", result=None, **common))
    database.engine.dispose()
    with TestClient(create_app(settings)) as client:
        migrated = Database(settings.database_url)  # a key as the migrated schema has it (a role)
        with migrated.session() as session:
            key = create_key(session, [region])
        migrated.engine.dispose()
        listed = client.get("/v1/plans", headers={"X-API-Key": key}).json()["items"]
    summaries = {item["id"]: item["summary"] for item in listed}
    assert summaries[job_id] | SUMMARY == summaries[job_id]
    assert sorted(item["summary"] is None for item in listed) == [False, True]
