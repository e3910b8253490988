"""A server killed with -9 mid-solve loses nothing: started again, it takes the runner lease over
once the dead server's lapses, re-queues the jobs it left running and every job finishes. Runs
`rotation serve` as a real process on a loopback port."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import httpx
import pytest
from sqlalchemy import select

from api.db import Database, PlanJob, migrate
from api.security import create_key
from tests.api.test_plans import demo_document

ROTATION = Path(sys.executable).parent / "rotation"
JOBS = 3
TIME_LIMIT = 8
LEASE = {"ROTATION_LEASE_SECONDS": "3"}
"""A short runner lease: the restarted server waits for the killed one's to lapse."""


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def start_server(
    database_url: str, port: int, log: Path, settings: dict[str, str] | None = None
) -> subprocess.Popen[bytes]:
    """`rotation serve` with two solve processes of two CP-SAT workers each (and any other
    ROTATION_* `settings`); ready when /health is."""
    return until_ready(launch_server(database_url, port, log, settings), port, log)


def launch_server(
    database_url: str, port: int, log: Path, settings: dict[str, str] | None = None
) -> subprocess.Popen[bytes]:
    """start_server without waiting for it."""
    env = {
        **os.environ,
        "ROTATION_SOLVE_WORKERS": "2",
        "ROTATION_CPSAT_WORKERS": "2",
        "ROTATION_POLL_SECONDS": "0.1",
        **(settings or {}),
    }
    command = [str(ROTATION), "serve", "--host", "127.0.0.1", "--port", str(port), "--db", database_url]
    with log.open("ab") as out:
        return subprocess.Popen(command, env=env, stdout=out, stderr=subprocess.STDOUT)


def until_ready(server: subprocess.Popen[bytes], port: int, log: Path) -> subprocess.Popen[bytes]:
    """The server, once its /health answers (killed, and the test failed, after 60 s)."""
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        assert server.poll() is None, log.read_text()
        try:
            if httpx.get(f"http://127.0.0.1:{port}/health", timeout=1).status_code == 200:
                return server
        except httpx.TransportError:
            pass
        time.sleep(0.2)
    server.kill()
    raise AssertionError(f"the server did not start:\n{log.read_text()}")


def wait(condition: Callable[[], Any], timeout: float, what: str) -> Any:
    deadline = time.monotonic() + timeout
    while not (value := condition()):
        assert time.monotonic() < deadline, what
        time.sleep(0.2)
    return value


def children(pid: int) -> list[int]:
    """The live child processes of `pid` (Linux /proc)."""
    found = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except (OSError, IndexError):
            continue
        if int(fields[1]) == pid and fields[0] not in "ZX":
            found.append(int(stat.parent.name))
    return found


def alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except (OSError, IndexError):
        return False
    return state not in "ZX"


@pytest.mark.slow
@pytest.mark.skipif(not Path("/proc").is_dir(), reason="finds the worker processes through /proc")
def test_a_server_killed_mid_solve_resumes_every_job(tmp_path: Path) -> None:
    database_url = f"sqlite:///{tmp_path / 'rotation.db'}"
    database = Database(database_url)
    migrate(database.engine)
    with database.session() as session:
        headers = {"X-API-Key": create_key(session, ["青山县"])}
    port, log = free_port(), tmp_path / "server.log"
    server = start_server(database_url, port, log, LEASE)
    try:
        with httpx.Client(base_url=f"http://127.0.0.1:{port}", headers=headers, timeout=30) as http:
            first = http.post("/v1/plans", json={"scenario": demo_document(), "time_limit": TIME_LIMIT})
            assert first.status_code == 202, first.text
            scenario_id = http.get(f"/v1/plans/{first.json()['id']}").json()["scenario_id"]
            ids = [first.json()["id"]]
            for seed in range(1, JOBS):
                body = {"scenario_id": scenario_id, "time_limit": TIME_LIMIT, "seed": seed}
                ids.append(http.post("/v1/plans", json=body).json()["id"])

            def solving() -> list[dict[str, Any]]:
                jobs = [http.get(f"/v1/plans/{job_id}").json() for job_id in ids]
                return [
                    j for j in jobs if j["status"] == "running" and j["progress"]["objective"] is not None
                ]

            wait(solving, 60, "no job reached a first plan")
            workers = children(server.pid)
            assert workers, "no solve process found"
            server.send_signal(signal.SIGKILL)
            server.wait()

            with database.session() as session:
                left = {
                    job_id: status for job_id, status in session.execute(select(PlanJob.id, PlanJob.status))
                }
            interrupted = [job_id for job_id in ids if left[job_id] == "running"]
            assert interrupted and all(status in ("running", "queued") for status in left.values()), left
            # Orphaned solve processes stop themselves once their server is gone.
            wait(lambda: not any(alive(pid) for pid in workers), 15, "a worker outlived its server")

            server = start_server(database_url, port, log, LEASE)

            def finished() -> list[dict[str, Any]] | None:
                jobs = [http.get(f"/v1/plans/{job_id}").json() for job_id in ids]
                return jobs if all(j["status"] in ("done", "failed", "cancelled") for j in jobs) else None

            jobs = wait(finished, 150, "not every job finished after the restart")
            for job in jobs:
                assert job["status"] == "done", job
                assert job["summary"]["status"] in ("optimal", "feasible") and job["moves"]
                assert job["attempts"] == (2 if job["id"] in interrupted else 1), job["attempts"]
            assert http.get("/v1/plans").json()["total"] == JOBS
    finally:
        server.kill()
        server.wait()
        database.engine.dispose()
