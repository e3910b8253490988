"""Columns the loader does not know are skipped with a warning, not refused (issue 13): in a CSV
bundle, a workbook and a JSON document the scenario loads as without them and carries one warning
per unknown column, with the known column it was probably meant to be. A header of thousands of
made-up columns gives a bounded number of warnings."""

from __future__ import annotations

import json
from pathlib import Path

import openpyxl
import pytest
from bundle_edits import add_column, good_bundle, rename_column, write

from optimizer.errors import Problem, ScenarioError
from optimizer.io import load_bundle, load_document, load_workbook, scenario_to_document, write_workbook
from optimizer.io.problems import SHOWN_UNKNOWN_COLUMNS
from optimizer.scenario import Scenario

T, S = "teachers.csv", "schools.csv"


def places(warnings: tuple[Problem, ...]) -> list[tuple[str | None, int | None, str | None]]:
    return [(w.file, w.row, w.column) for w in warnings]


def test_a_bundle_with_unknown_columns_loads_and_says_which(scenario: Scenario, tmp_path: Path) -> None:
    bundle = good_bundle()
    add_column(T, "备注", {2: "借调中", 5: "=1+1"})(bundle)
    add_column(S, "principal_phone", {3: "0731-1234567"})(bundle)
    loaded = load_bundle(write(bundle, tmp_path / "extra" / "good"))
    assert loaded == scenario
    assert places(loaded.warnings) == [(T, 1, "备注"), (S, 1, "principal_phone")]
    note = loaded.warnings[0]
    assert note.code == "unknown_column"
    assert note.en.startswith("unknown column, ignored; the known columns are teacher_id, school_id")
    assert note.zh.startswith("未知的列,已忽略;已知的列为:teacher_id、school_id")
    assert str(note).startswith("teachers.csv, row 1, column 备注: unknown column, ignored")


def test_a_misspelt_optional_column_is_skipped_and_the_warning_names_the_near_miss(tmp_path: Path) -> None:
    bundle = good_bundle()
    rename_column(T, "volunteer", "volunter")(bundle)
    loaded = load_bundle(write(bundle, tmp_path / "misspelt"))
    assert not any(t.volunteer for t in loaded.teachers)  # the column is not read
    [warning] = loaded.warnings
    assert (warning.file, warning.row, warning.column) == (T, 1, "volunter")
    assert warning.en == "unknown column, ignored; did you mean volunteer?"
    assert warning.text("zh") == "teachers.csv,第 1 行,“volunter”列:未知的列,已忽略;是否应为 volunteer?"


def test_a_workbook_with_unknown_columns_loads_and_says_which(scenario: Scenario, tmp_path: Path) -> None:
    path = write_workbook(scenario, tmp_path / "extra.xlsx")
    book = openpyxl.load_workbook(path)
    for sheet, column in (("teachers", "reserve_leadr"), ("policy", "说明")):
        extra = book[sheet].max_column + 1
        book[sheet].cell(1, extra, column)
        book[sheet].cell(2, extra, "x")
    book.save(path)
    loaded = load_workbook(path)
    assert loaded == scenario
    assert places(loaded.warnings) == [("teachers", 1, "reserve_leadr"), ("policy", 1, "说明")]
    assert "did you mean reserve_leader?" in loaded.warnings[0].en
    assert "是否应为 reserve_leader?" in loaded.warnings[0].zh
    assert "the known columns are key, value" in loaded.warnings[1].en


def test_a_document_with_unknown_keys_loads_with_one_warning_per_key(scenario: Scenario) -> None:
    document = json.loads(json.dumps(scenario_to_document(scenario)))
    for index in (2, 4, 7):
        document["teachers"][index]["volunter"] = True
    document["schools"][1]["备注"] = "新建"
    loaded = load_document(document)
    assert loaded == scenario
    assert places(loaded.warnings) == [("teachers", 2, "volunter"), ("schools", 1, "备注")]
    assert loaded.warnings[0].en == "unknown column, ignored; did you mean volunteer? (3 rows)"
    assert loaded.warnings[0].zh == "未知的列,已忽略;是否应为 volunteer?(共 3 行)"


def test_a_required_column_missing_stays_an_error(tmp_path: Path) -> None:
    """The error names the unknown column that may be it; the scenario is refused."""
    bundle = good_bundle()
    rename_column(T, "teacher_id", "teacher")(bundle)
    with pytest.raises(ScenarioError) as caught:
        load_bundle(write(bundle, tmp_path / "no-id"))
    [problem] = caught.value.problems
    assert (problem.code, problem.file, problem.row, problem.column) == ("missing_column", T, 1, "teacher_id")
    assert problem.en == "missing required column; is teacher a misspelling of it?"


def test_thousands_of_unknown_columns_give_a_bounded_list(scenario: Scenario, tmp_path: Path) -> None:
    bundle = good_bundle()
    long_name = "x" * 5000
    for number in range(10_000):
        add_column(T, f"made_up_{number}")(bundle)
    add_column(T, long_name)(bundle)
    loaded = load_bundle(write(bundle, tmp_path / "wide" / "good"))
    assert loaded == scenario
    assert len(loaded.warnings) == SHOWN_UNKNOWN_COLUMNS + 1
    assert [w.column for w in loaded.warnings[:2]] == ["made_up_0", "made_up_1"]
    rest = loaded.warnings[-1]
    assert (rest.code, rest.file, rest.row, rest.column) == ("unknown_column", T, 1, None)
    assert rest.en.startswith(f"{10_001 - SHOWN_UNKNOWN_COLUMNS} more unknown columns, ignored: made_up_10, ")
    assert rest.zh.startswith(f"另有 {10_001 - SHOWN_UNKNOWN_COLUMNS} 个未知的列,已忽略:made_up_10、")
    assert all(len(w.en) < 1000 for w in loaded.warnings)

    document = scenario_to_document(scenario)
    document["teachers"][0].update({f"k{number}": 1 for number in range(10_000)})
    document["teachers"][1][long_name] = 1
    warnings = load_document(document).warnings
    assert len(warnings) == SHOWN_UNKNOWN_COLUMNS + 1
    assert warnings[-1].en.startswith(f"{10_001 - SHOWN_UNKNOWN_COLUMNS} more unknown columns, ignored")


def test_a_long_unknown_column_name_is_cut_in_its_warning(scenario: Scenario) -> None:
    document = scenario_to_document(scenario)
    document["teachers"][0]["y" * 100_000] = 1
    [warning] = load_document(document).warnings
    assert warning.column == "y" * 40 + "…"
    assert len(warning.en) < 1000
