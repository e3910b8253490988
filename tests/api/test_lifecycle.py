"""A plan's life: draft → notice → approved → executed, withdrawn; who may make each move; one
official plan per region and year; only drafts deleted; objections answered by a re-plan; a
viewer's key changes nothing anywhere. Every change is one line of the audit log."""

from __future__ import annotations

import re
import time
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select

from api.db import AuditLine, Objection, PlanJob, ScenarioRow, now
from api.documents import result_document
from optimizer.io import scenario_to_document
from optimizer.options import EngineSettings
from optimizer.solve import solve
from tests.tiny import two_school_county

MakeKey = Callable[..., dict[str, str]]
REGION = "东区"
FINISHED = timedelta(hours=1)
"""How long ago the stored plans finished: past the settling time of a DELETE (api.jobs)."""


def store_plan(client: TestClient, headers: dict[str, str], status: str = "done") -> str:
    """A scenario of REGION created through the API and a plan job of it stored directly (no
    runner involved): done with the tiny county's plan, or in `status` without one."""
    scenario = two_school_county()
    answer = client.post("/v1/scenarios", json=scenario_to_document(scenario), headers=headers)
    assert answer.status_code == 201, answer.text
    result = (
        result_document(scenario, solve(scenario, EngineSettings(time_limit=10)))
        if status == "done"
        else None
    )
    with client.app.state.database.session() as session:
        job = PlanJob(
            scenario_id=answer.json()["id"],
            regions=[REGION],
            status=status,
            request={"overrides": [], "time_limit": 10, "seed": 0},
            progress={},
            result=result,
            finished_at=now() - FINISHED if status == "done" else None,
        )
        session.add(job)
        session.flush()
        return job.id


def move(client: TestClient, plan_id: str, headers: dict[str, str], to: str, **fields: Any) -> Any:
    return client.post(f"/v1/plans/{plan_id}/lifecycle", json={"to": to, **fields}, headers=headers)


def audit_lines(client: TestClient, **filters: str) -> list[AuditLine]:
    with client.app.state.database.session() as session:
        query = select(AuditLine).order_by(AuditLine.id)
        for column, value in filters.items():
            query = query.where(getattr(AuditLine, column) == value)
        return list(session.scalars(query))


def lifecycle_of(client: TestClient, plan_id: str) -> str:
    with client.app.state.database.session() as session:
        return session.get_one(PlanJob, plan_id).lifecycle


def is_utc(moment: str) -> bool:
    """An answer's time carries its zone, and it is UTC."""
    return datetime.fromisoformat(moment).utcoffset() == timedelta(0)


def assert_refused(answer: Any, status: int, code: str) -> dict[str, Any]:
    assert answer.status_code == status, answer.text
    assert answer.headers["content-type"] == "application/problem+json"
    body = answer.json()
    assert body["error"] == code and body["status"] == status and body["type"].endswith(code)
    return body


@pytest.fixture
def keys(make_key: MakeKey) -> dict[str, dict[str, str]]:
    return {
        role: make_key(REGION, role=role, name=name)
        for role, name in (("viewer", "赵六"), ("planner", "张三"), ("approver", "李四"))
    }


