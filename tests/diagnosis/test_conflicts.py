"""Conflict sets and relaxations on infeasible scenarios, each a collision of different rules.

`solve_checked(..., expect="infeasible")` re-solves to show every reported set is infeasible and
that dropping any member makes the rest feasible; each relaxation proposed is applied and solved.
"""

from __future__ import annotations

import pytest

from optimizer.result import Result, apply_change
from optimizer.scenario import Pin, Scenario
from tests.tiny import NO_HIRES, scenario, school, solve_checked, teacher, two_school_county


def conflict_rules(result: Result) -> list[set[str]]:
    return [{i.rule for i in c.instances} for c in result.conflicts]


def assert_relaxations_restore_feasibility(sc: Scenario, result: Result) -> None:
    assert result.relaxations, "an infeasible scenario gets at least one relaxation"
    for relaxation in result.relaxations:
        relaxed = solve_checked(relaxation.apply(sc), expect="plan")
        assert relaxed.summary.hard_violations == 0
        assert relaxation.change.sentence_zh and relaxation.change.sentence_en


def quota_against_caps() -> Scenario:
    return two_school_county(overrides=["rotation_quota.rate=0.5", "backbone_share.share=0"])


def quota_backbone_share_and_retention() -> Scenario:
    return two_school_county(
        overrides=["rotation_quota.rate=0.4", "capacity.max_departure_share=0.5", "backbone_share.share=0.5"]
    )


def pin_into_a_closed_school() -> Scenario:
    base = two_school_county()
    schools = [
        s if s.school_id != "R1" else school("R1", "rural", establishment=5, lat=30.2, max_incoming=0)
        for s in base.schools
    ]
    return scenario(
        schools,
        list(base.teachers),
        base.demand,
        pins=[Pin("T05", "move_to", "R1")],
        overrides=["rotation_quota.rate=0", "backbone_share.share=0"],
    )


def new_teacher_pinned_to_stay() -> Scenario:
    schools = [school("U1"), school("R1", "rural", lat=30.2)]
    teachers = [teacher(f"T{i}", "U1") for i in range(9)]
    teachers.append(teacher("NEW", "U1", years_at_school=3, new_teacher_period=2, rural_years=0))
    return scenario(
        schools,
        teachers,
        {("R1", "math"): 1},
        pins=[Pin("NEW", "stay")],
        overrides=["new_teacher_bundle.mode=hard", "backbone_share.share=0"],
    )


def shortage_against_housing() -> Scenario:
    base = two_school_county(rural_need=3)
    schools = [
        s if s.school_id != "R1" else school("R1", "rural", establishment=10, lat=30.2, max_incoming=1)
        for s in base.schools
    ]
    return scenario(
        schools,
        list(base.teachers),
        base.demand,
        # Nobody is hired: R1's three posts wait for moves, and R1 houses one arrival.
        overrides=[
            NO_HIRES,
            "shortage.mode=hard",
            "backbone_share.share=0",
            "capacity.max_departure_share=0.5",
        ],
    )


def backbone_presence_against_retention() -> Scenario:
    schools = [school("U1"), school("R1", "rural", lat=30.2)]
    teachers = [teacher(f"T{i}", "U1", is_backbone=i < 2) for i in range(10)] + [teacher("R0", "R1")]
    return scenario(
        schools,
        teachers,
        {("R1", "math"): 2},
        overrides=[
            "backbone_presence.mode=hard",
            "capacity.min_backbone_retained=1.0",
            "backbone_share.share=0",
        ],
    )


def staffing_against_quota() -> Scenario:
    schools = [school("U1", establishment=10), school("R1", "rural", establishment=2, lat=30.2)]
    teachers = [teacher(f"T{i}", "U1") for i in range(10)] + [teacher("R0", "R1")]
    return scenario(
        schools,
        teachers,
        {("R1", "math"): 4},
        overrides=[
            "staffing_balance.mode=hard",
            "rotation_quota.rate=0.3",
            "capacity.max_departure_share=0.5",
            "backbone_share.share=0",
        ],
    )


CASES = {
    "quota vs departure cap": (quota_against_caps, {"rotation_quota", "capacity"}),
    "quota vs backbone share vs retention": (
        quota_backbone_share_and_retention,
        {"rotation_quota", "backbone_share", "capacity"},
    ),
    "pin vs max_incoming": (pin_into_a_closed_school, {"pins", "capacity"}),
    "new teacher vs stay pin": (new_teacher_pinned_to_stay, {"new_teacher_bundle", "pins"}),
    # A budget of no hires is the third member: a hire would fill a post the housing cap keeps from a move.
    "shortage vs housing": (shortage_against_housing, {"shortage", "capacity", "recruitment"}),
    "backbone presence vs retention": (
        backbone_presence_against_retention,
        {"backbone_presence", "capacity"},
    ),
    "staffing vs quota": (staffing_against_quota, {"staffing_balance", "rotation_quota"}),
}


@pytest.mark.parametrize("case", CASES)
def test_minimal_conflict_and_relaxations(case: str) -> None:
    make, rules = CASES[case]
    sc = make()
    result = solve_checked(sc, expect="infeasible")
    assert conflict_rules(result)[0] == rules
    conflict = result.conflicts[0]
    assert conflict.summary_zh and conflict.summary_en
    assert_relaxations_restore_feasibility(sc, result)


def test_independent_conflicts_are_both_found() -> None:
    """Two regions, each with its own collision: two disjoint conflict sets."""
    base = quota_against_caps()
    east = list(base.schools)
    west = [school("U9", region="西区", lat=31.0), school("R9", "rural", region="西区", lat=31.2)]
    teachers = list(base.teachers) + [teacher(f"W{i}", "U9") for i in range(10)]
    demand = {**base.demand, ("R9", "math"): 2}
    sc = scenario(
        east + west, teachers, demand, overrides=["rotation_quota.rate=0.5", "backbone_share.share=0"]
    )
    result = solve_checked(sc, expect="infeasible")
    keys = [{i.key.split("/")[0] for i in c.instances} for c in result.conflicts]
    assert len(result.conflicts) == 2
    assert {"东区", "U1"} in keys and {"西区", "U9"} in keys


def test_conflicting_quotas_relaxations_name_the_parameters() -> None:
    from pathlib import Path

    from optimizer.io import load_scenario

    sc = load_scenario(Path(__file__).resolve().parents[2] / "scenarios" / "conflicting-quotas")
    result = solve_checked(sc, expect="infeasible")
    overrides = {o.split("=")[0] for r in result.relaxations for o in r.change.overrides}
    assert {"rotation_quota.rate", "capacity.max_departure_share"} <= overrides
    assert "14" in result.conflicts[0].summary_zh and "10" in result.conflicts[0].summary_zh
    assert_relaxations_restore_feasibility(sc, result)


def test_apply_change_drops_pins_and_sets_school_fields() -> None:
    from optimizer.instance import Change

    sc = pin_into_a_closed_school()
    changed = apply_change(sc, Change(school_fields=(("R1", "max_incoming", 3),), drop_pins=("T05",)))
    assert changed.school_by_id["R1"].max_incoming == 3 and not changed.pins
    assert sc.school_by_id["R1"].max_incoming == 0 and sc.pins
