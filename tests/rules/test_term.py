"""term: a rotation lasts `term_years`; teachers whose term ended go home before planning."""

from __future__ import annotations

from dataclasses import replace

from optimizer.plan import Move, Plan
from optimizer.report import check_plan
from tests.rules.results import destinations, only_row
from tests.tiny import scenario, school, solve_checked, teacher


def test_term_returns_teachers_whose_term_ended():
    schools = [school("U1"), school("R1", "rural", lat=30.2)]
    teachers = [teacher(f"T{i}", "U1") for i in range(9)]
    teachers.append(teacher("BACK", "R1", on_rotation_from="U1", last_rotated_year=2022))
    teachers.append(teacher("STAY", "R1", on_rotation_from="U1", last_rotated_year=2024))
    demand = {("R1", "math"): 2}
    result = solve_checked(scenario(schools, teachers, demand, overrides=["backbone_share.share=0"]))
    assert {"BACK", "STAY"}.isdisjoint(destinations(result))
    assert only_row(result, "term", "东区").achieved == 1
    assert all(m.term_years == 3 for m in result.plan.moves)
    # BACK went home to U1, so R1 has 1 math teacher and needs one more.
    assert only_row(result, "shortage", "R1/math").target == 2


def test_the_checker_flags_a_move_with_another_term():
    sc = scenario([school("U1"), school("R1", "rural", lat=30.2)], [teacher("T1", "U1")], {("R1", "math"): 1})
    report = check_plan(sc, Plan((Move("T1", "U1", "R1", "math", 1),)))
    row = next(r for r in report if r.rule == "term" and r.key == "all")
    assert (row.target, row.status, row.shortfall, row.involved) == (3, "violated", 1, ("T1",))
    one_year = replace(sc, policy=sc.policy.with_overrides(["term.term_years=1"]))
    assert (
        next(
            r for r in check_plan(one_year, Plan((Move("T1", "U1", "R1", "math", 1),))) if r.key == "all"
        ).status
        == "met"
    )
