"""preferences: volunteers and first choices are preferred, short distances too, and spouses are not
placed more than `spouse_max_km` apart."""

from __future__ import annotations

from optimizer.scenario import Pin
from tests.rules.results import destinations
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
