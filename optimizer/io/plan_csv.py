"""plan.csv (SPEC "Files: the plan"): one row per move, written for Excel, read back from HR.

HR edits plans by hand, so reading validates every row against the scenario and reports all
problems at once, each with its row and column. Rule questions (is the teacher eligible, does the
subject fit) are not input errors: the checker answers them in the rule report.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from optimizer.errors import Problem, ScenarioError
from optimizer.io.problems import (
    bad_encoding,
    bad_value,
    blank_value,
    missing_path,
    unknown_reference,
    unreadable_csv,
)
from optimizer.io.tables import is_blank, table_from_grid
from optimizer.plan import Move, Plan
from optimizer.rules import term_years
from optimizer.scenario import Scenario
from optimizer.subjects import subject_code

PLAN_COLUMNS = ("teacher_id", "from_school", "to_school", "subject", "term_years", "reason")
REQUIRED_COLUMNS = ("teacher_id", "from_school", "to_school", "subject")
ROLE_NAMES_ZH = {"principal": "校长", "vice_principal": "副校长"}


def write_plan_csv(plan: Plan, path: str | Path) -> Path:
    """UTF-8 with a BOM, so Excel shows Chinese school names and reasons correctly."""
    path = Path(path)
    with path.open("w", encoding="utf-8-sig", newline="") as file:
        writer = csv.writer(file)
        writer.writerow(PLAN_COLUMNS)
        for m in plan.moves:
            writer.writerow((m.teacher_id, m.from_school, m.to_school, m.subject, m.term_years, m.reason))
    return path


def read_plan_csv(path: str | Path, scenario: Scenario) -> Plan:
    """A plan from a CSV file; ScenarioError lists every problem. Blank term_years means the
    policy's term; `term_years` and `reason` columns may be left out."""
    path = Path(path)
    label = path.name
    if not path.is_file():
        raise ScenarioError([missing_path(str(path), "file")])
    problems: list[Problem] = []
    text = _decode(path.read_bytes())
    if text is None:
        raise ScenarioError([bad_encoding(label)])
    try:
        table = table_from_grid(label, list(csv.reader(io.StringIO(text))), problems)
    except csv.Error as error:
        raise ScenarioError([unreadable_csv(label, error)]) from None
    columns = table.columns or ()
    missing = [c for c in REQUIRED_COLUMNS if c not in columns]
    zh = f"缺少此列;方案的列为 {'、'.join(PLAN_COLUMNS)}(term_years、reason 可省略)"
    en = f"missing column; a plan has columns {', '.join(PLAN_COLUMNS)} (term_years, reason optional)"
    problems += [Problem(code="missing_column", zh=zh, en=en, file=label, row=1, column=c) for c in missing]
    if missing:
        raise ScenarioError(problems)

    first_row: dict[str, int] = {}
    moves = []
    for row_number, cells in table.rows:
        move = _move(scenario, label, row_number, cells, problems)
        if move.teacher_id in first_row:
            first = first_row[move.teacher_id]
            problems.append(
                Problem(
                    code="duplicate_id",
                    zh=f"教师 {move.teacher_id} 出现了两次(首次在第 {first} 行)",
                    en=f"teacher {move.teacher_id} is listed twice (first in row {first})",
                    file=label,
                    row=row_number,
                    column="teacher_id",
                )
            )
        elif move.teacher_id:
            first_row[move.teacher_id] = row_number
        moves.append(move)
    if problems:
        raise ScenarioError(problems)
    return Plan(tuple(moves))


def _move(
    scenario: Scenario, label: str, row_number: int, cells: Mapping[str, Any], problems: list[Problem]
) -> Move:
    """One row as a move; its problems are appended to `problems`."""

    def problem(code: str, column: str, zh: str, en: str) -> None:
        problems.append(Problem(code=code, zh=zh, en=en, file=label, row=row_number, column=column))

    values = {c: "" if is_blank(cells.get(c)) else str(cells[c]).strip() for c in PLAN_COLUMNS}
    for column in REQUIRED_COLUMNS:
        if not values[column]:
            problems.append(blank_value(label, row_number, column))
    teacher_id, from_school, to_school = values["teacher_id"], values["from_school"], values["to_school"]
    teacher = scenario.teacher_by_id.get(teacher_id)
    if teacher_id and teacher is None:
        problems.append(
            unknown_reference(label, row_number, "teacher_id", "teacher", teacher_id, source="teachers.csv")
        )
    if teacher is not None and from_school and from_school != scenario.home_school(teacher):
        home = scenario.home_school(teacher)
        zh = f"教师 {teacher_id} 今年属于 {home},而不是 {from_school}"
        en = f"teacher {teacher_id} belongs to {home} this year, not {from_school}"
        problem("wrong_school", "from_school", zh, en)
    if to_school and to_school not in scenario.school_by_id:
        problems.append(
            unknown_reference(label, row_number, "to_school", "school", to_school, source="schools.csv")
        )
    elif to_school and to_school == from_school:
        zh = "与 from_school 相同;交流须去往另一所学校"
        problem("self_reference", "to_school", zh, "the same as from_school; a move goes to another school")

    raw_subject = values["subject"]
    role = teacher.role if teacher is not None else "teacher"
    if role in ROLE_NAMES_ZH:
        post = role
        if raw_subject not in ("", role, ROLE_NAMES_ZH[role]):
            name_zh = ROLE_NAMES_ZH[role]
            zh = f"教师 {teacher_id} 是{name_zh},填补的就是该岗位;请填写 {role} 或 {name_zh},或留空"
            en = (
                f"teacher {teacher_id} is a {role} and fills that post; "
                f"write {role} or {name_zh}, or leave it blank"
            )
            problem("wrong_post", "subject", zh, en)
    else:
        post = subject_code(raw_subject) or raw_subject
        if raw_subject and subject_code(raw_subject) is None:
            zh = f"未知的学科 {raw_subject!r};应为学科代码或学科中文名"
            en = f"unknown subject {raw_subject!r}; expected a subject code or its Chinese name"
            problem("bad_value", "subject", zh, en)

    term = term_years(scenario.policy)
    if values["term_years"]:
        try:
            term = int(values["term_years"])
        except ValueError:
            got = repr(values["term_years"])
            problems.append(
                bad_value(label, row_number, "term_years", "整数年数", "a whole number of years", got)
            )
    return Move(teacher_id, from_school, to_school, post, term, values["reason"])


def _decode(data: bytes) -> str | None:
    """UTF-8 (with or without BOM), or GB18030 as saved by Excel on a Chinese Windows."""
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    return None
