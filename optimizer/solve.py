"""The planning entry point: build the model from the rules, solve it with CP-SAT, check the plan
with the same rule modules, and, when the hard rules collide, explain why (minimal conflict sets)
and how to get out (the smallest relaxations). Returns one Result value."""

from __future__ import annotations

import time
from dataclasses import dataclass, field, replace

from optimizer.explain import relaxations
from optimizer.explain.conflicts import Conflict, find_conflicts
from optimizer.explain.relaxations import Relaxation
from optimizer.model.cpsat import build_model, run
from optimizer.options import SolveOptions
from optimizer.plan import Plan, RuleRow, Summary
from optimizer.provenance import input_hash, solve_settings, versions
from optimizer.report import check_plan, plan_cost, summarize, with_reasons
from optimizer.scenario import Scenario

__all__ = ["Conflict", "Relaxation", "Result", "SolveOptions", "plan_result", "solve"]


@dataclass(frozen=True)
class Result:
    """A plan with its report and summary; when infeasible, an empty plan, the conflict sets and
    the relaxations. `shortfalls` are the solver's elastic shortfalls by instance label."""

    plan: Plan
    report: tuple[RuleRow, ...]
    summary: Summary
    conflicts: tuple[Conflict, ...] = field(default=())
    relaxations: tuple[Relaxation, ...] = field(default=())
    shortfalls: dict[str, int] = field(default_factory=dict, compare=False)


def solve(scenario: Scenario, options: SolveOptions | None = None) -> Result:
    options = options or SolveOptions()
    started = time.monotonic()
    builder = build_model(scenario)
    build_seconds = time.monotonic() - started
    outcome = run(builder, options)
    plan = with_reasons(scenario, outcome.plan) if outcome.plan is not None else Plan(())
    report = tuple(check_plan(scenario, plan))
    summary = summarize(
        scenario,
        plan,
        report,
        status=outcome.status,
        objective=outcome.objective,
        bound=outcome.bound,
        gap=outcome.gap,
        solve_seconds=outcome.seconds,
        build_seconds=build_seconds,
        variables=len(builder.x),
    )
    summary = replace(
        summary,
        bound_source=outcome.bound_source if outcome.bound is not None else "",
        input_hash=input_hash(scenario),
        settings=solve_settings(options),
        versions=versions(),
    )
    if outcome.status != "infeasible":
        return Result(plan, report, summary, shortfalls=outcome.shortfalls)
    conflicts, proposals = relaxations.propose(scenario, find_conflicts(scenario, options), options)
    return Result(plan, report, summary, conflicts, proposals)


def plan_result(scenario: Scenario, plan: Plan) -> Result:
    """A given plan (HR's, read from plan.csv) as a Result: its checker cost stands in for the
    objective, as it equals the solver's for a solved plan; status `feasible` (not proven)."""
    report = tuple(check_plan(scenario, plan))
    summary = summarize(
        scenario,
        plan,
        report,
        status="feasible",
        objective=plan_cost(report),
        bound=None,
        gap=None,
        solve_seconds=0.0,
        build_seconds=0.0,
    )
    return Result(plan, report, summary)
