"""direction: teachers move from sending areas to receiving areas (urban to rural by default)."""

from __future__ import annotations

from optimizer.plan import Move
from optimizer.scenario import Pin, Scenario
from tests.rules.results import destinations, rows, rules_broken_by
from tests.tiny import scenario, school, solve_checked, teacher


def urban_pair(*overrides: str, pin_to: str = "U2") -> Scenario:
    schools = [school("U1"), school("U2", lat=30.05), school("R1", "rural", lat=30.2)]
    teachers = [teacher(f"T{i}", "U1") for i in range(10)] + [teacher("X", "U2", is_backbone=True)]
    # U2 lacks one math teacher (T0's pin fills it): coverage prices a post unmet at any school,
    # and a second one would draw a second urban-to-urban move.
    demand = {("U2", "math"): 2, ("R1", "math"): 1}
    return scenario(
        schools,
        teachers,
        demand,
        pins=[Pin("T0", "move_to", pin_to)],
        overrides=["backbone_share.share=0", *overrides],
    )


def test_direction_hard_allows_only_urban_to_rural():
    result = solve_checked(urban_pair(pin_to="R1"))
    assert set(destinations(result).values()) == {"R1"}


def test_direction_elastic_pays_for_an_urban_to_urban_pin():
    result = solve_checked(urban_pair("direction.mode=elastic", "direction.weight=7"))
    assert destinations(result)["T0"] == "U2"
    [breach] = [r for r in rows(result, "direction") if r.status == "violated"]
    assert (breach.key, breach.shortfall, breach.cost) == ("T0", 1, 7)


def test_direction_hard_against_a_pin_is_a_conflict():
    result = solve_checked(urban_pair(), expect="infeasible")
    labels = {i.label for c in result.conflicts for i in c.instances}
    assert labels == {"pins[teacher=T0]", "direction[move=T0->U2/math]"}


def test_the_checker_catches_a_hand_made_urban_to_urban_move():
    assert "direction" in rules_broken_by(Move("OK", "U1", "U2", "math", 3))
