"""Service settings, read once from the environment (ROTATION_*), never from global state.

Each setting is declared once, with its variable and its description; `settings_table()` renders
them for the README (tests/api/test_operations.py checks the README has that table as it is).
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field, fields
from typing import Any, TypeVar

T = TypeVar("T", str, int, float)


def setting(env: str, default: T, doc: str) -> T:
    """A field read from the environment variable `env` when an instance is made (parsed as the
    default's type), documented by `doc`."""

    def read() -> T:
        text = os.environ.get(env)
        return default if text is None else type(default)(text)

    return field(default_factory=read, metadata={"env": env, "doc": doc, "default": default})


@dataclass(frozen=True)
class Settings:
    """Everything an operator may set, each from its ROTATION_* variable (see `settings_table`)."""

    database_url: str = setting(
        "ROTATION_DB",
        "sqlite:///rotation.db",
        "Any SQLAlchemy URL, e.g. `postgresql+psycopg://user@host/rotation`; the default is a SQLite "
        "file in the working folder. `--db` sets it too.",
    )
    max_time_limit: float = setting(
        "ROTATION_MAX_TIME_LIMIT", 300.0, "The cap on a job's (and a re-solve's) time limit, in seconds."
    )
    default_time_limit: float = setting(
        "ROTATION_DEFAULT_TIME_LIMIT", 60.0, "A job's time limit when the request names none, in seconds."
    )
    solve_workers: int = setting("ROTATION_SOLVE_WORKERS", 2, "Solve processes running at once.")
    queue_limit: int = setting(
        "ROTATION_QUEUE_LIMIT", 50, "Queued jobs beyond which a new one gets 429 `queue_full`."
    )
    max_upload_bytes: int = setting(
        "ROTATION_MAX_UPLOAD_BYTES",
        50_000_000,
        "The body of a request that creates a scenario or a plan from its data (a JSON document, CSV "
        "files, a workbook) over this many bytes gets 413 `too_large`, cut off as it streams in.",
    )
    max_request_bytes: int = setting(
        "ROTATION_MAX_REQUEST_BYTES",
        2_000_000,
        "Any other request's body (variants, batches, comparisons, re-plans, explanations) over this "
        "many bytes gets 413 `too_large`, cut off as it streams in.",
    )
    cpsat_workers: int = setting(
        "ROTATION_CPSAT_WORKERS", 8, "CP-SAT search workers inside one solve process."
    )
    poll_seconds: float = setting(
        "ROTATION_POLL_SECONDS", 0.2, "How often the job runner looks for queued jobs and finished workers."
    )
    cluster: str = setting(
        "ROTATION_CLUSTER",
        "",
        "Where a job's independent regions are solved in parallel: a Dask scheduler address "
        "(`tcp://host:8786`), `local` for a LocalCluster the server starts, or empty to solve a job's "
        "regions together in its own process.",
    )
    lease_seconds: float = setting(
        "ROTATION_LEASE_SECONDS",
        15.0,
        "One server per database runs the jobs (the runner lease, renewed every third of this); "
        "another server waiting on the same database takes over when the lease has not been renewed "
        "for this many seconds.",
    )
    bad_key_limit: int = setting(
        "ROTATION_BAD_KEY_LIMIT",
        20,
        "Wrong API keys one client address may send within `ROTATION_BAD_KEY_WINDOW`; past it every "
        "keyed request from that address gets 429 with Retry-After until the window has passed. "
        "0 turns the throttle off.",
    )
    bad_key_window: float = setting(
        "ROTATION_BAD_KEY_WINDOW", 60.0, "The window of `ROTATION_BAD_KEY_LIMIT`, in seconds."
    )


def settings_table() -> str:
    """The README's table of settings: variable, default, meaning; one row per setting."""
    rows = ["| variable | default | meaning |", "| --- | --- | --- |"]
    for setting_field in fields(Settings):
        meta: dict[str, Any] = dict(setting_field.metadata)
        default = f"`{meta['default']}`" if meta["default"] != "" else "(empty)"
        rows.append(f"| `{meta['env']}` | {default} | {meta['doc']} |")
    return "\n".join(rows)
