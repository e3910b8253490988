"""The plan files of SPEC "Files: the plan" and of "Staffing, not only moves" (recruitment.csv,
itinerant.csv, leaders.csv, coverage.csv), plus plan.xlsx: the same plan as HR reads it in Excel.

Each file is written under a temporary name and renamed, so a crash or a full disk never leaves a
half-written file that looks like a finished one. A conflicts.json or relaxations.json left by an
earlier run in the same folder is removed when this run has none, so the folder always describes
one solve.
"""

from __future__ import annotations

import datetime
import json
import math
import os
from collections.abc import Callable, Sequence
from dataclasses import asdict
from pathlib import Path
from typing import Any

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.properties import PageSetupProperties
from openpyxl.worksheet.worksheet import Worksheet

from optimizer.io import filing
from optimizer.io.cells import as_text
from optimizer.io.filing import post_zh, school_name
from optimizer.io.ledger_csv import (
    COMPLAINT_COLUMNS_ZH,
    COMPLAINTS_FILE,
    LEDGER_COLUMNS_ZH,
    LEDGER_FILE,
    SCHOOL_COLUMNS_ZH,
    complaint_rows,
    ledger_rows,
    school_rows,
    write_complaints_csv,
    write_ledger_csv,
)
from optimizer.io.plan_csv import ROLE_NAMES_ZH, write_plan_csv
from optimizer.io.staffing_csv import (
    COVERAGE_FILE,
    HIRE_KIND_NAMES_ZH,
    ITINERANT_FILE,
    LEADERS_FILE,
    RECRUITMENT_FILE,
    coverage_status,
    filled_by,
    write_coverage_csv,
    write_itinerant_csv,
    write_leaders_csv,
    write_recruitment_csv,
)
from optimizer.ledger import Complaints, TeacherLine, justified_complaints, school_lines, teacher_lines
from optimizer.plan import LEADER_HOW_NAMES_ZH, Leader, Plan, Summary
from optimizer.result import Result
from optimizer.rules import Post, coverage_posts, leaders_after, rule_by_id
from optimizer.scenario import Scenario
from optimizer.schools import school_balance

STATUS_ZH = {"met": "达标", "violated": "未达标", "not_applicable": "不适用"}
SOLVE_STATUS_ZH = {
    "optimal": "最优",
    "feasible": "可行(未证明最优)",
    "infeasible": "刚性规则冲突,无可行方案",
    "timeout_no_plan": "超时,未找到方案",
}
SCOPE_ZH = {
    "plan": "全方案",
    "region": "区域",
    "school": "学校",
    "subject": "学科",
    "teacher": "教师",
    "move": "调动",
}
MODE_ZH = {"hard": "刚性", "elastic": "弹性"}
AREA_ZH = {"urban": "城区", "town": "镇区", "rural": "乡村"}
MAX_COLUMN_WIDTH = 60
TITLE_POINTS = 16
LINE_POINTS = 16
"""A row's height per line of wrapped text, in points."""


def write_outputs(
    result: Result, scenario: Scenario, out_dir: str | Path, today: datetime.date | None = None
) -> list[Path]:
    """Write plan.csv, recruitment.csv, itinerant.csv, leaders.csv, coverage.csv, ledger.csv,
    complaints.csv, report.json, summary.json (with the count of justified complaints),
    plan.xlsx and, when hard rules collide, conflicts.json and relaxations.json; returns the
    paths written. `today` dates the 公示 when the policy's `[notice]` gives no date."""
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    plan = result.plan
    lines = teacher_lines(scenario, plan)
    complaints = justified_complaints(scenario, plan, result.report)
    summary = {
        "scenario": scenario.name,
        "year": scenario.policy.year,
        **asdict(result.summary),
        "justified_complaints": len(complaints.found),
        "complaint_pairs_checked": complaints.checked,
        "complaint_pairs_unchecked": complaints.unchecked,
    }
    posts = coverage_posts(scenario, plan)
    leaders = leaders_after(scenario, plan)
    paths = [
        _write_atomically(out / "plan.csv", lambda path: write_plan_csv(plan, path)),
        _write_atomically(out / RECRUITMENT_FILE, lambda path: write_recruitment_csv(plan, path)),
        _write_atomically(out / ITINERANT_FILE, lambda path: write_itinerant_csv(plan, path)),
        _write_atomically(out / LEADERS_FILE, lambda path: write_leaders_csv(leaders, path)),
        _write_atomically(out / COVERAGE_FILE, lambda path: write_coverage_csv(posts, plan, path)),
        _write_atomically(out / LEDGER_FILE, lambda path: write_ledger_csv(lines, path)),
        _write_atomically(out / COMPLAINTS_FILE, lambda path: write_complaints_csv(complaints.found, path)),
        write_json(out / "report.json", [asdict(row) for row in result.report]),
        write_json(out / "summary.json", summary),
    ]
    for name, values in (("conflicts.json", result.conflicts), ("relaxations.json", result.relaxations)):
        if values:
            paths.append(write_json(out / name, [value.to_dict() for value in values]))
        else:
            (out / name).unlink(missing_ok=True)
    book = _workbook(result, scenario, posts, leaders, today or datetime.date.today())
    _ledger_sheets(book, scenario, plan, lines, complaints)
    paths.append(_write_atomically(out / "plan.xlsx", lambda path: book.save(path)))
    return paths


