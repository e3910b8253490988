"""Running the service (issue 16, items 11-13): wrong keys are throttled, /health tells nothing
about any region and /v1/status only the key's, logs are JSON with the whole traceback, metrics
are Prometheus', a database outage is a 503, every setting is in the README, the API docs load
nothing from elsewhere, and answers carry problem documents and times with their zone."""

from __future__ import annotations

import json
import os
import re
import socket
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import replace
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest
from fastapi.testclient import TestClient
from prometheus_client.parser import text_string_to_metric_families
from sqlalchemy import make_url

from api.config import Settings, settings_table
from api.db import ApiKey, Database, migrate
from api.main import create_app
from api.security import BadKeyLimiter, authenticate, create_key, replace_demo_key
from tests.api.test_plans import REGION, county_document, create_scenario, solved

ROOT = Path(__file__).resolve().parents[2]
MakeKey = Callable[..., dict[str, str]]
PROBLEM_MEMBERS = {"type", "title", "status", "detail", "instance", "error", "message", "problems"}


def assert_problem(response: httpx.Response, status: int, code: str) -> dict[str, Any]:
    """An RFC 9457 problem document with the service's own members."""
    assert response.status_code == status, response.text
    assert response.headers["content-type"] == "application/problem+json"
    body: dict[str, Any] = response.json()
    assert set(body) == PROBLEM_MEMBERS, body
    assert (body["status"], body["error"], body["detail"]) == (status, code, body["message"])
    assert body["type"].endswith(":" + code) and body["instance"].startswith("urn:uuid:")
    return body


def wrong_key(number: int) -> dict[str, str]:
    return {"X-API-Key": f"rk_{number:08x}_guessed"}


def test_wrong_keys_from_one_address_are_throttled(client: TestClient, make_key: MakeKey) -> None:
    limit = client.app.state.settings.bad_key_limit
    headers = make_key(REGION)
    answers = Counter(client.get("/v1/scenarios", headers=wrong_key(n)).status_code for n in range(3000))
    assert answers == {401: limit, 429: 3000 - limit}
    # Locked out: a right key from that address waits too, so a lucky guess would not show.
    locked = client.get("/v1/scenarios", headers=headers)
    assert_problem(locked, 429, "too_many_bad_keys")
    assert 0 < int(locked.headers["retry-after"]) <= client.app.state.settings.bad_key_window
    assert client.get("/v1/scenarios").status_code == 401  # no key is no guess


def test_the_lockout_ends_when_the_window_has_passed(client: TestClient, make_key: MakeKey) -> None:
    clock = [1000.0]
    client.app.state.bad_keys = BadKeyLimiter(3, 60, clock=lambda: clock[0])
    headers = make_key(REGION)
    for number in range(3):
        clock[0] += 1
        assert client.get("/v1/scenarios", headers=wrong_key(number)).status_code == 401
    assert client.get("/v1/scenarios", headers=headers).headers["retry-after"] == "58"
    clock[0] += 58
    assert client.get("/v1/scenarios", headers=headers).status_code == 200
    assert client.get("/v1/scenarios", headers=wrong_key(3)).status_code == 401
    assert client.get("/v1/scenarios", headers=headers).status_code == 429


def test_a_limit_of_0_turns_the_throttle_off() -> None:
    limiter = BadKeyLimiter(0, 60)
    for _ in range(100):
        limiter.record_failure("10.0.0.1")
    assert limiter.retry_after("10.0.0.1") == 0 and not limiter.failures


def test_health_tells_nothing_about_the_queue(client: TestClient) -> None:
    assert client.get("/health").json() == {"status": "ok"}


def key(client: TestClient, regions: list[str], admin: bool = False) -> str:
    with client.app.state.database.session() as session:
        return create_key(session, regions, admin=admin)


def test_status_counts_only_the_jobs_of_the_keys_regions(settings: Settings) -> None:
    west = county_document()
    for row in west["schools"]:
        row["region"] = "西区"
    # No solve process: the jobs stay queued.
    with TestClient(create_app(replace(settings, solve_workers=0))) as client:
        east_key, west_key, admin_key = (
            {"X-API-Key": key(client, regions, admin)}
            for regions, admin in (([REGION], False), (["西区"], False), ([], True))
        )
        for headers, document, jobs in ((east_key, county_document(), 2), (west_key, west, 1)):
            scenario_id = create_scenario(client, headers, document)
            for _ in range(jobs):
                response = client.post("/v1/plans", json={"scenario_id": scenario_id}, headers=headers)
                assert response.status_code == 202, response.text
        queued = {
            name: client.get("/v1/status", headers=headers).json()
            for name, headers in (("east", east_key), ("west", west_key), ("admin", admin_key))
        }
    assert {name: (status["queued"], status["running"]) for name, status in queued.items()} == {
        "east": (2, 0),
        "west": (1, 0),
        "admin": (3, 0),
    }
    assert queued["east"]["queue_limit"] == settings.queue_limit


