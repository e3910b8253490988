"""coverage: every school's demand counts, sending schools included; a vacancy the plan opens costs
created_weight × priority, one that was there before weight × priority."""

from __future__ import annotations

from optimizer.plan import Hire, Move, Plan
from optimizer.report import check_plan
from optimizer.rules import Post, coverage_posts
from optimizer.scenario import Scenario
from tests.rules.results import only_row
from tests.tiny import scenario, school, solve_checked, teacher


def sending_school_fully_needed(*overrides: str) -> Scenario:
    """U1 needs every one of its ten music teachers, yet the hard quota sends one of them to R1,
    which lacks a music teacher; the county's vacant establishment (R1's 4) is its hiring budget."""
    schools = [school("U1", establishment=10), school("R1", "rural", establishment=5, lat=30.2)]
    teachers = [teacher(f"T{i}", "U1", "music", is_backbone=i < 2) for i in range(10)]
    teachers.append(teacher("R0", "R1", is_backbone=True))
    demand = {("U1", "music"): 10, ("R1", "music"): 1, ("R1", "math"): 1}
    return scenario(schools, teachers, demand, overrides=list(overrides))


def post_of(sc: Scenario, plan: Plan, school_id: str, subject: str) -> Post:
    [post] = [p for p in coverage_posts(sc, plan) if (p.school_id, p.subject) == (school_id, subject)]
    return post


def test_coverage_the_vacancy_the_quota_opens_is_back_filled_by_a_hire() -> None:
    sc = sending_school_fully_needed()
    result = solve_checked(sc)

    [move] = result.plan.moves
    assert (move.from_school, move.to_school, move.subject) == ("U1", "R1", "music")
    assert [(h.school_id, h.subject, h.posts, h.kind) for h in result.plan.hires] == [
        ("U1", "music", 1, "open")
    ]
    sending = only_row(result, "coverage", "U1/music")
    assert (sending.target, sending.achieved, sending.shortfall, sending.cost) == (10, 10, 0, 0)
    hiring = only_row(result, "recruitment", "U1/establishment")  # no vacant post: the one the move frees
    assert (hiring.target, hiring.achieved, hiring.shortfall) == (1, 1, 0)
    u1 = post_of(sc, result.plan, "U1", "music")
    assert (u1.before, u1.after, u1.created, u1.unmet_after) == (10, 10, 0, 0)
    r1 = post_of(sc, result.plan, "R1", "music")
    assert (r1.unmet_before, r1.filled, r1.still_open) == (1, 1, 0)
    assert (result.summary.unmet_before, result.summary.unmet_after) == (1, 0)


def test_coverage_elastic_without_hires_reports_the_vacancy_opened() -> None:
    sc = sending_school_fully_needed("recruitment.max_new_teachers=0")
    result = solve_checked(sc)

    assert result.plan.hires == ()
    row = only_row(result, "coverage", "U1/music")
    # created_weight 200 × music's priority 3, for the one post the move leaves empty
    assert (row.target, row.achieved, row.shortfall, row.cost, row.status) == (10, 9, 1, 600, "violated")
    assert "1 vacancies opened by the plan" in row.sentence_en and "新增空缺 1 个" in row.sentence_zh
    u1 = post_of(sc, result.plan, "U1", "music")
    assert (u1.created, u1.unmet_before, u1.unmet_after) == (1, 0, 1)
    assert (result.summary.vacancies_filled, result.summary.vacancies_created) == (1, 1)


def test_coverage_hard_without_hires_collides_with_the_quota() -> None:
    sc = sending_school_fully_needed("recruitment.max_new_teachers=0", "coverage.mode=hard")
    result = solve_checked(sc, expect="infeasible")

    labels = {label for conflict in result.conflicts for label in conflict.labels}
    assert "coverage[subject=U1/music]" in labels
    assert "rotation_quota[region=东区]" in labels


def test_coverage_prices_a_vacancy_that_was_there_before_at_weight_times_priority() -> None:
    """U2 (urban: no shortage row of its own) lacks its only music teacher and may not hire."""
    schools = [school("U2")]
    teachers = [teacher("S0", "U2", years_at_school=2)]
    sc = scenario(
        schools,
        teachers,
        {("U2", "music"): 1, ("U2", "math"): 1},
        overrides=["recruitment.max_new_teachers=0"],
    )
    result = solve_checked(sc)

    row = only_row(result, "coverage", "U2/music")
    # weight 100 × priority 3 × 1 post still open; not a vacancy the plan opened, so not violated
    assert (row.achieved, row.shortfall, row.cost, row.status) == (0, 0, 300, "met")
    assert post_of(sc, result.plan, "U2", "music").still_open == 1


def test_coverage_check_counts_a_hand_made_plan_that_opens_a_vacancy() -> None:
    sc = sending_school_fully_needed("recruitment.max_new_teachers=0")
    plan = Plan((Move("T5", "U1", "R1", "music", 3),), hires=(Hire("U1", "music", 1),))
    rows = {r.key: r for r in check_plan(sc, plan) if r.rule == "coverage"}
    assert rows["U1/music"].shortfall == 0
    rows = {r.key: r for r in check_plan(sc, Plan(plan.moves)) if r.rule == "coverage"}
    assert rows["U1/music"].shortfall == 1 and rows["U1/music"].involved == ("T5",)
