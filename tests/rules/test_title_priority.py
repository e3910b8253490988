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


def volunteer_county(*overrides: str) -> Scenario:
    """One post at R1 (22 km away) and two candidates: SENIOR, due for a title, and VOL, who
    volunteers (an idle volunteer costs 10, more than nothing)."""
    schools = [school("U1"), school("R1", "rural", lat=30.2)]
    teachers = [teacher(f"T{i}", "U1") for i in range(8)]
    teachers.append(teacher("VOL", "U1", volunteer=True))
    teachers.append(teacher("SENIOR", "U1", plans_senior_title=True))
    demand = {("R1", "math"): 1}
    return scenario(
        schools,
        teachers,
        demand,
        overrides=["backbone_share.share=0", "backbone_presence.min_per_school=0", *overrides],
    )


def test_title_priority_hard_sends_the_senior_title_teacher_instead_of_the_volunteer():
    # Without the rule (weight 0) the quota's one move goes to VOL: 22 km, no idle volunteer.
    assert destinations(solve_checked(volunteer_county("title_priority.weight=0"))) == {"VOL": "R1"}
    # Hard, SENIOR must move; VOL moving too would cost 22 km to save 10, so VOL stays.
    result = solve_checked(volunteer_county("title_priority.mode=hard"))
    assert destinations(result) == {"SENIOR": "R1"}
    row = only_row(result, "title_priority", "SENIOR")
    assert (row.status, row.target, row.achieved, row.shortfall) == ("met", 1, 1, 0)
