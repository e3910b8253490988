"""Edits of a scenario: every kind applied, and bad edits reported all at once at their place."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

import pytest

from optimizer.edits import Edits, apply_edits
from optimizer.errors import ScenarioError
from optimizer.history import derived_teacher
from optimizer.scenario import Pin, Scenario, Stint
from tests.tiny import scenario, school, teacher, two_school_county


def new_teacher(teacher_id: str, school_id: str, **fields: Any) -> dict[str, Any]:
    row = {
        "teacher_id": teacher_id,
        "school_id": school_id,
        "subject": "music",
        "stage": "primary",
        "gender": "M",
        "birth_year": 1990,
        "years_at_school": 1,
        "is_backbone": 0,
        "degree": "bachelor",
        "role": "teacher",
    }
    return {**row, **fields}


RURAL_SCHOOL = {
    "school_id": "R2",
    "name": "二村小学",
    "region": "东区",
    "area": "rural",
    "is_weak": 0,
    "stage": "primary",
    "establishment": 4,
}


def county() -> Scenario:
    """U1 urban, R1 and R2 rural; a pin, a spouse pair, demand in two subjects."""
    schools = [school("U1"), school("R1", "rural"), school("R2", "rural")]
    teachers = [
        teacher("T1", "U1", spouse_id="T2"),
        teacher("T2", "U1", spouse_id="T1"),
        teacher("T3", "U1", "music"),
        teacher("R1a", "R1"),
        teacher("R2a", "R2"),
    ]
    demand = {("R1", "math"): 2, ("R1", "music"): 1, ("R2", "math"): 1}
    return scenario(schools, teachers, demand, pins=[Pin("T3", "move_to", "R1")])


def edited(base: Scenario, **edits: Any) -> Scenario:
    return apply_edits(base, Edits.from_dict(edits))


def problems_of(base: Scenario, **edits: Any) -> list[tuple[str, int | None, str | None]]:
    with pytest.raises(ScenarioError) as error:
        edited(base, **edits)
    return [(p.file, p.row, p.column) for p in error.value.problems]


def test_no_edits_give_the_same_scenario() -> None:
    base = county()
    assert apply_edits(base, Edits()) == base


def test_overrides_change_the_policy() -> None:
    result = edited(county(), overrides=["rotation_quota.rate=0.15", "year=2026"])
    assert result.policy.rule("rotation_quota")["rate"] == 0.15
    assert result.policy.year == 2026


def test_add_update_and_remove_teachers() -> None:
    result = edited(
        county(),
        add_teachers=[new_teacher("N1", "R2")],
        update_teachers=[{"teacher_id": "T1", "is_backbone": 1, "spouse_id": None}],
        remove_teachers=["T2"],
    )
    ids = [t.teacher_id for t in result.teachers]
    assert ids == ["T1", "T3", "R1a", "R2a", "N1"]
    assert result.teacher_by_id["T1"].is_backbone
    assert result.teacher_by_id["T1"].spouse_id is None
    assert result.teacher_by_id["N1"].subject == "music"


def test_a_removed_teacher_takes_their_pin_along() -> None:
    result = edited(county(), remove_teachers=["T3", "T3"])
    assert "T3" not in result.teacher_by_id
    assert result.pins == ()


def test_a_removed_teacher_takes_their_history_along() -> None:
    base = county()
    stints = (Stint("T3", "U1", "R2", 2020, 2022, "support"), Stint("T1", "U1", "R2", 2018, 2019, "support"))
    year = base.policy.year
    teachers = tuple(derived_teacher(t, stints, base.school_by_id, year) for t in base.teachers)
    result = edited(replace(base, teachers=teachers, history=stints), remove_teachers=["T3"])
    assert result.history == stints[1:]


def test_add_update_and_remove_schools() -> None:
    base = county()
    result = edited(
        base,
        add_schools=[{**RURAL_SCHOOL, "school_id": "R3", "name": "三村小学"}],
        update_schools=[{"school_id": "R1", "max_incoming": 0, "establishment": 12}],
    )
    assert [s.school_id for s in result.schools] == ["U1", "R1", "R2", "R3"]
    assert result.school_by_id["R1"].max_incoming == 0
    assert result.school_by_id["R1"].establishment == 12
    assert result.school_by_id["R3"].name == "三村小学"


def test_a_merge_moves_the_teachers_then_removes_the_school_and_its_demand() -> None:
    result = edited(
        county(),
        update_teachers=[{"teacher_id": "R2a", "school_id": "R1"}],
        remove_schools=["R2"],
        set_demand=[{"school_id": "R1", "subject": "math", "required": 3}],
    )
    assert "R2" not in result.school_by_id
    assert result.teacher_by_id["R2a"].school_id == "R1"
    assert result.demand == {("R1", "math"): 3, ("R1", "music"): 1}


def test_set_demand_replaces_or_adds_and_matches_chinese_names() -> None:
    result = edited(
        county(),
        set_demand=[
            {"school_id": "R1", "subject": "音乐", "required": 2},
            {"school_id": "R2", "subject": "english", "required": 1},
        ],
    )
    assert result.demand[("R1", "music")] == 2
    assert result.demand[("R2", "english")] == 1
    assert len(result.demand) == 4


def test_pins_are_added_replaced_and_removed() -> None:
    base = county()
    added = edited(base, add_pins=[{"teacher_id": "T1", "action": "move_to", "school_id": "R2"}])
    assert set(added.pins) == {Pin("T3", "move_to", "R1"), Pin("T1", "move_to", "R2")}
    replaced = edited(base, add_pins=[{"teacher_id": "T3", "action": "move_to", "school_id": "R2"}])
    assert replaced.pins == (Pin("T3", "move_to", "R2"),)
    assert edited(base, remove_pins=["T3"]).pins == ()


def test_a_withdrawn_teacher_gets_a_stay_pin_in_place_of_any_other() -> None:
    result = edited(county(), withdraw=["T3", "T1", "T3"])
    assert result.pin_by_teacher["T3"] == Pin("T3", "stay")
    assert result.pin_by_teacher["T1"] == Pin("T1", "stay")
    assert len(result.pins) == 2


def test_edits_round_trip_through_json() -> None:
    edits = Edits.from_dict(
        {"overrides": ["rotation_quota.rate=0.2"], "withdraw": ["T1"], "add_schools": [RURAL_SCHOOL]}
    )
    assert edits.to_dict() == {
        "overrides": ["rotation_quota.rate=0.2"],
        "add_schools": [RURAL_SCHOOL],
        "withdraw": ["T1"],
    }
    assert Edits.from_dict(edits.to_dict()) == edits


def test_the_input_scenario_is_left_unchanged() -> None:
    base = county()
    edited(base, update_teachers=[{"teacher_id": "T1", "years_at_school": 1}], remove_schools=[])
    assert base.teacher_by_id["T1"].years_at_school == 8


def test_badly_shaped_edits_report_every_problem() -> None:
    with pytest.raises(ScenarioError) as error:
        Edits.from_dict(
            {
                "rename": [],
                "overrides": ["no equals sign"],
                "withdraw": "T1",
                "remove_schools": [None],
                "update_teachers": [{"years_at_school": 3}],
                "add_teachers": ["T9"],
            }
        )
    assert [(p.file, p.row, p.column) for p in error.value.problems] == [
        ("edits", None, "rename"),
        ("edits.overrides", 0, None),
        ("edits.add_teachers", 0, None),
        ("edits.update_teachers", 0, "teacher_id"),
        ("edits.remove_schools", 0, "school_id"),
        ("edits.withdraw", None, None),
    ]
    assert [p.code for p in error.value.problems] == [
        "unknown_key",
        "bad_value",
        "bad_shape",
        "blank_value",
        "bad_value",
        "bad_shape",
    ]
    assert error.value.problems[1].zh == "应为“规则.参数=取值”的形式,实际为 'no equals sign'"
    with pytest.raises(ScenarioError):
        Edits.from_dict(["not", "an", "object"])


def test_invalid_edits_report_every_problem_at_the_edit_that_made_it() -> None:
    problems = problems_of(
        county(),
        overrides=["rotation_quota.rate=2", "nosuchrule.x=1"],
        add_teachers=[new_teacher("T1", "U1"), new_teacher("N2", "X9", gender="?")],
        remove_teachers=["ZZ"],
        update_teachers=[{"teacher_id": "T3", "birth_year": "old", "stage": "junior"}],
        set_demand=[{"school_id": "R1", "subject": "math", "required": -1}],
        add_pins=[{"teacher_id": "T1", "action": "leave"}],
        remove_pins=["T1"],
        withdraw=["nobody"],
    )
    assert problems == [
        ("edits.overrides", 0, "rotation_quota.rate"),
        ("edits.overrides", 1, "nosuchrule.x"),
        ("edits.add_teachers", 0, "teacher_id"),
        ("edits.add_teachers", 1, "gender"),
        ("edits.add_teachers", 1, "school_id"),
        ("edits.remove_teachers", 0, "teacher_id"),
        ("edits.update_teachers", 0, "birth_year"),
        ("edits.update_teachers", 0, "stage"),
        ("edits.set_demand", 0, "required"),
        ("edits.add_pins", 0, "action"),
        ("edits.remove_pins", 0, "teacher_id"),
        ("edits.withdraw", 0, "teacher_id"),
    ]


def test_removing_a_school_that_still_has_teachers_is_a_problem() -> None:
    with pytest.raises(ScenarioError) as error:
        edited(county(), remove_schools=["R1", "R2", "nowhere"])
    problems = error.value.problems
    assert [(p.file, p.row, p.column) for p in problems] == [
        ("edits.remove_schools", 0, "school_id"),
        ("edits.remove_schools", 1, "school_id"),
        ("edits.remove_schools", 2, "school_id"),
    ]
    assert "'R1a' teach there" in problems[0].en
    assert "'T3' are pinned to move there" in problems[0].en
    assert "'R2a' teach there" in problems[1].en
    assert "unknown school" in problems[2].en
    assert [p.code for p in problems] == ["still_referenced", "still_referenced", "unknown_reference"]
    assert "教师 'R1a' 在该校任教(school_id)" in problems[0].zh
    assert "教师 'T3' 被人事指定调往该校(pins)" in problems[0].zh


def test_removing_one_spouse_alone_is_a_problem_both_together_is_not() -> None:
    assert problems_of(county(), remove_teachers=["T1"]) == [("edits.remove_teachers", 0, "teacher_id")]
    result = edited(county(), remove_teachers=["T1", "T2"])
    assert {t.teacher_id for t in result.teachers} == {"T3", "R1a", "R2a"}


def test_conflicting_pin_edits_are_problems() -> None:
    problems = problems_of(
        county(),
        add_pins=[{"teacher_id": "T1", "action": "stay"}, {"teacher_id": "T1", "action": "stay"}],
        withdraw=["T1"],
        set_demand=[
            {"school_id": "R1", "subject": "math", "required": 1},
            {"school_id": "R1", "subject": "数学", "required": 2},
        ],
    )
    assert problems == [
        ("edits.set_demand", 1, "subject"),
        ("edits.add_pins", 1, "teacher_id"),
        ("edits.withdraw", 0, "teacher_id"),
    ]


def test_two_school_county_variant_can_add_a_school_in_a_new_region() -> None:
    result = edited(two_school_county(), add_schools=[{**RURAL_SCHOOL, "region": "西区"}])
    assert result.regions == ("东区", "西区")
