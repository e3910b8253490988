"""capacity: arrivals per school up to `max_incoming`, departures up to `max_departure_share`, and a
sending school keeps `min_backbone_retained` of its backbone teachers."""

from __future__ import annotations

from optimizer.scenario import Scenario
from tests.rules.results import only_row
from tests.tiny import scenario, school, solve_checked, two_school_county


def capped_county(*overrides: str) -> Scenario:
    base = two_school_county(rural_need=2)
    schools = [
        school("U1", establishment=10),
        school("R1", "rural", establishment=10, lat=30.2, max_incoming=1),
    ]
    return scenario(schools, list(base.teachers), base.demand, overrides=list(overrides))


def test_capacity_hard_limits_arrivals():
    result = solve_checked(capped_county())
    assert len(result.plan.moves) == 1
    assert only_row(result, "capacity", "R1/incoming").status == "met"


def test_capacity_elastic_reports_the_excess():
    result = solve_checked(capped_county("capacity.mode=elastic", "capacity.weight=1"))
    row = only_row(result, "capacity", "R1/incoming")
    assert (row.target, row.achieved, row.shortfall) == (1, 2, 1)


def test_capacity_keeps_half_of_the_backbone_teachers():
    result = solve_checked(
        two_school_county(
            overrides=[
                "rotation_quota.rate=0.5",
                "capacity.max_departure_share=0.5",
                "backbone_share.share=0.6",
                "backbone_share.mode=elastic",
            ]
        )
    )
    row = only_row(result, "capacity", "U1/backbone")
    assert row.status == "met" and row.achieved >= 2
