"""Good inputs: every format reloads to an equal scenario; Chinese names and Excel quirks load."""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path

import openpyxl
import pytest

from optimizer.errors import ScenarioError
from optimizer.io import (
    load_bundle,
    load_document,
    load_scenario,
    load_workbook,
    scenario_to_document,
    write_bundle,
    write_workbook,
)
from optimizer.io.build import DEMAND_COLUMNS, PIN_COLUMNS, SCHOOL_COLUMNS, teacher_columns
from optimizer.io.tables import COLUMNS
from optimizer.scenario import Scenario


def test_good_bundle_loads_with_chinese_subjects(scenario: Scenario, bundle_dir: Path) -> None:
    teachers = scenario.teacher_by_id
    assert teachers["T01"].subject == "chinese"
    assert teachers["T03"].subject == "music"
    assert teachers["T03"].other_subjects == ("art", "pe")
    assert teachers["T04"].subject == "politics"
    assert scenario.demand[("S3", "music")] == 2
    assert scenario.policy.rule("shortage")["priority"] == {"music": 4}
    assert scenario.policy.rule("rotation_quota")["rate"] == 0.15
    assert teachers["T01"].spouse_id == "T02" and teachers["T02"].spouse_id == "T01"
    assert teachers["T07"].title == "" and teachers["T07"].rural_years == 0  # absent columns
    assert scenario.pin_by_teacher["T10"].school_id is None
    assert scenario.name == "good"
    assert scenario.source == str(bundle_dir)


def test_bundle_round_trip(scenario: Scenario, tmp_path: Path) -> None:
    folder = write_bundle(scenario, tmp_path / "copy")
    assert load_bundle(folder) == scenario
    assert (folder / "teachers.csv").read_bytes().startswith(b"\xef\xbb\xbf")  # BOM for Excel


def test_workbook_round_trip(scenario: Scenario, tmp_path: Path) -> None:
    path = write_workbook(scenario, tmp_path / "copy.xlsx")
    assert load_workbook(path) == scenario


def test_document_round_trip(scenario: Scenario, tmp_path: Path) -> None:
    document = json.loads(json.dumps(scenario_to_document(scenario), ensure_ascii=False))
    assert document["teachers"][2]["other_subjects"] == ["art", "pe"]
    assert document["teachers"][0]["is_backbone"] is True
    assert load_document(document) == scenario
    assert load_document(json.dumps(document)) == scenario
    path = tmp_path / "copy.json"
    path.write_text(json.dumps(document, ensure_ascii=False), encoding="utf-8")
    assert load_document(path) == scenario


def test_unnamed_scenario_takes_the_stem(scenario: Scenario, tmp_path: Path) -> None:
    unnamed = replace(scenario, name="")
    assert load_bundle(write_bundle(unnamed, tmp_path / "county_b")).name == "county_b"
    assert load_workbook(write_workbook(unnamed, tmp_path / "plan_b.xlsx")).name == "plan_b"


def test_load_scenario_chooses_by_path(scenario: Scenario, tmp_path: Path) -> None:
    folder = write_bundle(scenario, tmp_path / "bundle")
    workbook = write_workbook(scenario, tmp_path / "book.xlsx")
    document = tmp_path / "doc.json"
    document.write_text(json.dumps(scenario_to_document(scenario)), encoding="utf-8")
    for path in (folder, workbook, document):
        assert load_scenario(path) == scenario


@pytest.mark.parametrize(
    ("name", "keyword"), [("nowhere", "no such file"), ("notes.txt", "expected a bundle folder")]
)
def test_load_scenario_rejects_other_paths(tmp_path: Path, name: str, keyword: str) -> None:
    (tmp_path / "notes.txt").write_text("hello", encoding="utf-8")
    with pytest.raises(ScenarioError) as caught:
        load_scenario(tmp_path / name)
    [problem] = caught.value.problems
    assert problem.file == str(tmp_path / name)
    assert keyword in problem.en


def test_csv_in_gb18030_loads(scenario: Scenario, bundle_dir: Path) -> None:
    """Excel's "CSV" on a Chinese Windows is GB18030 (GBK), not UTF-8."""
    path = bundle_dir / "teachers.csv"
    path.write_bytes(path.read_text(encoding="utf-8").encode("gb18030"))
    assert load_bundle(bundle_dir) == scenario


def test_workbook_accepts_excel_floats_and_numeric_ids(scenario: Scenario, tmp_path: Path) -> None:
    """Excel stores 2019 as 2019.0 and ids typed as numbers as numbers."""
    path = write_workbook(scenario, tmp_path / "floats.xlsx")
    book = openpyxl.load_workbook(path)
    teachers = book["teachers"]
    header = [cell.value for cell in teachers[1]]
    teachers.cell(2, header.index("birth_year") + 1, 1980.0)
    teachers.cell(2, header.index("years_at_school") + 1, 8.0)
    teachers.cell(2, header.index("is_backbone") + 1, True)
    teachers.cell(2, header.index("name") + 1, 1001)
    book.save(path)
    first = load_workbook(path).teachers[0]
    assert (first.birth_year, first.years_at_school, first.is_backbone) == (1980, 8, True)
    assert isinstance(first.birth_year, int) and first.name == "1001"


def test_column_specs_cover_the_data_model() -> None:
    """Every dataclass field has a column spec, in the same order, so writers and readers agree."""
    specs = {
        "teachers": teacher_columns(2025),
        "schools": SCHOOL_COLUMNS,
        "demand": DEMAND_COLUMNS,
        "pins": PIN_COLUMNS,
    }
    for table, columns in specs.items():
        assert tuple(column.name for column in columns) == COLUMNS[table]
