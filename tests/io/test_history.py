"""history.csv in the bundle, the workbook and the JSON document: the derived columns filled from
it, a column it contradicts, and its own problems (optimizer.history decides the values)."""

from __future__ import annotations

import csv
from dataclasses import replace
from pathlib import Path

import pytest
from bundle_edits import Bundle, good_bundle, grid, write

from optimizer.errors import Problem, ScenarioError
from optimizer.generate import CountyParams, generate_county
from optimizer.history import derived_teacher
from optimizer.io import load_bundle, load_document, load_workbook, scenario_to_document, write_bundle
from optimizer.io.regions import iter_region_scenarios, load_region_part, split_bundle
from optimizer.io.workbook import write_workbook
from optimizer.scenario import Scenario, Stint

HISTORY = """\
教师编号,派出学校,交流学校,开始年份,结束年份,类型
T08,S2,S3,2023,2026,交流轮岗
T03,S1,S3,2019,2022,支教
T07,S1,S3,2024,,走教
T09,S1,S3,2021,2022,跟岗
T09,S1,S3,2023,2024,交流轮岗
"""
"""The good bundle's year is 2025: T08 is on rotation at S3 (rural, weak) since 2023, T03 came back
from S3 in 2022, T07 teaches part of a post at S3 (走教), T09 served two separate years at S3."""


def with_history(bundle: Bundle, history: str = HISTORY) -> Bundle:
    bundle["history.csv"] = list(csv.reader(history.splitlines()))
    return bundle


def set_cell(bundle: Bundle, teacher_id: str, column: str, value: str) -> None:
    rows = grid(bundle, "teachers.csv")
    if column not in rows[0]:
        for row in rows:
            row.append("")
        rows[0][-1] = column
    index = rows[0].index(column)
    next(row for row in rows if row[0] == teacher_id)[index] = value


def problems_of(bundle: Bundle, folder: Path) -> list[Problem]:
    with pytest.raises(ScenarioError) as raised:
        load_bundle(write(bundle, folder))
    return raised.value.problems


def test_blank_columns_are_filled_from_the_history(tmp_path: Path) -> None:
    bundle = with_history(good_bundle())
    set_cell(bundle, "T08", "last_rotated_year", "")
    set_cell(bundle, "T08", "on_rotation_from", "")
    set_cell(bundle, "T09", "funded_graduate_years", "4")
    scenario = load_bundle(write(bundle, tmp_path / "b"))
    by_id = scenario.teacher_by_id
    t08, t03, t07, t09 = by_id["T08"], by_id["T03"], by_id["T07"], by_id["T09"]
    assert (t08.last_rotated_year, t08.on_rotation_from, t08.rural_years, t08.weak_years) == (
        2023,
        "S2",
        2,
        2,
    )
    assert (t03.last_rotated_year, t03.on_rotation_from, t03.rural_years, t03.weak_years) == (
        2019,
        None,
        3,
        3,
    )
    assert (t07.last_rotated_year, t07.rural_years) == (None, 0)  # 走教 moves no post
    assert (t09.last_rotated_year, t09.rural_years, t09.funded_graduate_owed_years) == (2023, 2, 2)
    assert scenario.history[0] == Stint("T08", "S2", "S3", 2023, 2026, "rotation")
    assert [s.kind for s in scenario.history] == ["rotation", "support", "itinerant", "exchange", "rotation"]


def test_without_history_the_columns_are_read_as_given(tmp_path: Path) -> None:
    bundle = good_bundle()
    set_cell(bundle, "T08", "last_rotated_year", "")
    scenario = load_bundle(write(bundle, tmp_path / "b"))
    assert scenario.history == ()
    assert scenario.teacher_by_id["T08"].last_rotated_year is None
    write_bundle(scenario, tmp_path / "out")
    assert not (tmp_path / "out" / "history.csv").exists()
    assert "history" not in scenario_to_document(scenario)


