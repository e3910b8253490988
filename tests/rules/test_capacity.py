"""capacity: arrivals per school up to `max_incoming`, departures up to `max_departure_share`, and a
sending school keeps `min_backbone_retained` of its backbone teachers."""

from __future__ import annotations

from optimizer.scenario import Pin, Scenario
from tests.rules.results import destinations, only_row
from tests.tiny import NO_HIRES, scenario, school, solve_checked, teacher, two_school_county


def capped_county(*overrides: str) -> Scenario:
    """R1 lacks 2 math teachers and houses 1 arrival; U1 has 2 to spare. Nobody is hired, so the
    posts wait for moves and the arrival cap is what limits them."""
    base = two_school_county(rural_need=2, urban_spare=2)
    schools = [
        school("U1", establishment=8),
        school("R1", "rural", establishment=10, lat=30.2, max_incoming=1),
    ]
    return scenario(schools, list(base.teachers), base.demand, overrides=[NO_HIRES, *overrides])


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


def test_capacity_hard_limits_departures():
    # R1 lacks 3 math teachers and hires none; U1 has 3 to spare but may send floor(20 % × 10) = 2.
    result = solve_checked(two_school_county(rural_need=3, urban_spare=3, overrides=[NO_HIRES]))
    row = only_row(result, "capacity", "U1/departures")
    assert (row.status, row.target, row.achieved) == ("met", 2, 2)


def test_capacity_elastic_reports_too_many_departures():
    # The third post is worth 100 (shortage) and costs 50 (one departure over) + 22 km: it is filled
    # by a move (U1 has 3 to spare, R1 hires none).
    result = solve_checked(
        two_school_county(
            rural_need=3, urban_spare=3, overrides=[NO_HIRES, "capacity.mode=elastic", "capacity.weight=50"]
        )
    )
    row = only_row(result, "capacity", "U1/departures")
    assert (row.target, row.achieved, row.shortfall, row.cost) == (2, 3, 1, 50)


def test_capacity_elastic_reports_backbone_not_kept():
    # The hard quota moves 2 of U1's 10 (rate 0.2), and a hard backbone share of 1 makes both of
    # them backbone teachers: of its 3 U1 keeps 1, short of ceil(50 % × 3) = 2, at 500.
    result = solve_checked(
        two_school_county(
            rural_need=2,
            overrides=["capacity.mode=elastic", "rotation_quota.rate=0.2", "backbone_share.share=1"],
        )
    )
    row = only_row(result, "capacity", "U1/backbone")
    assert (row.target, row.achieved, row.shortfall, row.cost) == (2, 1, 1, 500)


def leaders_county(*overrides: str) -> Scenario:
    """P_U (40, two terms at U1) is due to rotate; R1's principal P_R (50) is pinned home, so P_U
    can only go to R1 as a second principal. T0 is U1's reserve leader (后备干部): U1 keeps a head
    when P_U leaves, so leadership continuity does not hold P_U back."""
    schools = [school("U1"), school("R1", "rural", lat=30.2)]
    teachers = [teacher(f"T{i}", "U1", reserve_leader=i == 0) for i in range(10)]
    teachers.append(teacher("P_U", "U1", role="principal", terms_at_school=2, birth_year=1985, gender="M"))
    teachers.append(teacher("P_R", "R1", role="principal", terms_at_school=2, birth_year=1975, gender="M"))
    return scenario(
        schools,
        teachers,
        {("R1", "math"): 1},
        pins=[Pin("P_R", "stay")],
        overrides=["backbone_share.share=0", "backbone_presence.min_per_school=0", *overrides],
    )


def test_capacity_hard_keeps_a_second_principal_out():
    result = solve_checked(leaders_county())
    assert "P_U" not in destinations(result)
    assert only_row(result, "principal_rotation", "P_U").shortfall == 1


def test_capacity_elastic_reports_a_second_principal():
    # P_U rotating to R1 saves 200 (P_U due) + 200 (R1's young principal: 1 of 2 after, 0 of 1
    # before) for 50 (one principal over R1's 1 post) + 22 km.
    result = solve_checked(leaders_county("capacity.mode=elastic", "capacity.weight=50"))
    assert destinations(result)["P_U"] == "R1"
    row = only_row(result, "capacity", "R1/principal")
    assert (row.target, row.achieved, row.shortfall, row.cost) == (1, 2, 1, 50)
