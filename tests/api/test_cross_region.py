"""A key for another region gets 404 on every route that names an object of region A, and no data.

The routes come from the app itself (every route with a path parameter, and every route whose
body names scenarios or plans), so a route added later is covered without touching this file.
Request bodies are the routes' own OpenAPI examples with region A's ids put in.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

import pytest
from fastapi.routing import APIRoute, iter_route_contexts
from fastapi.testclient import TestClient

from api.config import Settings
from api.db import ROADMAP_KIND, PlanJob, now
from api.documents import result_document
from api.main import create_app
from optimizer.io import scenario_to_document
from optimizer.options import EngineSettings
from optimizer.solve import solve
from tests.tiny import two_school_county

MakeKey = Callable[..., dict[str, str]]
SKIPPED = {
    "/health",
    "/docs",
    "/docs/oauth2-redirect",
    "/openapi.json",
    "/redoc",
    "/v1/status",
    "/metrics",
    "/v1/scenarios/template",
}
"""Routes that name no object: /v1/status counts only the key's jobs and /metrics is for admin keys
(both tested in test_operations.py); the template is the same empty workbook for every key."""
ID_FIELDS = {"scenario_id": "scenario", "plan_id": "plan", "job_id": "plan", "previous_plan_id": "plan"}
REGION_A = "东区"

APP = create_app(Settings())
OPENAPI = APP.openapi()


def _kind(name: str, path: str) -> str:
    """Which of region A's objects a path parameter names; an unknown name fails the test, so no
    route passes by naming an object that does not exist."""
    for kind in ("scenario", "plan", "teacher", "school", "roadmap"):
        if kind in name:
            return kind
    if "job" in name:
        return "plan"
    if name == "id":
        return "scenario" if path.startswith("/v1/scenarios/") else "plan"
    raise AssertionError(f"{path}: unknown path parameter {name!r}; teach this test what it names")


def _path_value(name: str, path: str, objects: dict[str, str]) -> str:
    parameter = next(
        (p for op in OPENAPI["paths"][path].values() for p in op.get("parameters", []) if p["name"] == name),
        None,
    )
    if parameter is not None and "enum" in parameter.get("schema", {}):
        return str(parameter["schema"]["enum"][0])
    return objects[_kind(name, path)]


def _query(path: str, method: str) -> dict[str, Any]:
    """The required query parameters, from their examples, defaults or first allowed value."""
    operation = OPENAPI["paths"][path][method.lower()]
    query = {}
    for parameter in operation.get("parameters", []):
        if parameter["in"] != "query" or not parameter.get("required"):
            continue
        schema = parameter.get("schema", {})
        query[parameter["name"]] = parameter.get(
            "example", schema.get("default", (schema.get("enum") or ["1"])[0])
        )
    return query


def _request_body(path: str, method: str) -> tuple[dict[str, Any], dict[str, Any]]:
    """The operation's JSON media object and its (resolved) schema; both empty without a JSON body."""
    operation = OPENAPI["paths"][path][method.lower()]
    media = operation.get("requestBody", {}).get("content", {}).get("application/json", {})
    schema = media.get("schema", {})
    if "$ref" in schema:
        schema = OPENAPI["components"]["schemas"][schema["$ref"].rsplit("/", 1)[1]]
    return media, schema


def _id_fields(schema: dict[str, Any]) -> list[str]:
    return [name for name in schema.get("properties", {}) if name.removesuffix("s") in ID_FIELDS]


def _body(path: str, method: str, objects: dict[str, str]) -> Any:
    """The route's own example body (or {}), with every scenario or plan id field set to A's."""
    media, schema = _request_body(path, method)
    if not media:
        return None
    if media.get("examples"):
        body = dict(next(iter(media["examples"].values()))["value"])
    elif schema.get("examples"):
        body = dict(schema["examples"][0])
    else:
        body = {}
    for name in _id_fields(schema):
        value = objects[ID_FIELDS[name.removesuffix("s")]]
        body[name] = [value] if name.endswith("s") else value
    return body


def operations() -> list[tuple[str, str]]:
    """(method, path) of every API route naming an object; iter_route_contexts also walks the
    included routers (this FastAPI keeps each as one entry of app.routes)."""
    found = []
    for route in iter_route_contexts(APP.routes):
        if not isinstance(route.original_route, APIRoute) or route.path in SKIPPED:
            continue
        for method in sorted(route.methods):
            if "{" in route.path or _id_fields(_request_body(route.path, method)[1]):
                found.append((method, route.path))
    return found


