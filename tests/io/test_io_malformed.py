"""Bad inputs: each problem names its file, row and column, and all are reported at once.

Every malformed bundle is the good bundle of `bundle_edits` with one edit, and must produce
exactly one problem, of a known code, said in Chinese and in English. Rows are spreadsheet rows
(header = 1) for CSV and xlsx, indexes for JSON.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from bundle_edits import (
    Edit,
    add_column,
    add_policy,
    append_cell,
    append_row,
    drop_column,
    drop_file,
    good_bundle,
    keep_rows,
    rename_column,
    replace_policy,
    set_cell,
    write,
)

from optimizer.errors import Problem, ScenarioError
from optimizer.io import load_bundle, load_document, load_workbook, scenario_to_document, write_workbook
from optimizer.scenario import Scenario

T, S, D, P, POLICY = "teachers.csv", "schools.csv", "demand.csv", "pins.csv", "policy.toml"
Place = tuple[str, int | None, str | None]


def case(case_id: str, edits: Edit | list[Edit], place: Place, keyword: str, code: str) -> Any:
    return pytest.param(edits if isinstance(edits, list) else [edits], place, keyword, code, id=case_id)


CASES = [
    # files and columns
    case("missing_teachers_file", drop_file(T), (T, None, None), "not found", "missing_table"),
    case("missing_schools_file", drop_file(S), (S, None, None), "not found", "missing_table"),
    case("missing_id_column", drop_column(S, "school_id"), (S, 1, "school_id"), "missing", "missing_column"),
    case("missing_demand_file", drop_file(D), (D, None, None), "not found", "missing_table"),
    case(
        "missing_column",
        drop_column(T, "gender"),
        (T, 1, "gender"),
        "missing required column",
        "missing_column",
    ),
    case(
        "missing_school_column",
        drop_column(S, "establishment"),
        (S, 1, "establishment"),
        "missing required column",
        "missing_column",
    ),
    case(
        "misspelt_required_column",
        rename_column(T, "gender", "gendre"),
        (T, 1, "gender"),
        "is gendre a misspelling",
        "missing_column",
    ),
    case(
        "duplicate_column",
        rename_column(T, "name", "teacher_id"),
        (T, 1, "teacher_id"),
        "duplicate column",
        "duplicate_column",
    ),
    case(
        "value_without_header",
        append_cell(T, 2, "x"),
        (T, 2, "W"),
        "without a header",
        "value_without_header",
    ),
    case(
        "no_teachers", [keep_rows(T, 0), drop_file(P)], (T, None, None), "at least one needed", "empty_table"
    ),
    case("blank_required", set_cell(T, 6, "school_id", ""), (T, 6, "school_id"), "required", "blank_value"),
    # duplicates
    case(
        "duplicate_teacher",
        set_cell(T, 6, "teacher_id", "T06"),
        (T, 7, "teacher_id"),
        "row 6",
        "duplicate_id",
    ),
    case(
        "duplicate_school",
        append_row(S, "S3,另一校,county_a,rural,0,primary,10,,,,"),
        (S, 5, "school_id"),
        "duplicate school_id",
        "duplicate_id",
    ),
    case("duplicate_demand", append_row(D, "S3,music,1"), (D, 6, "subject"), "duplicate", "duplicate_id"),
    case(
        "duplicate_pin",
        append_row(P, "T07,stay,"),
        (P, 4, "teacher_id"),
        "duplicate teacher_id",
        "duplicate_id",
    ),
    # references
    case(
        "unknown_school", set_cell(T, 6, "school_id", "S9"), (T, 6, "school_id"), "'S9'", "unknown_reference"
    ),
    case(
        "demand_school",
        set_cell(D, 5, "school_id", "S9"),
        (D, 5, "school_id"),
        "unknown",
        "unknown_reference",
    ),
    case(
        "pin_school", set_cell(P, 2, "school_id", "S9"), (P, 2, "school_id"), "unknown", "unknown_reference"
    ),
    case(
        "rotation_school",
        set_cell(T, 9, "on_rotation_from", "S9"),
        (T, 9, "on_rotation_from"),
        "unknown school",
        "unknown_reference",
    ),
    case(
        "rotation_from_self",
        set_cell(T, 9, "on_rotation_from", "S3"),
        (T, 9, "on_rotation_from"),
        "current school",
        "self_reference",
    ),
    case(
        "preferred_school",
        set_cell(T, 4, "preferred_schools", "S3;S8"),
        (T, 4, "preferred_schools"),
        "'S8'",
        "unknown_reference",
    ),
    case(
        "pin_teacher",
        set_cell(P, 3, "teacher_id", "T99"),
        (P, 3, "teacher_id"),
        "unknown",
        "unknown_reference",
    ),
    case(
        "spouse_self", set_cell(T, 4, "spouse_id", "T03"), (T, 4, "spouse_id"), "own spouse", "self_reference"
    ),
    case(
        "spouse_unknown",
        set_cell(T, 4, "spouse_id", "T99"),
        (T, 4, "spouse_id"),
        "unknown",
        "unknown_reference",
    ),
    case(
        "spouse_not_mutual",
        [set_cell(T, 3, "spouse_id", "T03"), set_cell(T, 4, "spouse_id", "T02")],
        (T, 2, "spouse_id"),
        "not mutual",
        "spouse_not_mutual",
    ),
    case(
        "move_to_without_school",
        set_cell(P, 2, "school_id", ""),
        (P, 2, "school_id"),
        "needs the school_id",
        "blank_value",
    ),
    case(
        "stay_with_school", set_cell(P, 3, "school_id", "S2"), (P, 3, "school_id"), "stay", "unexpected_value"
    ),
    # subjects and stages
    case("unknown_subject", set_cell(T, 8, "subject", "舞蹈"), (T, 8, "subject"), "a subject", "bad_value"),
    case(
        "unknown_other_subject",
        set_cell(T, 4, "other_subjects", "美术;书法"),
        (T, 4, "other_subjects"),
        "'书法'",
        "bad_value",
    ),
    case("demand_subject", set_cell(D, 2, "subject", "dance"), (D, 2, "subject"), "a subject", "bad_value"),
    case(
        "stage_mismatch",
        set_cell(T, 8, "stage", "junior"),
        (T, 8, "stage"),
        "primary school",
        "stage_mismatch",
    ),
    # enums
    case("gender", set_cell(T, 2, "gender", "X"), (T, 2, "gender"), "F, M", "bad_value"),
    case("teacher_stage", set_cell(T, 6, "stage", "high"), (T, 6, "stage"), "primary, junior", "bad_value"),
    case("degree", set_cell(T, 2, "degree", "phd"), (T, 2, "degree"), "bachelor", "bad_value"),
    case("role", set_cell(T, 5, "role", "director"), (T, 5, "role"), "vice_principal", "bad_value"),
    case("area", set_cell(S, 2, "area", "city"), (S, 2, "area"), "urban, town, rural", "bad_value"),
    case("school_stage", set_cell(S, 4, "stage", "senior"), (S, 4, "stage"), "nine_year", "bad_value"),
    case("pin_action", set_cell(P, 3, "action", "leave"), (P, 3, "action"), "move_to, stay", "bad_value"),
    # numbers and flags
    case(
        "negative_years", set_cell(T, 2, "years_at_school", "-1"), (T, 2, "years_at_school"), "0", "bad_value"
    ),
    case(
        "negative_terms", set_cell(T, 5, "terms_at_school", "-1"), (T, 5, "terms_at_school"), "0", "bad_value"
    ),
    case(
        "negative_establishment",
        set_cell(S, 2, "establishment", "-5"),
        (S, 2, "establishment"),
        "non-negative",
        "bad_value",
    ),
    case(
        "negative_max_incoming",
        set_cell(S, 4, "max_incoming", "-1"),
        (S, 4, "max_incoming"),
        "non-negative",
        "bad_value",
    ),
    case(
        "negative_required", set_cell(D, 3, "required", "-1"), (D, 3, "required"), "non-negative", "bad_value"
    ),
    case("birth_year_range", set_cell(T, 2, "birth_year", "1900"), (T, 2, "birth_year"), "1955", "bad_value"),
    case(
        "birth_year_text",
        set_cell(T, 2, "birth_year", "1980年13月"),
        (T, 2, "birth_year"),
        "year",
        "bad_value",
    ),
    case(
        "fractional_years",
        set_cell(T, 3, "years_at_school", "7.5"),
        (T, 3, "years_at_school"),
        "integer",
        "bad_value",
    ),
    case("flag_value", set_cell(T, 2, "is_backbone", "2"), (T, 2, "is_backbone"), "0 or 1", "bad_value"),
    case("flag_text", set_cell(T, 3, "volunteer", "maybe"), (T, 3, "volunteer"), "0 or 1", "bad_value"),
    case(
        "rotated_in_future",
        set_cell(T, 4, "last_rotated_year", "2027"),
        (T, 4, "last_rotated_year"),
        "not after the plan year 2025",
        "bad_value",
    ),
    case("school_lat", set_cell(S, 2, "lat", "95"), (S, 2, "lat"), "-90..90", "bad_value"),
    case("home_lon", set_cell(T, 3, "home_lon", "200"), (T, 3, "home_lon"), "-180..180", "bad_value"),
    case(
        "requested_term",
        add_column(T, "requested_term", {3: "2", 5: "4"}),
        (T, 5, "requested_term"),
        "a term of 1, 2 or 3 years",
        "bad_value",
    ),
    case(
        "reserve_leader",
        add_column(T, "reserve_leader", {4: "待定"}),
        (T, 4, "reserve_leader"),
        "0 or 1",
        "bad_value",
    ),
    case(
        "new_teacher_period",
        set_cell(T, 6, "new_teacher_period", "3"),
        (T, 6, "new_teacher_period"),
        "0, 1 or 2",
        "bad_value",
    ),
    # policy
    case(
        "policy_rate",
        replace_policy("rate = 0.15", "rate = 1.5"),
        (POLICY, None, "rules.rotation_quota.rate"),
        "between 0 and 1",
        "bad_value",
    ),
    case(
        "policy_rule",
        add_policy('\n[rules.bogus]\nmode = "hard"\n'),
        (POLICY, None, "rules.bogus"),
        "unknown rule",
        "unknown_rule",
    ),
    case(
        "policy_mode",
        add_policy('\n[rules.capacity]\nmode = "soft"\n'),
        (POLICY, None, "rules.capacity.mode"),
        "hard or elastic",
        "bad_value",
    ),
    case("policy_year", replace_policy("2025", "1800"), (POLICY, None, "year"), "1990..2100", "bad_value"),
    case(
        "policy_syntax",
        replace_policy('scope = "school"', "scope = school"),
        (POLICY, 5, None),
        "TOML syntax",
        "syntax_error",
    ),
]


def problems_of(load: Any, *args: Any) -> list[Problem]:
    with pytest.raises(ScenarioError) as caught:
        load(*args)
    return caught.value.problems


def places(problems: list[Problem]) -> list[Place]:
    return [(p.file, p.row, p.column) for p in problems]


def assert_said_in_both_languages(problems: list[Problem]) -> None:
    for problem in problems:
        assert problem.code and problem.zh and problem.en, problem
        assert problem.code.isidentifier() and problem.code.islower(), problem.code


@pytest.mark.parametrize(("edits", "place", "keyword", "code"), CASES)
def test_malformed_bundle(tmp_path: Path, edits: list[Edit], place: Place, keyword: str, code: str) -> None:
    bundle = good_bundle()
    for edit in edits:
        edit(bundle)
    problems = problems_of(load_bundle, write(bundle, tmp_path / "bad"))
    assert places(problems) == [place], problems
    assert keyword in problems[0].en
    assert problems[0].code == code
    assert_said_in_both_languages(problems)


def test_problems_in_chinese(tmp_path: Path) -> None:
    bundle = good_bundle()
    for edit in (
        set_cell(T, 2, "gender", "X"),
        set_cell(T, 6, "teacher_id", "T06"),
        set_cell(T, 6, "school_id", "S9"),
        rename_column(S, "establishment", "establishmnet"),
    ):
        edit(bundle)
    problems = problems_of(load_bundle, write(bundle, tmp_path / "bad"))
    assert [p.text("zh") for p in problems] == [
        "teachers.csv,第 2 行,“gender”列:应为以下之一:F、M,实际为 'X'",
        "teachers.csv,第 6 行,“school_id”列:schools.csv 中没有 school_id 'S9'",
        "teachers.csv,第 7 行,“teacher_id”列:teacher_id 'T06' 重复,首次出现在第 6 行",
        "schools.csv,第 1 行,“establishment”列:缺少必需的列;establishmnet 列是否为其误写?",
    ]
    assert [p.code for p in problems] == ["bad_value", "unknown_reference", "duplicate_id", "missing_column"]


def test_bundle_reports_every_problem_at_once(tmp_path: Path) -> None:
    bundle = good_bundle()
    edits = [
        set_cell(T, 2, "gender", "X"),
        set_cell(T, 4, "birth_year", "1900"),
        set_cell(T, 6, "school_id", "S9"),
        set_cell(S, 3, "area", "city"),
        set_cell(D, 2, "required", "-1"),
        set_cell(P, 3, "action", "leave"),
        replace_policy("rate = 0.15", "rate = 1.5"),
    ]
    for edit in edits:
        edit(bundle)
    problems = problems_of(load_bundle, write(bundle, tmp_path / "bad"))
    assert places(problems) == [
        (T, 2, "gender"),
        (T, 4, "birth_year"),
        (T, 6, "school_id"),
        (S, 3, "area"),
        (D, 2, "required"),
        (P, 3, "action"),
        (POLICY, None, "rules.rotation_quota.rate"),
    ]
    assert str(problems[0]) == "teachers.csv, row 2, column gender: expected one of F, M, got 'X'"
    assert_said_in_both_languages(problems)


def _edit_sheet(path: Path, sheet: str, row: int, column: str, value: Any) -> None:
    book = openpyxl.load_workbook(path)
    header = [cell.value for cell in book[sheet][1]]
    book[sheet].cell(row, header.index(column) + 1, value)
    book.save(path)


def _policy_row(path: Path, key: str) -> int:
    sheet = openpyxl.load_workbook(path)["policy"]
    return next(row for row in range(2, sheet.max_row + 1) if sheet.cell(row, 1).value == key)


def test_workbook_reports_sheet_rows(scenario: Scenario, tmp_path: Path) -> None:
    path = write_workbook(scenario, tmp_path / "bad.xlsx")
    _edit_sheet(path, "teachers", 3, "gender", "X")
    _edit_sheet(path, "teachers", 4, "requested_term", 7)
    _edit_sheet(path, "schools", 4, "establishment", -1)
    _edit_sheet(path, "demand", 2, "subject", "舞蹈")
    _edit_sheet(path, "pins", 2, "teacher_id", "T99")
    rate_row, bogus_row = _policy_row(path, "rotation_quota.rate"), _policy_row(path, "term.term_years")
    _edit_sheet(path, "policy", rate_row, "value", 2)
    _edit_sheet(path, "policy", bogus_row, "key", "bogus")
    assert places(problems_of(load_workbook, path)) == [
        ("teachers", 3, "gender"),
        ("teachers", 4, "requested_term"),
        ("schools", 4, "establishment"),
        ("demand", 2, "subject"),
        ("pins", 2, "teacher_id"),
        ("policy", rate_row, "rules.rotation_quota.rate"),
        ("policy", bogus_row, "key"),
    ]


def test_workbook_missing_sheet_and_unreadable_file(scenario: Scenario, tmp_path: Path) -> None:
    path = write_workbook(scenario, tmp_path / "bad.xlsx")
    book = openpyxl.load_workbook(path)
    del book["demand"]
    book.save(path)
    assert places(problems_of(load_workbook, path)) == [("demand", None, None)]
    garbage = tmp_path / "garbage.xlsx"
    garbage.write_text("not a zip", encoding="utf-8")
    [problem] = problems_of(load_workbook, garbage)
    assert (problem.file, "not a readable") == ("garbage.xlsx", problem.en[:14])
    assert problem.code == "unreadable_file" and problem.zh.startswith("不是可读的 .xlsx 工作簿")


def test_document_reports_list_indexes(scenario: Scenario) -> None:
    doc = json.loads(json.dumps(scenario_to_document(scenario)))
    doc["teachers"][0]["other_subjects"] = ["art", "dance"]
    doc["teachers"][1]["volunter"] = True  # an unknown key: a warning, not a problem
    doc["teachers"][3]["requested_term"] = 0
    del doc["teachers"][2]["birth_year"]
    doc["teachers"][4]["gender"] = "X"
    doc["schools"][0]["area"] = "city"
    doc["demand"][1]["required"] = 2.5
    doc["pins"][0]["school_id"] = "S9"
    doc["policy"]["rules"]["rotation_quota"]["rate"] = 2
    doc["extra"] = 1
    problems = problems_of(load_document, doc)
    assert places(problems) == [
        ("document", None, "extra"),
        ("teachers", 0, "other_subjects"),
        ("teachers", 2, "birth_year"),
        ("teachers", 3, "requested_term"),
        ("teachers", 4, "gender"),
        ("schools", 0, "area"),
        ("demand", 1, "required"),
        ("pins", 0, "school_id"),
        ("policy", None, "rules.rotation_quota.rate"),
    ]
    assert "'dance'" in problems[1].en and "'dance'" in problems[1].zh
    assert_said_in_both_languages(problems)


def test_document_missing_list_and_bad_json(scenario: Scenario) -> None:
    doc = scenario_to_document(scenario)
    del doc["demand"]
    assert places(problems_of(load_document, doc)) == [("demand", None, None)]
    assert places(problems_of(load_document, "[]")) == [("document", None, None)]
    [problem] = problems_of(load_document, '{"teachers": [\n  {"teacher_id": }]}')
    assert (problem.file, problem.row) == ("document", 2)
    assert "invalid JSON" in problem.en
    assert problem.code == "syntax_error" and problem.zh.startswith("JSON 格式错误:")
