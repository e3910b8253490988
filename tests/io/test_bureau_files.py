"""The bureau's own files (issue 15): the demo county as a personnel system exports it (Chinese
headers and values, dates as year and month, an extra 备注 column) loads, as GBK CSV, UTF-16
"Unicode text", .xlsx, .xls and WPS .et, to the same scenario as the English bundle, with a warning
for 备注 and no problem; the region splitter reads it too. A wrong value in many rows is one problem
naming the rows, and problems name the column as the file writes it."""

from __future__ import annotations

import csv
import datetime
import json
import shutil
from collections.abc import Callable
from pathlib import Path

import openpyxl
import pytest
from bundle_edits import good_bundle, write
from chinese import NOTE, chinese_tables, same_content, write_chinese_csv, write_chinese_workbook

from optimizer.errors import Problem, ScenarioError
from optimizer.generate import CountyParams, generate_county
from optimizer.io import load_bundle, load_document, load_scenario, scenario_to_document, write_workbook
from optimizer.io.aliases import HEADERS
from optimizer.io.build import teacher_columns, year_of_date
from optimizer.io.regions import iter_region_scenarios, load_region_part, split_bundle
from optimizer.scenario import Scenario

DEMO = Path(__file__).parents[2] / "scenarios" / "demo-county"
XLS = Path(__file__).parent / "fixtures" / "good-county.xls"
"""The good bundle of bundle_edits in the Chinese shape of `chinese_tables` (its 出生年月 as
Excel date cells every other row) with its policy sheet, saved as Excel 97 by xlwt 1.3.0: a
library this project does not depend on, so the file is kept rather than made in the test."""


@pytest.fixture(scope="module")
def demo() -> Scenario:
    return load_bundle(DEMO)


def only_notes_skipped(warnings: tuple[Problem, ...]) -> bool:
    return len(warnings) == 4 and all(w.code == "unknown_column" and w.column == NOTE for w in warnings)


def gbk_csv(scenario: Scenario, folder: Path) -> Path:
    return write_chinese_csv(scenario, folder / "demo-county")


def unicode_text(scenario: Scenario, folder: Path) -> Path:
    return write_chinese_csv(scenario, folder / "demo-county", encoding="utf-16", delimiter="\t")


def xlsx(scenario: Scenario, folder: Path) -> Path:
    return write_chinese_workbook(scenario, folder / "demo-county.xlsx")


@pytest.mark.parametrize("save", [gbk_csv, unicode_text, xlsx])
def test_the_demo_county_in_chinese_loads_as_the_english_bundle(
    demo: Scenario, tmp_path: Path, save: Callable[[Scenario, Path], Path]
) -> None:
    loaded = load_scenario(save(demo, tmp_path))
    assert same_content(loaded, demo)
    assert loaded.name == demo.name
    assert only_notes_skipped(loaded.warnings)


def test_the_chinese_files_are_what_they_claim(demo: Scenario, tmp_path: Path) -> None:
    """The shape under test: Chinese headers and values, year-and-month dates, a 备注 column."""
    folder = gbk_csv(demo, tmp_path)
    with (folder / "teachers.csv").open(encoding="gbk", newline="") as file:
        header, first, second, *_ = csv.reader(file)
    assert header[:6] == ["教师编号", "学校编号", "学科", "学段", "性别", "出生年月"]
    assert header[-1] == NOTE
    assert first[2:7] == ["语文", "小学", "男", "1987-01", "2022-01"]
    assert second[2:7] == ["数学", "小学", "女", "1983.02", "2022.02"]


def test_old_excel_and_wps_workbooks_load(tmp_path: Path) -> None:
    english = load_bundle(write(good_bundle(), tmp_path / "good"))
    wps = shutil.copyfile(XLS, tmp_path / "good-county.et")  # WPS writes .et in Excel 97's format
    for path in (XLS, wps):
        loaded = load_scenario(path)
        assert same_content(loaded, english)
        assert only_notes_skipped(loaded.warnings)
        assert [w.file for w in loaded.warnings] == ["教师", "学校", "需求", "指定"]


def test_a_broken_old_workbook_is_a_problem_naming_it(tmp_path: Path) -> None:
    path = tmp_path / "county.xls"
    path.write_bytes(b"not a workbook")
    with pytest.raises(ScenarioError) as caught:
        load_scenario(path)
    [problem] = caught.value.problems
    assert (problem.code, problem.file) == ("unreadable_file", "county.xls")
    assert problem.en.startswith("not a readable .xls workbook")


@pytest.mark.parametrize("save", [gbk_csv, unicode_text])
def test_a_split_reads_the_chinese_bundle_as_the_english_one(
    tmp_path: Path, save: Callable[[Scenario, Path], Path]
) -> None:
    city = generate_county(CountyParams(seed=8, regions=3, teachers=360, schools=27, name="city"))
    parts = split_bundle(save(city, tmp_path), tmp_path / "parts")
    expected = list(iter_region_scenarios(city))
    assert len(parts) == len(expected) == 3
    for part, region in zip(parts, expected, strict=True):
        assert same_content(load_region_part(part), region)


