"""A server configured with a Dask cluster (ROTATION_CLUSTER=local: a LocalCluster it starts)
solves a job's independent regions there, and its plan says so; one region stays in-process."""

from __future__ import annotations

import os
from collections.abc import Iterator
from dataclasses import replace

import pytest
from fastapi.testclient import TestClient

from api.cluster import LocalDaskCluster
from api.config import Settings
from api.main import create_app
from api.security import create_key
from api.worker import NICENESS
from optimizer.generate import CountyParams, generate_county
from optimizer.io import scenario_to_document
from tests.api.test_plans import submit, wait_for


@pytest.fixture
def cluster_client(settings: Settings) -> Iterator[TestClient]:
    with TestClient(create_app(replace(settings, cluster="local"))) as test_client:
        yield test_client


def admin_headers(client: TestClient) -> dict[str, str]:
    with client.app.state.database.session() as session:
        return {"X-API-Key": create_key(session, [], admin=True)}


def test_a_job_of_three_regions_is_solved_by_region_on_the_cluster(cluster_client: TestClient) -> None:
    headers = admin_headers(cluster_client)
    county = generate_county(CountyParams(seed=11, regions=3, teachers=450, schools=27, name="tri"))
    job_id = submit(cluster_client, headers, scenario=scenario_to_document(county), time_limit=20)
    job = wait_for(cluster_client, headers, job_id, timeout=120)
    assert job["status"] == "done", job
    summary = job["summary"]
    assert summary["split"]["mode"] == "by_region" and "Dask" in summary["split"]["pool"]
    assert sorted(row["region"] for row in summary["regions"]) == sorted(county.regions)
    assert summary["status"] == "optimal" and summary["hard_violations"] == 0
    assert {row["key"] for row in job["report"] if row["rule"] == "rotation_quota"} == set(county.regions)


def test_one_region_is_solved_in_the_job_process(cluster_client: TestClient) -> None:
    headers = admin_headers(cluster_client)
    county = generate_county(CountyParams(seed=3, teachers=120, schools=8, name="one"))
    job_id = submit(cluster_client, headers, scenario=scenario_to_document(county), time_limit=20)
    job = wait_for(cluster_client, headers, job_id, timeout=120)
    assert job["status"] == "done" and job["summary"]["split"]["mode"] == "single"


def test_the_local_clusters_workers_run_at_the_solve_processes_priority() -> None:
    """Region solves on the server's own cluster must not take the CPU from the API either."""
    from distributed import Client

    cluster = LocalDaskCluster(1)
    try:
        with Client(cluster.address) as client:
            assert client.submit(os.nice, 0, pure=False).result() == min(19, os.nice(0) + NICENESS)
    finally:
        cluster.close()
