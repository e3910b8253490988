"""The shipped bundles load, and show what their README line promises."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest

from optimizer.generate import SHIPPED_PRESETS, generate_county, preset
from optimizer.io import load_scenario
from optimizer.options import EngineSettings
from optimizer.report import check_plan
from optimizer.roadmap import plan_roadmap
from optimizer.solve import solve
from tests.tiny import solve_checked

SCENARIOS = Path(__file__).resolve().parent.parent / "scenarios"


@pytest.mark.parametrize("name", SHIPPED_PRESETS)
def test_shipped_bundle_is_what_the_generator_makes(name: str) -> None:
    assert load_scenario(SCENARIOS / name) == generate_county(preset(name))


def test_conflicting_quotas_reports_a_minimal_verified_conflict() -> None:
    result = solve_checked(load_scenario(SCENARIOS / "conflicting-quotas"), expect="infeasible")
    [conflict] = result.conflicts
    rules = sorted({i.rule for i in conflict.instances})
    assert rules == ["capacity", "rotation_quota"]
    # Ways out as a bureau writes them: whole percent, the shortfall in teachers.
    assert result.relaxations
    for relaxation in result.relaxations:
        assert relaxation.to_dict()["unit_zh"] == "人" and relaxation.unit == "teachers"
        for override in relaxation.change.overrides:
            value = float(override.split("=")[1])
            assert abs(value * 100 - round(value * 100)) < 1e-9, override


@pytest.mark.slow
def test_demo_county_plan_passes_the_checker() -> None:
    result = solve_checked(load_scenario(SCENARIOS / "demo-county"), expect="plan", time_limit=60)
    assert result.summary.rotating >= 10
    assert result.summary.shortage_filled > 0


@pytest.mark.slow
def test_history_county_meets_its_2027_target_in_three_years_and_not_in_one() -> None:
    county = load_scenario(SCENARIOS / "history-county")
    assert county.history and county.policy.year == 2025
    (target,) = county.policy.targets
    settings = EngineSettings(time_limit=15, seed=1)
    now = replace(county, policy=county.policy.with_overrides([f"targets.{target.indicator}.year=2025"]))
    assert solve(now, settings).summary.status == "infeasible"
    roadmap = plan_roadmap(county, 3, settings)
    assert [y.year for y in roadmap.years] == [2025, 2026, 2027]
    assert roadmap.on_time(target)
    for year in roadmap.years:
        assert not [
            r
            for r in check_plan(year.scenario, year.result.plan)
            if r.mode == "hard" and r.status == "violated"
        ]
