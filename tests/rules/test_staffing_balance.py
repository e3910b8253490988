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
