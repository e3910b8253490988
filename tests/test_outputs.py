"""The plan files: write_outputs, plan.csv in and out, and the per-school before/after table."""

from __future__ import annotations

import csv
import json
from dataclasses import asdict
from pathlib import Path

import openpyxl
import pytest

from optimizer.errors import ScenarioError
from optimizer.io.outputs import write_outputs
from optimizer.io.plan_csv import PLAN_COLUMNS, read_plan_csv, write_plan_csv
from optimizer.io.staffing_csv import read_plan_files
from optimizer.options import EngineSettings
from optimizer.plan import Move, Plan
from optimizer.report import check_plan
from optimizer.result import Result
from optimizer.rules import coverage_posts, leaders_after
from optimizer.scenario import Scenario
from optimizer.schools import school_balance
from optimizer.solve import solve
from tests import tiny

SETTINGS = EngineSettings(time_limit=10, workers=1)


@pytest.fixture(scope="module")
def county() -> Scenario:
    """Two schools plus a principal due to rotate, so leadership posts appear in the files, and
    a vice-principal who heads U1 once the principal has gone (leadership holds)."""
    base = tiny.two_school_county()
    principal = tiny.teacher("P01", "U1", "chinese", role="principal", terms_at_school=2, name="王校长")
    vice = tiny.teacher("V01", "U1", "chinese", role="vice_principal", name="李副校长")
    return tiny.scenario(list(base.schools), [*base.teachers, principal, vice], base.demand)


@pytest.fixture(scope="module")
def solved(county: Scenario) -> Result:
    result = solve(county, SETTINGS)
    assert result.summary.status == "optimal"
    return result


def read_csv(path: Path) -> list[list[str]]:
    with path.open(encoding="utf-8-sig", newline="") as file:
        return list(csv.reader(file))


def write_csv(path: Path, rows: list[list[str]]) -> Path:
    with path.open("w", encoding="utf-8", newline="") as file:
        csv.writer(file).writerows(rows)
    return path


def test_write_outputs_writes_every_file(tmp_path: Path, county: Scenario, solved: Result) -> None:
    paths = write_outputs(solved, county, tmp_path)

    names = {p.name for p in paths}
    assert names == {
        "plan.csv",
        "recruitment.csv",
        "itinerant.csv",
        "leaders.csv",
        "coverage.csv",
        "ledger.csv",
        "complaints.csv",
        "report.json",
        "summary.json",
        "plan.xlsx",
    }
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(names)  # no temporary files left
    report = json.loads((tmp_path / "report.json").read_text(encoding="utf-8"))
    assert report == json.loads(json.dumps([asdict(row) for row in check_plan(county, solved.plan)]))
    summary = json.loads((tmp_path / "summary.json").read_text(encoding="utf-8"))
    assert summary["scenario"] == "tiny"
    assert summary["year"] == tiny.YEAR
    assert summary["rotating"] == len(solved.plan.moves)
    assert summary["status"] == "optimal"
    assert read_csv(tmp_path / "itinerant.csv") == [
        ["teacher_id", "home_school", "school_id", "subject", "share"]
    ]
    assert read_csv(tmp_path / "leaders.csv")[1:] == [["U1", "V01", "acting"]]
    coverage = read_csv(tmp_path / "coverage.csv")
    assert [row[:2] for row in coverage[1:]] == [["U1", "math"], ["R1", "math"]]


def test_plan_xlsx_has_the_sheets_and_the_moves(tmp_path: Path, county: Scenario, solved: Result) -> None:
    write_outputs(solved, county, tmp_path)

    book = openpyxl.load_workbook(tmp_path / "plan.xlsx")
    assert book.sheetnames == [
        "交流名单",
        "公示",
        "规则报告",
        "学校前后对比",
        "汇总",
        "招聘计划",
        "走教安排",
        "学科配备",
        "校长配备",
        "台账",
        "学校台账",
        "合理诉求",
    ]
    moves = list(book["交流名单"].iter_rows(min_row=3, values_only=True))  # under the title and header
    assert sorted(row[12] for row in moves) == sorted(m.teacher_id for m in solved.plan.moves)
    assert book["交流名单"].freeze_panes == "A3"
    assert book["交流名单"]["A2"].font.bold
    principal = next(row for row in moves if row[12] == "P01")
    assert principal[1] == "王校长"
    assert principal[9] == "校长"
    assert "交流比例" in principal[13]
    statuses = {row[6] for row in book["规则报告"].iter_rows(min_row=2, values_only=True)}
    assert statuses <= {"达标", "未达标", "不适用"}
    schools = {(row[0], row[13]) for row in book["学校前后对比"].iter_rows(min_row=2, values_only=True)}
    assert ("R1", "数学") in schools


