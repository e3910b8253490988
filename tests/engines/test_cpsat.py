"""CP-SAT alone on an assembled model: the run's figures in cost units, its elastic shortfalls by
instance label, and each improving plan reported to the listeners."""

from __future__ import annotations

import pytest

from optimizer.engines import cpsat
from optimizer.model.assembly import build_model
from optimizer.options import EngineSettings, Listeners
from optimizer.plan import Plan
from optimizer.report import check_plan, plan_cost
from optimizer.rules import all_rules, gate_rules
from tests import tiny


def test_cp_sat_proves_the_tiny_county_and_reports_its_plans() -> None:
    county = tiny.two_school_county(urban_teachers=12, rural_need=3)
    builder = build_model(county, all_rules(), gate_rules())
    plans: list[tuple[Plan, float, float]] = []
    run = cpsat.run(
        builder,
        EngineSettings(time_limit=10, workers=1),
        Listeners(on_solution=lambda plan, objective, bound: plans.append((plan, objective, bound))),
    )
    assert run.status == "optimal" and run.gap == 0.0
    assert run.bound == run.objective and run.bound_source == "cp-sat"
    assert run.plan is not None and plans[-1][:2] == (run.plan, run.objective)
    assert run.objective == pytest.approx(plan_cost(check_plan(county, run.plan)))
    checker = {f"{row.rule}[{row.scope}={row.key}]": row.shortfall for row in check_plan(county, run.plan)}
    assert run.shortfalls and all(checker[label] == short for label, short in run.shortfalls.items())


def test_a_model_without_a_solution_is_infeasible_not_timed_out() -> None:
    county = tiny.two_school_county()
    builder = build_model(county, all_rules(), gate_rules())
    builder.model.add(builder.total(range(len(builder.x))) >= len(builder.x) + 1)
    run = cpsat.run(builder, EngineSettings(time_limit=10, workers=1), Listeners())
    assert run.status == "infeasible" and run.plan is None and run.objective is None