def _write_atomically(path: Path, write: Callable[[Path], object]) -> Path:
    """`write` fills a temporary file beside `path`, which then replaces `path` in one step."""
    temporary = path.with_name(f".{path.name}.tmp{path.suffix}")
    try:
        write(temporary)
        os.replace(temporary, path)
    finally:
        temporary.unlink(missing_ok=True)
    return path


def write_json(path: Path, data: Any) -> Path:
    text = json.dumps(data, ensure_ascii=False, indent=2) + "\n"
    return _write_atomically(path, lambda temporary: temporary.write_text(text, encoding="utf-8"))


def _workbook(
    result: Result, scenario: Scenario, posts: list[Post], leaders: list[Leader], today: datetime.date
) -> Workbook:
    book = Workbook()
    book.worksheets[0].title = filing.LIST_SHEET
    sent = filing.entries(scenario, result.plan, _reasons_zh)
    _fill(
        book.worksheets[0],
        [filing.COLUMNS_ZH[c] for c in filing.LIST_COLUMNS],
        [entry.cells(number, filing.LIST_COLUMNS) for number, entry in enumerate(sent, start=1)],
        preface=[filing.list_title(scenario)],
    )
    notice = filing.notice_of(scenario, len(sent), today)
    _fill(
        book.create_sheet("公示"),
        [filing.COLUMNS_ZH[c] for c in filing.NOTICE_COLUMNS],
        [entry.cells(number, filing.NOTICE_COLUMNS) for number, entry in enumerate(sent, start=1)],
        preface=notice.lines(),
        closing=[notice.issuer, filing.date_zh(notice.date)],
    )
    _fill(
        book.create_sheet("规则报告"),
        ["规则", "类型", "范围", "对象", "目标", "实际", "状态", "差额", "说明", "Explanation"],
        [
            [
                _rule_zh(r.rule),
                MODE_ZH.get(r.mode, r.mode),
                SCOPE_ZH.get(r.scope, r.scope),
                r.key,
                r.target,
                r.achieved,
                STATUS_ZH.get(r.status, r.status),
                r.shortfall,
                r.sentence_zh,
                r.sentence_en,
            ]
            for r in result.report
        ],
    )
    _fill(
        book.create_sheet("学校前后对比"),
        [
            "学校编号",
            "学校",
            "区域",
            "类别",
            "编制",
            "交流前人数",
            "交流后人数",
            "骨干(前)",
            "骨干(后)",
            "本科及以上(前)",
            "本科及以上(后)",
            "调出",
            "调入",
            "学科",
            "需求",
            "学科人数(前)",
            "学科人数(后)",
            "缺员(前)",
            "缺员(后)",
        ],
        [
            [
                b.school_id,
                b.name,
                b.region,
                _area_zh(scenario, b.school_id),
                b.establishment,
                b.headcount_before,
                b.headcount_after,
                b.backbone_before,
                b.backbone_after,
                b.degree_before,
                b.degree_after,
                len(b.moves_out),
                len(b.moves_in),
                post_zh(s.subject),
                s.required,
                s.before,
                s.after,
                s.shortage_before,
                s.shortage_after,
            ]
            for b in school_balance(scenario, result.plan)
            for s in b.subjects
        ],
    )
    summary = result.summary
    _fill(
        book.create_sheet("汇总"),
        ["项目", "Item", "数值"],
        [
            ["方案", "scenario", scenario.name],
            ["年度", "year", scenario.policy.year],
            ["求解状态", "status", SOLVE_STATUS_ZH.get(summary.status, summary.status)],
            ["目标值", "objective", summary.objective],
            ["下界", "bound", summary.bound],
            ["差距", "gap", summary.gap],
            ["求解用时(秒)", "solve seconds", summary.solve_seconds],
            ["符合交流条件教师", "eligible", summary.eligible],
            ["交流人数", "rotating", summary.rotating],
            ["其中骨干教师", "backbone rotating", summary.backbone_rotating],
            ["补充缺员", "shortage filled", summary.shortage_filled],
            ["缺员总数", "shortage total", summary.shortage_total],
            *_staffing_rows(summary),
            ["刚性规则未达标", "hard rules violated", summary.hard_violations],
        ],
    )
    _fill(
        book.create_sheet(filing.HIRES_SHEET),
        list(filing.HIRE_HEADERS.values()),
        [
            [
                h.school_id,
                school_name(scenario, h.school_id),
                scenario.school_by_id[h.school_id].region,
                _area_zh(scenario, h.school_id),
                post_zh(h.subject),
                h.posts,
                HIRE_KIND_NAMES_ZH.get(h.kind, h.kind),
                _reasons_zh(h.reason),
            ]
            for h in result.plan.hires
        ],
    )
    _fill(
        book.create_sheet(filing.ITINERANT_SHEET),
        list(filing.ITINERANT_HEADERS.values()),
        [
            [
                a.teacher_id,
                scenario.teacher_by_id[a.teacher_id].name,
                school_name(scenario, a.home_school),
                school_name(scenario, a.school_id),
                post_zh(a.subject),
                a.share,
                _km(scenario.km_between_schools(a.home_school, a.school_id)),
            ]
            for a in result.plan.itinerant
        ],
    )
    how = filled_by(result.plan, chinese=True)
    _fill(
        book.create_sheet("学科配备"),
        ["学校编号", "学校", "区域", "类别", "学科", "需求", "交流前", "交流后", "状态", "补充方式"],
        [
            [
                p.school_id,
                school_name(scenario, p.school_id),
                scenario.school_by_id[p.school_id].region,
                _area_zh(scenario, p.school_id),
                post_zh(p.subject),
                p.required,
                p.before,
                int(p.after) if p.after == int(p.after) else p.after,
                coverage_status(p),
                how.get((p.school_id, p.subject), ""),
            ]
            for p in posts
        ],
    )
    _fill(
        book.create_sheet(filing.LEADERS_SHEET),
        list(filing.LEADER_HEADERS.values()),
        [
            [
                x.school_id,
                school_name(scenario, x.school_id),
                x.teacher_id,
                scenario.teacher_by_id[x.teacher_id].name,
                ROLE_NAMES_ZH.get(scenario.teacher_by_id[x.teacher_id].role, "教师"),
                LEADER_HOW_NAMES_ZH.get(x.how, x.how),
            ]
            for x in leaders
        ],
    )
    if result.conflicts:
        _fill(
            book.create_sheet("规则冲突"),
            ["冲突", "规则", "范围", "对象", "目标", "说明", "Explanation"],
            [
                [
                    number,
                    _rule_zh(i.rule),
                    SCOPE_ZH.get(i.scope, i.scope),
                    i.key,
                    i.target,
                    i.sentence_zh,
                    i.sentence_en,
                ]
                for number, conflict in enumerate(result.conflicts, start=1)
                for i in conflict.instances
            ],
        )
    if result.relaxations:
        _fill(
            book.create_sheet("放宽方案"),
            ["冲突", "放宽幅度", "方案", "Proposal", "参数调整", "方案成本"],
            [
                [
                    r.conflict + 1,
                    r.units,
                    r.change.sentence_zh,
                    r.change.sentence_en,
                    "; ".join(r.change.overrides),
                    r.plan_cost,
                ]
                for r in result.relaxations
            ],
        )
    return book


