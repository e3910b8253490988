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


def plan_route_links(job_id: str) -> dict[str, Any]:
    """Links to the routes that read, change or refuse a job's plan, the job's id at `job_id` (a
    runtime expression). Every answer that names a job has them (its 202, its status, a batch, a
    list), so that a client, and the stateful suite, reaches each route from any of them."""
    reads = (
        ("ExportPlan", "/export", "Download the plan."),
        ("RecommendDestinations", "/recommendations", "A teacher's best destinations in the plan."),
        ("ExplainTeacher", "/teachers/{teacher_id}", "Why the plan does what it does with a teacher."),
        ("ExplainSchool", "/schools/{school_id}", "What the plan does at a school, and why."),
    )
    uses = (
        ("PlanOutcome", "get", "/outcome", "The plan's figures, school by school."),
        ("Replan", "post", "/replan", "Re-plan after a change, close to the plan."),
        ("ReadLifecycle", "get", "/lifecycle", "Where the plan stands (draft, on notice, approved ...)."),
        ("MoveLifecycle", "post", "/lifecycle", "Put the plan on notice, approve or withdraw it."),
        ("ListObjections", "get", "/objections", "The objections raised while it is on notice."),
        ("RaiseObjection", "post", "/objections", "Raise an objection against the plan."),
    )
    return {
        **{
            name: link(f"/v1/plans/{{job_id}}{tail}", "get", description, parameters={"path.job_id": job_id})
            for name, tail, description in reads
        },
        **{
            name: link(
                f"/v1/plans/{{plan_id}}{tail}", method, description, parameters={"path.plan_id": job_id}
            )
            for name, method, tail, description in uses
        },
        "CancelJob": link(
            "/v1/plans/{job_id}", "delete", "Cancel the job.", parameters={"path.job_id": job_id}
        ),
        "AuditJob": link("/v1/audit", "get", "The job's audit lines.", parameters={"query.plan_id": job_id}),
        "ComparePlan": link(
            "/v1/comparisons", "post", "Compare the plan with itself.", requestBody={"plan_ids": [job_id]}
        ),
        "DiffPlan": link(
            "/v1/plans/{plan_id}/diff",
            "get",
            "What changed against the plan itself.",
            parameters={"path.plan_id": job_id, "query.against": job_id},
        ),
    }


SERVICE_LINKS = {
    "QueueStatus": link("/v1/status", "get", "The queue."),
    "Metrics": link("/metrics", "get", "Jobs by status and queue depth."),
    "Liveness": link("/health", "get", "The server answers."),
}
"""To the routes about the service itself, from the answers that change what they report."""


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
    **SERVICE_LINKS,
    "ReadScenario": link(
        "/v1/scenarios/{scenario_id}", "get", "The new scenario.", parameters={"path.scenario_id": CREATED_ID}
    ),
    "MakeVariant": link(
        "/v1/scenarios/{scenario_id}/variants",
        "post",
        "A what-if variant of the new scenario.",
        parameters={"path.scenario_id": CREATED_ID},
    ),
    "ListVariants": link(
        "/v1/scenarios/{scenario_id}/variants",
        "get",
        "The new scenario's variants.",
        parameters={"path.scenario_id": CREATED_ID},
    ),
    "CheckPlan": link(
        "/v1/plans/check",
        "post",
        "Check a hand-made plan of the new scenario against every rule.",
        requestBody={"scenario_id": CREATED_ID},
    ),
    "DeleteScenario": link(
        "/v1/scenarios/{scenario_id}",
        "delete",
        "Delete the new scenario (its plans go with it).",
        parameters={"path.scenario_id": CREATED_ID},
    ),
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
    "ListPlans": link("/v1/plans", "get", "The list, newest first, starts with it."),
    **SERVICE_LINKS,
    **plan_route_links(CREATED_ID),
}
"""From a queued job (202)."""

PLAN_LINKS = {
    **plan_route_links(CREATED_ID),
    "CarryOut": link(
        "/v1/scenarios/{scenario_id}/advance",
        "post",
        "Next year's scenario, with the plan carried out.",
        parameters={"path.scenario_id": "$response.body#/scenario_id"},
        requestBody={"plan_id": CREATED_ID},
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
    **SERVICE_LINKS,
    **plan_route_links("$response.body#/jobs/0/id"),
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
LIST_LINKS["plans"].update(plan_route_links("$response.body#/items/0/id"))
LIST_LINKS["scenarios"]["Template"] = link(
    "/v1/scenarios/template", "get", "The empty workbook to fill in and upload as a scenario."
)
"""From a page of scenarios or plans (200)."""

ROADMAP_ROUTE_LINKS = {
    "ReadRoadmap": link(
        "/v1/roadmaps/{roadmap_id}", "get", "Poll the roadmap.", parameters={"path.roadmap_id": CREATED_ID}
    ),
    "RoadmapLedger": link(
        "/v1/roadmaps/{roadmap_id}/ledger",
        "get",
        "The roadmap's ledger, once it is done.",
        parameters={"path.roadmap_id": CREATED_ID},
    ),
    "CancelRoadmap": link(
        "/v1/roadmaps/{roadmap_id}",
        "delete",
        "Cancel the roadmap.",
        parameters={"path.roadmap_id": CREATED_ID},
    ),
}
"""From a roadmap's 202 or its status: the routes of that roadmap."""

ROADMAP_JOB_LINKS = {
    **ROADMAP_ROUTE_LINKS,
    "QueueStatus": link("/v1/status", "get", "The queue, with the new roadmap."),
    "ListRoadmaps": link("/v1/roadmaps", "get", "The list, newest first, starts with it."),
}
"""From a queued roadmap (202)."""

ROADMAP_LINKS = {
    **ROADMAP_ROUTE_LINKS,
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