def listings() -> list[str]:
    """GET routes without parameters in the path: lists, which must leave other regions out."""
    return [
        route.path
        for route in iter_route_contexts(APP.routes)
        if isinstance(route.original_route, APIRoute)
        and route.path not in SKIPPED
        and "GET" in route.methods
        and "{" not in route.path
    ]


@pytest.fixture
def region_a(client: TestClient, make_key: MakeKey) -> dict[str, str]:
    """Region A's scenario, a done plan job and a cancelled roadmap of it, stored directly (no job
    runner involved)."""
    scenario = two_school_county()
    answer = client.post("/v1/scenarios", json=scenario_to_document(scenario), headers=make_key(REGION_A))
    scenario_id = answer.json()["id"]
    with client.app.state.database.session() as session:
        job = PlanJob(
            scenario_id=scenario_id,
            regions=[REGION_A],
            status="done",
            request={"overrides": [], "time_limit": 10},
            progress={},
            result=result_document(scenario, solve(scenario, EngineSettings(time_limit=10))),
            finished_at=now(),
        )
        roadmap = PlanJob(
            kind=ROADMAP_KIND,
            scenario_id=scenario_id,
            regions=[REGION_A],
            status="cancelled",
            request={"years": 1, "method": "auto", "time_limit": 10},
            progress={},
            finished_at=now(),
        )
        session.add_all([job, roadmap])
        session.flush()
        plan_id, roadmap_id = job.id, roadmap.id
    return {"scenario": scenario_id, "plan": plan_id, "teacher": "T00", "school": "U1", "roadmap": roadmap_id}


@pytest.mark.parametrize(("method", "path"), operations(), ids=lambda value: value)
def test_another_regions_key_gets_404(
    client: TestClient, make_key: MakeKey, region_a: dict[str, str], method: str, path: str
) -> None:
    url = re.sub(r"\{(\w+)\}", lambda match: _path_value(match.group(1), path, region_a), path)
    body = _body(path, method, region_a)
    for headers in (make_key("西区"), make_key("西区", "北区")):
        answer = client.request(method, url, params=_query(path, method), json=body, headers=headers)
        assert answer.status_code == 404, (method, url, answer.status_code, answer.text)
        assert answer.json()["error"] == "not_found" and answer.json()["problems"] == []
        assert REGION_A not in answer.text and "T00" not in answer.text
    owner = make_key(REGION_A)
    assert client.get(f"/v1/scenarios/{region_a['scenario']}", headers=owner).status_code == 200


@pytest.mark.parametrize(
    ("method", "path"), [op for op in operations() if "{" in op[1]], ids=lambda value: value
)
def test_a_malformed_id_gets_404(client: TestClient, make_key: MakeKey, method: str, path: str) -> None:
    """A NUL byte is the id PostgreSQL refuses outright: it must be a 404 like any unknown id."""
    url = re.sub(r"\{\w+\}", "%00", path)
    malformed = dict.fromkeys(("scenario", "plan", "teacher", "school", "roadmap"), "\x00")
    body, query = _body(path, method, malformed), _query(path, method)
    answer = client.request(method, url, params=query, json=body, headers=make_key(admin=True))
    assert answer.status_code == 404, (method, url, answer.status_code, answer.text)


@pytest.mark.parametrize("path", listings())
def test_lists_leave_other_regions_out(
    client: TestClient, make_key: MakeKey, region_a: dict[str, str], path: str
) -> None:
    answer = client.get(path, params=_query(path, "GET"), headers=make_key("西区"))
    assert answer.status_code == 200, answer.text
    assert region_a["scenario"] not in answer.text and region_a["plan"] not in answer.text
    owner = client.get(path, params=_query(path, "GET"), headers=make_key(REGION_A))
    assert region_a["scenario"] in owner.text or region_a["plan"] in owner.text


def test_the_owner_sees_the_objects_used_above(
    client: TestClient, make_key: MakeKey, region_a: dict[str, str]
) -> None:
    """The 404s above are for objects that exist: region A's key reads them."""
    headers = make_key(REGION_A)
    assert client.get(f"/v1/scenarios/{region_a['scenario']}", headers=headers).status_code == 200
    assert client.get(f"/v1/plans/{region_a['plan']}", headers=headers).status_code == 200


def test_the_fixed_routes_are_among_those_checked() -> None:
    checked = operations()
    assert ("GET", "/v1/scenarios/{scenario_id}") in checked
    assert ("POST", "/v1/plans") in checked
    assert any(method == "GET" and re.fullmatch(r"/v1/plans/\{\w+\}", path) for method, path in checked)
