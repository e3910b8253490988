"""Plans side by side and plan diffs, on the two-school county where every number is countable.

two_school_county(): U1 (urban, establishment 10) has math teachers T00..T09, T00-T02 backbone;
R1 (rural, establishment 5) has R00 and needs 3 math teachers: a shortage of 2. Each move
U1 -> R1 costs 22 (km); the quota asks for ceil(10 % × 10) = 1 mover, a fifth of them backbone.
U1 needs all its ten: each mover's post is a vacancy unless a hire (cost 5, within the budget of
R1's 4 vacant establishment posts) fills it.
"""

from __future__ import annotations

import json
from dataclasses import asdict
from typing import Any

from optimizer.compare import PlanEntry, compare_plans, diff_plans
from optimizer.edits import Edits, apply_edits
from optimizer.options import EngineSettings, ModelEdits
from optimizer.plan import Hire, Move, Plan
from optimizer.scenario import Scenario
from optimizer.solve import plan_result, solve
from tests.tiny import solve_checked, two_school_county


def as_json(value: Any) -> Any:
    """A value as the API sends it: its fields, as JSON."""
    return json.loads(json.dumps(asdict(value)))


def to_r1(*teacher_ids: str) -> Plan:
    """The teachers moved to R1, and U1's posts they leave hired for."""
    moves = tuple(Move(t, "U1", "R1", "math", 3) for t in teacher_ids)
    return Plan(moves, hires=(Hire("U1", "math", len(moves)),) if moves else ())


def checked_entry(label: str, scenario: Scenario, plan: Plan) -> PlanEntry:
    """A hand-made plan with the summary the checker gives it."""
    return PlanEntry(label, scenario, plan, plan_result(scenario, plan).summary)


def test_hand_made_plans_compared_figure_by_figure() -> None:
    county = two_school_county()
    both = checked_entry("both", county, to_r1("T00", "T05"))
    one = checked_entry("one", county, to_r1("T05"))

    first, second = as_json(compare_plans([both, one]))["plans"]

    assert first["label"] == "both"
    assert (first["rotating"], first["backbone_rotating"], first["backbone_share"]) == (2, 1, 0.5)
    assert (first["shortage_filled"], first["shortage_total"]) == (2, 2)
    assert first["shortage_by_subject"] == [{"subject": "math", "before": 2, "after": 0, "filled": 2}]
    assert first["rural"] == {
        "schools": 1,
        "establishment": 5,
        "headcount_before": 1,
        "headcount_after": 3,
        "understaffed_after": 1,
    }
    assert first["county"] == {
        "unmet_before": 2,
        "unmet_after": 0,
        "filled": 2,
        "still_open": 0,
        "created": 0,
        "hires": 2,
        "hire_budget": 4,
        "exchanges": 0,
        "itinerant_assignments": 0,
        "schools_with_principal_before": 0,
        "schools_with_principal_after": 0,
    }
    assert (first["hard_violations"], first["elastic_violations"], first["violations"]) == (0, 0, [])
    assert first["objective"] == 44.0 + 2 * 5.0

    # One non-backbone mover: the backbone share (hard) misses by one teacher, one post stays empty.
    assert (second["rotating"], second["backbone_rotating"], second["backbone_share"]) == (1, 0, 0.0)
    assert second["shortage_by_subject"] == [{"subject": "math", "before": 2, "after": 1, "filled": 1}]
    assert second["rural"]["headcount_after"] == 2
    assert (second["county"]["unmet_after"], second["county"]["still_open"], second["county"]["hires"]) == (
        1,
        1,
        1,
    )
    assert second["violations"] == [
        {"rule": "backbone_share", "mode": "hard", "count": 1, "shortfall": 1.0},
        {"rule": "shortage", "mode": "elastic", "count": 1, "shortfall": 1.0},
    ]
    assert (second["hard_violations"], second["elastic_violations"]) == (1, 1)
    assert second["objective"] == 22.0 + 100.0 + 5.0


