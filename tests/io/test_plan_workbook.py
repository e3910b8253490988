"""plan.xlsx read back (`rotation check BUNDLE plan.xlsx`): the workbook `write_outputs` writes
gives the plan it was written from (the demo county solved, and a county with exchanges, hires and
走教), a workbook HR edited gives the plan they meant, and mistakes are problems at the sheet, the
spreadsheet's row and the Chinese column.

The county: 城关小学 (U1) with 王强 (T00), 教师1..教师7 (T01..T07), two teachers named 张伟 (Z01,
Z02), its principal 王校长 (P01) and vice-principal 李副校长 (V01); 山口小学 (R1) with 李娜 (R00);
河口小学 (R2). Planned for 2025: a 3-year term is 2025.09-2028.08.
"""

from __future__ import annotations

import datetime
from pathlib import Path

import openpyxl
import pytest

from optimizer.errors import ScenarioError
from optimizer.io import load_bundle, write_workbook
from optimizer.io.outputs import write_outputs
from optimizer.io.plan_workbook import read_plan_workbook
from optimizer.options import EngineSettings
from optimizer.plan import Hire, ItinerantAssignment, Move, Plan
from optimizer.rules import leaders_after, move_term
from optimizer.scenario import Scenario
from optimizer.solve import plan_result, solve
from tests import tiny

DEMO = Path(__file__).parents[2] / "scenarios" / "demo-county"
TODAY = datetime.date(2025, 6, 2)
LIST = "plan.xlsx · 交流名单"
PLAN = Plan(
    moves=(
        Move("T00", "U1", "R1", "math", 3, "shortage;rotation_quota"),
        Move("P01", "U1", "R1", "principal", 2, "principal_rotation"),
        Move("T01", "U1", "R2", "math", 1),
    ),
    exchanges=(Move("R00", "R1", "U1", "math", 1, "exchange", kind="exchange"),),
    hires=(Hire("R1", "math", 1, "open", "recruitment;coverage"), Hire("R2", "math", 1, "special")),
    itinerant=(
        ItinerantAssignment("T05", "U1", "R1", "math", 0.5),
        ItinerantAssignment("T06", "U1", "R2", "math", 0.25),
    ),
)


@pytest.fixture(scope="module")
def county() -> Scenario:
    schools = [
        tiny.school("U1", "urban", name="城关小学", establishment=12),
        tiny.school("R1", "rural", name="山口小学", establishment=5, lat=30.2),
        tiny.school("R2", "rural", name="河口小学", establishment=5, lat=30.1),
    ]
    staff = [tiny.teacher("T00", "U1", name="王强")]
    staff += [tiny.teacher(f"T{i:02d}", "U1", name=f"教师{i}") for i in range(1, 8)]
    staff += [tiny.teacher("Z01", "U1", name="张伟"), tiny.teacher("Z02", "U1", name="张伟")]
    staff += [
        tiny.teacher("P01", "U1", "chinese", role="principal", terms_at_school=2, name="王校长"),
        tiny.teacher("V01", "U1", "chinese", role="vice_principal", name="李副校长"),
        tiny.teacher("R00", "R1", name="李娜"),
    ]
    demand = {("U1", "math"): 10, ("R1", "math"): 3, ("R2", "math"): 2}
    return tiny.scenario(schools, staff, demand)


def written(scenario: Scenario, plan: Plan, folder: Path) -> Path:
    write_outputs(plan_result(scenario, plan), scenario, folder, today=TODAY)
    return folder / "plan.xlsx"


def problems_of(path: Path, scenario: Scenario) -> set[tuple[str | None, int | None, str | None]]:
    with pytest.raises(ScenarioError) as raised:
        read_plan_workbook(path, scenario)
    return {(p.file, p.row, p.column) for p in raised.value.problems}


def test_the_demo_countys_workbook_reads_back_to_the_solved_plan(tmp_path: Path) -> None:
    demo = load_bundle(DEMO)
    result = solve(demo, EngineSettings(time_limit=10, workers=1))
    assert result.plan.moves and result.plan.hires  # the demo county rotates and hires
    write_outputs(result, demo, tmp_path, today=TODAY)

    files = read_plan_workbook(tmp_path / "plan.xlsx", demo)

    assert files.plan == result.plan
    assert files.leaders == tuple(leaders_after(demo, result.plan))


