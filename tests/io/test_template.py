"""The template HR fills in (`rotation template`): filled with the demo county it loads to the demo
county, in Chinese and in English; its notes describe every column the loader reads; coded
columns carry Excel validation lists of the values the loader accepts."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from chinese import chinese_tables

from optimizer.history import derived_teacher
from optimizer.io import load_bundle, load_workbook
from optimizer.io.aliases import HEADERS, SHEETS
from optimizer.io.build import flag
from optimizer.io.tables import COLUMNS, HISTORY, TABLES, scenario_records
from optimizer.io.template import NOTES, NOTES_SHEET, template_columns, write_template
from optimizer.scenario import Scenario, Stint

DEMO = Path(__file__).parents[2] / "scenarios" / "demo-county"


@pytest.fixture(scope="module")
def demo() -> Scenario:
    return load_bundle(DEMO)


def english_tables(scenario: Scenario) -> dict[str, list[list[Any]]]:
    """The scenario's rows as the English bundle writes them (flags 1/0, lists with ';')."""
    tables = {}
    for table, records in scenario_records(scenario).items():
        rows = [[_english(record[column]) for column in COLUMNS[table]] for record in records]
        tables[table] = [list(COLUMNS[table]), *rows]
    return tables


def _english(value: Any) -> Any:
    if isinstance(value, bool):
        return int(value)
    if isinstance(value, tuple):
        return ";".join(value)
    return value


def fill(template: Path, tables: dict[str, list[list[Any]]], lang: str) -> Path:
    """Each data sheet filled under the template's own header, whatever its order."""
    book = openpyxl.load_workbook(template)
    for table, (header, *rows) in tables.items():
        sheet = book[SHEETS[table][0] if lang == "zh" else table]
        columns = [cell.value for cell in sheet[1]]
        for row in rows:
            cells = dict(zip(header, row, strict=True))
            sheet.append([cells[column] for column in columns])
    book.save(template)
    return template


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_the_template_filled_with_the_demo_county_loads(demo: Scenario, tmp_path: Path, lang: str) -> None:
    template = write_template(tmp_path / f"template-{lang}.xlsx", lang)
    tables = chinese_tables(demo) if lang == "zh" else english_tables(demo)
    loaded = load_workbook(fill(template, tables, lang))
    assert (loaded.teachers, loaded.schools, loaded.demand, loaded.pins) == (
        demo.teachers,
        demo.schools,
        demo.demand,
        demo.pins,
    )
    assert loaded.policy.year == demo.policy.year
    assert loaded.warnings == ()  # the 备注 of the Chinese rows has no column in the template


def test_the_template_takes_a_history_in_chinese(demo: Scenario, tmp_path: Path) -> None:
    teacher = next(t for t in demo.teachers if not t.on_rotation_from)
    other = next(s.school_id for s in demo.schools if s.school_id != teacher.school_id)
    stints = (Stint(teacher.teacher_id, teacher.school_id, other, 2016, 2019, "support"),)
    year = demo.policy.year
    teachers = tuple(derived_teacher(t, stints, demo.school_by_id, year) for t in demo.teachers)
    with_history = replace(demo, teachers=teachers, history=stints)
    loaded = load_workbook(
        fill(write_template(tmp_path / "template.xlsx", "zh"), chinese_tables(with_history), "zh")
    )
    assert (loaded.history, loaded.teachers) == (stints, teachers)


def test_the_notes_describe_every_column_with_its_requirement(tmp_path: Path) -> None:
    book = openpyxl.load_workbook(write_template(tmp_path / "template.xlsx", "zh"))
    assert book.sheetnames == ["教师", "学校", "需求", "指定", "交流记录", "说明", "policy"]
    notes = list(book[NOTES_SHEET["zh"]].iter_rows(values_only=True))
    assert notes[0] == ("工作表", "列名", "英文列名", "是否必填", "可填写的值", "单位或格式", "说明")
    described = {
        (sheet, column): (required, values) for sheet, column, _, required, values, *_ in notes[1:] if column
    }
    columns = template_columns()
    for table in (*TABLES, HISTORY):
        assert set(NOTES[table]) == set(COLUMNS[table])
        for column in columns[table]:
            required, _ = described[(SHEETS[table][0], HEADERS[table][column.name][0])]
            assert required == ("必填" if column.required else "选填")
    assert described[("教师", "性别")] == ("必填", "男、女")
    assert described[("教师", "是否骨干")] == ("必填", "是、否")
    assert described[("学校", "城乡类别")] == ("必填", "城区、镇区、乡村")
    assert described[("指定", "指定类型")] == ("必填", "调往、留任")
    assert described[("交流记录", "类型")] == ("选填", "交流轮岗、支教、走教、跟岗")
    assert "policy" in notes[-1][0]


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_coded_columns_have_validation_lists_of_values_the_loader_reads(tmp_path: Path, lang: str) -> None:
    book = openpyxl.load_workbook(write_template(tmp_path / "template.xlsx", lang))
    sheet = book[SHEETS["teachers"][0] if lang == "zh" else "teachers"]
    header = [cell.value for cell in sheet[1]]
    lists = {}
    for validation in sheet.data_validations.dataValidation:
        [cells] = str(validation.sqref).split()
        column = header[openpyxl.utils.column_index_from_string(cells.split(":")[0].rstrip("0123456789")) - 1]
        lists[column] = validation.formula1.strip('"').split(",")
    by_column = {HEADERS["teachers"][name][0] if lang == "zh" else name: name for name in COLUMNS["teachers"]}
    assert {by_column[column] for column in lists} == {
        "subject",
        "stage",
        "gender",
        "is_backbone",
        "degree",
        "role",
        "volunteer",
        "plans_senior_title",
        "reserve_leader",
    }
    parsers = {column.name: column.parse for column in template_columns()["teachers"]}
    for column, values in lists.items():
        parsed = {parsers[by_column[column]](value) for value in values}
        assert len(parsed) == len(values)  # each offered value is a different one the loader reads
    assert {flag(value) for value in lists[header[7]]} == {True, False}