def test_a_plan_goes_from_draft_to_executed_each_move_by_its_role(
    client: TestClient, keys: dict[str, dict[str, str]]
) -> None:
    plan_id = store_plan(client, keys["planner"])
    state = client.get(f"/v1/plans/{plan_id}/lifecycle", headers=keys["planner"]).json()
    assert state == {
        "plan_id": plan_id,
        "lifecycle": "draft",
        "allowed": ["notice", "withdrawn"],
        "superseded": [],
    }
    assert client.get(f"/v1/plans/{plan_id}", headers=keys["viewer"]).json()["lifecycle"] == "draft"

    answer = move(client, plan_id, keys["planner"], "notice")
    assert answer.status_code == 200, answer.text
    assert answer.json()["lifecycle"] == "notice" and answer.json()["allowed"] == ["withdrawn"]
    approver_view = client.get(f"/v1/plans/{plan_id}/lifecycle", headers=keys["approver"]).json()
    assert approver_view["allowed"] == ["approved", "withdrawn"]

    refused = assert_refused(move(client, plan_id, keys["planner"], "approved"), 403, "insufficient_role")
    assert (
        "planner" in refused["message"] and "approver" in refused["message"] and "审定" in refused["message"]
    )
    english = client.post(
        f"/v1/plans/{plan_id}/lifecycle?lang=en", json={"to": "approved"}, headers=keys["planner"]
    )
    assert english.json()["message"].startswith("this key's role is planner")
    assert lifecycle_of(client, plan_id) == "notice"

    assert move(client, plan_id, keys["approver"], "approved").json()["lifecycle"] == "approved"
    assert_refused(move(client, plan_id, keys["planner"], "executed"), 403, "insufficient_role")
    assert move(client, plan_id, keys["approver"], "executed").json()["allowed"] == []
    assert client.get("/v1/plans", headers=keys["viewer"]).json()["items"][0]["lifecycle"] == "executed"

    lines = audit_lines(client, plan_id=plan_id)
    assert [(line.action, line.actor, line.detail) for line in lines] == [
        ("plan.lifecycle", "张三", {"from": "draft", "to": "notice"}),
        ("plan.lifecycle", "李四", {"from": "notice", "to": "approved"}),
        ("plan.lifecycle", "李四", {"from": "approved", "to": "executed"}),
    ]


@pytest.mark.parametrize(
    ("path", "to"),
    [
        ([], "approved"),
        ([], "draft"),
        ([], "executed"),
        (["notice"], "draft"),
        (["notice"], "executed"),
        (["notice", "approved"], "notice"),
        (["notice", "approved", "executed"], "withdrawn"),
        (["withdrawn"], "draft"),
        (["withdrawn"], "notice"),
    ],
)
def test_a_move_the_table_lacks_is_409_and_changes_nothing(
    client: TestClient, make_key: MakeKey, path: list[str], to: str
) -> None:
    admin = make_key(admin=True, name="王五")
    plan_id = store_plan(client, admin)
    for step in path:
        assert move(client, plan_id, admin, step).status_code == 200
    before = len(audit_lines(client))
    body = assert_refused(move(client, plan_id, admin, to), 409, "transition_not_allowed")
    current = path[-1] if path else "draft"
    assert f"（{current}）" in body["message"] and f"（{to}）" in body["message"]
    english = client.post(
        f"/v1/plans/{plan_id}/lifecycle", json={"to": to}, headers=admin | {"Accept-Language": "en"}
    )
    assert english.json()["message"].startswith(f"the plan is {current}: it cannot move to {to}")
    assert lifecycle_of(client, plan_id) == current
    assert len(audit_lines(client)) == before


@pytest.mark.parametrize("status", ["queued", "running", "failed", "cancelled"])
def test_a_plan_not_solved_cannot_go_on_notice(
    client: TestClient, keys: dict[str, dict[str, str]], status: str
) -> None:
    plan_id = store_plan(client, keys["planner"], status=status)
    assert_refused(move(client, plan_id, keys["planner"], "notice"), 409, "not_done")
    assert lifecycle_of(client, plan_id) == "draft"


def test_one_official_plan_per_region_and_year(client: TestClient, keys: dict[str, dict[str, str]]) -> None:
    approver, planner = keys["approver"], keys["planner"]
    first, second, third = (store_plan(client, planner) for _ in range(3))
    for plan_id in (first, second, third):
        move(client, plan_id, planner, "notice")
    assert move(client, first, approver, "approved").status_code == 200

    body = assert_refused(move(client, second, approver, "approved"), 409, "already_approved")
    assert first in body["message"] and "supersede" in body["message"] and "2025" in body["message"]
    assert lifecycle_of(client, second) == "notice"

    answer = move(client, second, approver, "approved", supersede=True)
    assert answer.status_code == 200, answer.text
    assert answer.json()["superseded"] == [first]
    assert (lifecycle_of(client, first), lifecycle_of(client, second)) == ("withdrawn", "approved")
    assert [line.detail for line in audit_lines(client, plan_id=first)][-1] == {
        "from": "approved",
        "to": "withdrawn",
        "superseded_by": second,
    }

    assert move(client, second, approver, "executed").status_code == 200
    body = assert_refused(move(client, third, approver, "approved", supersede=True), 409, "already_approved")
    assert second in body["message"] and "executed" in body["message"]
    assert lifecycle_of(client, third) == "notice"