def test_each_demo_start_revokes_the_previous_demo_key(database_url: str) -> None:
    database = Database(database_url)
    migrate(database.engine)
    with database.session() as session:
        first = replace_demo_key(session)
    with database.session() as session:
        second = replace_demo_key(session)
    with database.session() as session:
        assert authenticate(session, first) is None
        caller = authenticate(session, second)
        assert caller is not None and caller.admin
        assert session.query(ApiKey).filter(ApiKey.revoked.is_(False)).count() == 1
    database.engine.dispose()


def json_lines(text: str) -> list[dict[str, Any]]:
    return [json.loads(line) for line in text.splitlines() if line.strip()]


def test_a_server_error_is_logged_with_its_message_and_traceback(
    settings: Settings, capsys: pytest.CaptureFixture[str]
) -> None:
    app = create_app(settings)

    def broken() -> None:
        raise KeyError("teacher T9 is not in the index")

    app.add_api_route("/v1/broken", broken)
    with TestClient(app, raise_server_exceptions=False) as client:
        response = client.get("/v1/broken")
    answer = assert_problem(response, 500, "internal_error")
    assert "T9" not in response.text
    logged = [line for line in json_lines(capsys.readouterr().err) if line.get("exception")]
    assert len(logged) == 1, logged
    entry = logged[0]
    assert entry["level"] == "ERROR" and entry["message"] == "unexpected error on GET /v1/broken"
    assert entry["exception"].startswith("Traceback (most recent call last)")
    assert "KeyError: 'teacher T9 is not in the index'" in entry["exception"]
    assert {"time", "logger"} <= set(entry)
    assert entry["instance"] == answer["instance"]  # what the client quotes finds the event


def test_uvicorns_lines_are_json_too(tmp_path: Path) -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    command = [sys.executable, "-m", "optimizer.cli", "serve", "--port", str(port)]
    command += ["--db", f"sqlite:///{tmp_path / 'rotation.db'}"]
    env = {**os.environ, "PYTHONUNBUFFERED": "1", "ROTATION_SOLVE_WORKERS": "1"}
    server = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True, env=env)
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                assert httpx.get(f"http://127.0.0.1:{port}/health").status_code == 200
                break
            except httpx.TransportError:
                assert time.monotonic() < deadline, "the server did not start"
                time.sleep(0.2)
    finally:
        server.terminate()
        _, err = server.communicate(timeout=30)
    lines = json_lines(err)
    assert all({"time", "level", "logger", "message"} <= set(line) for line in lines)
    loggers = Counter(line["logger"] for line in lines)
    assert loggers["uvicorn.error"] >= 2 and loggers["uvicorn.access"] >= 1, loggers
    assert any('"GET /health HTTP/1.1" 200' in line["message"] for line in lines)


def scrape(
    client: TestClient, headers: dict[str, str]
) -> dict[tuple[str, tuple[tuple[str, str], ...]], float]:
    response = client.get("/metrics", headers=headers)
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].startswith("text/plain")
    return {
        (sample.name, tuple(sorted(sample.labels.items()))): sample.value
        for family in text_string_to_metric_families(response.text)
        for sample in family.samples
    }


def test_prometheus_metrics(client: TestClient, make_key: MakeKey) -> None:
    admin, headers = make_key(admin=True), make_key(REGION)
    assert_problem(client.get("/metrics", headers=headers), 403, "forbidden")
    assert_problem(client.get("/metrics"), 401, "unauthorized")
    solved(client, headers, time_limit=2)
    first = scrape(client, admin)
    assert first[("rotation_jobs", (("status", "done"),))] == 1
    assert first[("rotation_jobs", (("status", "queued"),))] == 0
    assert first[("rotation_queue_depth", ())] == 0
    assert first[("rotation_solve_duration_seconds_count", (("status", "done"),))] == 1
    assert first[("rotation_solve_duration_seconds_sum", (("status", "done"),))] > 0
    created = (("method", "POST"), ("route", "/v1/scenarios"), ("status", "201"))
    assert first[("rotation_http_request_duration_seconds_count", created)] == 1
    polled = (("method", "GET"), ("route", "/v1/plans/{job_id}"), ("status", "200"))
    assert first[("rotation_http_request_duration_seconds_count", polled)] >= 1
    # A finished job is observed once, however often Prometheus scrapes.
    assert scrape(client, admin)[("rotation_solve_duration_seconds_count", (("status", "done"),))] == 1


