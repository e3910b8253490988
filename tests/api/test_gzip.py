"""Answers are gzipped for a client that accepts it (issue 15, item 6): the page fetches a
scenario document of 1.7 MB at 3,000 teachers, and the page itself, far less compressed."""

from __future__ import annotations

import gzip
import json
from collections.abc import Callable

from fastapi.testclient import TestClient

from tests.api.test_plans import create_scenario

MakeKey = Callable[..., dict[str, str]]


def test_a_scenario_document_comes_gzipped_and_reads_the_same(client: TestClient, make_key: MakeKey) -> None:
    headers = make_key("东区")
    scenario_id = create_scenario(client, headers)
    plain = client.get(f"/v1/scenarios/{scenario_id}", headers={**headers, "Accept-Encoding": "identity"})
    assert plain.status_code == 200
    assert "content-encoding" not in plain.headers
    with client.stream(
        "GET", f"/v1/scenarios/{scenario_id}", headers={**headers, "Accept-Encoding": "gzip"}
    ) as zipped:
        assert zipped.headers["content-encoding"] == "gzip"
        body = b"".join(zipped.iter_raw())
    assert len(body) < len(plain.content) / 3
    assert json.loads(gzip.decompress(body)) == plain.json()


def test_the_page_comes_gzipped(client: TestClient) -> None:
    page = client.get("/", headers={"Accept-Encoding": "gzip"})
    assert page.status_code == 200
    assert page.headers["content-encoding"] == "gzip"
    assert "<html" in page.text
