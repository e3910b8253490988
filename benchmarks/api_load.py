"""Status polls under load: is the API responsive while both cores solve, and bounded in memory?

Starts `rotation serve` on a loopback port with a fresh SQLite file, makes a key in it, stores the
demo county, and first streams a 400 MB chunked body (no Content-Length) to POST /v1/scenarios,
measuring the server process's peak memory (Linux: VmHWM) over its resident memory before. Then N
client threads each submit demo-county jobs one after another and poll their status until done.
Prints the upload's answer and memory growth, throughput (jobs finished per minute), the p50 / p99
/ max latency of the status polls answered while the client's job was running, and jobs lost.
Targets: memory growth < 100 MB, p99 < 100 ms with 20 clients while both cores solve, 0 jobs lost.

    .venv/bin/python benchmarks/api_load.py
    .venv/bin/python benchmarks/api_load.py --clients 8 --jobs 2 --time-limit 10
"""

from __future__ import annotations

import argparse
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import httpx

from api.db import Database, migrate
from api.security import create_key
from optimizer.io import load_bundle, scenario_to_document

ROOT = Path(__file__).resolve().parents[1]
ROTATION = Path(sys.executable).parent / "rotation"
FINISHED = ("done", "failed", "cancelled")
UPLOAD_BYTES = 400 * 1024 * 1024
CHUNK = b"x" * (1024 * 1024)
MEMORY_TARGET_MB = 100


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def start_server(database_url: str, port: int, env: dict[str, str], log: Path) -> subprocess.Popen[bytes]:
    command = [str(ROTATION), "serve", "--host", "127.0.0.1", "--port", str(port), "--db", database_url]
    with log.open("ab") as out:
        server = subprocess.Popen(command, env={**os.environ, **env}, stdout=out, stderr=subprocess.STDOUT)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and server.poll() is None:
        try:
            if httpx.get(f"http://127.0.0.1:{port}/health", timeout=1).status_code == 200:
                return server
        except httpx.TransportError:
            time.sleep(0.2)
    server.kill()
    raise SystemExit(f"the server did not start:\n{log.read_text()}")


class Client(threading.Thread):
    """Submits `jobs` jobs one after another and polls each every `poll` seconds until it ends."""

    def __init__(
        self, base_url: str, headers: dict[str, str], body: dict, jobs: int, poll: float, deadline: float
    ):
        super().__init__(daemon=True)
        self.http = httpx.Client(base_url=base_url, headers=headers, timeout=30)
        self.body, self.jobs, self.poll, self.deadline = body, jobs, poll, deadline
        self.submitted: list[str] = []
        self.statuses: dict[str, str] = {}
        self.latencies: list[float] = []
        """Seconds per status poll answered while this client's job was running."""

    def run(self) -> None:
        for _ in range(self.jobs):
            response = self.http.post("/v1/plans", json=self.body)
            response.raise_for_status()
            job_id = response.json()["id"]
            self.submitted.append(job_id)
            status = "queued"
            while status not in FINISHED and time.monotonic() < self.deadline:
                time.sleep(self.poll)
                started = time.perf_counter()
                response = self.http.get(f"/v1/plans/{job_id}")
                elapsed = time.perf_counter() - started
                status = response.json()["status"]
                if status == "running":
                    self.latencies.append(elapsed)
            self.statuses[job_id] = status
        self.http.close()


