"""staffing_balance: no school ends above its establishment (编制) plus `tolerance`."""

from __future__ import annotations

from optimizer.scenario import Scenario
from tests.rules.results import only_row
from tests.tiny import scenario, school, solve_checked, teacher


def small_rural_county(*overrides: str) -> Scenario:
    schools = [school("U1", establishment=10), school("R1", "rural", establishment=2, lat=30.2)]
    teachers = [teacher(f"T{i}", "U1", is_backbone=i < 2) for i in range(10)]
    teachers.append(teacher("R0", "R1", is_backbone=True))
    demand = {("R1", "math"): 3}
    return scenario(schools, teachers, demand, overrides=list(overrides))


def test_staffing_balance_hard_stops_at_the_establishment():
    result = solve_checked(small_rural_county("staffing_balance.mode=hard"))
    assert len(result.plan.moves) == 1
    assert only_row(result, "staffing_balance", "R1/upper").achieved == 2


def test_staffing_balance_elastic_reports_overstaffing():
    result = solve_checked(small_rural_county())
    row = only_row(result, "staffing_balance", "R1/upper")
    assert (row.target, row.achieved, row.shortfall, row.cost) == (2, 3, 1, 50)


def understaffed_sender(*overrides: str) -> Scenario:
    """U1 has 10 teachers for an establishment of 12: it may not end with fewer than it has."""
    schools = [school("U1", establishment=12), school("R1", "rural", establishment=5, lat=30.2)]
    teachers = [teacher(f"T{i}", "U1", is_backbone=i < 2) for i in range(10)]
    teachers.append(teacher("R0", "R1", is_backbone=True))
    return scenario(schools, teachers, {("R1", "math"): 2}, overrides=list(overrides))


def test_staffing_balance_hard_keeps_an_understaffed_school_from_losing_staff():
    result = solve_checked(understaffed_sender("staffing_balance.mode=hard", "rotation_quota.mode=elastic"))
    assert result.plan.moves == ()  # the quota (now elastic) gives way: U1 keeps its 10
    assert only_row(result, "rotation_quota", "东区").shortfall == 1


def test_staffing_balance_elastic_reports_an_understaffed_school_losing_staff():
    result = solve_checked(understaffed_sender())  # the hard quota sends one teacher out of U1
    row = only_row(result, "staffing_balance", "U1/lower")
    assert (row.target, row.achieved, row.shortfall, row.cost) == (10, 9, 1, 50)
