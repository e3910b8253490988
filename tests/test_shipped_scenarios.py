"""The shipped bundles load, and show what their README line promises."""

from __future__ import annotations

from pathlib import Path

import pytest

from optimizer.generate import SHIPPED_PRESETS, generate_county, preset
from optimizer.io import load_scenario
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


@pytest.mark.slow
def test_demo_county_plan_passes_the_checker() -> None:
    result = solve_checked(load_scenario(SCENARIOS / "demo-county"), expect="plan", time_limit=60)
    assert result.summary.rotating >= 10
    assert result.summary.shortage_filled > 0