def memory_kb(pid: int, field: str) -> int:
    """A /proc/<pid>/status memory figure in kB: VmRSS (resident now), VmHWM (peak resident)."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith(f"{field}:"):
            return int(line.split()[1])
    raise SystemExit(f"no {field} in /proc/{pid}/status")


def oversized_upload(base_url: str, headers: dict[str, str], pid: int) -> tuple[str, float]:
    """Streams UPLOAD_BYTES of JSON-ish bytes chunked (no Content-Length, so only a streaming
    limit stops it); the answer (or how the server cut it off) and the server's peak memory growth
    in MB."""
    before = memory_kb(pid, "VmRSS")

    def body() -> Iterator[bytes]:
        yield b'{"name": "'
        for _ in range(UPLOAD_BYTES // len(CHUNK)):
            yield CHUNK

    try:
        response = httpx.post(f"{base_url}/v1/scenarios", content=body(), headers=headers, timeout=120)
        answer = f"{response.status_code} {response.json().get('error', '')}"
    except httpx.TransportError as error:
        answer = f"connection closed by the server ({type(error).__name__})"
    return answer, (memory_kb(pid, "VmHWM") - before) / 1024


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clients", type=int, default=20, help="concurrent clients (default %(default)s)")
    parser.add_argument("--jobs", type=int, default=2, help="jobs per client (default %(default)s)")
    parser.add_argument(
        "--time-limit", type=float, default=10.0, help="seconds per job (default %(default)s)"
    )
    parser.add_argument("--poll", type=float, default=0.1, help="seconds between polls (default %(default)s)")
    parser.add_argument("--solve-workers", type=int, default=2, help="solve processes (default %(default)s)")
    parser.add_argument(
        "--cpsat-workers", type=int, default=8, help="CP-SAT workers each (default %(default)s)"
    )
    args = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="rotation-load-") as folder:
        database_url = f"sqlite:///{Path(folder) / 'rotation.db'}"
        database = Database(database_url)
        migrate(database.engine)
        with database.session() as session:
            headers = {"X-API-Key": create_key(session, [], admin=True, label="api_load")}
        database.engine.dispose()
        env = {
            "ROTATION_SOLVE_WORKERS": str(args.solve_workers),
            "ROTATION_CPSAT_WORKERS": str(args.cpsat_workers),
            "ROTATION_QUEUE_LIMIT": str(args.clients * args.jobs + 1),
            "ROTATION_MAX_TIME_LIMIT": str(args.time_limit),
        }
        port, log = free_port(), Path(folder) / "server.log"
        base_url = f"http://127.0.0.1:{port}"
        server = start_server(database_url, port, env, log)
        try:
            upload_answer, upload_growth = oversized_upload(base_url, headers, server.pid)
            document = scenario_to_document(load_bundle(ROOT / "scenarios" / "demo-county"))
            created = httpx.post(f"{base_url}/v1/scenarios", json=document, headers=headers, timeout=60)
            created.raise_for_status()
            body = {"scenario_id": created.json()["id"], "time_limit": args.time_limit}
            # Bounded: every job queued behind all the others, plus a minute for process starts.
            total = args.clients * args.jobs
            budget = total * (args.time_limit + 5) / max(1, args.solve_workers) + 60
            deadline = time.monotonic() + budget
            clients = [
                Client(base_url, headers, body, args.jobs, args.poll, deadline) for _ in range(args.clients)
            ]
            started = time.monotonic()
            for client in clients:
                client.start()
            for client in clients:
                client.join(max(0.0, deadline - time.monotonic()) + 35)
            wall = time.monotonic() - started
            listed = httpx.get(
                f"{base_url}/v1/plans", params={"limit": 100}, headers=headers, timeout=30
            ).json()
        finally:
            server.terminate()
            server.wait(30)

    submitted = [job_id for client in clients for job_id in client.submitted]
    done = [job_id for client in clients for job_id, status in client.statuses.items() if status == "done"]
    stored = {item["id"]: item["status"] for item in listed["items"]}
    lost = [job_id for job_id in submitted if stored.get(job_id) != "done"]
    latencies = [seconds * 1000 for client in clients for seconds in client.latencies]
    print(
        f"clients {args.clients} x jobs {args.jobs}, demo county, time limit {args.time_limit:g} s, ", end=""
    )
    print(
        f"{args.solve_workers} solve processes x {args.cpsat_workers} CP-SAT workers, {os.cpu_count()} cores"
    )
    print(f"400 MB upload      {upload_answer}")
    print(f"  peak memory      +{upload_growth:.0f} MB  (target < +{MEMORY_TARGET_MB} MB)")
    print(f"jobs done          {len(done)} / {len(submitted)} in {wall:.1f} s")
    print(f"throughput         {len(done) / wall * 60:.1f} jobs/min")
    if latencies:
        print(f"status polls       {len(latencies)} while solving")
        print(f"  p50              {statistics.median(latencies):.1f} ms")
        print(f"  p99              {percentile(latencies, 0.99):.1f} ms  (target < 100 ms)")
        print(f"  max              {max(latencies):.1f} ms")
    print(f"jobs lost          {len(lost)}  (must be 0)")
    if lost or not latencies or upload_growth >= MEMORY_TARGET_MB:
        raise SystemExit(1)


if __name__ == "__main__":
    main()
