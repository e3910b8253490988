"""The audit log: one line per change made through the API, by the key's person, in UTC, on its
scenario or plan; a key reads the lines of its regions, an admin key every line."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

from fastapi.testclient import TestClient

from api.db import now
from optimizer.io import scenario_to_document
from tests.tiny import two_school_county

MakeKey = Callable[..., dict[str, str]]
REGION = "东区"


def audit(client: TestClient, headers: dict[str, str], **params: Any) -> list[dict[str, Any]]:
    answer = client.get("/v1/audit", params=params, headers=headers)
    assert answer.status_code == 200, answer.text
    return answer.json()["items"]


def test_each_change_is_one_line_by_the_keys_person(client: TestClient, make_key: MakeKey) -> None:
    planner = make_key(REGION, name="张三")
    admin = make_key(admin=True, name="王五")
    started = now()
    document = scenario_to_document(two_school_county())
    scenario_id = client.post("/v1/scenarios", json=document, headers=planner).json()["id"]
    variant = client.post(
        f"/v1/scenarios/{scenario_id}/variants", json={"edits": {"withdraw": ["T00"]}}, headers=planner
    ).json()
    plan_id = client.post("/v1/plans", json={"scenario_id": scenario_id}, headers=planner).json()["id"]
    batch = client.post("/v1/batches", json={"scenario_ids": [variant["id"]]}, headers=planner).json()
    assert client.delete(f"/v1/plans/{plan_id}", headers=planner).status_code == 202
    # Refused requests change nothing and leave no line.
    assert client.post("/v1/plans", json={"scenario_id": "0" * 32}, headers=planner).status_code == 404
    assert client.post("/v1/scenarios", json=document | {"teachers": []}, headers=planner).status_code == 422

    lines = audit(client, planner)
    assert [(line["action"], line["scenario_id"], line["plan_id"]) for line in reversed(lines)] == [
        ("scenario.create", scenario_id, None),
        ("scenario.create", variant["id"], None),
        ("plan.create", scenario_id, plan_id),
        ("plan.create", variant["id"], batch["jobs"][0]["id"]),
        ("plan.cancel", scenario_id, plan_id),
    ]
    assert {line["actor"] for line in lines} == {"张三"}
    assert all(line["regions"] == [REGION] for line in lines)
    for line in lines:
        at = datetime.fromisoformat(line["at"])
        assert at.utcoffset() == timedelta(0) and started - timedelta(seconds=1) <= at <= now()
    assert lines[-2]["detail"]["parent_id"] == scenario_id
    assert [line["action"] for line in audit(client, admin, plan_id=plan_id)] == [
        "plan.cancel",
        "plan.create",
    ]

    client.delete(f"/v1/scenarios/{variant['id']}", headers=admin)
    assert audit(client, planner)[0] | {"at": None, "id": None} == {
        "id": None,
        "at": None,
        "actor": "王五",
        "action": "scenario.delete",
        "scenario_id": variant["id"],
        "plan_id": None,
        "regions": [REGION],
        "detail": {"name": variant["name"]},
    }


def test_a_key_reads_the_lines_of_its_regions_and_an_admin_every_line(
    client: TestClient, make_key: MakeKey
) -> None:
    east, west = make_key(REGION), make_key("西区")
    both, admin = make_key(REGION, "西区"), make_key(admin=True)
    document = scenario_to_document(two_school_county())
    east_id = client.post("/v1/scenarios", json=document, headers=east).json()["id"]
    west_document = document | {
        "schools": [school | {"region": "西区"} for school in document["schools"]],
    }
    west_id = client.post("/v1/scenarios", json=west_document, headers=west).json()["id"]

    assert [line["scenario_id"] for line in audit(client, east)] == [east_id]
    assert [line["scenario_id"] for line in audit(client, west)] == [west_id]
    assert [line["scenario_id"] for line in audit(client, both)] == [west_id, east_id]
    assert [line["scenario_id"] for line in audit(client, both, region="西区")] == [west_id]
    assert [line["scenario_id"] for line in audit(client, admin)] == [west_id, east_id]
    assert [line["scenario_id"] for line in audit(client, admin, scenario_id=east_id)] == [east_id]
    page = client.get("/v1/audit", params={"limit": 1, "offset": 1}, headers=admin).json()
    assert (page["total"], [line["scenario_id"] for line in page["items"]]) == (2, [east_id])
