"""fair_turn: among interchangeable candidates (one school, one post) the one due longest rotates."""

from __future__ import annotations

from optimizer.rules import due_year, places_in_turn
from optimizer.scenario import Scenario
from tests.rules.results import destinations, only_row
from tests.tiny import NO_HIRES, scenario, school, solve_checked, teacher

ONE_KM = 0.009
"""Degrees of latitude in about one kilometre."""


def turn_county(*overrides: str) -> Scenario:
    """One post at R1 and three eligible math teachers of U1, due from 2019 (OLD), 2022 (MID) and
    2024 (NEW); NEW lives at R1, the others a kilometre away (1 cost unit of commute more). The
    quota moves one of the three; the others at U1 are too new to move."""
    schools = [school("U1"), school("R1", "rural", lat=30.2)]
    near, far = {"home_lat": 30.2, "home_lon": 120.0}, {"home_lat": 30.2 - ONE_KM, "home_lon": 120.0}
    teachers = [teacher(f"T{i}", "U1", years_at_school=2) for i in range(5)]
    teachers += [
        teacher("OLD", "U1", years_at_school=12, **far),
        teacher("MID", "U1", years_at_school=9, **far),
        teacher("NEW", "U1", years_at_school=7, **near),
    ]
    return scenario(
        schools, teachers, {("R1", "math"): 1}, overrides=["backbone_share.share=0", NO_HIRES, *overrides]
    )


def test_due_year_and_place_in_turn():
    sc = turn_county()
    assert [due_year(sc, sc.teacher_by_id[t]) for t in ("OLD", "MID", "NEW")] == [2019, 2022, 2024]
    assert due_year(sc, sc.teacher_by_id["T0"]) == 2029
    assert {t: places_in_turn(sc)[t] for t in ("OLD", "MID", "NEW")} == {"OLD": 0, "MID": 1, "NEW": 2}
    assert "T0" not in places_in_turn(sc)


def test_the_longest_due_rotates_though_a_later_one_lives_nearer():
    result = solve_checked(turn_county())
    assert destinations(result) == {"OLD": "R1"}
    row = only_row(result, "fair_turn", "东区")
    assert (row.status, row.shortfall, row.cost) == ("met", 0, 0)


def test_without_the_rule_the_nearest_rotates_and_the_report_counts_who_was_passed_over():
    result = solve_checked(turn_county("fair_turn.weight=0"))
    assert destinations(result) == {"NEW": "R1"}
    row = only_row(result, "fair_turn", "东区")
    assert (row.status, row.shortfall, row.cost, row.involved) == ("violated", 2, 0, ("NEW",))


def test_hard_only_the_first_in_turn_may_move():
    result = solve_checked(turn_county("fair_turn.mode=hard", "preferences.distance_weight=50"))
    assert destinations(result) == {"OLD": "R1"}
