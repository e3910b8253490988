"""The automatic engine: HiGHS first, then CP-SAT from its plan and bound. It proves the same
optimum as CP-SAT alone, a model HiGHS cannot state goes to CP-SAT, the bound says whose it is,
and the plans HiGHS finds reach the listeners as it finds them."""

from __future__ import annotations

import pytest

from optimizer.engines import auto
from optimizer.generate import CountyParams, generate_county
from optimizer.model.assembly import build_model
from optimizer.options import EngineSettings, Listeners
from optimizer.plan import Plan
from optimizer.report import hard_violations, plan_cost
from optimizer.rules import all_rules, gate_rules
from optimizer.solve import solve
from tests import tiny

SMALL = [
    CountyParams(seed=seed, teachers=100, schools=8, pins_per_region=pins, overrides=overrides)
    for seed, pins, overrides in [
        (1, 2, ()),
        (2, 0, ("backbone_share.mode=elastic",)),
        (3, 2, ("rotation_quota.rate=0.2", "capacity.mode=elastic")),
        (4, 1, ("rotation_quota.scope=school", "staffing_balance.mode=hard")),
        (5, 2, ("direction.mode=elastic", "shortage.weight=300")),
    ]
]


@pytest.mark.parametrize("params", SMALL, ids=lambda p: f"seed{p.seed}")
def test_warm_start_and_cp_sat_alone_prove_the_same_optimum(params: CountyParams) -> None:
    county = generate_county(params)
    warm = solve(county, EngineSettings(time_limit=30, workers=1, seed=1))
    alone = solve(county, EngineSettings(time_limit=30, workers=1, seed=1, engine="cp-sat"))
    assert warm.summary.status == alone.summary.status
    if warm.summary.status == "infeasible":
        return
    assert warm.summary.status == "optimal"
    assert warm.summary.objective == pytest.approx(alone.summary.objective)
    assert warm.summary.objective == pytest.approx(plan_cost(warm.report))
    assert hard_violations(warm.report) == []


def test_a_model_highs_cannot_state_is_solved_by_cp_sat() -> None:
    county = tiny.two_school_county(overrides=["degree_balance.mode=hard"])
    result = solve(county, EngineSettings(time_limit=10, workers=1))
    assert result.summary.status == "optimal" and result.summary.bound_source == "cp-sat"


def test_bound_is_highs_when_cp_sat_stops_at_it() -> None:
    county = generate_county(CountyParams(seed=9, teachers=120, schools=8))
    summary = solve(county, EngineSettings(time_limit=30, workers=1, seed=2)).summary
    assert summary.status == "optimal" and summary.gap == 0.0
    assert summary.bound_source in ("highs", "cp-sat") and summary.bound == summary.objective


def test_listeners_hear_each_plan_highs_finds() -> None:
    """On the tiny county HiGHS proves the optimum alone: its plan is the run's, and the
    listeners heard it (progress figures and the plan itself) before the run returned."""
    county = tiny.two_school_county(urban_teachers=12, rural_need=3)
    builder = build_model(county, all_rules(), gate_rules())
    plans: list[tuple[Plan, float, float]] = []
    figures: list[tuple[float, float | None, float | None]] = []
    listeners = Listeners(
        progress=lambda *figure: figures.append(figure),
        on_solution=lambda plan, objective, bound: plans.append((plan, objective, bound)),
    )
    run = auto.run(builder, EngineSettings(time_limit=10, workers=1), listeners)
    assert run.status == "optimal" and run.bound_source == "highs"
    assert plans and plans[-1] == (run.plan, run.objective, run.bound)
    assert figures and figures[-1][1] == run.objective
