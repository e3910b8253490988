"""The fairness ledger's files beside plan.csv: ledger.csv (one row per teacher) and
complaints.csv (every justified complaint), English headers like the plan's other CSV files; the
workbook's 台账, 学校台账 and 合理诉求 sheets give the same rows under Chinese headers."""

from __future__ import annotations

import csv
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

from optimizer.ledger import Complaint, SchoolLine, TeacherLine

LEDGER_FILE = "ledger.csv"
COMPLAINTS_FILE = "complaints.csv"

LEDGER_COLUMNS = (
    "teacher_id",
    "name",
    "school_id",
    "rural_years",
    "weak_years",
    "rotations",
    "owed_years",
    "last_rotated_year",
    "due_year",
    "overdue_years",
    "moves_to",
)
LEDGER_COLUMNS_ZH = (
    "教师编号",
    "姓名",
    "学校编号",
    "乡村任教年数",
    "薄弱校任教年数",
    "已交流次数",
    "尚欠服务年数",
    "上次交流年份",
    "符合交流条件年份",
    "已到期年数",
    "本次交流至",
)
SCHOOL_COLUMNS_ZH = (
    "学校编号",
    "学校",
    "符合交流条件教师",
    "历年派出",
    "历年接收",
    "本次派出",
    "本次接收",
    "每年应派出",
    "年数",
    "应派出合计",
    "派出超出应派出",
)
COMPLAINT_COLUMNS = (
    "teacher_id",
    "due_year",
    "passed_for",
    "passed_for_due_year",
    "to_school",
    "post",
    "same_school",
)
COMPLAINT_COLUMNS_ZH = (
    "教师编号",
    "符合交流条件年份",
    "被越过而交流者",
    "其符合交流条件年份",
    "交流至",
    "岗位",
    "同校",
    "说明",
    "Explanation",
)


def ledger_rows(lines: Sequence[TeacherLine]) -> list[list[Any]]:
    """The teacher lines as ledger.csv's and the 台账 sheet's rows (blank where none)."""
    return [
        [
            x.teacher_id,
            x.name,
            x.school_id,
            x.rural_years,
            x.weak_years,
            x.rotations,
            x.owed_years,
            _blank(x.last_rotated_year),
            _blank(x.due_year),
            _blank(x.overdue_years),
            x.moves_to,
        ]
        for x in lines
    ]


def school_rows(lines: Sequence[SchoolLine]) -> list[list[Any]]:
    return [
        [
            x.school_id,
            x.name,
            x.eligible,
            x.sent_before,
            x.received_before,
            x.sent_now,
            x.received_now,
            x.share_per_year,
            x.years,
            x.share,
            x.sent_against_share,
        ]
        for x in lines
    ]


def complaint_rows(complaints: Sequence[Complaint]) -> list[list[Any]]:
    return [
        [
            c.teacher_id,
            c.due_year,
            c.passed_for,
            _blank(c.passed_for_due_year),
            c.to_school,
            c.post,
            int(c.same_school),
        ]
        for c in complaints
    ]


def write_ledger_csv(lines: Sequence[TeacherLine], path: Path) -> Path:
    return _write_csv(path, LEDGER_COLUMNS, ledger_rows(lines))


def write_complaints_csv(complaints: Sequence[Complaint], path: Path) -> Path:
    return _write_csv(path, COMPLAINT_COLUMNS, complaint_rows(complaints))


def _blank(value: int | None) -> int | str:
    return "" if value is None else value


def _write_csv(path: Path, columns: Sequence[str], rows: Iterable[Sequence[Any]]) -> Path:
    """UTF-8 with a BOM for Excel, like plan.csv; the header even without rows."""
    with path.open("w", encoding="utf-8-sig", newline="") as file:
        writer = csv.writer(file)
        writer.writerow(columns)
        writer.writerows(rows)
    return path
