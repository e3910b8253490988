"""Bounded input (issue 16, items 3-5): bodies cut off as they stream in on every route, workbooks
held to their limits before they are parsed, damaged input answered 422, never 500."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import anyio
import pytest
from fastapi.testclient import TestClient

from tests.hostile_workbooks import (
    broken_sheet_xml,
    declaring_every_cell,
    sheet_xml_bomb,
    zip_without_workbook,
)

MakeKey = Callable[..., dict[str, str]]
CHUNK = 64 * 1024


class Streamed:
    """What the app answered to a body sent in chunks, and how much of the body it read."""

    def __init__(self) -> None:
        self.read = 0
        self.status = 0
        self.body = b""

    def json(self) -> Any:
        return json.loads(self.body)


def stream(client: TestClient, path: str, chunks: Iterator[bytes], headers: dict[str, str]) -> Streamed:
    """POST `chunks` to the app as a server hands them over without a Content-Length (chunked
    transfer), through the ASGI interface, so that how far the app reads is seen."""
    answer = Streamed()

    async def receive() -> dict[str, Any]:
        chunk = next(chunks, b"")
        answer.read += len(chunk)
        return {"type": "http.request", "body": chunk, "more_body": bool(chunk)}

    async def send(message: dict[str, Any]) -> None:
        if message["type"] == "http.response.start":
            answer.status = message["status"]
        elif message["type"] == "http.response.body":
            answer.body += message.get("body", b"")

    scope = {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": "POST",
        "scheme": "http",
        "path": path,
        "raw_path": path.encode(),
        "query_string": b"",
        "root_path": "",
        "headers": [(name.lower().encode(), value.encode()) for name, value in headers.items()],
        "client": ("127.0.0.1", 50000),
        "server": ("testserver", 80),
    }
    anyio.run(client.app, scope, receive, send)
    return answer


def endless_json_list(key: str, total: int) -> Iterator[bytes]:
    """`{"key": ["x…", "x…", …` of `total` bytes, in chunks, never closed."""
    yield f'{{"{key}": ['.encode()
    item = b'"' + b"x" * (CHUNK - 4) + b'",'
    for _ in range(total // len(item)):
        yield item


def test_a_chunked_scenario_body_is_cut_off_at_the_upload_limit(
    client: TestClient, make_key: MakeKey
) -> None:
    limit = client.app.state.settings.max_upload_bytes
    headers = {**make_key("东区"), "Content-Type": "application/json", "Accept-Language": "en"}
    answer = stream(client, "/v1/scenarios", endless_json_list("teachers", 3 * limit), headers)
    assert answer.status == 413
    assert limit < answer.read <= limit + CHUNK
    assert answer.json()["error"] == "too_large"
    assert answer.json()["message"] == f"the body is over the limit of {limit} bytes"


@pytest.mark.parametrize("path", ["/v1/comparisons", "/v1/batches", f"/v1/plans/{'0' * 32}/replan"])
def test_what_if_bodies_are_cut_off_at_the_request_limit(
    client: TestClient, make_key: MakeKey, path: str
) -> None:
    limit = client.app.state.settings.max_request_bytes
    assert limit < client.app.state.settings.max_upload_bytes
    headers = {**make_key("东区"), "Content-Type": "application/json", "Accept-Language": "zh"}
    answer = stream(client, path, endless_json_list("plan_ids", 3 * limit), headers)
    assert answer.status == 413
    assert limit < answer.read <= limit + CHUNK
    assert answer.json()["message"] == f"请求体超过上限 {limit} 字节"


def test_a_declared_length_over_the_limit_is_refused_unread(client: TestClient, make_key: MakeKey) -> None:
    limit = client.app.state.settings.max_request_bytes
    headers = {**make_key("东区"), "Content-Type": "application/json", "Content-Length": str(300_000_000)}
    answer = stream(client, "/v1/comparisons", endless_json_list("plan_ids", 3 * limit), headers)
    assert (answer.status, answer.read) == (413, 0)
    assert answer.json()["error"] == "too_large"
    body = json.dumps({"plan_ids": ["0" * 32]}).encode()
    within = stream(
        client, "/v1/comparisons", iter([body[:10], body[10:]]), {**headers, "Content-Length": str(len(body))}
    )
    assert within.status == 404, within.body  # read whole, answered as before


@pytest.mark.parametrize(
    ("make", "code"),
    [
        (declaring_every_cell, "workbook_too_large"),
        (sheet_xml_bomb, "workbook_too_large"),
        (zip_without_workbook, "unreadable_file"),
        (broken_sheet_xml, "unreadable_file"),
    ],
)
def test_hostile_workbooks_get_422(
    client: TestClient, make_key: MakeKey, tmp_path: Path, make: Callable[[Path], Path], code: str
) -> None:
    path = make(tmp_path / "teachers.xlsx")
    answer = client.post(
        "/v1/scenarios/upload", files={"files": (path.name, path.read_bytes())}, headers=make_key("东区")
    )
    assert answer.status_code == 422, answer.text
    [problem] = answer.json()["problems"]
    assert (problem["code"], problem["file"]) == (code, "teachers.xlsx")


def test_a_scenario_filter_that_is_no_id_is_422(client: TestClient, make_key: MakeKey) -> None:
    """PostgreSQL refuses a NUL byte in text: the filter is checked before it reaches the query."""
    headers = make_key("东区")
    for value in ("%00", "a%00b", "x" * 64):
        answer = client.get(f"/v1/plans?scenario_id={value}", headers=headers)
        assert answer.status_code == 422, answer.text
        assert answer.json()["problems"][0]["file"] == "query"
    assert client.get(f"/v1/plans?scenario_id={'0' * 32}", headers=headers).json()["total"] == 0


@pytest.mark.parametrize(
    ("path", "field"), [("/v1/comparisons", "plan_ids"), ("/v1/batches", "scenario_ids")]
)
def test_a_long_id_in_a_list_is_422_and_not_echoed(
    client: TestClient, make_key: MakeKey, path: str, field: str
) -> None:
    long_id = "f" * 1_000_000
    answer = client.post(path, json={field: [long_id]}, headers=make_key("东区"))
    assert answer.status_code == 422, answer.text[:300]
    assert len(answer.content) < 10_000