def test_a_column_the_history_contradicts_names_both_places(tmp_path: Path) -> None:
    bundle = with_history(good_bundle())
    set_cell(bundle, "T08", "last_rotated_year", "2022")
    set_cell(bundle, "T08", "on_rotation_from", "S1")
    set_cell(bundle, "T03", "rural_years", "1")
    set_cell(bundle, "T03", "weak_years", "2")
    set_cell(bundle, "T09", "funded_graduate_years", "4")
    set_cell(bundle, "T09", "funded_graduate_owed_years", "3")
    found = [(p.code, p.file, p.row, p.column) for p in problems_of(bundle, tmp_path / "b")]
    assert found == [
        ("contradicts_history", "teachers.csv", 4, "rural_years"),
        ("contradicts_history", "teachers.csv", 4, "weak_years"),
        ("contradicts_history", "teachers.csv", 9, "last_rotated_year"),
        ("contradicts_history", "teachers.csv", 9, "on_rotation_from"),
        ("contradicts_history", "teachers.csv", 10, "funded_graduate_owed_years"),
    ]
    problems = problems_of(bundle, tmp_path / "c")
    assert "history.csv 第 2 行" in problems[2].zh and "history.csv row 2" in problems[2].en
    assert "history.csv 第 5、6 行" in problems[4].zh and "history.csv rows 5, 6" in problems[4].en
    assert "分段合并计算" in problems[4].zh


@pytest.mark.parametrize(
    ("row", "code", "column", "zh", "en"),
    [
        ("T99,S1,S3,2020,2023,交流轮岗", "unknown_reference", "教师编号", "T99", "T99"),
        ("T01,S1,S9,2020,2023,交流轮岗", "unknown_reference", "交流学校", "S9", "S9"),
        ("T01,S7,S3,2020,2023,rotation", "unknown_reference", "派出学校", "S7", "S7"),
        ("T01,S1,S3,2023,2020,rotation", "end_before_start", "结束年份", "结束年份", "end year"),
        ("T01,S1,S3,2020,2023,出差", "bad_value", "类型", "itinerant", "itinerant"),
        ("T01,S1,S3,2030,,rotation", "bad_value", "开始年份", "2025", "2025"),
        ("T03,S1,S2,2020,2021,rotation", "overlapping_stints", "开始年份", "第 3 行", "row 3"),
    ],
)
def test_each_history_problem_says_where_and_what(
    tmp_path: Path, row: str, code: str, column: str, zh: str, en: str
) -> None:
    bundle = with_history(good_bundle(), HISTORY + row + "\n")
    (problem,) = problems_of(bundle, tmp_path / "b")  # columns named as the header writes them
    assert (problem.code, problem.file, problem.row, problem.column) == (code, "history.csv", 7, column)
    assert zh in problem.zh and en in problem.en


def test_two_itinerant_stints_at_once_are_no_overlap(tmp_path: Path) -> None:
    bundle = with_history(good_bundle(), HISTORY + "T07,S1,S2,2024,,itinerant\n")
    assert len(load_bundle(write(bundle, tmp_path / "b")).history) == 6


def test_itinerant_teaching_beside_a_rotation_is_no_overlap(tmp_path: Path) -> None:
    # T08 is on rotation at S3 until 2026 and teaches part of a post at S2 from there (advance
    # writes such a row when a plan gives a teacher on rotation 走教).
    bundle = with_history(good_bundle(), HISTORY + "T08,S3,S2,2025,2026,itinerant\n")
    assert len(load_bundle(write(bundle, tmp_path / "b")).history) == 6


def test_history_round_trips_through_every_format(tmp_path: Path) -> None:
    scenario = load_bundle(write(with_history(good_bundle()), tmp_path / "b"))
    assert load_bundle(write_bundle(scenario, tmp_path / "out")) == replace(scenario, source="")
    assert (tmp_path / "out" / "history.csv").is_file()
    assert load_document(scenario_to_document(scenario)).history == scenario.history
    assert load_document(scenario_to_document(scenario)).teachers == scenario.teachers
    book = load_workbook(write_workbook(scenario, tmp_path / "s.xlsx"))
    assert (book.history, book.teachers) == (scenario.history, scenario.teachers)