def _ledger_sheets(
    book: Workbook, scenario: Scenario, plan: Plan, lines: list[TeacherLine], complaints: Complaints
) -> None:
    """台账 (a line per teacher), 学校台账 (a line per school) and 合理诉求 (the complaints)."""
    _fill(book.create_sheet("台账"), LEDGER_COLUMNS_ZH, ledger_rows(lines))
    _fill(book.create_sheet("学校台账"), SCHOOL_COLUMNS_ZH, school_rows(school_lines(scenario, plan)))
    _fill(
        book.create_sheet("合理诉求"),
        COMPLAINT_COLUMNS_ZH,
        [
            [*cells, c.sentence("zh"), c.sentence("en")]
            for cells, c in zip(complaint_rows(complaints.found), complaints.found, strict=True)
        ],
    )
    book["汇总"].append(["合理诉求(越过到期更早者)", "justified complaints", len(complaints.found)])


def _staffing_rows(summary: Summary) -> list[list[Any]]:
    """The summary's staffing figures: unmet posts over every school, hires, exchanges, 走教, heads."""
    return [
        ["全县缺岗(调整前)", "unmet posts before", summary.unmet_before],
        ["全县缺岗(调整后)", "unmet posts after", summary.unmet_after],
        ["其中补上原有空缺", "earlier vacancies filled", summary.vacancies_filled],
        ["原有空缺仍缺", "earlier vacancies still open", summary.vacancies_open],
        ["新增空缺", "vacancies the plan opens", summary.vacancies_created],
        ["招聘人数", "hires", summary.hires],
        ["招聘名额", "hiring budget", summary.hire_budget],
        ["跟岗人数", "exchanges", summary.exchanges],
        ["走教安排", "走教 assignments", summary.itinerant_assignments],
        ["有校长的学校(调整前)", "schools with a principal before", summary.schools_with_principal_before],
        ["有校长的学校(调整后)", "schools with a principal after", summary.schools_with_principal_after],
    ]


