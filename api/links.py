"""OpenAPI links: which answer's id a client passes to which route next.

They document the API's workflow (a created scenario is solved, a plan is compared or
re-planned) and drive the stateful schemathesis suite along it (tests/api/test_stateful.py).
"""

from __future__ import annotations

from typing import Any

CREATED_ID = "$response.body#/id"
"""The id in a 201 / 202 / 200 answer's body."""
SOLVE_SECONDS = 1
"""The time limit a linked solve asks for: the shortest a request may give."""


def link(path: str, method: str, description: str, **spec: Any) -> dict[str, Any]:
    """A link to the operation `method` `path` (with the /v1 prefix), with its `parameters`
    and `requestBody` as OpenAPI runtime expressions."""
    pointer = path.replace("~", "~0").replace("/", "~1")
    return {"operationRef": f"#/paths/{pointer}/{method}", "description": description, **spec}


SCENARIO_LINKS = {
    "SolveScenario": link(
        "/v1/plans",
        "post",
        "Solve the new scenario.",
        requestBody={"scenario_id": CREATED_ID, "time_limit": SOLVE_SECONDS},
    ),
    "SolveScenarioInBatch": link(
        "/v1/batches",
        "post",
        "Solve the new scenario in a batch.",
        requestBody={"scenario_ids": [CREATED_ID], "time_limit": SOLVE_SECONDS},
    ),
    "ListScenarios": link("/v1/scenarios", "get", "The list, newest first, starts with it."),
    "PlanRoadmap": link(
        "/v1/roadmaps",
        "post",
        "Plan the new scenario's county a year ahead.",
        requestBody={"scenario_id": CREATED_ID, "years": 1, "time_limit": SOLVE_SECONDS},
    ),
}
"""From a created scenario (201)."""

JOB_LINKS = {
    "ReadJob": link("/v1/plans/{job_id}", "get", "Poll the job.", parameters={"path.job_id": CREATED_ID}),
    "QueueStatus": link("/v1/status", "get", "The queue, with the new job."),
    "Metrics": link("/metrics", "get", "Jobs by status and queue depth, with the new job."),
    "Liveness": link("/health", "get", "The server answers while the job waits."),
    "ListPlans": link("/v1/plans", "get", "The list, newest first, starts with it."),
}
"""From a queued job (202)."""

PLAN_LINKS = {
    "ComparePlan": link(
        "/v1/comparisons", "post", "Compare the plan with itself.", requestBody={"plan_ids": [CREATED_ID]}
    ),
    "DiffPlan": link(
        "/v1/plans/{plan_id}/diff",
        "get",
        "What changed against the plan itself.",
        parameters={"path.plan_id": CREATED_ID, "query.against": CREATED_ID},
    ),
}
"""From a job's status and plan (200)."""

BATCH_LINKS = {
    "ReadFirstJob": link(
        "/v1/plans/{job_id}",
        "get",
        "The batch's first job.",
        parameters={"path.job_id": "$response.body#/jobs/0/id"},
    ),
}
"""From a queued batch (202)."""

LIST_LINKS = {
    kind: {
        "ReadFirst": link(
            f"/v1/{kind}/{{{parameter}}}",
            "get",
            f"The newest of the {kind}.",
            parameters={f"path.{parameter}": "$response.body#/items/0/id"},
        )
    }
    for kind, parameter in (("scenarios", "scenario_id"), ("plans", "job_id"))
}
"""From a page of scenarios or plans (200)."""

ROADMAP_JOB_LINKS = {
    "ReadRoadmap": link(
        "/v1/roadmaps/{roadmap_id}", "get", "Poll the roadmap.", parameters={"path.roadmap_id": CREATED_ID}
    ),
    "QueueStatus": link("/v1/status", "get", "The queue, with the new roadmap."),
    "ListRoadmaps": link("/v1/roadmaps", "get", "The list, newest first, starts with it."),
}
"""From a queued roadmap (202)."""

ROADMAP_LINKS = {
    "ReadFirstYearPlan": link(
        "/v1/plans/{job_id}",
        "get",
        "The first year's plan, once the roadmap is done.",
        parameters={"path.job_id": "$response.body#/result/years/0/plan_id"},
    ),
    "ReadScenario": link(
        "/v1/scenarios/{scenario_id}",
        "get",
        "The scenario the roadmap starts from.",
        parameters={"path.scenario_id": "$response.body#/scenario_id"},
    ),
}
"""From a roadmap (200)."""