def test_overlap_counts_moves_with_the_same_teacher_and_destination() -> None:
    county = two_school_county()
    entries = [
        checked_entry("a", county, to_r1("T00", "T05")),
        checked_entry("b", county, to_r1("T05")),
        checked_entry("c", county, Plan(())),
    ]
    overlaps = as_json(compare_plans(entries))["overlaps"]
    assert overlaps == [
        {"first": "a", "second": "b", "common": 1, "only_first": 1, "only_second": 0, "jaccard": 0.5},
        {"first": "a", "second": "c", "common": 0, "only_first": 2, "only_second": 0, "jaccard": 0.0},
        {"first": "b", "second": "c", "common": 0, "only_first": 1, "only_second": 0, "jaccard": 0.0},
    ]
    empty = compare_plans([entries[2], entries[2]]).overlaps[0]
    assert empty.jaccard == 1.0


def test_solved_variants_compare_by_their_own_scenarios() -> None:
    """A 30 % quota (and departure cap) makes 3 of 10 eligible urban teachers rotate, not the one of
    10 %: R1's second post is hired for at 10 %, and U1 hires for every post its movers leave."""
    county = two_school_county()
    base = solve_checked(county)
    variant = apply_edits(
        county, Edits(overrides=("rotation_quota.rate=0.3", "capacity.max_departure_share=0.3"))
    )
    higher = solve(variant, EngineSettings(time_limit=10, seed=1), edits=ModelEdits(previous_plan=base.plan))

    comparison = compare_plans(
        [
            PlanEntry("10 %", county, base.plan, base.summary),
            PlanEntry("30 %", variant, higher.plan, higher.summary),
        ]
    )
    figures = [(p.rotating, p.shortage_filled, p.shortage_total) for p in comparison.plans]
    assert figures == [(1, 2, 2), (3, 2, 2)]
    assert [(p.county.hires, p.county.unmet_after, p.county.created) for p in comparison.plans] == [
        (2, 0, 0),
        (3, 0, 0),
    ]
    assert not comparison.plans[0].violations
    assert comparison.plans[1].hard_violations == 0  # the third mover is above R1's need (elastic)
    overlap = comparison.overlaps[0]
    assert (overlap.common, overlap.only_first, overlap.only_second) == (1, 0, 2)


def test_diff_lists_added_removed_and_redirected_moves() -> None:
    old = Plan(
        (
            Move("T1", "U1", "R1", "math", 3),
            Move("T2", "U1", "R1", "math", 3),
            Move("T3", "U1", "R2", "music", 3),
            Move("T5", "U1", "R2", "math", 3),
        )
    )
    new = Plan(
        (
            Move("T1", "U1", "R1", "math", 3),
            Move("T2", "U1", "R2", "math", 3),
            Move("T4", "U1", "R1", "math", 3),
            Move("T5", "U1", "R2", "science", 3),
        )
    )
    diff = diff_plans(old, new)
    assert [m.teacher_id for m in diff.added] == ["T4"]
    assert [m.teacher_id for m in diff.removed] == ["T3"]
    assert [(r.before.to_school, r.after.to_school, r.after.subject) for r in diff.redirected] == [
        ("R1", "R2", "math"),
        ("R2", "R2", "science"),
    ]
    assert (diff.unchanged, diff.changed) == (1, 4)
    as_dict = as_json(diff)
    assert as_dict["redirected"][0]["teacher_id"] == "T2"
    assert as_dict["redirected"][0]["before"]["to_school"] == "R1"
    assert as_dict["added"][0] == {
        "teacher_id": "T4",
        "from_school": "U1",
        "to_school": "R1",
        "subject": "math",
        "term_years": 3,
        "reason": "",
        "kind": "rotation",
    }
    assert diff_plans(new, new).changed == 0


def test_replanning_after_a_withdrawal_changes_only_that_move() -> None:
    county = two_school_county(overrides=["rotation_quota.rate=0.2"])  # two movers
    before = solve_checked(county)
    withdrawn = before.plan.moves[0].teacher_id
    kept = before.plan.moves[1]
    variant = apply_edits(county, Edits(withdraw=(withdrawn,)))

    after = solve(variant, EngineSettings(time_limit=10, seed=1), edits=ModelEdits(previous_plan=before.plan))

    assert after.summary.status == "optimal"
    assert after.plan.move_of(withdrawn) is None
    assert after.plan.move_of(kept.teacher_id) == kept
    diff = diff_plans(before.plan, after.plan)
    assert [m.teacher_id for m in diff.removed] == [withdrawn]
    assert (len(diff.added), len(diff.redirected), diff.unchanged) == (1, 0, 1)