def test_moves_exchanges_hires_and_itinerant_read_back(tmp_path: Path, county: Scenario) -> None:
    files = read_plan_workbook(written(county, PLAN, tmp_path), county)

    assert files.plan == PLAN
    assert files.leaders == tuple(leaders_after(county, PLAN))
    assert files.leaders_file == "plan.xlsx · 校长配备"


def test_an_et_workbook_is_read_as_the_scenario_loader_reads_it(tmp_path: Path, county: Scenario) -> None:
    """.xls and WPS .et go through calamine, which gives whole numbers (招聘人数 1) as 1.0;
    calamine opens the .xlsx content under an .et name too."""
    et = written(county, PLAN, tmp_path).rename(tmp_path / "plan.et")

    assert read_plan_workbook(et, county).plan == PLAN


def test_an_edited_list_reads_as_the_plan_hr_meant(tmp_path: Path, county: Scenario) -> None:
    path = written(county, PLAN, tmp_path)
    book = openpyxl.load_workbook(path)
    sheet = book["交流名单"]
    header = [cell.value for cell in sheet[2]]
    column = {name: header.index(name) + 1 for name in ("姓名", "交流学校", "学科", "起止年月")}
    assert [row[12].value for row in sheet.iter_rows(min_row=3)] == ["T00", "P01", "T01", "R00", "T05", "T06"]
    sheet.cell(3, column["交流学校"]).value = "河口小学"  # T00 goes to R2 instead, by the school's name
    sheet.cell(3, column["起止年月"]).value = "2025.09-2027.08"  # for two years
    sheet.delete_rows(5)  # T01 stays
    added = [None] * len(header)
    added[column["姓名"] - 1], added[column["交流学校"] - 1], added[column["学科"] - 1] = (
        "教师7",
        "山口小学",
        "数学",
    )
    sheet.append(added)  # T07 by name only: from their school, for the policy's term
    sheet.insert_rows(1)  # a note above the title: the header is found below it
    sheet.cell(1, 1).value = "修改稿,请核对"
    book.save(path)

    files = read_plan_workbook(path, county)

    assert files.plan == Plan(
        moves=(
            Move("T00", "U1", "R2", "math", 2, "shortage;rotation_quota"),
            PLAN.moves[1],
            Move("T07", "U1", "R1", "math", move_term(county, "T07", "rotation")),
        ),
        exchanges=PLAN.exchanges,
        hires=PLAN.hires,
        itinerant=PLAN.itinerant,
    )


def test_an_unknown_name_a_shared_name_and_a_bad_term_are_three_problems(
    tmp_path: Path, county: Scenario
) -> None:
    path = written(county, PLAN, tmp_path)
    book = openpyxl.load_workbook(path)
    sheet = book["交流名单"]
    sheet["B3"], sheet["M3"] = "赵六", None  # 姓名 of no teacher, the id cleared
    sheet["B4"], sheet["M4"] = "张伟", None  # two teachers are named 张伟
    sheet["L5"] = "2024.09-2026.08"  # does not start in the plan's year
    book.save(path)

    with pytest.raises(ScenarioError) as raised:
        read_plan_workbook(path, county)

    problems = raised.value.problems
    assert {(p.file, p.row, p.column) for p in problems} == {
        (LIST, 3, "姓名"),
        (LIST, 4, "姓名"),
        (LIST, 5, "起止年月"),
    }
    texts = {p.row: (p.zh, p.en) for p in problems}
    assert texts[3] == ("teachers.csv 中没有教师 '赵六'", "unknown teacher '赵六'; not in teachers.csv")
    assert texts[4] == (
        "有 2 位教师名为 '张伟'(Z01、Z02);请改填教师编号",
        "2 teachers are named '张伟' (Z01, Z02); give the teacher's id",
    )
    assert (
        texts[5][1]
        == "expected a span starting in the plan's year 2025, like 2025.09-2028.08, got '2024.09-2026.08'"
    )


