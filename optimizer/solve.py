"""The planning entry point: assemble the model from the rules, run the engine, check the plan
with the same rule modules, and, when the hard rules collide, diagnose why (minimal conflict sets)
and how to get out (the smallest relaxations). Returns one Result value."""

from __future__ import annotations

import time
from dataclasses import replace

from optimizer.diagnosis.conflicts import find_conflicts
from optimizer.diagnosis.relaxations import propose
from optimizer.engines.dispatch import run_engine
from optimizer.model.assembly import build_model
from optimizer.options import DiagnosisBudget, EngineSettings, Listeners, ModelEdits
from optimizer.plan import Plan
from optimizer.provenance import input_hash, solve_settings, versions
from optimizer.report import check_plan, plan_cost, summarize, with_reasons
from optimizer.result import Result
from optimizer.rules import all_rules, gate_rules
from optimizer.scenario import Scenario

MIN_ENGINE_SHARE = 0.1
"""The share of the time limit the engines get even when the model's build took more."""


def solve(
    scenario: Scenario,
    settings: EngineSettings | None = None,
    *,
    edits: ModelEdits | None = None,
    listeners: Listeners | None = None,
    diagnosis: DiagnosisBudget | None = None,
) -> Result:
    """Plan `scenario` with the engine `settings` (defaults when None), the model `edits`
    applied, `listeners` told of progress; `diagnosis` bounds the search for conflicts and
    relaxations when the hard rules collide."""
    settings = settings or EngineSettings()
    edits = edits or ModelEdits()
    started = time.monotonic()
    builder = build_model(scenario, all_rules(), gate_rules(), edits)
    build_seconds = time.monotonic() - started
    # The time limit is the solve's, the build included (a planner's 30 s is 30 s); the engines
    # keep at least a share of it however long the build took.
    engine_limit = max(MIN_ENGINE_SHARE * settings.time_limit, settings.time_limit - build_seconds)
    outcome = run_engine(builder, settings, listeners, time_limit=engine_limit)
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
        settings=solve_settings(settings, edits),
        versions=versions(),
    )
    if outcome.status != "infeasible":
        return Result(plan, report, summary, shortfalls=outcome.shortfalls)
    diagnosis = diagnosis or DiagnosisBudget()
    found = find_conflicts(scenario, settings, diagnosis, edits.force_moves)
    conflicts, proposals = propose(scenario, found, settings, diagnosis)
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
