"""The job machinery under the failures of issue 16: processes migrating a fresh database at once,
two servers on one database (one runner lease), a cancel repeated or crossing a job's end, a solve
process killed, and a server killed with -9 while its processes work. Each runs on the suite's
database (SQLite, or PostgreSQL with ROTATION_TEST_POSTGRES); killing and racing use real processes.
"""

from __future__ import annotations

import multiprocessing
import os
import signal
import subprocess
import time
from collections.abc import Callable
from contextlib import ExitStack
from dataclasses import replace
from datetime import timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest
from alembic.config import Config
from alembic.script import ScriptDirectory
from fastapi.testclient import TestClient
from sqlalchemy import update
from sqlalchemy.orm import undefer

from api.config import Settings
from api.db import MIGRATIONS, Database, PlanJob, RunnerLease, migrate, now
from api.jobs import SETTLE_SECONDS
from api.lease import LEASE, Lease
from api.main import create_app
from api.runner import WORKER_RETRIES, died
from api.security import create_key
from tests.api.migrating import migrate_when_released
from tests.api.test_plans import (
    REGION,
    county_document,
    create_scenario,
    demo_document,
    idle_client,
    solved,
    submit,
    wait_for,
)
from tests.api.test_restart import (
    ROTATION,
    alive,
    free_port,
    launch_server,
    start_server,
    until_ready,
    wait,
)

Headers = dict[str, str]
MIGRATING = 4
"""Processes migrating one fresh database at once."""


def head_revision() -> str | None:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    return ScriptDirectory.from_config(config).get_current_head()


def test_processes_migrating_a_fresh_database_at_once_all_succeed(database_url: str) -> None:
    context = multiprocessing.get_context("spawn")
    barrier = context.Barrier(MIGRATING + 1)
    racers = [
        context.Process(target=migrate_when_released, args=(database_url, barrier)) for _ in range(MIGRATING)
    ]
    for racer in racers:
        racer.start()
    barrier.wait(timeout=60)
    for racer in racers:
        racer.join(60)
    assert [racer.exitcode for racer in racers] == [0] * MIGRATING
    database = Database(database_url)
    with database.engine.connect() as connection:
        assert (
            connection.exec_driver_sql("SELECT version_num FROM alembic_version").scalar() == head_revision()
        )
    database.engine.dispose()


def test_serve_and_keys_create_at_once_on_a_fresh_database_both_succeed(
    database_url: str, tmp_path: Path
) -> None:
    port, log = free_port(), tmp_path / "server.log"
    create = [str(ROTATION), "keys", "create", "--region", REGION, "--db", database_url]
    with log.open("ab") as out:
        server = subprocess.Popen(
            [str(ROTATION), "serve", "--port", str(port), "--db", database_url], stdout=out, stderr=out
        )
    keys = [
        subprocess.Popen(create, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True) for _ in range(2)
    ]
    try:
        outputs = [process.communicate(timeout=60) for process in keys]
        for process, (_, errors) in zip(keys, outputs, strict=True):
            assert process.returncode == 0, errors
        key = outputs[0][0].splitlines()[-1]

        def answers() -> bool:
            assert server.poll() is None, log.read_text()
            try:
                return httpx.get(f"http://127.0.0.1:{port}/v1/plans", headers={"X-API-Key": key}).is_success
            except httpx.TransportError:
                return False

        wait(answers, 60, "the server did not start")
    finally:
        server.kill()
        server.wait()


def test_one_server_holds_the_runner_lease_until_its_heartbeat_stops(database_url: str) -> None:
    database = Database(database_url)
    migrate(database.engine)
    seconds = 0.6
    first, second = Lease(database, seconds), Lease(database, seconds)
    assert first.hold() and not second.hold()
    # While the holder renews, the other never takes over, however long it waits.
    deadline = time.monotonic() + 3 * seconds
    while time.monotonic() < deadline:
        assert first.hold() and not second.hold()
        time.sleep(0.05)
    # The holder stops renewing (it died): a lease time later the other takes over, and the
    # first finds at its next renewal that it lost the lease.
    stopped = time.monotonic()
    wait(second.hold, 5 * seconds, "the lease was not taken over")
    assert time.monotonic() - stopped >= seconds / 2
    time.sleep(seconds / 3)
    assert not first.hold() and second.hold()
    # A holder that stops cleanly frees the lease: the next server takes it at once.
    second.release()
    time.sleep(seconds / 3)
    assert first.hold()
    with database.session() as session:
        assert session.get_one(RunnerLease, LEASE).holder == first.holder
    database.engine.dispose()


