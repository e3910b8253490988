"""rotation_quota: at least `rate` of the eligible teachers rotate, per region or per sending school."""

from __future__ import annotations

from tests.rules.results import only_row, rows
from tests.tiny import scenario, school, solve_checked, teacher, two_school_county


def test_rotation_quota_hard_forces_enough_moves():
    result = solve_checked(
        two_school_county(overrides=["rotation_quota.rate=0.3", "capacity.max_departure_share=0.5"])
    )
    quota = only_row(result, "rotation_quota", "东区")
    assert (quota.target, quota.achieved, quota.status) == (3, 3, "met")
    assert len(result.plan.moves) == 3


def test_rotation_quota_elastic_reports_the_exact_shortfall():
    result = solve_checked(
        two_school_county(
            overrides=["rotation_quota.rate=0.5", "rotation_quota.mode=elastic", "rotation_quota.weight=1000"]
        )
    )
    quota = only_row(result, "rotation_quota", "东区")
    # 50 % of 10 eligible = 5, but at most 20 % of 10 may leave U1: 2 rotate, 3 short.
    assert (quota.target, quota.achieved, quota.shortfall, quota.status) == (5, 2, 3, "violated")
    assert "5" in quota.sentence_zh and "at least 5" in quota.sentence_en


def test_rotation_quota_scope_school_counts_each_sending_school():
    schools = [school("U1"), school("U2", lat=30.05), school("R1", "rural", lat=30.2)]
    teachers = [teacher(f"A{i}", "U1") for i in range(10)] + [teacher(f"B{i}", "U2") for i in range(10)]
    demand = {("R1", "math"): 1}
    result = solve_checked(
        scenario(
            schools, teachers, demand, overrides=["rotation_quota.scope=school", "backbone_share.share=0"]
        )
    )
    assert {r.key for r in rows(result, "rotation_quota")} == {"U1", "U2"}
    assert all(r.status == "met" and r.achieved == 1 for r in rows(result, "rotation_quota"))