def _fill(
    sheet: Worksheet,
    header: Sequence[str],
    rows: Sequence[Sequence[Any]],
    preface: Sequence[str] = (),
    closing: Sequence[str] = (),
) -> None:
    """A table ready to print and file: `preface` lines across the table's width (the first one its
    title), a bold header frozen under them, with an autofilter and repeated on every printed page,
    the rows, then `closing` lines on the right (who issues a notice, and when). Each column is as
    wide as its longest cell (CJK counts double); pages are landscape A4, one page wide, numbered,
    with the cells' grid.
    A sheet without a title line has the sheet's name as its printed page header."""
    for line in preface:
        sheet.append([line])
    sheet.append(list(header))
    header_row = sheet.max_row
    for row in rows:
        sheet.append(list(row))
    last_row = sheet.max_row
    for line in closing:
        sheet.append([line])
    as_text(sheet)
    for cell in sheet[header_row]:
        cell.font = Font(bold=True)
        cell.alignment = Alignment(vertical="center")
    widths = [
        min(MAX_COLUMN_WIDTH, max(_display_width(value) for value in column) + 2)
        for column in sheet.iter_cols(min_row=header_row, max_row=last_row, values_only=True)
    ]
    for index, width in enumerate(widths, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = width
    last_column = get_column_letter(len(header))
    for number, line in enumerate(preface, start=1):
        sheet.merge_cells(f"A{number}:{last_column}{number}")
        first = number == 1
        sheet[f"A{number}"].font = Font(bold=first, size=TITLE_POINTS if first else None)
        sheet[f"A{number}"].alignment = Alignment(horizontal="center" if first else "left", wrap_text=True)
        lines = math.ceil(_display_width(line) / max(1, sum(widths) - 2))
        sheet.row_dimensions[number].height = (TITLE_POINTS + 8) if first else LINE_POINTS * lines
    for number in range(last_row + 1, sheet.max_row + 1):
        sheet.merge_cells(f"A{number}:{last_column}{number}")
        sheet[f"A{number}"].alignment = Alignment(horizontal="right")
    sheet.freeze_panes = f"A{header_row + 1}"
    sheet.auto_filter.ref = f"A{header_row}:{last_column}{last_row}"
    sheet.print_title_rows = f"{header_row}:{header_row}"
    page_header, page_footer = sheet.oddHeader, sheet.oddFooter
    assert page_header is not None and page_footer is not None  # openpyxl makes both with the sheet
    if not preface:
        page_header.center.text = sheet.title.replace("&", "&&")
    page_footer.center.text = "第 &P 页，共 &N 页"
    sheet.page_setup.orientation = "landscape"
    sheet.page_setup.paperSize = sheet.PAPERSIZE_A4
    sheet.page_setup.fitToWidth = 1
    sheet.page_setup.fitToHeight = 0
    sheet.sheet_properties.pageSetUpPr = PageSetupProperties(fitToPage=True)
    sheet.print_options.horizontalCentered = True
    sheet.print_options.gridLines = True


def _display_width(value: Any) -> int:
    text = "" if value is None else str(value)
    return sum(2 if ord(char) > 0x2E80 else 1 for char in text)


def _km(km: float | None) -> float | None:
    return None if km is None else round(km, 1)


def _area_zh(scenario: Scenario, school_id: str) -> str:
    school = scenario.school_by_id[school_id]
    return AREA_ZH.get(school.area, school.area) + (" 薄弱校" if school.is_weak else "")


def _reasons_zh(reason: str) -> str:
    """A `;`-separated list of rule ids as the rules' Chinese titles."""
    return "、".join(_rule_zh(rule_id) for rule_id in reason.split(";") if rule_id)


def _rule_zh(rule_id: str) -> str:
    try:
        return rule_by_id(rule_id).title_zh
    except KeyError:
        return rule_id