def running_with_a_plan(client: TestClient, headers: Headers, job_id: str) -> dict[str, Any]:
    return wait_for(
        client,
        headers,
        job_id,
        lambda job: job["status"] == "running" and job["progress"]["objective"] is not None,
        timeout=60,
    )


def test_a_second_server_neither_requeues_nor_fails_the_first_servers_jobs(settings: Settings) -> None:
    settings = replace(settings, lease_seconds=1.5)
    with ExitStack() as stack:
        with TestClient(create_app(settings)) as first:
            with first.app.state.database.session() as session:
                headers = {"X-API-Key": create_key(session, ["青山县", REGION])}
            # CP-SAT alone: the HiGHS warm start proves the demo county optimal too soon.
            job_id = submit(first, headers, scenario=demo_document(), time_limit=6, engine="cp-sat")
            running_with_a_plan(first, headers, job_id)

            second = stack.enter_context(TestClient(create_app(settings)))
            assert first.app.state.runner.lease.held and not second.app.state.runner.lease.held
            assert second.get(f"/v1/plans/{job_id}", headers=headers).json()["attempts"] == 1
            # The second serves the API and queues; the first runs what it queues.
            other = solved(second, headers)
            job = wait_for(second, headers, job_id, timeout=60)
            assert job["status"] == "done" and job["attempts"] == 1, job
            assert second.get(f"/v1/plans/{other}", headers=headers).json()["attempts"] == 1
            assert not second.app.state.runner.runs and not second.app.state.runner.lease.held
        # The first stopped cleanly and freed the lease: the second runs the jobs from then on.
        solved(second, headers)
        assert second.app.state.runner.lease.held


@pytest.mark.slow
@pytest.mark.skipif(not Path("/proc").is_dir(), reason="finds processes through /proc")
def test_a_waiting_server_takes_over_the_jobs_of_a_runner_killed_with_9(
    database_url: str, tmp_path: Path
) -> None:
    database = Database(database_url)
    migrate(database.engine)
    with database.session() as session:
        headers = {"X-API-Key": create_key(session, ["青山县"])}
    lease = {"ROTATION_LEASE_SECONDS": "2"}
    ports, logs = (free_port(), free_port()), (tmp_path / "runner.log", tmp_path / "waiting.log")
    runner = start_server(database_url, ports[0], logs[0], lease)
    # The second starts while the first runs the jobs: it waits.
    waiting = launch_server(database_url, ports[1], logs[1], lease)
    port = ports[1]
    try:
        with httpx.Client(base_url=f"http://127.0.0.1:{port}", headers=headers, timeout=30) as http:
            body = {"scenario": demo_document(), "time_limit": 5, "engine": "cp-sat"}
            job_id = http.post(f"http://127.0.0.1:{ports[0]}/v1/plans", json=body).json()["id"]

            def solving() -> bool:
                job = http.get(f"http://127.0.0.1:{ports[0]}/v1/plans/{job_id}").json()
                return job["status"] == "running" and job["progress"]["objective"] is not None

            wait(solving, 60, "the job did not start")
            until_ready(waiting, port, logs[1])
            runner.send_signal(signal.SIGKILL)
            runner.wait()

            def finished() -> dict[str, Any] | None:
                job = http.get(f"/v1/plans/{job_id}").json()
                return job if job["status"] not in ("queued", "running") else None

            job = wait(finished, 60, "the waiting server did not finish the job")
            assert job["status"] == "done" and job["attempts"] == 2 and job["moves"], job
    finally:
        for server in (runner, waiting):
            server.kill()
            server.wait()
        database.engine.dispose()