def test_plan_xlsx_staffing_sheets(tmp_path: Path, county: Scenario, solved: Result) -> None:
    """The solved plan: P01 and one math teacher go to R1, V01 heads U1, R1 hires for math."""
    write_outputs(solved, county, tmp_path)
    book = openpyxl.load_workbook(tmp_path / "plan.xlsx")

    def rows(sheet: str) -> list[tuple[object, ...]]:
        return list(book[sheet].iter_rows(values_only=True))

    hires = rows("招聘计划")
    assert hires[0] == ("学校编号", "学校", "区域", "类别", "学科", "招聘人数", "招聘方式", "招聘依据")
    assert [(h.school_id, h.posts) for h in solved.plan.hires] == [(row[0], row[5]) for row in hires[1:]]
    assert all(row[4] == "数学" and row[6] == "公开招聘" for row in hires[1:])
    assert rows("走教安排") == [
        ("教师编号", "姓名", "所在学校", "走教学校", "学科", "岗位份额", "距离(公里)")
    ]
    coverage = rows("学科配备")
    assert coverage[0][5:10] == ("需求", "交流前", "交流后", "状态", "补充方式")
    posts = coverage_posts(county, solved.plan)
    assert [(row[0], row[6], row[7]) for row in coverage[1:]] == [
        (p.school_id, p.before, p.after) for p in posts
    ]
    status = {row[0]: row[8] for row in coverage[1:]}
    rural = next(p for p in posts if p.school_id == "R1")
    assert (rural.unmet_before, rural.unmet_after) == (2, 0)
    assert status["R1"] == "已补足"
    urban = next(p for p in posts if p.school_id == "U1")  # fully taught before the plan
    assert status["U1"] == ("已满足" if urban.after >= urban.required else f"新增空缺 {urban.created}")
    assert rows("校长配备")[1:] == [("U1", "U1", "V01", "李副校长", "副校长", "副校长主持工作")]
    summary = {row[1]: row[2] for row in rows("汇总")[1:]}
    assert (summary["unmet posts before"], summary["unmet posts after"]) == (2, solved.summary.unmet_after)
    assert summary["schools with a principal after"] == 1


def test_plan_csv_round_trips(tmp_path: Path, county: Scenario, solved: Result) -> None:
    write_outputs(solved, county, tmp_path)

    assert (tmp_path / "plan.csv").read_bytes().startswith(b"\xef\xbb\xbf")  # BOM for Excel
    assert solved.plan.hires  # the plan recruits: recruitment.csv holds its hires
    assert read_plan_files(tmp_path / "plan.csv", county).plan == solved.plan
    assert read_plan_files(tmp_path / "plan.csv", county).leaders == tuple(leaders_after(county, solved.plan))


def test_infeasible_result_writes_conflicts_and_a_later_run_removes_them(tmp_path: Path) -> None:
    overrides = ["rotation_quota.rate=1.0", "capacity.max_departure_share=0.1"]
    scenario = tiny.two_school_county(overrides=overrides)
    infeasible = solve(scenario, SETTINGS)
    assert infeasible.summary.status == "infeasible"

    write_outputs(infeasible, scenario, tmp_path)
    conflicts = json.loads((tmp_path / "conflicts.json").read_text(encoding="utf-8"))
    rules = {member["rule"] for member in conflicts[0]["members"]}
    assert rules == {"rotation_quota", "capacity"}
    assert "规则冲突" in openpyxl.load_workbook(tmp_path / "plan.xlsx").sheetnames

    feasible = tiny.two_school_county()
    write_outputs(solve(feasible, SETTINGS), feasible, tmp_path)
    assert not (tmp_path / "conflicts.json").exists()


