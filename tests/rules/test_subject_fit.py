"""subject_fit: a teacher fills a post of their subject (main or additional) and school stage."""

from __future__ import annotations

from optimizer.plan import Move
from tests.rules.results import destinations, only_row, rows, rules_broken_by
from tests.tiny import scenario, school, solve_checked, teacher


def test_subject_fit_uses_additional_subjects_and_stages():
    schools = [school("U1"), school("R1", "rural", lat=30.2), school("RJ", "rural", stage="junior")]
    teachers = [teacher(f"T{i}", "U1") for i in range(9)]
    teachers.append(teacher("ART", "U1", other_subjects=("art",)))
    demand = {("R1", "art"): 1, ("RJ", "math"): 2}
    result = solve_checked(scenario(schools, teachers, demand, overrides=["backbone_share.share=0"]))
    assert destinations(result).get("ART") == "R1"
    assert "RJ" not in destinations(result).values()  # primary teachers do not teach junior school
    assert only_row(result, "subject_fit", "all").status == "met"


def test_subject_fit_elastic_lets_a_teacher_change_subject_at_a_cost():
    schools = [school("U1"), school("R1", "rural", lat=30.2)]
    teachers = [teacher(f"T{i}", "U1") for i in range(10)]
    demand = {("R1", "music"): 1}
    result = solve_checked(
        scenario(
            schools,
            teachers,
            demand,
            overrides=["subject_fit.mode=elastic", "subject_fit.weight=5", "backbone_share.share=0"],
        )
    )
    [breach] = [r for r in rows(result, "subject_fit") if r.status == "violated"]
    assert breach.shortfall == 1 and breach.cost == 5
    assert only_row(result, "shortage", "R1/music").status == "met"


def test_the_checker_catches_a_hand_made_move_to_a_post_of_another_subject():
    assert "subject_fit" in rules_broken_by(Move("OK", "U1", "R1", "music", 3))
