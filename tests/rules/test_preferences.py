"""preferences: volunteers and first choices are preferred, short distances too, and spouses are not
placed more than `spouse_max_km` apart."""

from __future__ import annotations

from optimizer.report import check_plan
from optimizer.scenario import Pin, Scenario
from tests.rules.results import destinations, only_row
from tests.tiny import scenario, school, solve_checked, teacher


def test_preferences_volunteer_and_first_choice():
    schools = [school("U1"), school("R1", "rural", lat=30.1), school("R2", "rural", lat=30.12)]
    teachers = [teacher(f"T{i}", "U1") for i in range(9)]
    teachers.append(teacher("VOL", "U1", volunteer=True, preferred_schools=("R1", "R2")))
    demand = {("R1", "math"): 1, ("R2", "math"): 1}
    result = solve_checked(
        scenario(
            schools,
            teachers,
            demand,
            overrides=["backbone_share.share=0", "rotation_quota.rate=0.1", "shortage.weight=0"],
        )
    )
    assert destinations(result) == {"VOL": "R1"}


def test_preferences_spouses_are_not_split():
    schools = [school("U1"), school("R1", "rural", lat=30.5), school("R2", "rural", lat=30.05)]
    teachers = [teacher(f"T{i}", "U1") for i in range(8)]
    teachers.append(teacher("HUS", "U1", spouse_id="WIFE", volunteer=True))
    teachers.append(teacher("WIFE", "U1", spouse_id="HUS", years_at_school=2))
    demand = {("R1", "math"): 1}
    result = solve_checked(
        scenario(
            schools, teachers, demand, overrides=["backbone_share.share=0", "preferences.volunteer_weight=0"]
        )
    )
    assert set(destinations(result)) & {"HUS", "WIFE"} == set()
    hard = solve_checked(
        scenario(
            schools,
            teachers,
            demand,
            pins=[Pin("HUS", "move_to", "R1")],
            overrides=["backbone_share.share=0", "preferences.mode=hard"],
        ),
        expect="infeasible",
    )
    assert {i.rule for c in hard.conflicts for i in c.instances} == {"pins", "preferences"}


def listed_county(*overrides: str) -> Scenario:
    """PREF volunteers (idle costs 50) and lists only R2 (33 km); R1 is 11 km away. The quota
    moves one teacher and filling a post is worth nothing (shortage weight 0)."""
    schools = [school("U1"), school("R1", "rural", lat=30.1), school("R2", "rural", lat=30.3)]
    teachers = [teacher(f"T{i}", "U1") for i in range(9)]
    teachers.append(teacher("PREF", "U1", volunteer=True, preferred_schools=("R2",)))
    demand = {("R1", "math"): 1, ("R2", "math"): 1}
    return scenario(
        schools,
        teachers,
        demand,
        overrides=[
            "backbone_share.share=0",
            "shortage.weight=0",
            "backbone_presence.min_per_school=0",
            "preferences.volunteer_weight=50",
            *overrides,
        ],
    )


def test_preferences_elastic_costs_an_unlisted_destination():
    # PREF to R1: 11 km + 5 × rank 1 (unlisted: the list's length) = 16, against 33 km to R2, or
    # 11 km for another teacher + 50 for PREF idle = 61.
    result = solve_checked(listed_county())
    assert destinations(result) == {"PREF": "R1"}
    row = only_row(result, "preferences", "东区")
    assert (row.shortfall, row.cost, row.involved) == (0, 16, ("PREF",))


def test_preferences_hard_moves_only_to_listed_schools():
    # R1 is forbidden to PREF: PREF to R2 costs 33 km, less than 11 km + 50 for an idle PREF.
    result = solve_checked(listed_county("preferences.mode=hard"))
    assert destinations(result) == {"PREF": "R2"}
    row = only_row(result, "preferences", "东区")
    assert (row.status, row.shortfall, row.cost) == ("met", 0, 33)
    # The elastic plan (PREF to R1) breaks the hard rule once.
    unlisted = solve_checked(listed_county()).plan
    broken = [
        r for r in check_plan(listed_county("preferences.mode=hard"), unlisted) if r.rule == "preferences"
    ]
    assert [(r.status, r.shortfall, r.involved) for r in broken] == [("violated", 1, ("PREF",))]


def couple_county(*overrides: str) -> Scenario:
    """HUS volunteers (idle costs 50); his wife is not eligible and stays at U1; R1 is 33 km
    away, beyond the 30 km a couple may be split."""
    schools = [school("U1"), school("R1", "rural", lat=30.3)]
    teachers = [teacher(f"T{i}", "U1") for i in range(8)]
    teachers.append(teacher("HUS", "U1", spouse_id="WIFE", volunteer=True))
    teachers.append(teacher("WIFE", "U1", spouse_id="HUS", years_at_school=2))
    demand = {("R1", "math"): 1}
    return scenario(
        schools,
        teachers,
        demand,
        overrides=[
            "backbone_share.share=0",
            "backbone_presence.min_per_school=0",
            "preferences.volunteer_weight=50",
            *overrides,
        ],
    )


def test_preferences_elastic_costs_a_split_couple():
    # HUS to R1: 33 km + 20 for the split = 53, less than 50 (HUS idle) + 33 km for another.
    result = solve_checked(couple_county())
    assert destinations(result) == {"HUS": "R1"}
    row = only_row(result, "preferences", "东区")
    assert (row.shortfall, row.cost) == (0, 53)


def test_preferences_hard_keeps_spouses_together():
    # No split allowed: another teacher goes (33 km) and HUS stays idle (50): 83.
    result = solve_checked(couple_county("preferences.mode=hard"))
    assert "HUS" not in destinations(result) and len(result.plan.moves) == 1
    row = only_row(result, "preferences", "东区")
    assert (row.status, row.shortfall, row.cost, row.involved) == ("met", 0, 83, ("HUS",))


def test_preferences_elastic_costs_an_idle_volunteer():
    # VOL is pinned home; the quota's one move goes to another teacher: 10 (idle volunteer)
    # + 22 km (R1 is 0.2° of latitude away) = 32.
    schools = [school("U1"), school("R1", "rural", lat=30.2)]
    teachers = [teacher(f"T{i}", "U1") for i in range(9)]
    teachers.append(teacher("VOL", "U1", volunteer=True))
    sc = scenario(
        schools,
        teachers,
        {("R1", "math"): 1},
        pins=[Pin("VOL", "stay")],
        overrides=["backbone_share.share=0", "backbone_presence.min_per_school=0"],
    )
    result = solve_checked(sc)
    assert len(result.plan.moves) == 1 and "VOL" not in destinations(result)
    row = only_row(result, "preferences", "东区")
    assert (row.shortfall, row.cost, row.involved) == (0, 32, ("VOL",))
