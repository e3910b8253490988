"""Schemathesis against the service's own OpenAPI: generated requests never get a 5xx.

Requests carry a valid admin key, so they get past authentication into every route's own checks.
They go in-process to the `client` fixture's app (its lifespan runs the database and the job
runner), through schemathesis' ASGI session.
"""

from __future__ import annotations

from collections.abc import Callable

import pytest
import schemathesis
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.generation.case import Case
from schemathesis.python.asgi import get_client

from api.config import Settings
from api.main import create_app

schema = schemathesis.openapi.from_dict(create_app(Settings()).openapi())


@pytest.fixture
def admin_headers(make_key: Callable[..., dict[str, str]]) -> dict[str, str]:
    return make_key(admin=True)


@schema.parametrize()
@settings(max_examples=20, deadline=None, suppress_health_check=list(HealthCheck))
def test_no_server_errors(case: Case, client: TestClient, admin_headers: dict[str, str]) -> None:
    case.call_and_validate(
        base_url="http://testserver",
        session=get_client(client.app),
        headers=admin_headers,
        checks=[not_a_server_error],
    )
