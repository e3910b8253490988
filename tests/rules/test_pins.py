"""pins: a teacher pinned to stay stays, one pinned to a school goes there."""

from __future__ import annotations

from optimizer.plan import Move
from optimizer.scenario import Pin
from tests.rules.results import destinations, rows, rules_broken_by
from tests.tiny import scenario, solve_checked, two_school_county


def test_pins_are_honoured():
    base = two_school_county()
    pinned = scenario(
        list(base.schools),
        list(base.teachers),
        base.demand,
        pins=[Pin("T05", "move_to", "R1"), Pin("T02", "stay")],
    )
    result = solve_checked(pinned)
    assert destinations(result)["T05"] == "R1" and "T02" not in destinations(result)
    assert all(r.status == "met" for r in rows(result, "pins"))
    assert "pins" in next(m.reason for m in result.plan.moves if m.teacher_id == "T05")


def test_pins_elastic_can_be_overruled_at_a_cost():
    base = two_school_county(rural_need=1)
    pins = [Pin(f"T{i:02d}", "stay") for i in range(10)]
    result = solve_checked(
        scenario(
            list(base.schools),
            list(base.teachers),
            base.demand,
            pins=pins,
            overrides=["pins.mode=elastic", "pins.weight=30"],
        )
    )
    broken = [r for r in rows(result, "pins") if r.status == "violated"]
    assert len(broken) == 1  # the quota needs one move
    assert (broken[0].shortfall, broken[0].cost) == (1, 30)


def test_the_checker_catches_a_hand_made_move_of_a_teacher_pinned_to_stay():
    assert "pins" in rules_broken_by(Move("OK", "U1", "R1", "math", 3))
