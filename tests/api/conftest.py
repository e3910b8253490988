"""Fixtures for the service tests: an app on a fresh database, a client, keys per region.

The database is a SQLite file in tmp_path; with ROTATION_TEST_POSTGRES set to a server URL
(postgresql+psycopg://user@host:port/), each test gets its own fresh PostgreSQL database there.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import create_engine, text

from api.config import Settings
from api.main import create_app
from api.security import Role, create_key

POSTGRES = os.environ.get("ROTATION_TEST_POSTGRES")


@pytest.fixture
def database_url(tmp_path: Path) -> Iterator[str]:
    if not POSTGRES:
        yield f"sqlite:///{tmp_path / 'rotation.db'}"
        return
    name = f"rotation_test_{uuid.uuid4().hex[:12]}"
    admin = create_engine(f"{POSTGRES}postgres", isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    yield f"{POSTGRES}{name}"
    with admin.connect() as connection:
        connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


@pytest.fixture
def settings(database_url: str) -> Settings:
    return Settings(
        database_url=database_url,
        max_time_limit=60,
        default_time_limit=10,
        solve_workers=2,
        queue_limit=20,
        max_upload_bytes=5_000_000,
        cpsat_workers=2,
        poll_seconds=0.05,
    )


@pytest.fixture
def client(settings: Settings) -> Iterator[TestClient]:
    with TestClient(create_app(settings)) as test_client:
        yield test_client


@pytest.fixture
def make_key(client: TestClient) -> Callable[..., dict[str, str]]:
    """make_key("东区") → headers with a planner's key for that region; make_key(admin=True) for
    admin; role= and name= for another role or the person the audit log names."""

    def make(*regions: str, admin: bool = False, role: Role = "planner", name: str = "") -> dict[str, str]:
        with client.app.state.database.session() as session:
            key = create_key(session, list(regions), admin=admin, role=role, name=name)
        return {"X-API-Key": key}

    return make