def test_a_document_with_chinese_keys_and_values_loads(demo: Scenario) -> None:
    document = scenario_to_document(demo)
    for table, rows in chinese_tables(demo).items():
        header, *cells = rows
        document[table] = [dict(zip(header, row, strict=True)) for row in cells]
    loaded = load_document(json.loads(json.dumps(document, default=str)))
    assert same_content(loaded, demo)
    assert only_notes_skipped(loaded.warnings)


@pytest.mark.parametrize(
    ("value", "year"),
    [
        ("1985", 1985),
        ("1985年", 1985),
        ("1985-03", 1985),
        ("1985.03", 1985),
        ("1985.3", 1985),
        ("1985/3", 1985),
        ("1985年3月", 1985),
        ("1985年3月12日", 1985),
        ("1985/3/12 0:00", 1985),
        ("198503", 1985),
        ("19850312", 1985),
        (1985.03, 1985),
        (1985.0, 1985),
        (datetime.date(1985, 3, 12), 1985),
        (datetime.datetime(1985, 3, 12), 1985),
        ("1985-13", None),
        ("1985年3月40日", None),
        ("85-03", None),
        ("March 1985", None),
        (7.5, None),
    ],
)
def test_dates_as_offices_write_them(value: object, year: int | None) -> None:
    assert year_of_date(value) == year


@pytest.mark.parametrize(
    ("value", "years"),
    [
        ("2019-09", 6),
        ("2019年9月", 6),
        ("2025.01", 0),
        (datetime.date(2010, 9, 1), 15),
        ("2019", 6),
        ("6", 6),
        (0, 0),
    ],
)
def test_arrival_at_the_school_becomes_whole_years_by_the_plan_year(value: object, years: int) -> None:
    column = next(c for c in teacher_columns(2025) if c.name == "years_at_school")
    assert column.parse(value) == years


def chinese_bundle_with(demo: Scenario, tmp_path: Path, column: str, *values: tuple[str, range]) -> Path:
    """The Chinese GBK demo county with, in teachers.csv's `column` (Chinese header), each value
    at its spreadsheet rows."""
    folder = gbk_csv(demo, tmp_path)
    path = folder / "teachers.csv"
    with path.open(encoding="gbk", newline="") as file:
        grid = list(csv.reader(file))
    for value, rows in values:
        for row in rows:
            grid[row - 1][grid[0].index(column)] = value
    with path.open("w", encoding="gbk", newline="") as file:
        csv.writer(file).writerows(grid)
    return folder


def test_a_wrong_value_in_600_rows_is_one_problem_with_the_rows(demo: Scenario, tmp_path: Path) -> None:
    assert len(demo.teachers) == 600
    folder = chinese_bundle_with(demo, tmp_path, "性别", ("X", range(2, 602)))
    with pytest.raises(ScenarioError) as caught:
        load_bundle(folder)
    [problem] = caught.value.problems
    assert (problem.file, problem.row, problem.column) == ("teachers.csv", 2, "性别")
    assert problem.en == "expected one of F, M, got 'X' (600 rows: 2–601)"
    assert problem.zh == "应为以下之一:F、M,实际为 'X'(共 600 行:2–601)"


def test_grouped_rows_name_their_ranges_and_the_other_values_stay_apart(
    demo: Scenario, tmp_path: Path
) -> None:
    folder = chinese_bundle_with(demo, tmp_path, "学历", ("中专", range(2, 602, 2)), ("高中", range(3, 8, 2)))
    with pytest.raises(ScenarioError) as caught:
        load_bundle(folder)
    secondary, high_school = caught.value.problems
    assert (secondary.row, high_school.row) == (2, 3)
    assert secondary.en.endswith("got '中专' (300 rows: 2, 4, 6, 8, 10, …)")
    assert high_school.en.endswith("got '高中' (3 rows: 3, 5, 7)")


def test_a_split_groups_the_rows_of_a_part_by_their_original_rows(demo: Scenario, tmp_path: Path) -> None:
    folder = chinese_bundle_with(demo, tmp_path, "职务", ("主任", range(10, 20)))
    [part] = split_bundle(folder, tmp_path / "parts")
    with pytest.raises(ScenarioError) as caught:
        load_region_part(part)
    [problem] = caught.value.problems
    assert (problem.row, problem.column) == (10, "职务")
    assert problem.en.endswith("got '主任' (10 rows: 10–19)")


