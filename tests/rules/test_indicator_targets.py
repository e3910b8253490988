"""indicator_targets: a `[targets]` entry whose year has come holds the indicator's share in every region;
one whose year is still ahead is not in force in a single year's plan."""

from __future__ import annotations

import pytest

from optimizer.errors import ScenarioError
from optimizer.rules import default_policy
from tests.rules.results import destinations, only_row, rows
from tests.rules.test_principal_rotation import leaders_county
from tests.tiny import YEAR, scenario, school, solve_checked, teacher

YOUNG = "young_rural_principal_share"


def young_target(value: float, year: int = YEAR) -> list[str]:
    return [f"targets.{YOUNG}.value={value}", f"targets.{YOUNG}.year={year}"]


def test_a_target_due_this_year_moves_the_young_principal_to_the_rural_school():
    # Without the target the principals need not swap (principal_rotation is elastic, and its own
    # young share is off); with 100 % young rural principals due now, the 40-year-old goes to R1.
    free = solve_checked(leaders_county("principal_rotation.young_rural_share=0"))
    assert rows(free, "indicator_targets") == []
    held = solve_checked(leaders_county("principal_rotation.young_rural_share=0", *young_target(1.0)))
    assert destinations(held)["P_U"] == "R1"
    row = only_row(held, "indicator_targets", f"东区:{YOUNG}")
    assert (row.status, row.target, row.achieved) == ("met", 1, 1)


def test_a_target_of_a_later_year_is_not_in_force():
    result = solve_checked(leaders_county(*young_target(1.0, YEAR + 2)))
    assert rows(result, "indicator_targets") == []


def test_a_target_nobody_can_meet_is_a_conflict_with_the_relaxation_that_lowers_it():
    # Both principals are 50: no plan has a young rural principal.
    result = solve_checked(leaders_county(*young_target(0.5), urban_principal_age=50), expect="infeasible")
    assert any(f"indicator_targets[region=东区:{YOUNG}]" in c.labels for c in result.conflicts)
    overrides = {o for r in result.relaxations for o in r.change.overrides}
    assert f"targets.{YOUNG}.value=0.0" in overrides


def test_an_elastic_target_reports_its_shortfall():
    result = solve_checked(
        leaders_county("indicator_targets.mode=elastic", *young_target(0.5), urban_principal_age=50)
    )
    row = only_row(result, "indicator_targets", f"东区:{YOUNG}")
    assert (row.status, row.target, row.achieved, row.shortfall, row.cost) == ("violated", 1, 0, 1, 1000)


def test_the_rural_degree_target_brings_a_degree_holder_to_the_rural_school():
    # R1's two teachers hold no degree; U1 has degree holders to spare. 50 % by now needs one.
    schools = [school("U1"), school("R1", "rural", lat=30.2)]
    teachers = [teacher(f"U{i}", "U1") for i in range(10)]
    teachers += [teacher(f"R{i}", "R1", degree="associate") for i in range(2)]
    overrides = [
        "backbone_share.share=0",
        "rotation_quota.rate=0",
        "targets.rural_degree_share.value=0.5",
        f"targets.rural_degree_share.year={YEAR}",
    ]
    result = solve_checked(scenario(schools, teachers, {("R1", "math"): 3}, overrides=overrides))
    row = only_row(result, "indicator_targets", "东区:rural_degree_share")
    assert row.status == "met" and row.achieved >= row.target == 2


def test_policy_targets_are_checked_all_at_once():
    with pytest.raises(ScenarioError) as raised:
        default_policy().with_overrides(
            ["targets.nonsense.value=1", "targets.nonsense.year=2026", f"targets.{YOUNG}.value=2"]
        )
    columns = {p.column for p in raised.value.problems}
    assert columns == {"targets.nonsense", f"targets.{YOUNG}"}


def test_targets_round_trip_through_the_policy_table():
    policy = default_policy().with_overrides(young_target(0.5, 2027))
    assert policy.to_dict()["targets"] == {YOUNG: {"value": 0.5, "year": 2027}}
    assert [(t.indicator, t.value, t.year) for t in policy.targets] == [(YOUNG, 0.5, 2027)]
    assert policy.with_overrides([]).targets == policy.targets


def test_the_rotation_share_target_raises_the_rotation_above_the_quota():
    # The quota asks 10 % of U1's 10 eligible teachers (1); a 30 % target for this year asks 3.
    schools = [school("U1"), school("R1", "rural", lat=30.2)]
    teachers = [teacher(f"U{i}", "U1") for i in range(10)]
    base = ["backbone_share.share=0", "rotation_quota.rate=0.1", "capacity.max_departure_share=0.5"]
    quota_only = solve_checked(scenario(schools, teachers, {("R1", "math"): 5}, overrides=base))
    assert len(quota_only.plan.moves) == 1
    target = ["targets.rotation_share.value=0.3", f"targets.rotation_share.year={YEAR}"]
    result = solve_checked(scenario(schools, teachers, {("R1", "math"): 5}, overrides=[*base, *target]))
    row = only_row(result, "indicator_targets", "东区:rotation_share")
    assert (row.status, row.target, row.achieved) == ("met", 3, 3)


def test_a_rotation_cycle_in_years_is_the_rotation_share_of_one_over_the_years():
    # 001's "every eligible teacher in turn": a cycle of at most 4 years is 25 % rotating a year.
    cycle = ["targets.rotation_cycle_years.value=4", f"targets.rotation_cycle_years.year={YEAR + 1}"]
    policy = default_policy().with_overrides(cycle)
    assert [(t.indicator, t.value, t.year) for t in policy.targets] == [("rotation_share", 0.25, YEAR + 1)]
    with pytest.raises(ScenarioError) as raised:
        default_policy().with_overrides(
            ["targets.rotation_cycle_years.value=0.5", "targets.rotation_cycle_years.year=2027"]
        )
    (problem,) = raised.value.problems
    assert problem.column == "targets.rotation_cycle_years.value" and "years" in problem.en
    both = [*cycle, "targets.rotation_share.value=0.3", f"targets.rotation_share.year={YEAR}"]
    with pytest.raises(ScenarioError) as raised:
        default_policy().with_overrides(both)
    (problem,) = raised.value.problems
    assert problem.column == "targets.rotation_cycle_years" and "rotation_share" in problem.en


def test_targets_travel_with_the_scenario_in_every_format(tmp_path):
    from optimizer.io import load_scenario
    from optimizer.io.bundle import write_bundle
    from optimizer.io.document import load_document, scenario_to_document
    from optimizer.io.workbook import load_workbook, write_workbook

    county = leaders_county(*young_target(0.5, 2027))
    assert load_workbook(write_workbook(county, tmp_path / "s.xlsx")).policy.targets == county.policy.targets
    assert load_document(scenario_to_document(county)).policy.targets == county.policy.targets
    assert load_scenario(write_bundle(county, tmp_path / "b")).policy.targets == county.policy.targets