def test_a_repeated_cancel_of_a_running_job_keeps_the_plan_the_first_one_kept(
    client: TestClient, make_key: Callable[..., Headers]
) -> None:
    headers = make_key("青山县")
    job_id = submit(client, headers, scenario=demo_document(), time_limit=30, engine="cp-sat")
    running_with_a_plan(client, headers, job_id)
    first = client.delete(f"/v1/plans/{job_id}", headers=headers)
    assert first.status_code == 202 and first.json()["status"] == "cancelling"
    # A double click: the second DELETE lands while the job is cancelling or just cancelled.
    double = client.delete(f"/v1/plans/{job_id}", headers=headers)
    assert double.status_code == 202 and double.json()["status"] in ("cancelling", "cancelled")
    assert wait_for(client, headers, job_id, timeout=30)["status"] == "cancelled"
    again = client.delete(f"/v1/plans/{job_id}", headers=headers)
    assert again.status_code == 202 and again.json() == {"id": job_id, "status": "cancelled"}
    job = client.get(f"/v1/plans/{job_id}", headers=headers).json()
    assert job["status"] == "cancelled" and job["moves"]


def finished_long_ago(client: TestClient, job_id: str) -> None:
    """Move a job's end back past the seconds in which a DELETE still counts as a cancel."""
    with client.app.state.database.session() as session:
        session.execute(
            update(PlanJob)
            .where(PlanJob.id == job_id)
            .values(finished_at=now() - timedelta(seconds=SETTLE_SECONDS))
        )


def test_a_repeated_cancel_of_a_queued_job_keeps_it_and_a_later_delete_deletes_it(
    settings: Settings,
) -> None:
    with idle_client(settings) as (client, headers):
        job_id = submit(client, headers, scenario_id=create_scenario(client, headers))
        for _ in range(2):
            response = client.delete(f"/v1/plans/{job_id}", headers=headers)
            assert response.status_code == 202 and response.json() == {"id": job_id, "status": "cancelled"}
        assert client.get(f"/v1/plans/{job_id}", headers=headers).json()["status"] == "cancelled"
        finished_long_ago(client, job_id)
        assert client.delete(f"/v1/plans/{job_id}", headers=headers).status_code == 204
        assert client.get(f"/v1/plans/{job_id}", headers=headers).status_code == 404


def test_a_cancel_that_crosses_the_end_of_a_job_keeps_its_plan(
    client: TestClient, make_key: Callable[..., Headers]
) -> None:
    headers = make_key(REGION)
    job_id = solved(client, headers)
    late = client.delete(f"/v1/plans/{job_id}", headers=headers)
    assert late.status_code == 409 and late.json()["error"] == "just_finished", late.text
    assert 0 < int(late.headers["retry-after"]) <= SETTLE_SECONDS
    job = client.get(f"/v1/plans/{job_id}", headers=headers).json()
    assert job["status"] == "done" and job["moves"]
    # Deleting a job finished a while ago is what DELETE does (204).
    finished_long_ago(client, job_id)
    assert client.delete(f"/v1/plans/{job_id}", headers=headers).status_code == 204
    assert client.get(f"/v1/plans/{job_id}", headers=headers).status_code == 404


def stored_job(client: TestClient, job_id: str) -> PlanJob:
    """The job's row with its plans loaded (they are deferred: read after the session closes)."""
    with client.app.state.database.session() as session:
        return session.get_one(PlanJob, job_id, options=[undefer(PlanJob.best), undefer(PlanJob.result)])


def kill_run(client: TestClient, job_id: str, attempt: int) -> None:
    """Kill -9 the solve process of a job's run number `attempt` once it has started."""
    runs = client.app.state.runner.runs

    def started() -> Any:
        run = runs.get(job_id)
        return run if run is not None and run.attempt == attempt else None

    os.kill(wait(started, 60, f"run {attempt} did not start").process.pid, signal.SIGKILL)


def test_a_killed_solve_process_runs_again_from_its_best_plan(
    client: TestClient, make_key: Callable[..., Headers]
) -> None:
    headers = make_key("青山县")
    job_id = submit(client, headers, scenario=demo_document(), time_limit=6, engine="cp-sat")
    wait(lambda: stored_job(client, job_id).best, 60, "no best plan saved")
    best = stored_job(client, job_id).best
    assert best is not None
    kill_run(client, job_id, 1)
    # The next run starts from the best plan saved: its first plan is at least as good.
    again = wait_for(
        client,
        headers,
        job_id,
        lambda job: job["attempts"] == 2 and job["progress"]["objective"] is not None,
        timeout=60,
    )
    assert again["progress"]["objective"] <= best["objective"] + 1e-6
    job = wait_for(client, headers, job_id, timeout=60)
    assert job["status"] == "done" and job["attempts"] == 2 and job["moves"], job
    assert stored_job(client, job_id).retries == 1


