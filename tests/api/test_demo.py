"""POST /v1/scenarios/demo: a shipped bundle stored for a key that holds its region (青山县)."""

from __future__ import annotations

from collections.abc import Callable

from fastapi.testclient import TestClient

from api.routes.scenarios import SHIPPED
from optimizer.io import load_bundle, scenario_to_document

MakeKey = Callable[..., dict[str, str]]


def test_the_demo_county_is_stored_for_its_regions_key(client: TestClient, make_key: MakeKey) -> None:
    headers = make_key("青山县")
    created = client.post("/v1/scenarios/demo", headers=headers)
    assert created.status_code == 201, created.text
    body = created.json()
    assert (body["name"], body["regions"], body["teachers"], body["schools"]) == (
        "demo-county",
        ["青山县"],
        600,
        25,
    )
    stored = client.get(f"/v1/scenarios/{body['id']}", headers=headers).json()
    assert stored["document"] == scenario_to_document(load_bundle(SHIPPED / "demo-county"))
    listed = client.get("/v1/scenarios", headers=headers).json()
    assert [item["id"] for item in listed["items"]] == [body["id"]]


def test_the_conflicting_bundle_on_request_and_a_copy_per_call(client: TestClient, make_key: MakeKey) -> None:
    headers = make_key(admin=True)
    first = client.post("/v1/scenarios/demo", json={"bundle": "conflicting-quotas"}, headers=headers)
    second = client.post("/v1/scenarios/demo", json={"bundle": "conflicting-quotas"}, headers=headers)
    assert first.status_code == second.status_code == 201
    assert first.json()["name"] == "conflicting-quotas" and first.json()["teachers"] == 200
    assert first.json()["id"] != second.json()["id"]


def test_another_regions_key_is_refused_and_sees_nothing(client: TestClient, make_key: MakeKey) -> None:
    headers = make_key("西区")
    refused = client.post("/v1/scenarios/demo", headers=headers)
    assert refused.status_code == 403
    body = refused.json()
    assert {key: body[key] for key in ("error", "message", "problems")} == {
        "error": "forbidden",
        "message": "该密钥不含区域 青山县",  # Chinese unless the caller asks otherwise
        "problems": [],
    }
    english = client.post("/v1/scenarios/demo", headers={**headers, "Accept-Language": "en"})
    assert english.json()["message"] == "the key does not hold region(s) 青山县"
    assert client.get("/v1/scenarios", headers=headers).json()["total"] == 0


def test_unknown_bundles_and_missing_keys_are_refused(client: TestClient, make_key: MakeKey) -> None:
    unknown = client.post("/v1/scenarios/demo", json={"bundle": "../county-3k"}, headers=make_key(admin=True))
    assert unknown.status_code == 422
    assert unknown.json()["error"] == "invalid_request"
    assert client.post("/v1/scenarios/demo").status_code == 401