def test_the_document_and_the_workbook_read_chinese_history(tmp_path: Path) -> None:
    scenario = load_bundle(write(with_history(good_bundle()), tmp_path / "b"))
    document = scenario_to_document(scenario)
    document["history"] = [
        {
            "教师编号": "T08",
            "派出学校": "S2",
            "交流学校": "S3",
            "开始年份": 2023,
            "结束年份": 2026,
            "类型": "交流轮岗",
        }
    ]
    assert load_document(document).history == (Stint("T08", "S2", "S3", 2023, 2026, "rotation"),)
    document["history"] = [
        {"teacher_id": "T08", "from_school": "S2", "to_school": "S3", "start_year": 2023, "kind": "休假"}
    ]
    with pytest.raises(ScenarioError) as raised:
        load_document(document)
    assert [(p.file, p.row, p.column) for p in raised.value.problems] == [("history", 0, "kind")]


@pytest.fixture(scope="module")
def city() -> Scenario:
    """A generated county of three regions with a finished stint for one teacher in each, the
    teachers' columns as the history has them."""
    county = generate_county(CountyParams(seed=8, regions=3, teachers=360, schools=27, name="city"))
    stints = []
    for region in county.regions:
        schools = [s.school_id for s in county.schools if s.region == region]
        teacher = next(t for t in county.teachers if t.school_id == schools[0] and not t.on_rotation_from)
        stints.append(Stint(teacher.teacher_id, schools[0], schools[1], 2015, 2018, "rotation"))
    year = county.policy.year
    teachers = tuple(derived_teacher(t, stints, county.school_by_id, year) for t in county.teachers)
    return replace(county, teachers=teachers, history=tuple(stints))


def test_each_region_keeps_the_stints_of_its_teachers(city: Scenario, tmp_path: Path) -> None:
    regions = list(iter_region_scenarios(city))
    assert [len(region.history) for region in regions] == [1, 1, 1]
    parts = split_bundle(write_bundle(city, tmp_path / "city"), tmp_path / "parts")
    assert [load_region_part(part) for part in parts] == [replace(r, source="") for r in regions]


def test_a_stint_at_a_school_of_another_region_is_a_crossing(city: Scenario, tmp_path: Path) -> None:
    elsewhere = next(s.school_id for s in city.schools if s.region == city.regions[1])
    history = (replace(city.history[0], to_school=elsewhere), *city.history[1:])
    crossing = replace(city, history=history)
    with pytest.raises(ScenarioError) as raised:
        list(iter_region_scenarios(crossing))
    assert [(p.code, p.file, p.row, p.column) for p in raised.value.problems] == [
        ("cross_region", "history", 0, "to_school")
    ]
    with pytest.raises(ScenarioError) as raised:
        split_bundle(write_bundle(crossing, tmp_path / "city"), tmp_path / "parts")
    assert [(p.code, p.file, p.row, p.column) for p in raised.value.problems] == [
        ("cross_region", "history.csv", 2, "to_school")
    ]


def test_a_part_names_the_original_history_rows(city: Scenario, tmp_path: Path) -> None:
    bundle = write_bundle(city, tmp_path / "city")
    last = city.history[-1]
    rows = list(csv.reader((bundle / "teachers.csv").read_text(encoding="utf-8-sig").splitlines()))
    column = rows[0].index("last_rotated_year")
    row = next(i for i, cells in enumerate(rows, start=1) if cells[0] == last.teacher_id)
    rows[row - 1][column] = "2016"
    with (bundle / "teachers.csv").open("w", encoding="utf-8-sig", newline="") as file:
        csv.writer(file).writerows(rows)
    part = split_bundle(bundle, tmp_path / "parts")[-1]
    with pytest.raises(ScenarioError) as raised:
        load_region_part(part)
    (problem,) = raised.value.problems
    assert (problem.code, problem.file, problem.row, problem.column) == (
        "contradicts_history",
        "teachers.csv",
        row,
        "last_rotated_year",
    )
    assert "history.csv 第 4 行" in problem.zh and "history.csv row 4" in problem.en