def test_a_database_outage_is_a_503_problem(
    client: TestClient, make_key: MakeKey, database_url: str, tmp_path: Path
) -> None:
    headers = make_key(REGION)
    url = make_url(database_url)
    unreachable = (
        url.set(database=str(tmp_path / "gone" / "rotation.db"))
        if url.get_backend_name() == "sqlite"
        else url.set(host="127.0.0.1", port=1)
    )
    working = client.app.state.database
    client.app.state.database = Database(unreachable.render_as_string(hide_password=False))
    try:
        response = client.get("/v1/scenarios", headers=headers)
        assert client.get("/health").status_code == 200
    finally:
        client.app.state.database.engine.dispose()
        client.app.state.database = working
    assert_problem(response, 503, "database_unavailable")
    assert response.headers["retry-after"].isdigit()
    assert client.get("/v1/scenarios", headers=headers).status_code == 200


def test_every_setting_is_documented_in_the_readme() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert settings_table() in readme
    declared = {row.split("`")[1] for row in settings_table().splitlines()[2:]}
    used = {
        name
        for path in (ROOT / "api").rglob("*.py")
        for name in re.findall(r"ROTATION_[A-Z_]+", path.read_text(encoding="utf-8"))
    }
    assert used <= declared, used - declared


def test_the_api_docs_load_nothing_from_elsewhere(client: TestClient) -> None:
    page = client.get("/docs")
    assert page.status_code == 200
    policy = page.headers["content-security-policy"]
    assert "default-src 'self'" in policy and "script-src 'self'" in policy
    assets = re.findall(r'(?:src|href)="([^"]+)"', page.text)
    assert len(assets) == 3 and all(asset.startswith("/static/") for asset in assets), assets
    for asset in assets:
        assert client.get(asset).status_code == 200, asset
    assert "<script>" not in page.text  # the CSP allows no inline script
    assert client.get("/redoc").status_code == 404  # it would load ReDoc from a CDN


@pytest.mark.parametrize("body", [b'{"scenario_id": ', b"\xff\xfe{}"], ids=["cut-short", "not-utf-8"])
def test_a_malformed_body_is_a_400_problem(client: TestClient, make_key: MakeKey, body: bytes) -> None:
    headers = {**make_key(REGION), "Content-Type": "application/json", "Accept-Language": "zh"}
    response = client.post("/v1/plans", content=body, headers=headers)
    document = assert_problem(response, 400, "bad_request")
    assert document["title"] == "请求无法解析" and response.headers["content-language"] == "zh"


def test_a_malformed_json_body_names_where_parsing_stopped(client: TestClient, make_key: MakeKey) -> None:
    response = client.post(
        "/v1/plans",
        content=b'{"scenario_id": }',
        headers={**make_key(REGION), "Content-Type": "application/json", "Accept-Language": "en"},
    )
    [problem] = assert_problem(response, 400, "bad_request")["problems"]
    assert (problem["code"], problem["file"]) == ("json_invalid", "body")
    assert problem["message"].startswith("not valid JSON at character 17")


def test_every_api_route_documents_its_problem_answers(client: TestClient) -> None:
    schema = client.app.openapi()
    for path, operations in schema["paths"].items():
        if not path.startswith("/v1/"):
            continue
        for method, operation in operations.items():
            answers = operation["responses"]
            for status in ("400", "401", "422", "429", "503"):
                content = answers[status]["content"]
                assert list(content) == ["application/problem+json"], (method, path, status)
                assert content["application/problem+json"]["schema"]["$ref"].endswith("/ProblemDetails")


def test_scenario_times_carry_their_zone(client: TestClient, make_key: MakeKey) -> None:
    headers = make_key(REGION)
    scenario_id = create_scenario(client, headers)
    times = [
        client.get(f"/v1/scenarios/{scenario_id}", headers=headers).json()["created_at"],
        client.get("/v1/scenarios", headers=headers).json()["items"][0]["created_at"],
    ]
    assert all(datetime.fromisoformat(moment).utcoffset() == timedelta(0) for moment in times), times


def test_a_worker_without_os_nice_still_starts(monkeypatch: pytest.MonkeyPatch) -> None:
    """Windows has no os.nice: lowering the priority is skipped there, not an error in every solve."""
    from api import worker

    monkeypatch.delattr(worker.os, "nice")
    worker.lower_priority()
