"""Each derived column against a hand-written history (optimizer.history)."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from optimizer.history import contradictions, derived_teacher
from optimizer.scenario import School, Stint, Teacher

SCHOOLS = {
    s.school_id: s
    for s in (
        School("CITY", "城区一小", "县", "urban", False, "primary", 40),
        School("WEAK", "城区二小", "县", "urban", True, "primary", 30),
        School("R1", "乡村一小", "县", "rural", False, "primary", 20),
        School("R2", "乡村二小", "县", "rural", True, "primary", 20),
    )
}
YEAR = 2026


def teacher(**columns: Any) -> Teacher:
    base = Teacher("T1", "CITY", "math", "primary", "F", 1990, 8, False, "bachelor")
    return replace(base, **columns)


def test_a_finished_rotation_sets_the_last_rotated_year_and_its_rural_years() -> None:
    history = [Stint("T1", "CITY", "R1", 2019, 2022, "rotation")]
    found = derived_teacher(teacher(), history, SCHOOLS, YEAR)
    assert (found.last_rotated_year, found.on_rotation_from) == (2019, None)
    assert (found.rural_years, found.weak_years) == (3, 0)


def test_a_running_rotation_gives_the_sending_school_and_counts_the_years_so_far() -> None:
    history = [
        Stint("T1", "CITY", "R1", 2015, 2016, "support"),
        Stint("T1", "CITY", "R2", 2024, 2027, "rotation"),
    ]
    found = derived_teacher(teacher(school_id="R2"), history, SCHOOLS, YEAR)
    assert (found.last_rotated_year, found.on_rotation_from) == (2024, "CITY")
    assert (found.rural_years, found.weak_years) == (1 + 2, 2)


def test_a_teacher_due_back_this_year_is_still_on_rotation_at_its_start() -> None:
    history = [Stint("T1", "CITY", "WEAK", 2023, YEAR, "rotation")]
    found = derived_teacher(teacher(school_id="WEAK"), history, SCHOOLS, YEAR)
    assert found.on_rotation_from == "CITY"
    back = derived_teacher(teacher(), history, SCHOOLS, YEAR)
    assert back.on_rotation_from is None


def test_itinerant_stints_count_for_no_column() -> None:
    history = [
        Stint("T1", "CITY", "R1", 2022, None, "itinerant"),
        Stint("T1", "CITY", "R2", 2023, 2025, "itinerant"),
    ]
    found = derived_teacher(teacher(last_rotated_year=2012), history, SCHOOLS, YEAR)
    assert (found.last_rotated_year, found.on_rotation_from, found.rural_years, found.weak_years) == (
        2012,
        None,
        0,
        0,
    )


def test_home_years_in_the_column_are_kept_above_the_history() -> None:
    history = [Stint("T1", "CITY", "R1", 2020, 2021, "exchange")]
    found = derived_teacher(teacher(rural_years=7, weak_years=2), history, SCHOOLS, YEAR)
    assert (found.rural_years, found.weak_years, found.last_rotated_year) == (7, 2, 2020)


def test_owed_service_counts_two_separate_rural_stints_together() -> None:
    history = [
        Stint("T1", "CITY", "R1", 2021, 2022, "support"),
        Stint("T1", "CITY", "R2", 2024, 2026, "rotation"),
    ]
    graduate = teacher(funded_graduate_years=5, funded_graduate_owed_years=0)
    found = derived_teacher(graduate, history, SCHOOLS, YEAR)
    assert (found.rural_years, found.funded_graduate_owed_years) == (3, 2)
    assert derived_teacher(graduate, history, SCHOOLS, 2030).funded_graduate_owed_years == 2


def test_a_blank_total_is_filled_from_the_years_owed() -> None:
    history = [Stint("T1", "CITY", "R1", 2023, 2025, "rotation")]
    found = derived_teacher(teacher(funded_graduate_owed_years=1), history, SCHOOLS, YEAR)
    assert (found.funded_graduate_years, found.funded_graduate_owed_years) == (3, 1)
    served_more = derived_teacher(replace(found, rural_years=3), history, SCHOOLS, YEAR + 1)
    assert served_more.funded_graduate_owed_years == 0


def test_a_teacher_the_history_does_not_name_keeps_every_column() -> None:
    given = teacher(school_id="R1", on_rotation_from="CITY", last_rotated_year=2024, rural_years=2)
    assert derived_teacher(given, [Stint("T2", "CITY", "R1", 2020, 2023)], SCHOOLS, YEAR) == given


def test_each_contradiction_names_the_column_and_the_stints() -> None:
    stints = [Stint("T1", "CITY", "R2", 2024, 2027, "rotation")]
    given = teacher(
        school_id="R2",
        last_rotated_year=2023,
        on_rotation_from="WEAK",
        rural_years=1,
        weak_years=0,
        funded_graduate_years=4,
        funded_graduate_owed_years=3,
    )
    every = ["last_rotated_year", "on_rotation_from", "rural_years", "weak_years"]
    found = contradictions(
        given, [*every, "funded_graduate_years", "funded_graduate_owed_years"], stints, SCHOOLS, YEAR
    )
    assert [(c.column, c.derived, c.stints) for c in found] == [
        ("last_rotated_year", 2024, tuple(stints)),
        ("on_rotation_from", "CITY", tuple(stints)),
        ("rural_years", 2, tuple(stints)),
        ("weak_years", 2, tuple(stints)),
        ("funded_graduate_owed_years", 2, tuple(stints)),
    ]
    assert all(c.zh and c.en for c in found)
    assert contradictions(given, [], stints, SCHOOLS, YEAR) == []


def test_a_teacher_with_only_itinerant_stints_keeps_a_rotation_begun_before_the_history() -> None:
    given = teacher(school_id="R1", on_rotation_from="CITY", last_rotated_year=2024)
    stints = [Stint("T1", "R1", "R2", 2025, None, "itinerant")]
    assert contradictions(given, ["on_rotation_from", "last_rotated_year"], stints, SCHOOLS, YEAR) == []
    assert derived_teacher(given, stints, SCHOOLS, YEAR) == given


def test_on_rotation_from_without_a_running_stint_is_a_contradiction() -> None:
    stints = [Stint("T1", "CITY", "R1", 2015, 2018, "rotation")]
    given = teacher(school_id="R1", on_rotation_from="CITY")
    (found,) = contradictions(given, ["on_rotation_from"], stints, SCHOOLS, YEAR)
    assert (found.column, found.derived) == ("on_rotation_from", None)


def test_columns_that_agree_with_the_history_are_no_contradiction() -> None:
    stints = [Stint("T1", "CITY", "R2", 2024, 2027, "rotation")]
    given = teacher(
        school_id="R2", last_rotated_year=2024, on_rotation_from="CITY", rural_years=9, weak_years=2
    )
    every = ["last_rotated_year", "on_rotation_from", "rural_years", "weak_years"]
    assert contradictions(given, every, stints, SCHOOLS, YEAR) == []
