"""plan.csv (SPEC "Files: the plan"): one row per move, written for Excel, read back from HR.

Rotation moves come first, then the exchanges (跟岗), each row naming its `kind`; a plan.csv
without that column reads as rotation moves only. HR edits plans by hand, so reading validates
every row against the scenario and reports all problems at once, each with its row and column.
Rule questions (is the teacher eligible, does the subject fit) are not input errors: the checker
answers them in the rule report. The helpers below read the other plan files the same way.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from optimizer.errors import Problem, ScenarioError
from optimizer.io.build import shown
from optimizer.io.problems import (
    NOUNS_ZH,
    bad_encoding,
    bad_value,
    blank_value,
    duplicate,
    missing_path,
    unknown_reference,
    unreadable_csv,
)
from optimizer.io.tables import RawTable, is_blank, table_from_grid
from optimizer.plan import MOVE_KINDS, Move, Plan
from optimizer.rules import move_term
from optimizer.scenario import Scenario
from optimizer.subjects import subject_code

PLAN_COLUMNS = ("teacher_id", "from_school", "to_school", "subject", "term_years", "reason", "kind")
REQUIRED_COLUMNS = ("teacher_id", "from_school", "to_school", "subject")
ROLE_NAMES_ZH = {"principal": "校长", "vice_principal": "副校长"}
ROLE_OF_POST = {name: role for role, zh in ROLE_NAMES_ZH.items() for name in (role, zh)}
MOVE_KIND_NAMES_ZH = dict(zip(MOVE_KINDS, ("交流轮岗", "跟岗"), strict=True))
COUNTERS_ZH = {"teacher": "位", "school": "所"}


def write_plan_csv(plan: Plan, path: str | Path) -> Path:
    """UTF-8 with a BOM, so Excel shows Chinese school names and reasons correctly."""
    path = Path(path)
    with path.open("w", encoding="utf-8-sig", newline="") as file:
        writer = csv.writer(file)
        writer.writerow(PLAN_COLUMNS)
        for m in (*plan.moves, *plan.exchanges):
            writer.writerow(
                (m.teacher_id, m.from_school, m.to_school, m.subject, m.term_years, m.reason, m.kind)
            )
    return path


def read_plan_csv(path: str | Path, scenario: Scenario) -> Plan:
    """A plan from a CSV file; ScenarioError lists every problem. Blank term_years means the
    policy's term (an exchange states its own); `term_years`, `reason` and `kind` (blank: rotation)
    may be left out."""
    problems: list[Problem] = []
    plan = read_moves(Path(path), scenario, problems)
    if problems:
        raise ScenarioError(problems)
    return plan


def read_moves(path: Path, scenario: Scenario, problems: list[Problem]) -> Plan:
    """The moves and exchanges of a plan.csv; its problems are appended to `problems`."""
    table = read_csv_table(path, PLAN_COLUMNS, REQUIRED_COLUMNS, problems)
    if table is None:
        return Plan(())
    listed: dict[str, int] = {}
    moves = []
    for row in table_rows(table, PLAN_COLUMNS, problems):
        row.required(*REQUIRED_COLUMNS)
        teacher_id = row.teacher(scenario, "teacher_id")
        kind = row.choice("kind", MOVE_KIND_NAMES_ZH, default=MOVE_KINDS[0])
        term_years = None
        if row.values["term_years"]:
            try:
                term_years = int(row.values["term_years"])
            except ValueError:
                row.bad("term_years", "整数年数", "a whole number of years")
        move = move_of(row, scenario, teacher_id, row.values["from_school"], kind, term_years)
        listed_once(row, teacher_id, "teacher_id", listed)
        moves.append(move)
    return plan_of_moves(moves)


def plan_of_moves(moves: Sequence[Move]) -> Plan:
    """The rotation moves and the exchanges, each in the order listed."""
    rotation = MOVE_KINDS[0]
    return Plan(
        tuple(m for m in moves if m.kind == rotation),
        exchanges=tuple(m for m in moves if m.kind != rotation),
    )


def listed_once(row: RowReader, teacher_id: str, column: str, listed: dict[str, int]) -> None:
    """A teacher moves once: a second row of theirs is a problem naming the first."""
    if teacher_id in listed:
        first = listed[teacher_id]
        row.problem(
            "duplicate_id",
            column,
            f"教师 {teacher_id} 出现了两次(首次在第 {first} 行)",
            f"teacher {teacher_id} is listed twice (first in row {first})",
        )
    elif teacher_id:
        listed[teacher_id] = row.row


def read_csv_table(
    path: Path, columns: Sequence[str], required: Sequence[str], problems: list[Problem]
) -> RawTable | None:
    """A plan file as a table, or None when it cannot be read or lacks a required column (its
    problems appended). Other columns than `columns` are not read."""
    label = path.name
    if not path.is_file():
        problems.append(missing_path(str(path), "file"))
        return None
    text = _decode(path.read_bytes())
    if text is None:
        problems.append(bad_encoding(label))
        return None
    try:
        table = table_from_grid(label, list(csv.reader(io.StringIO(text))), problems)
    except csv.Error as error:
        problems.append(unreadable_csv(label, error))
        return None
    present = table.columns or ()
    missing = [c for c in required if c not in present]
    optional = [c for c in columns if c not in required]
    zh = f"缺少此列;{label} 的列为 {'、'.join(columns)}"
    en = f"missing column; {label} has columns {', '.join(columns)}"
    if optional:
        zh += f"({'、'.join(optional)} 可省略)"
        en += f" ({', '.join(optional)} optional)"
    problems += [Problem(code="missing_column", zh=zh, en=en, file=label, row=1, column=c) for c in missing]
    return None if missing else table


@dataclass(frozen=True)
class Names:
    """The scenario's teachers and schools by name, for a file that names them (plan.xlsx writes
    school names, and HR adds a teacher by name): name -> the ids it names."""

    teachers: Mapping[str, tuple[str, ...]]
    schools: Mapping[str, tuple[str, ...]]

    @classmethod
    def of(cls, scenario: Scenario) -> Names:
        teachers: dict[str, tuple[str, ...]] = {}
        for teacher in scenario.teachers:
            if teacher.name:
                teachers[teacher.name] = (*teachers.get(teacher.name, ()), teacher.teacher_id)
        schools: dict[str, tuple[str, ...]] = {}
        for school in scenario.schools:
            if school.name:
                schools[school.name] = (*schools.get(school.name, ()), school.school_id)
        return cls(teachers, schools)


def table_rows(
    table: RawTable, columns: Sequence[str], problems: list[Problem], names: Names | None = None
) -> Iterator[RowReader]:
    """A reader for each row of `table`; with `names`, teachers and schools may be given by name."""
    for row_number, cells in table.rows:
        yield RowReader(table, row_number, cells, columns, problems, names)


class RowReader:
    """One row of a plan file: its cells as stripped text, and checks that append their problems,
    each naming the column as the file writes it."""

    def __init__(
        self,
        table: RawTable,
        row_number: int,
        cells: Mapping[str, Any],
        columns: Sequence[str],
        problems: list[Problem],
        names: Names | None = None,
    ) -> None:
        self.label = table.label
        self.written = table.written
        self.row = row_number
        self.values = {c: "" if is_blank(cells.get(c)) else str(cells[c]).strip() for c in columns}
        self.problems = problems
        self.names = names

    def shown(self, column: str) -> str:
        """The column as the file's header writes it (交流学校 for to_school)."""
        return self.written.get(column, column)

    def problem(self, code: str, column: str, zh: str, en: str) -> None:
        self.problems.append(
            Problem(code=code, zh=zh, en=en, file=self.label, row=self.row, column=self.shown(column))
        )

    def bad(self, column: str, expected_zh: str, expected_en: str) -> None:
        self.problems.append(
            bad_value(
                self.label, self.row, self.shown(column), expected_zh, expected_en, shown(self.values[column])
            )
        )

    def required(self, *columns: str) -> None:
        for column in columns:
            if not self.values[column]:
                self.problems.append(blank_value(self.label, self.row, self.shown(column)))

    def teacher(self, scenario: Scenario, column: str) -> str:
        """A teacher's id, given as the id (or, with `names`, as a name naming one teacher)."""
        value = self.values[column]
        if not value or value in scenario.teacher_by_id:
            return value
        return self._named(column, "teacher", "teachers.csv", self.names.teachers if self.names else {})

    def school(self, scenario: Scenario, column: str) -> str:
        """A school's id, given as the id (or, with `names`, as a name naming one school)."""
        value = self.values[column]
        if not value or value in scenario.school_by_id:
            return value
        return self._named(column, "school", "schools.csv", self.names.schools if self.names else {})

    def _named(self, column: str, what: str, source: str, ids_of: Mapping[str, tuple[str, ...]]) -> str:
        """The id the column's name stands for; an unknown or shared name is a problem (the value
        is returned as given)."""
        value = self.values[column]
        ids = ids_of.get(value, ())
        if len(ids) == 1:
            return ids[0]
        if not ids:
            self.problems.append(
                unknown_reference(self.label, self.row, self.shown(column), what, value, source=source)
            )
        else:
            noun_zh, count_zh = NOUNS_ZH[what], f"{len(ids)} {COUNTERS_ZH[what]}"
            self.problem(
                "ambiguous_name",
                column,
                f"有 {count_zh}{noun_zh}名为 {shown(value)}({'、'.join(ids)});请改填{noun_zh}编号",
                f"{len(ids)} {what}s are named {shown(value)} ({', '.join(ids)}); give the {what}'s id",
            )
        return value

    def subject(self, column: str) -> str:
        """A subject code, from the code or the Chinese name."""
        value = self.values[column]
        code = subject_code(value)
        if value and code is None:
            zh = f"未知的学科 {shown(value)};应为学科代码或学科中文名"
            en = f"unknown subject {shown(value)}; expected a subject code or its Chinese name"
            self.problem("bad_value", column, zh, en)
        return code or value

    def choice(self, column: str, names_zh: Mapping[str, str], default: str | None = None) -> str:
        """One of the codes `names_zh` maps, given as the code or its Chinese name; blank is
        `default` (with none, a blank is left to `required`)."""
        value = self.values[column]
        if not value and default is not None:
            return default
        by_name = {code: code for code in names_zh} | {zh: code for code, zh in names_zh.items()}
        code = by_name.get(value.lower()) or by_name.get(value)
        if code is None:
            if value:
                options_zh = "、".join(f"{c}({zh})" for c, zh in names_zh.items())
                self.bad(column, f"以下之一:{options_zh}", f"one of {', '.join(names_zh)}")
            return value
        return code

    def whole_number(self, column: str, expected_zh: str, expected_en: str) -> int | None:
        """A whole number of at least 1, or None (blank, or a problem)."""
        value = self.values[column]
        if not value:
            return None
        try:
            number = int(value)
        except ValueError:
            number = 0
        if number < 1:
            self.bad(column, expected_zh, expected_en)
            return None
        return number

    def first_time(self, key: tuple[str, ...], seen: dict[tuple[str, ...], int], column: str) -> None:
        """`key` is listed once per file: a second row is a problem naming the first."""
        if not all(key):
            return
        if key in seen:
            what = key[0] if len(key) == 1 else f"({', '.join(key)})"
            self.problems.append(duplicate(self.label, self.row, self.shown(column), what, seen[key]))
        else:
            seen[key] = self.row