def test_read_plan_csv_accepts_chinese_subjects_blank_terms_and_leaders(
    tmp_path: Path, county: Scenario
) -> None:
    path = write_csv(
        tmp_path / "plan.csv",
        [
            ["teacher_id", "from_school", "to_school", "subject", "term_years"],
            ["T03", "U1", "R1", "数学", ""],
            ["P01", "U1", "R1", "校长", "2"],
        ],
    )

    plan = read_plan_csv(path, county)

    assert plan.moves == (
        Move("T03", "U1", "R1", "math", 3),
        Move("P01", "U1", "R1", "principal", 2),
    )


def test_read_plan_csv_reports_every_problem_with_row_and_column(tmp_path: Path, county: Scenario) -> None:
    path = write_csv(
        tmp_path / "plan.csv",
        [
            list(PLAN_COLUMNS),
            ["T01", "U1", "R1", "math", "3", ""],
            ["NOPE", "U1", "R1", "math", "3", ""],  # unknown teacher
            ["T01", "U1", "R1", "math", "3", ""],  # listed twice
            ["T02", "R1", "U1", "math", "3", ""],  # not T02's school
            ["T03", "U1", "X9", "math", "3", ""],  # unknown school
            ["T04", "U1", "U1", "math", "3", ""],  # no move
            ["T05", "U1", "R1", "knitting", "3", ""],  # unknown subject
            ["T06", "U1", "R1", "math", "three", ""],  # not a number
            ["P01", "U1", "R1", "math", "3", ""],  # a principal's post is their role
        ],
    )

    with pytest.raises(ScenarioError) as raised:
        read_plan_csv(path, county)

    places = {(p.file, p.row, p.column) for p in raised.value.problems}
    assert places == {
        ("plan.csv", 3, "teacher_id"),
        ("plan.csv", 4, "teacher_id"),
        ("plan.csv", 5, "from_school"),
        ("plan.csv", 6, "to_school"),
        ("plan.csv", 7, "to_school"),
        ("plan.csv", 8, "subject"),
        ("plan.csv", 9, "term_years"),
        ("plan.csv", 10, "subject"),
    }
    assert "first in row 2" in str(raised.value)


def test_read_plan_csv_names_missing_columns(tmp_path: Path, county: Scenario) -> None:
    path = write_csv(tmp_path / "plan.csv", [["teacher_id", "to_school"], ["T01", "R1"]])

    with pytest.raises(ScenarioError) as raised:
        read_plan_csv(path, county)

    assert {(p.row, p.column) for p in raised.value.problems} == {(1, "from_school"), (1, "subject")}


def test_write_plan_csv_columns(tmp_path: Path) -> None:
    plan = Plan(
        (Move("T01", "U1", "R1", "music", 2, "shortage;rotation_quota"),),
        exchanges=(Move("R00", "R1", "U1", "math", 1, "exchange", kind="exchange"),),
    )
    path = write_plan_csv(plan, tmp_path / "plan.csv")

    assert read_csv(path) == [
        list(PLAN_COLUMNS),
        ["T01", "U1", "R1", "music", "2", "shortage;rotation_quota", "rotation"],
        ["R00", "R1", "U1", "math", "1", "exchange", "exchange"],
    ]


def test_school_balance_counts_before_and_after(county: Scenario) -> None:
    plan = Plan(
        (
            Move("T00", "U1", "R1", "math", 3),  # a backbone teacher
            Move("T05", "U1", "R1", "math", 3),
            Move("P01", "U1", "R1", "principal", 3),
        )
    )

    balance = {b.school_id: b for b in school_balance(county, plan)}

    urban, rural = balance["U1"], balance["R1"]
    assert (urban.headcount_before, urban.headcount_after, urban.establishment) == (12, 9, 10)
    assert (urban.backbone_before, urban.backbone_after) == (3, 2)
    assert (rural.headcount_before, rural.headcount_after) == (1, 4)
    assert (rural.backbone_before, rural.backbone_after) == (1, 2)
    assert (rural.degree_before, rural.degree_after) == (1, 4)
    assert urban.moves_out == ("T00", "T05", "P01")
    assert rural.moves_in == ("T00", "T05", "P01")
    [rural_math] = rural.subjects
    assert (rural_math.required, rural_math.before, rural_math.after) == (3, 1, 3)
    assert (rural_math.shortage_before, rural_math.shortage_after) == (2, 0)
    assert [s.subject for s in urban.subjects] == ["math"]  # the principal teaches no post
    assert asdict(rural)["subjects"][0]["shortage_after"] == 0
    json.dumps([asdict(b) for b in balance.values()])
