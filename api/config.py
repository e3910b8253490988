"""Service settings, read once from the environment (ROTATION_*), never from global state."""

from __future__ import annotations

import os
from dataclasses import dataclass, field


def _int(name: str, default: int) -> int:
    return int(os.environ.get(name, default))


def _float(name: str, default: float) -> float:
    return float(os.environ.get(name, default))


@dataclass(frozen=True)
class Settings:
    """database_url: any SQLAlchemy URL (the default is a SQLite file in the working folder);
    max_time_limit: the cap on a job's time limit (s); solve_workers: concurrent solve processes;
    queue_limit: queued jobs beyond which a new one gets 429; max_upload_bytes: 413 above it;
    cpsat_workers: CP-SAT search workers inside one solve process;
    cluster: where a job's independent regions are solved in parallel: a Dask scheduler address
    (tcp://host:8786), `local` for a LocalCluster the server starts, or empty to solve a job's
    regions together in its own process; lease_seconds: one server per database runs the jobs (the
    runner lease, renewed every third of it), another takes over once it was not renewed for as long."""

    database_url: str = field(default_factory=lambda: os.environ.get("ROTATION_DB", "sqlite:///rotation.db"))
    max_time_limit: float = field(default_factory=lambda: _float("ROTATION_MAX_TIME_LIMIT", 300.0))
    default_time_limit: float = field(default_factory=lambda: _float("ROTATION_DEFAULT_TIME_LIMIT", 60.0))
    solve_workers: int = field(default_factory=lambda: _int("ROTATION_SOLVE_WORKERS", 2))
    queue_limit: int = field(default_factory=lambda: _int("ROTATION_QUEUE_LIMIT", 50))
    max_upload_bytes: int = field(default_factory=lambda: _int("ROTATION_MAX_UPLOAD_BYTES", 50_000_000))
    cpsat_workers: int = field(default_factory=lambda: _int("ROTATION_CPSAT_WORKERS", 8))
    poll_seconds: float = field(default_factory=lambda: _float("ROTATION_POLL_SECONDS", 0.2))
    cluster: str = field(default_factory=lambda: os.environ.get("ROTATION_CLUSTER", ""))
    lease_seconds: float = field(default_factory=lambda: _float("ROTATION_LEASE_SECONDS", 15.0))
