"""shortage: posts the receiving schools lack are filled, scarce subjects first (`priority`)."""

from __future__ import annotations

from optimizer.plan import Hire, ItinerantAssignment, Move, Plan
from optimizer.report import check_plan
from tests.rules.results import only_row
from tests.tiny import NO_HIRES, scenario, school, solve_checked, teacher, two_school_county


def test_shortage_hard_fills_every_post():
    result = solve_checked(two_school_county(rural_need=2, overrides=["shortage.mode=hard"]))
    assert only_row(result, "shortage", "R1/math").status == "met"


def test_shortage_elastic_reports_what_stays_unfilled():
    # R1 needs 5 more math teachers and hires none; U1 has 2 to spare and at most 2 of 10 may leave.
    result = solve_checked(two_school_county(rural_need=5, urban_spare=2, overrides=[NO_HIRES]))
    row = only_row(result, "shortage", "R1/math")
    assert (row.target, row.achieved, row.shortfall) == (6, 3, 3)
    assert row.cost == 300  # weight 100 × priority 1 × 3 posts
    assert result.summary.shortage_total == 5 and result.summary.shortage_filled == 2


def test_shortage_priority_prefers_music_over_math():
    schools = [school("U1"), school("R1", "rural", lat=30.2)]
    teachers = [teacher(f"T{i}", "U1", other_subjects=("music",)) for i in range(5)]
    demand = {("R1", "music"): 1, ("R1", "math"): 1}
    # One teacher may leave U1 and nobody is hired: the move takes the post of higher priority.
    result = solve_checked(
        scenario(schools, teachers, demand, overrides=[NO_HIRES, "backbone_share.share=0"])
    )
    assert [m.subject for m in result.plan.moves] == ["music"]


def test_shortage_counts_whole_posts_taught_by_moves_hires_and_itinerant_shares():
    # R1 has 1 of 4 math teachers: a move and a hire fill two posts, half a post by 走教 leaves the
    # fourth post short (a part of a post left open is a post).
    county = two_school_county(rural_need=3)
    plan = Plan(
        (Move("T05", "U1", "R1", "math", 3),),
        hires=(Hire("R1", "math", 1),),
        itinerant=(ItinerantAssignment("T06", "U1", "R1", "math", 0.5),),
    )
    [row] = [r for r in check_plan(county, plan) if (r.rule, r.key) == ("shortage", "R1/math")]
    assert (row.target, row.achieved, row.shortfall, row.cost) == (4, 3.5, 1, 100)
    assert row.involved == ("T05",) and "1 hired" in row.sentence_en and "招聘 1 人" in row.sentence_zh
