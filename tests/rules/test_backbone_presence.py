"""backbone_presence: every receiving school has at least `min_per_school` backbone teachers."""

from __future__ import annotations

from optimizer.scenario import Scenario
from tests.rules.results import only_row
from tests.tiny import scenario, school, solve_checked, teacher


def no_backbone_rural(*overrides: str) -> Scenario:
    schools = [school("U1"), school("R1", "rural", lat=30.2)]
    teachers = [teacher(f"T{i}", "U1", is_backbone=i < 2) for i in range(10)]
    teachers.append(teacher("R0", "R1"))
    demand = {("R1", "math"): 2}
    return scenario(schools, teachers, demand, overrides=["backbone_share.share=0", *overrides])


def test_backbone_presence_hard_sends_a_backbone_teacher():
    result = solve_checked(no_backbone_rural("backbone_presence.mode=hard"))
    row = only_row(result, "backbone_presence", "R1")
    assert row.status == "met" and row.achieved == 1


def test_backbone_presence_elastic_reports_the_missing_teacher():
    result = solve_checked(no_backbone_rural("capacity.min_backbone_retained=1.0"))
    row = only_row(result, "backbone_presence", "R1")
    assert (row.target, row.achieved, row.shortfall, row.cost) == (1, 0, 1, 200)
