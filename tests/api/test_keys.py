"""`rotation keys ...` and `rotation serve --demo`: keys print last, authenticate, revoke, stay hashed."""

from __future__ import annotations

import hashlib
import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest
from fastapi.testclient import TestClient
from sqlalchemy import create_engine, text

from api.security import KEY_CACHE_SECONDS, KeyCache
from optimizer.cli import main


def cli(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, list[str]]:
    code = main(list(args))
    return code, capsys.readouterr().out.splitlines()


def test_keys_create_prints_the_key_last_and_it_authenticates(
    client: TestClient, database_url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    code, lines = cli(capsys, "keys", "create", "--region", "东区", "--region", "西区", "--db", database_url)
    assert code == 0
    key = lines[-1]
    assert key.startswith("rk_")
    assert client.get("/v1/scenarios", headers={"X-API-Key": key}).status_code == 200
    code, lines = cli(capsys, "keys", "list", "--db", database_url)
    assert code == 0
    listed = "\n".join(lines)
    assert key.split("_")[1] in listed and "东区,西区" in listed and key not in listed


def test_a_revoked_key_gets_401(
    client: TestClient, database_url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    """Within KEY_CACHE_SECONDS of its last check a server may still take a revoked key; then not."""
    _, lines = cli(capsys, "keys", "create", "--admin", "--label", "hr", "--db", database_url)
    key = lines[-1]
    assert client.get("/v1/scenarios", headers={"X-API-Key": key}).status_code == 200
    prefix = "_".join(key.split("_")[:2])
    assert cli(capsys, "keys", "revoke", prefix, "--db", database_url)[0] == 0
    keys: KeyCache = client.app.state.keys
    keys.clock = lambda: time.monotonic() + KEY_CACHE_SECONDS
    assert client.get("/v1/scenarios", headers={"X-API-Key": key}).status_code == 401
    assert cli(capsys, "keys", "revoke", prefix, "--db", database_url)[0] == 1
    assert "revoked" in "\n".join(cli(capsys, "keys", "list", "--db", database_url)[1])


def test_a_key_needs_a_region_or_admin(database_url: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["keys", "create", "--db", database_url]) == 1
    assert "--region" in capsys.readouterr().err


def test_keys_are_stored_hashed(
    client: TestClient, database_url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    _, lines = cli(capsys, "keys", "create", "--region", "东区", "--db", database_url)
    key = lines[-1]
    engine = create_engine(database_url)
    with engine.connect() as connection:
        rows = connection.execute(text("SELECT * FROM api_keys")).all()
    engine.dispose()
    assert rows and all(key not in str(tuple(row)) for row in rows)
    assert hashlib.sha256(key.encode()).hexdigest() in {row.digest for row in rows}
    if database_url.startswith("sqlite:///"):
        path = Path(database_url.removeprefix("sqlite:///"))
        stored = b"".join(p.read_bytes() for p in path.parent.glob(f"{path.name}*"))
        assert key.encode() not in stored


def test_serve_demo_loads_the_demo_county_and_prints_a_working_admin_key(database_url: str) -> None:
    """Each start prints a working admin key and revokes the one the previous start printed."""
    first_key = None
    for start in range(2):
        server, port, key = _serve_demo(database_url)
        try:
            answer = _get_when_up(f"http://127.0.0.1:{port}/v1/scenarios", key)
            assert [item["name"] for item in answer["items"]] == ["demo-county"]
            assert answer["items"][0]["teachers"] == 600
            if start == 1:
                old = httpx.get(
                    f"http://127.0.0.1:{port}/v1/scenarios", headers={"X-API-Key": first_key or ""}
                )
                assert old.status_code == 401, old.text
            first_key = key
        finally:
            server.terminate()
            server.wait(timeout=30)


def _serve_demo(database_url: str) -> tuple[subprocess.Popen[str], int, str]:
    """`rotation serve --demo` on a free port: the server, its port and the key it printed."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    command = [
        sys.executable,
        "-m",
        "optimizer.cli",
        "serve",
        "--demo",
        "--port",
        str(port),
        "--db",
        database_url,
    ]
    server = subprocess.Popen(
        command,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
        env={**os.environ, "PYTHONUNBUFFERED": "1"},
    )
    assert server.stdout is not None
    lines = [server.stdout.readline() for _ in range(5)]
    curl = next(line for line in lines if line.startswith("try: curl"))
    assert f"http://127.0.0.1:{port}/v1/scenarios" in curl
    return server, port, curl.split('"X-API-Key: ')[1].split('"')[0]


def _get_when_up(url: str, key: str) -> dict[str, object]:
    deadline = time.monotonic() + 60
    while True:
        try:
            return httpx.get(url, headers={"X-API-Key": key}).raise_for_status().json()
        except httpx.TransportError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.2)