def test_another_year_or_region_has_its_own_official_plan(client: TestClient, make_key: MakeKey) -> None:
    admin = make_key(admin=True)
    first, second = store_plan(client, admin), store_plan(client, admin)
    with client.app.state.database.session() as session:
        job = session.get_one(PlanJob, second)
        session.get_one(ScenarioRow, job.scenario_id).year = 2026
    for plan_id in (first, second):
        move(client, plan_id, admin, "notice")
        assert move(client, plan_id, admin, "approved").status_code == 200


def test_only_a_draft_is_deleted(client: TestClient, keys: dict[str, dict[str, str]]) -> None:
    planner = keys["planner"]
    draft, on_notice = store_plan(client, planner), store_plan(client, planner)
    move(client, on_notice, planner, "notice")
    body = assert_refused(client.delete(f"/v1/plans/{on_notice}", headers=planner), 409, "not_draft")
    assert "只有草稿" in body["message"]
    scenario_id = client.get(f"/v1/plans/{on_notice}", headers=planner).json()["scenario_id"]
    assert_refused(client.delete(f"/v1/scenarios/{scenario_id}", headers=planner), 409, "plans_not_draft")
    assert client.get(f"/v1/plans/{on_notice}", headers=planner).status_code == 200

    assert client.delete(f"/v1/plans/{draft}", headers=planner).status_code == 204
    assert [line.action for line in audit_lines(client, plan_id=draft)] == ["plan.delete"]
    draft_scenario = store_plan(client, planner)
    scenario_id = client.get(f"/v1/plans/{draft_scenario}", headers=planner).json()["scenario_id"]
    assert client.delete(f"/v1/scenarios/{scenario_id}", headers=planner).status_code == 204
    assert [line.action for line in audit_lines(client, scenario_id=scenario_id)] == [
        "scenario.create",
        "scenario.delete",
    ]


def test_a_queued_or_running_plan_is_still_cancelled(
    client: TestClient, keys: dict[str, dict[str, str]]
) -> None:
    planner = keys["planner"]
    plan_id = store_plan(client, planner, status="queued")
    for _ in range(2):  # the repeated DELETE answers the same and is no second change
        answer = client.delete(f"/v1/plans/{plan_id}", headers=planner)
        assert answer.status_code == 202 and answer.json()["status"] in ("cancelling", "cancelled")
    assert [line.action for line in audit_lines(client, plan_id=plan_id)] == ["plan.cancel"]


