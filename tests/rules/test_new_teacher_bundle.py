"""new_teacher_bundle: a teacher within the new-teacher period without rural service rotates to a
rural school."""

from __future__ import annotations

from optimizer.scenario import Scenario
from tests.rules.results import destinations, only_row
from tests.tiny import scenario, school, solve_checked, teacher


def new_teacher_county(*overrides: str, max_incoming: int | None = None) -> Scenario:
    schools = [school("U1"), school("R1", "rural", lat=30.2, max_incoming=max_incoming)]
    teachers = [teacher(f"T{i}", "U1") for i in range(10)]
    teachers.append(teacher("NEW", "U1", years_at_school=3, new_teacher_period=2, rural_years=0))
    demand = {("R1", "math"): 1}
    return scenario(schools, teachers, demand, overrides=["backbone_share.share=0", *overrides])


def test_new_teacher_bundle_hard_sends_the_new_teacher_to_a_rural_school():
    result = solve_checked(new_teacher_county("new_teacher_bundle.mode=hard"))
    assert destinations(result) == {"NEW": "R1"}
    assert only_row(result, "eligibility", "all").status == "met"


def test_new_teacher_bundle_elastic_reports_an_unplaced_teacher():
    result = solve_checked(new_teacher_county("rotation_quota.rate=0", max_incoming=0))
    row = only_row(result, "new_teacher_bundle", "NEW")
    assert (row.shortfall, row.cost) == (1, 100)
