"""CP-SAT alone on an assembled model: the run's figures in cost units, its elastic shortfalls by
instance label, each improving plan reported to the listeners, and a run from a plan (a resumed
job's best) that starts from it whole."""

from __future__ import annotations

import pytest

from optimizer.engines import cpsat
from optimizer.generate import CountyParams, generate_county
from optimizer.model.assembly import build_model
from optimizer.options import EngineSettings, Listeners, ModelEdits
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


def test_a_run_from_a_plan_reports_that_plan_first_and_never_ends_worse() -> None:
    county = generate_county(CountyParams(seed=3, teachers=120, schools=8))
    settings = EngineSettings(time_limit=20, workers=1)
    best = cpsat.run(build_model(county, all_rules(), gate_rules()), settings, Listeners())
    assert best.plan is not None and best.objective is not None
    builder = build_model(county, all_rules(), gate_rules(), ModelEdits(hint=best.plan))
    plans: list[tuple[Plan, float, float]] = []
    run = cpsat.run(
        builder,
        EngineSettings(time_limit=2, workers=2),
        Listeners(on_solution=lambda plan, objective, bound: plans.append((plan, objective, bound))),
    )
    assert plans[0][:2] == (best.plan, pytest.approx(best.objective))
    assert run.objective is not None and run.objective <= best.objective + 1e-6


def test_a_plan_that_no_longer_fits_is_left_as_a_partial_hint() -> None:
    county = tiny.two_school_county(urban_teachers=12, rural_need=3)
    settings = EngineSettings(time_limit=10, workers=1)
    best = cpsat.run(build_model(county, all_rules(), gate_rules()), settings, Listeners())
    assert best.plan is not None and best.plan.moves
    builder = build_model(county, all_rules(), gate_rules(), ModelEdits(hint=best.plan))
    moved = {move.teacher_id for move in best.plan.moves}
    builder.model.add(
        builder.total(i for i, c in enumerate(builder.candidates) if c.teacher_id in moved) == 0
    )
    run = cpsat.run(builder, settings, Listeners())
    assert run.plan is not None and not moved & {move.teacher_id for move in run.plan.moves}