def test_objections_on_notice_are_answered_by_a_replan_with_its_diff(
    client: TestClient, keys: dict[str, dict[str, str]]
) -> None:
    planner = keys["planner"]
    plan_id = store_plan(client, planner)
    [moved] = [
        move["teacher_id"] for move in client.get(f"/v1/plans/{plan_id}", headers=planner).json()["moves"]
    ]
    objection = {"teacher_id": moved, "author": f"{moved} 本人", "text": "家中老人需照顾"}
    url = f"/v1/plans/{plan_id}/objections"
    assert_refused(client.post(url, json=objection, headers=planner), 409, "not_on_notice")
    move(client, plan_id, planner, "notice")
    assert_refused(client.post(url, json=objection | {"teacher_id": "X9"}, headers=planner), 404, "not_found")
    assert_refused(client.post(url, json=objection, headers=keys["viewer"]), 403, "insufficient_role")

    created = client.post(url, json=objection, headers=planner)
    assert created.status_code == 201, created.text
    record = created.json()
    assert (record["teacher_id"], record["recorded_by"], record["answer_plan_id"]) == (moved, "张三", None)
    assert is_utc(record["created_at"])
    listed = client.get(url, headers=keys["viewer"]).json()["items"]
    assert [item["id"] for item in listed] == [record["id"]]

    other_plan = store_plan(client, planner)
    wrong = {"edits": {"withdraw": [moved]}, "objections": [record["id"], "0" * 32]}
    problem = assert_refused(
        client.post(f"/v1/plans/{other_plan}/replan", json=wrong, headers=planner), 409, "not_on_notice"
    )
    assert other_plan in problem["message"]
    body = {"edits": {"withdraw": [moved]}, "objections": ["0" * 32]}
    assert_refused(
        client.post(f"/v1/plans/{plan_id}/replan", json=body, headers=planner), 422, "invalid_request"
    )

    body = {
        "edits": {"withdraw": [moved]},
        "change_weight": 50,
        "time_limit": 10,
        "objections": [record["id"]],
    }
    answer = client.post(f"/v1/plans/{plan_id}/replan", json=body, headers=planner)
    assert answer.status_code == 202, answer.text
    replan_id = answer.json()["id"]
    [answered] = client.get(url, headers=planner).json()["items"]
    assert answered["answer_plan_id"] == replan_id and is_utc(answered["answered_at"])
    assert client.get(f"/v1/plans/{replan_id}/lifecycle", headers=planner).json()["lifecycle"] == "draft"

    deadline = time.monotonic() + 120
    while client.get(f"/v1/plans/{replan_id}", headers=planner).json()["status"] != "done":
        assert time.monotonic() < deadline, "the re-plan did not finish"
        time.sleep(0.2)
    diff = client.get(f"/v1/plans/{answered['answer_plan_id']}/diff", headers=planner).json()
    assert diff["against"] == plan_id
    assert [row["teacher_id"] for row in diff["removed"]] == [moved]

    actions = [
        (line.action, line.plan_id)
        for line in audit_lines(client)
        if line.action.startswith(("objection", "plan.replan"))
    ]
    assert actions == [("objection.create", plan_id), ("plan.replan", replan_id)]
    [replan_line] = audit_lines(client, action="plan.replan")
    assert replan_line.detail["previous_plan_id"] == plan_id and replan_line.detail["objections"] == [
        record["id"]
    ]
    with client.app.state.database.session() as session:
        assert session.scalar(select(func.count()).select_from(Objection)) == 1


READS = {("POST", "/v1/comparisons"), ("POST", "/v1/plans/check")}
"""The POSTs that change nothing: a viewer may compare plans and check one."""


def test_a_viewer_changes_nothing_anywhere(client: TestClient, keys: dict[str, dict[str, str]]) -> None:
    """Every route that is not a GET, with real ids and a body, answers a viewer's key 403 before it
    looks at anything; a route added later without the role check fails here."""
    plan_id = store_plan(client, keys["planner"])
    scenario_id = client.get(f"/v1/plans/{plan_id}", headers=keys["planner"]).json()["scenario_id"]
    ids = {
        "scenario_id": scenario_id,
        "plan_id": plan_id,
        "job_id": plan_id,
        "teacher_id": "T00",
        "school_id": "U1",
    }
    before = len(audit_lines(client))
    schema = client.app.openapi()
    writes = 0
    for path, operations in schema["paths"].items():
        for method in (name.upper() for name in operations if name != "get"):
            url = re.sub(r"\{(\w+)\}", lambda match: ids.get(match.group(1), "0" * 32), path)
            answer = client.request(method, url, json={}, headers=keys["viewer"])
            if (method, path) in READS:
                assert answer.status_code != 403, (method, path, answer.text)
                continue
            writes += 1
            body = assert_refused(answer, 403, "insufficient_role")
            assert "viewer" in body["message"]
    assert writes >= 10
    assert len(audit_lines(client)) == before
    assert client.get(f"/v1/plans/{plan_id}", headers=keys["viewer"]).json()["status"] == "done"
    with client.app.state.database.session() as session:
        assert session.scalar(select(func.count()).select_from(ScenarioRow)) == 1
        assert session.scalar(select(func.count()).select_from(PlanJob)) == 1