def test_a_job_whose_solve_process_keeps_dying_fails_saying_so(
    client: TestClient, make_key: Callable[..., Headers]
) -> None:
    headers = make_key("青山县")
    job_id = submit(client, headers, scenario=demo_document(), time_limit=30, engine="cp-sat")
    for attempt in range(1, WORKER_RETRIES + 2):
        kill_run(client, job_id, attempt)
    job = wait_for(client, headers, job_id, timeout=30)
    assert job["status"] == "failed" and job["attempts"] == WORKER_RETRIES + 1 and "moves" not in job
    assert job["error"] == {
        "error": "solve_process_died",
        "message": died(-9).zh,
        "problems": [],
    }  # Chinese by default
    assert stored_job(client, job_id).retries == WORKER_RETRIES


def descendants(pid: int) -> set[int]:
    """Every live process below `pid` (Linux /proc)."""
    parents: dict[int, int] = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except (OSError, IndexError):
            continue
        if fields[0] not in "ZX":
            parents[int(stat.parent.name)] = int(fields[1])
    found: set[int] = set()
    frontier = {pid}
    while frontier:
        frontier = {child for child, parent in parents.items() if parent in frontier} - found
        found |= frontier
    return found


def command_line(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode()
    except OSError:
        return ""


@pytest.mark.slow
@pytest.mark.skipif(not Path("/proc").is_dir(), reason="finds processes through /proc")
def test_the_local_dask_cluster_does_not_outlive_a_server_killed_with_9(
    database_url: str, tmp_path: Path
) -> None:
    """ROTATION_CLUSTER=local: the server's own LocalCluster (its workers, one per core) goes
    with the server, even when nothing could close it."""
    database = Database(database_url)
    migrate(database.engine)
    server = start_server(database_url, free_port(), tmp_path / "server.log", {"ROTATION_CLUSTER": "local"})
    try:
        processes = descendants(server.pid)
        lines = [command_line(pid) for pid in processes]
        assert sum("spawn_main" in line for line in lines) >= 1, lines  # the cluster's workers
        server.send_signal(signal.SIGKILL)
        server.wait()
        wait(lambda: not any(alive(pid) for pid in processes), 15, "a Dask worker outlived its server")
    finally:
        server.kill()
        server.wait()
        database.engine.dispose()


@pytest.mark.slow
@pytest.mark.skipif(not Path("/proc").is_dir(), reason="finds processes through /proc")
def test_no_process_outlives_a_server_killed_with_9(database_url: str, tmp_path: Path) -> None:
    database = Database(database_url)
    migrate(database.engine)
    with database.session() as session:
        headers = {"X-API-Key": create_key(session, ["青山县", REGION])}
    server = start_server(database_url, (port := free_port()), tmp_path / "server.log")
    try:
        with httpx.Client(base_url=f"http://127.0.0.1:{port}", headers=headers, timeout=60) as http:
            done = http.post("/v1/plans", json={"scenario": county_document(), "time_limit": 5}).json()["id"]
            wait(lambda: http.get(f"/v1/plans/{done}").json()["status"] == "done", 60, "no plan")
            # An explanation starts the re-solve pool; a long solve keeps a job process busy.
            explained = http.get(f"/v1/plans/{done}/teachers/T00", params={"time_limit": 2})
            assert explained.status_code == 200, explained.text
            body = {"scenario": demo_document(), "time_limit": 60, "engine": "cp-sat"}
            job_id = http.post("/v1/plans", json=body).json()["id"]
            wait(lambda: http.get(f"/v1/plans/{job_id}").json()["status"] == "running", 60, "no solve")
        processes = descendants(server.pid)
        lines = [command_line(pid) for pid in processes]
        assert sum("resource_tracker" in line for line in lines) == 1, lines
        assert sum("spawn_main" in line for line in lines) >= 2, lines  # the job's and the pool's
        server.send_signal(signal.SIGKILL)
        server.wait()
        wait(lambda: not any(alive(pid) for pid in processes), 15, "a process outlived its server")
    finally:
        server.kill()
        server.wait()
        database.engine.dispose()