@pytest.mark.parametrize("span", ["2025.09", "2025.09-2026.02", "明年九月起三年", "2025.13-2028.12"])
def test_a_term_of_no_whole_years_is_a_problem(tmp_path: Path, county: Scenario, span: str) -> None:
    path = written(county, PLAN, tmp_path)
    book = openpyxl.load_workbook(path)
    book["交流名单"]["L3"] = span
    book.save(path)

    with pytest.raises(ScenarioError) as raised:
        read_plan_workbook(path, county)

    [problem] = raised.value.problems
    assert (problem.file, problem.row, problem.column) == (LIST, 3, "起止年月")
    assert problem.zh == f"应为整学年的起止年月,如 2025.09-2028.08(三年),实际为 '{span}'"


def test_a_workbook_without_the_list_is_no_plan_workbook(tmp_path: Path, county: Scenario) -> None:
    scenario_workbook = write_workbook(county, tmp_path / "plan.xlsx")  # the bundle, not a plan

    with pytest.raises(ScenarioError) as raised:
        read_plan_workbook(scenario_workbook, county)

    [problem] = raised.value.problems
    assert (problem.code, problem.file, problem.row) == ("missing_table", "plan.xlsx", None)
    assert problem.en == "not a plan workbook: no sheet 交流名单 (the plan.xlsx rotation solve writes has it)"


def test_a_itinerant_row_takes_its_share_and_a_share_alone_still_counts(
    tmp_path: Path, county: Scenario
) -> None:
    """T05's 走教 is deleted from the list only: its 走教安排 row still counts, after the list's.
    T07 is added to the list as a 走教 to R1 with no 走教安排 row: no share, a problem."""
    path = written(county, PLAN, tmp_path)
    book = openpyxl.load_workbook(path)
    sheet = book["交流名单"]
    sheet.delete_rows(7)  # T05's row
    book.save(path)

    assert read_plan_workbook(path, county).plan.itinerant == (PLAN.itinerant[1], PLAN.itinerant[0])

    sheet.append([7, "教师7", None, None, None, None, None, None, "山口小学", "数学", "走教", None, "T07"])
    book.save(path)

    with pytest.raises(ScenarioError) as raised:
        read_plan_workbook(path, county)

    [problem] = raised.value.problems
    assert (problem.file, problem.row, problem.column, problem.code) == (LIST, 8, "交流方式", "missing_share")
    assert problem.zh == "走教没有岗位份额:走教安排 中没有 T07 到 R1 的行;请在该表补上一行"


def test_every_sheets_problems_are_reported_at_once(tmp_path: Path, county: Scenario) -> None:
    path = written(county, PLAN, tmp_path)
    book = openpyxl.load_workbook(path)
    book["交流名单"]["B3"] = "教师1"  # T00's row names another teacher
    book["交流名单"]["K4"] = "借调"  # no such 交流方式
    book["招聘计划"]["F2"] = "两人"  # 招聘人数 not a number
    book["走教安排"]["F3"] = 1.5  # more than a post
    book["校长配备"]["A2"] = "城南小学"  # no such school
    del book["学科配备"]  # sheets the reader does not read may go
    book.save(path)

    assert problems_of(path, county) == {
        (LIST, 3, "姓名"),
        (LIST, 4, "交流方式"),
        ("plan.xlsx · 招聘计划", 2, "招聘人数"),
        ("plan.xlsx · 走教安排", 3, "岗位份额"),
        ("plan.xlsx · 校长配备", 2, "学校编号"),
    }


def test_sheets_left_out_mean_nothing_of_their_kind(tmp_path: Path, county: Scenario) -> None:
    path = written(county, PLAN, tmp_path)
    book = openpyxl.load_workbook(path)
    for title in ("招聘计划", "校长配备"):
        del book[title]
    book.save(path)

    files = read_plan_workbook(path, county)

    assert (files.plan.hires, files.leaders) == ((), None)
    assert files.plan.moves == PLAN.moves


def test_a_sheet_without_its_header_is_a_problem(tmp_path: Path, county: Scenario) -> None:
    path = written(county, PLAN, tmp_path)
    book = openpyxl.load_workbook(path)
    book["招聘计划"]["F1"] = "人数"
    book.save(path)

    with pytest.raises(ScenarioError) as raised:
        read_plan_workbook(path, county)

    [problem] = raised.value.problems
    assert (problem.file, problem.row) == ("plan.xlsx · 招聘计划", None)
    assert problem.zh == "前 10 行中没有表头;应有 学校编号、学科、招聘人数 列"