def move_of(
    row: RowReader, scenario: Scenario, teacher_id: str, from_school: str, kind: str, term_years: int | None
) -> Move:
    """A row of any plan file as a move, once its teacher, origin, kind and stated term (None: the
    policy's) are read: the origin must be the teacher's school, the destination (`to_school`)
    another school, and the post (`subject`) a subject, or the leader's own role."""
    values = row.values
    teacher = scenario.teacher_by_id.get(teacher_id)
    if teacher is not None and from_school and from_school != scenario.home_school(teacher):
        home = scenario.home_school(teacher)
        zh = f"教师 {teacher_id} 今年属于 {home},而不是 {from_school}"
        en = f"teacher {teacher_id} belongs to {home} this year, not {from_school}"
        row.problem("wrong_school", "from_school", zh, en)
    to_school = row.school(scenario, "to_school")
    if to_school in scenario.school_by_id and to_school == from_school:
        origin = row.shown("from_school")
        zh = f"与 {origin} 相同;交流须去往另一所学校"
        row.problem("self_reference", "to_school", zh, f"the same as {origin}; a move goes to another school")

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
            row.problem("wrong_post", "subject", zh, en)
    elif teacher is None and raw_subject in ROLE_OF_POST:
        post = ROLE_OF_POST[raw_subject]  # a leader's post; whose is the unknown teacher's problem
    else:
        post = row.subject("subject")

    if term_years is None:
        term_years = move_term(scenario, teacher_id, kind) if teacher_id in scenario.teacher_by_id else 0
    return Move(teacher_id, from_school, to_school, post, term_years, values["reason"], kind)


def _decode(data: bytes) -> str | None:
    """UTF-8 (with or without BOM), or GB18030 as saved by Excel on a Chinese Windows."""
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    return None
