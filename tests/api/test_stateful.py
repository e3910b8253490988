"""Schemathesis stateful: ids the service returns flow into the routes that take them.

The OpenAPI links (explicit ones on the routes, and those schemathesis infers) chain a created
scenario into its plans, variants and batches, and a plan into its exports, explanations,
comparisons and re-plans. Every response must be no server error and match the OpenAPI, over at
least MIN_REQUESTS requests and every route (counted, so the run cannot silently shrink).
"""

from __future__ import annotations

import copy
from collections import Counter
from collections.abc import Callable
from typing import Any

import pytest
import schemathesis
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, Phase
from hypothesis import settings as hypothesis_settings
from schemathesis.checks import not_a_server_error
from schemathesis.core.transport import Response
from schemathesis.generation.case import Case
from schemathesis.python.asgi import get_client
from schemathesis.specs.openapi.checks import response_schema_conformance
from sqlalchemy import delete

from api.config import Settings
from api.db import IdempotencyRecord, PlanJob, ScenarioRow
from api.main import create_app

OPENAPI = copy.deepcopy(create_app(Settings()).openapi())
# A string matching the Override pattern (every rule's every parameter) takes ~0.1 s to draw, most
# of a solve request's generation; here overrides are free text (a bad one is a 422 like any other),
# and test_openapi.py keeps drawing them from the pattern.
del OPENAPI["components"]["schemas"]["Override"]["pattern"]
schema = schemathesis.openapi.from_dict(OPENAPI)
MIN_REQUESTS = 1000
FOCUSED = "^/v1/(scenarios|roadmaps)"


@pytest.fixture
def settings(database_url: str) -> Settings:
    """The conftest's settings with no solve process: every job stays queued. Hypothesis replays a
    prefix of steps and requires the same draws, so which links can be followed must not depend on
    whether a background solve has finished yet (a re-plan is 202 after it, 409 before). The routes
    of finished plans get their refusals here; the tests of each route cover their plans."""
    return Settings(
        database_url=database_url,
        max_time_limit=2,
        default_time_limit=1,
        solve_workers=0,
        queue_limit=10_000,
        max_upload_bytes=5_000_000,
        cpsat_workers=1,
        poll_seconds=0.05,
    )


def test_linked_requests_get_no_server_error_and_match_the_openapi(
    client: TestClient, make_key: Callable[..., dict[str, str]]
) -> None:
    headers = make_key(admin=True)
    session = get_client(client.app)
    requests: Counter[str] = Counter()

    class Hooks:
        """What every walk does around schemathesis' own steps (a mixin of both state machines)."""

        def teardown(self) -> None:
            """Each walk starts from an empty service (the key apart): Hypothesis replays a
            failing walk to report it, and the rows of earlier walks would change which links it
            can follow (a random walk failed once on PostgreSQL and could not be replayed)."""
            with client.app.state.database.session() as db:
                db.execute(delete(IdempotencyRecord))
                db.execute(delete(PlanJob))
                db.execute(delete(ScenarioRow))
            super().teardown()  # type: ignore[misc]

        def get_call_kwargs(self, case: Case) -> dict[str, Any]:
            return {"base_url": "http://testserver", "session": session, "headers": headers}

        def after_call(self, response: Response, case: Case) -> None:
            requests[f"{case.method.upper()} {case.path}"] += 1
            super().after_call(response, case)  # type: ignore[misc]

        def validate_response(
            self, response: Response, case: Case, additional_checks: Any = None, **kwargs: Any
        ) -> None:
            case.validate_response(
                response,
                checks=[not_a_server_error, response_schema_conformance],
                transport_kwargs=kwargs,
            )

    walks = hypothesis_settings(
        max_examples=100,
        database=None,
        stateful_step_count=30,
        deadline=None,
        phases=[Phase.generate],
        suppress_health_check=list(HealthCheck),
    )

    class Workflow(Hooks, schema.as_state_machine()):  # type: ignore[misc]
        """Walks over every route."""

    # Routes two links away from a created scenario (a roadmap's status, ledger, cancel) are rare
    # among the walks' many links: a second set of walks over the scenario and roadmap routes alone
    # follows the same links with fewer to choose from.
    class Focused(Hooks, schema.include(path_regex=FOCUSED).as_state_machine()):  # type: ignore[misc]
        """Walks over the scenario and roadmap routes."""

    Workflow.run(settings=walks)
    Focused.run(settings=hypothesis_settings(walks, max_examples=80))
    assert sum(requests.values()) >= MIN_REQUESTS, requests
    # Every route is reached: each has a link from an answer that gives what it needs (api.links).
    routes = {f"{method.upper()} {path}" for path, item in OPENAPI["paths"].items() for method in item}
    assert routes <= set(requests), (sorted(routes - set(requests)), requests)