def test_problems_name_the_sheet_and_column_as_written(demo: Scenario, tmp_path: Path) -> None:
    path = xlsx(demo, tmp_path)
    book = openpyxl.load_workbook(path)
    teachers = book["教师"]
    header = [cell.value for cell in teachers[1]]
    teachers.cell(5, header.index("出生年月") + 1, "1899-01")
    teachers.cell(7, header.index("来校年月") + 1, "2030-09")
    book["学校"].cell(3, 4, "城市")
    book.save(path)
    with pytest.raises(ScenarioError) as caught:
        load_scenario(path)
    assert [(p.file, p.row, p.column) for p in caught.value.problems] == [
        ("教师", 5, "出生年月"),
        ("教师", 7, "来校年月"),
        ("学校", 3, "城乡类别"),
    ]
    born, arrived, area = caught.value.problems
    assert "or a year and month such as 1985-03, got '1899-01'" in born.en
    assert arrived.zh == "应为在校年数(介于 0..60 的整数),或来校年月 1965..2025(如 2019-09),实际为 '2030-09'"
    assert area.text("zh") == "学校,第 3 行,“城乡类别”列:应为以下之一:urban、town、rural,实际为 '城市'"


def test_a_column_given_in_both_languages_is_a_problem(tmp_path: Path) -> None:
    bundle = good_bundle()
    grid = bundle["teachers.csv"]
    assert isinstance(grid, list)
    grid[0].append("性别")
    for row in grid[1:]:
        row.append("女")
    with pytest.raises(ScenarioError) as caught:
        load_bundle(write(bundle, tmp_path / "both"))
    [problem] = caught.value.problems
    assert (problem.code, problem.row, problem.column) == ("duplicate_column", 1, "性别")


def test_a_misspelt_chinese_header_is_named_in_chinese(tmp_path: Path) -> None:
    scenario = load_bundle(write(good_bundle(), tmp_path / "good"))
    folder = write_chinese_csv(scenario, tmp_path / "zh")
    path = folder / "schools.csv"
    path.write_text(path.read_text(encoding="gbk").replace("编制数", "编制人数"), encoding="gbk")
    with pytest.raises(ScenarioError) as caught:
        load_bundle(folder)
    [problem] = caught.value.problems
    assert (problem.code, problem.column) == ("missing_column", "establishment")
    assert problem.zh == "缺少必需的列;编制人数 列是否为其误写?"


def test_an_unknown_column_of_a_chinese_table_lists_the_chinese_headers(tmp_path: Path) -> None:
    scenario = load_bundle(write(good_bundle(), tmp_path / "good"))
    loaded = load_bundle(write_chinese_csv(scenario, tmp_path / "zh"))
    note = next(w for w in loaded.warnings if w.file == "demand.csv")
    assert note.zh == "未知的列,已忽略;已知的列为:学校编号、学科、需求人数"
    assert HEADERS["demand"]["required"][0] == "需求人数"


def test_a_workbook_saved_as_csv_and_undecodable_text_say_what_was_expected(tmp_path: Path) -> None:
    folder = write(good_bundle(), tmp_path / "good")
    scenario = load_bundle(folder)
    write_workbook(scenario, folder / "teachers.csv")  # an .xlsx renamed
    (folder / "schools.csv").write_bytes(b"school_id,name\n\x81\x30\xff\xfe\n")
    with pytest.raises(ScenarioError) as caught:
        load_bundle(folder)
    workbook, undecodable = (p for p in caught.value.problems if p.code == "bad_encoding")
    assert (workbook.file, workbook.code) == ("teachers.csv", "bad_encoding")
    assert workbook.en.startswith("this is an Excel / WPS workbook, not CSV text")
    assert undecodable.file == "schools.csv"
    assert (
        "expected text in UTF-8 (with or without a BOM), GB18030/GBK or UTF-16 with a BOM" in undecodable.en
    )


def test_headers_spaced_to_align_still_match(tmp_path: Path) -> None:
    """HR forms write 姓  名 (or with a full-width space) so that short headers line up."""
    scenario = load_bundle(write(good_bundle(), tmp_path / "good"))
    folder = write_chinese_csv(scenario, tmp_path / "zh")
    path = folder / "teachers.csv"
    text = path.read_text(encoding="gbk").replace("姓名", "姓  名", 1).replace("性别", "性\u3000别", 1)
    path.write_text(text, encoding="gbk")
    assert same_content(load_bundle(folder), scenario)


def test_the_split_names_columns_as_written_and_groups_rows(demo: Scenario, tmp_path: Path) -> None:
    folder = chinese_bundle_with(demo, tmp_path, "学校编号", ("S999", range(2, 6)))
    with pytest.raises(ScenarioError) as caught:
        split_bundle(folder, tmp_path / "parts")
    [problem] = caught.value.problems
    assert (problem.file, problem.row, problem.column) == ("teachers.csv", 2, "学校编号")
    assert problem.en == "unknown school_id 'S999'; not in schools.csv (4 rows: 2–5)"
