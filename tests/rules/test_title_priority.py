"""title_priority: a teacher planning a senior title who lacks rural or weak-school service rotates."""

from __future__ import annotations

from collections.abc import Sequence

from optimizer.scenario import Pin, Scenario
from tests.rules.results import destinations, only_row
from tests.tiny import scenario, school, solve_checked, teacher


def title_county(pins: Sequence[Pin] = ()) -> Scenario:
    schools = [school("U1"), school("R1", "rural", lat=30.2)]
    teachers = [teacher(f"T{i}", "U1") for i in range(9)]
    teachers.append(teacher("SENIOR", "U1", plans_senior_title=True))
    demand = {("R1", "math"): 1}
    return scenario(schools, teachers, demand, pins=list(pins), overrides=["backbone_share.share=0"])


def test_title_priority_chooses_the_teacher_who_needs_rural_service():
    result = solve_checked(title_county())
    assert destinations(result) == {"SENIOR": "R1"}


def test_title_priority_reports_a_teacher_kept_home():
    result = solve_checked(title_county(pins=[Pin("SENIOR", "stay")]))
    row = only_row(result, "title_priority", "SENIOR")
    assert (row.shortfall, row.cost) == (1, 20)
