"""shortage: posts the receiving schools lack are filled, scarce subjects first (`priority`)."""

from __future__ import annotations

from tests.rules.results import only_row
from tests.tiny import scenario, school, solve_checked, teacher, two_school_county


def test_shortage_hard_fills_every_post():
    result = solve_checked(two_school_county(rural_need=2, overrides=["shortage.mode=hard"]))
    assert only_row(result, "shortage", "R1/math").status == "met"


def test_shortage_elastic_reports_what_stays_unfilled():
    # R1 needs 5 more math teachers; at most 2 of 10 may leave U1.
    result = solve_checked(two_school_county(rural_need=5))
    row = only_row(result, "shortage", "R1/math")
    assert (row.target, row.achieved, row.shortfall) == (6, 3, 3)
    assert row.cost == 300  # weight 100 × priority 1 × 3 posts
    assert result.summary.shortage_total == 5 and result.summary.shortage_filled == 2


def test_shortage_priority_prefers_music_over_math():
    schools = [school("U1"), school("R1", "rural", lat=30.2)]
    teachers = [teacher(f"T{i}", "U1", other_subjects=("music",)) for i in range(5)]
    demand = {("R1", "music"): 1, ("R1", "math"): 1}
    result = solve_checked(scenario(schools, teachers, demand, overrides=["backbone_share.share=0"]))
    assert [m.subject for m in result.plan.moves] == ["music"]
