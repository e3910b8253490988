"""eligibility: only teachers who may rotate this year are candidates; exempt teachers never are."""

from __future__ import annotations

from optimizer.plan import Move
from optimizer.scenario import Scenario
from tests.rules.results import destinations, only_row, rows, rules_broken_by
from tests.tiny import NO_HIRES, scenario, school, solve_checked, teacher


def music_county(*overrides: str) -> Scenario:
    """U1: five eligible math teachers and a music teacher with 2 years it does not need; R1 short
    of music, which it does not recruit: only MUS could fill the post."""
    schools = [school("U1", establishment=6), school("R1", "rural", lat=30.1)]
    teachers = [teacher(f"M{i}", "U1") for i in range(5)]
    teachers.append(teacher("MUS", "U1", "music", years_at_school=2))
    teachers.append(teacher("R0", "R1", is_backbone=True))
    demand = {("U1", "math"): 5, ("R1", "music"): 1, ("R1", "math"): 1}
    return scenario(schools, teachers, demand, overrides=[NO_HIRES, "backbone_share.share=0", *overrides])


def test_eligibility_hard_keeps_an_ineligible_teacher_home():
    result = solve_checked(music_county())
    assert "MUS" not in destinations(result)
    assert only_row(result, "shortage", "R1/music").shortfall == 1


def test_eligibility_elastic_moves_and_reports_the_breach():
    result = solve_checked(music_county("eligibility.mode=elastic", "eligibility.weight=10"))
    assert destinations(result)["MUS"] == "R1"
    [breach] = [r for r in rows(result, "eligibility") if r.status == "violated"]
    assert (breach.key, breach.shortfall, breach.cost) == ("MUS", 1, 10)


def test_exempt_teachers_are_never_candidates_even_when_eligibility_is_elastic():
    base = music_county("eligibility.mode=elastic", "eligibility.weight=1")
    teachers = [
        teacher("MUS", "U1", "music", exempt_reason="孕期") if t.teacher_id == "MUS" else t
        for t in base.teachers
    ]
    result = solve_checked(
        scenario(
            list(base.schools),
            teachers,
            base.demand,
            overrides=[
                NO_HIRES,
                "eligibility.mode=elastic",
                "eligibility.weight=1",
                "backbone_share.share=0",
            ],
        )
    )
    assert "MUS" not in destinations(result)


def test_the_checker_catches_a_hand_made_move_of_an_ineligible_teacher():
    assert "eligibility" in rules_broken_by(Move("NEW", "U1", "R1", "math", 3))
