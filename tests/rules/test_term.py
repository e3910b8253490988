"""term: a rotation lasts `term_years`, or the term the teacher asked for (`requested_term`) when it
is within `min_term`..`max_term`; teachers whose term ended go home before planning."""

from __future__ import annotations

from dataclasses import replace

from optimizer.plan import Move, Plan
from optimizer.report import check_plan
from optimizer.scenario import Pin, Scenario
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


def test_the_checker_accepts_a_term_in_the_range_and_flags_one_outside():
    """A hand-made plan may give a one-year term nobody asked for when min_term allows it."""
    sc = scenario([school("U1"), school("R1", "rural", lat=30.2)], [teacher("T1", "U1")], {("R1", "math"): 1})
    one_year = Plan((Move("T1", "U1", "R1", "math", 1),))
    row = next(r for r in check_plan(sc, one_year) if r.rule == "term" and r.key == "all")
    assert (row.target, row.status, row.shortfall) == (3, "met", 0)
    two_at_least = replace(sc, policy=sc.policy.with_overrides(["term.min_term=2"]))
    row = next(r for r in check_plan(two_at_least, one_year) if r.rule == "term" and r.key == "all")
    assert (row.status, row.shortfall, row.involved) == ("violated", 1, ("T1",))


def asking_county(requested_term: int, *overrides: str) -> Scenario:
    """ASK (pinned to go to R1) asked for a term of `requested_term` years; the others asked none."""
    schools = [school("U1"), school("R1", "rural", lat=30.2)]
    teachers = [teacher(f"T{i}", "U1") for i in range(9)]
    teachers.append(teacher("ASK", "U1", requested_term=requested_term))
    return scenario(
        schools,
        teachers,
        {("R1", "math"): 2},
        pins=[Pin("ASK", "move_to", "R1")],
        overrides=["backbone_share.share=0", "rotation_quota.rate=0.2", *overrides],
    )


def test_term_gives_the_one_year_a_teacher_asked_for():
    result = solve_checked(asking_county(1))
    terms = {m.teacher_id: m.term_years for m in result.plan.moves}
    assert terms.pop("ASK") == 1 and len(terms) == 1 and set(terms.values()) == {3}
    row = only_row(result, "term", "all")
    assert (row.status, row.shortfall) == ("met", 0)
    assert (
        "1 moves at the term the teacher asked for" in row.sentence_en and "(1-3 allowed)" in row.sentence_en
    )
    assert "1 人按本人申请的期限" in row.sentence_zh


def test_term_clamps_the_default_into_the_range_when_the_request_is_outside_it():
    # ASK asks for 3 years, but terms are 1-2: ASK gets the default 3 clamped to 2, like everyone.
    result = solve_checked(asking_county(3, "term.max_term=2"))
    assert {m.teacher_id: m.term_years for m in result.plan.moves}["ASK"] == 2
    assert {m.term_years for m in result.plan.moves} == {2}
    row = only_row(result, "term", "all")
    assert (row.status, row.shortfall) == ("met", 0) and "(1-2 allowed)" in row.sentence_en


def test_the_checker_flags_a_term_outside_the_range():
    sc = asking_county(1, "term.min_term=2", "term.max_term=2", "term.term_years=2")
    for years in (1, 3):  # ASK's request of 1 is below min_term: only 2 is allowed
        plan = Plan((Move("ASK", "U1", "R1", "math", years), Move("T1", "U1", "R1", "math", 2)))
        row = next(r for r in check_plan(sc, plan) if r.rule == "term" and r.key == "all")
        assert (row.status, row.shortfall, row.involved) == ("violated", 1, ("ASK",)), years
        assert "1 moves with a term outside the range" in row.sentence_en
    right = Plan((Move("ASK", "U1", "R1", "math", 2), Move("T1", "U1", "R1", "math", 2)))
    assert next(r for r in check_plan(sc, right) if r.key == "all").status == "met"
