"""staffing_balance: no school ends above its establishment (编制) plus `tolerance`, none below it
less `tolerance_low` (a school already outside may not move further out), and an arrival fills a
post its school needs or pays `unneeded_weight`."""

from __future__ import annotations

from optimizer.plan import Move, Plan
from optimizer.report import check_plan
from optimizer.scenario import Scenario
from tests.rules.results import only_row
from tests.tiny import NO_HIRES, scenario, school, solve_checked, teacher, two_school_county


def small_rural_county(*overrides: str) -> Scenario:
    """R1 has room for one more teacher and lacks two; U1 is 2 above its establishment of 8."""
    schools = [school("U1", establishment=8), school("R1", "rural", establishment=2, lat=30.2)]
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


def test_staffing_balance_elastic_reports_a_sender_at_its_establishment_ending_below_it():
    # U1 has 10 teachers for 10 posts of 编制; the hard quota sends one out and nobody is hired back.
    result = solve_checked(two_school_county(rural_need=1, overrides=[NO_HIRES]))
    assert len(result.plan.moves) == 1
    row = only_row(result, "staffing_balance", "U1/lower")
    assert (row.target, row.achieved, row.shortfall, row.cost) == (10, 9, 1, 50)


def test_staffing_balance_hard_refuses_a_move_out_of_a_sender_at_its_establishment():
    county = two_school_county(
        rural_need=1, overrides=[NO_HIRES, "staffing_balance.mode=hard", "rotation_quota.mode=elastic"]
    )
    result = solve_checked(county)
    assert result.plan.moves == ()  # the quota (now elastic) gives way: U1 keeps its 10
    assert only_row(result, "rotation_quota", "东区").shortfall == 1
    assert only_row(result, "shortage", "R1/math").shortfall == 1
    [lower] = [
        r for r in check_plan(county, Plan((Move("T05", "U1", "R1", "math", 3),))) if r.key == "U1/lower"
    ]
    assert (lower.status, lower.achieved, lower.shortfall) == ("violated", 9, 1)


def test_staffing_balance_elastic_charges_an_arrival_above_need_and_names_it():
    # R1 has its one math teacher; the hard quota still sends one of U1's (1 to spare) there.
    result = solve_checked(
        two_school_county(
            rural_need=0, urban_spare=1, overrides=[NO_HIRES, "staffing_balance.unneeded_weight=7"]
        )
    )
    [move] = result.plan.moves
    row = only_row(result, "staffing_balance", "R1/math/need")
    assert (row.target, row.achieved, row.shortfall, row.cost) == (1, 2, 1, 7)
    assert row.involved == (move.teacher_id,)
    assert f"1 above need ({move.teacher_id})" in row.sentence_en
    assert f"1 人超出所需({move.teacher_id})" in row.sentence_zh
