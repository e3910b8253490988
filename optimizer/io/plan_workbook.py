"""A plan read back from plan.xlsx (SPEC "Files: the plan"), as HR edited it in Excel or WPS:
`rotation check BUNDLE plan.xlsx` (.xls and WPS .et are read as the scenario loader reads them).

The sheets are those `write_outputs` writes, under the headers it writes (a title row may stand
above a header; extra columns and sheets are not read):

- 交流名单, one row per teacher sent: the teacher by 教师编号, or by 姓名 when the id is blank (a
  name naming several teachers is a problem listing their ids; 姓名 beside an id must be that
  teacher's); 原学校 and 交流学校 by name or id (a blank 原学校 is the teacher's school); 学科 as a
  subject's Chinese name or code (校长 / 副校长 for a leader's own post); 交流方式 交流轮岗 (or
  blank), 跟岗 or 走教; 起止年月 as whole school years from the plan's year (2027.09-2030.08 is a
  3-year term; blank is the policy's term; a 走教 holds for one year); 交流依据 as the rules' titles.
- 走教安排, the 走教 shares (岗位份额): every row of it is a 走教, as itinerant.csv's rows are. A 走教
  row of 交流名单 is that 走教 as HR lists it (its schools and subject are taken from the list), its
  share from the first 走教安排 row of the same teacher and 走教学校; a list row with no such row
  is a problem (no share), and a 走教安排 row no list row names still counts. So deleting a 走教
  takes deleting its row in both sheets.
- 招聘计划 (hires) and 校长配备 (the heads after the plan, compared with the plan's as leaders.csv
  is) as recruitment.csv and leaders.csv, schools by id or name.

A sheet the workbook lacks means nothing of that kind, but a workbook without 交流名单 is no plan
workbook. Rows are read by the same row checks as the CSV files; problems name the workbook and
sheet (`plan.xlsx · 交流名单`), the spreadsheet's row and the Chinese column, every sheet's at once.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from optimizer.errors import Problem, ScenarioError
from optimizer.io import filing
from optimizer.io.plan_csv import (
    Names,
    RowReader,
    listed_once,
    move_of,
    plan_of_moves,
    table_rows,
)
from optimizer.io.problems import missing_path, renumbered
from optimizer.io.staffing_csv import (
    ITINERANT_COLUMNS,
    LEADER_COLUMNS,
    RECRUITMENT_COLUMNS,
    PlanFiles,
    hires_of,
    itinerant_of,
    leaders_of,
)
from optimizer.io.tables import RawTable, header_name, table_from_grid
from optimizer.io.workbook import Grid, read_sheets
from optimizer.plan import MOVE_KINDS, Hire, ItinerantAssignment, Leader, Move
from optimizer.rules import all_rules
from optimizer.scenario import Scenario

HEADER_SEARCH_ROWS = 10
"""A sheet's header is looked for in its first rows: titles (and HR's notes) may stand above it."""
SHEET_SEPARATOR = " · "

LIST_COLUMNS = ("teacher_id", "name", "from_school", "to_school", "subject", "kind", "span", "reason")
REASON_SEPARATOR_ZH = "、"
SPAN = re.compile(r"(\d{4})\s*[./年-]\s*(\d{1,2})\s*月?\s*[-–—~～至]\s*(\d{4})\s*[./年-]\s*(\d{1,2})\s*月?")
"""起止年月 as written: 2027.09-2030.08 (also 2027/9–2030/8, 2027年9月至2030年8月)."""


@dataclass(frozen=True)
class Sheet:
    """A sheet of plan.xlsx: its Chinese headers (the writer's) as the columns they name, and the
    columns its header must have (and at least one of `one_of`)."""

    title: str
    headers: Mapping[str, str]
    required: tuple[str, ...]
    one_of: tuple[str, ...] = ()

    def column_of(self, cell: Any) -> str | None:
        """The column a header cell names: a Chinese header (spaces and full-width brackets
        aside) or the column's own name (teacher_id)."""
        name = re.sub(r"\s+", "", header_name(cell)).replace("（", "(").replace("）", ")")
        if name in self.headers.values():
            return name
        return self.headers.get(name)

    def is_header(self, line: Sequence[Any]) -> bool:
        found = {self.column_of(cell) for cell in line}
        return set(self.required) <= found and (not self.one_of or bool(found & set(self.one_of)))

    def expected(self, lang: str) -> str:
        """The headers the sheet needs, as a problem names them."""
        zh_of = {column: zh for zh, column in self.headers.items()}
        required = [zh_of[c] for c in self.required]
        either = [zh_of[c] for c in self.one_of]
        if lang == "zh":
            return "、".join(required) + (f" 及 {' 或 '.join(either)}" if either else "")
        return ", ".join(required) + (f" and {' or '.join(either)}" if either else "")


LIST = Sheet(
    filing.LIST_SHEET,
    {filing.COLUMNS_ZH[column]: column for column in LIST_COLUMNS},
    required=("to_school", "subject"),
    one_of=("teacher_id", "name"),
)
HIRES = Sheet(
    filing.HIRES_SHEET,
    {filing.HIRE_HEADERS[column]: column for column in RECRUITMENT_COLUMNS},
    required=RECRUITMENT_COLUMNS[:3],
)
ITINERANT = Sheet(
    filing.ITINERANT_SHEET,
    {filing.ITINERANT_HEADERS[column]: column for column in ITINERANT_COLUMNS},
    required=ITINERANT_COLUMNS,
)
LEADERS = Sheet(
    filing.LEADERS_SHEET,
    {filing.LEADER_HEADERS[column]: column for column in LEADER_COLUMNS},
    required=LEADER_COLUMNS,
)


def read_plan_workbook(path: str | Path, scenario: Scenario) -> PlanFiles:
    """The plan of a plan.xlsx (or .xls / .et) and the heads its 校长配备 names (None: no such
    sheet); ScenarioError lists every problem of every sheet."""
    path = Path(path)
    if not path.is_file():
        raise ScenarioError([missing_path(str(path), "file")])
    grids = {title.strip(): grid for title, grid in read_sheets(path).items()}
    if filing.LIST_SHEET not in grids:
        zh = f"不是方案工作簿:没有“{filing.LIST_SHEET}”工作表(rotation solve 写出的 plan.xlsx 中有)"
        en = f"not a plan workbook: no sheet {filing.LIST_SHEET} (the plan.xlsx rotation solve writes has it)"
        raise ScenarioError([Problem(code="missing_table", zh=zh, en=en, file=path.name)])
    problems: list[Problem] = []
    names = Names.of(scenario)
    tables = {
        sheet.title: _sheet_table(sheet_label(path, sheet.title), grids[sheet.title], sheet, problems)
        for sheet in (LIST, HIRES, ITINERANT, LEADERS)
        if sheet.title in grids
    }
    hires: tuple[Hire, ...] = ()
    if (table := tables.get(filing.HIRES_SHEET)) is not None:
        hires = hires_of(_with_rule_ids(table), scenario, problems, names)
    shares: tuple[ItinerantAssignment, ...] = ()
    if (table := tables.get(filing.ITINERANT_SHEET)) is not None:
        shares = itinerant_of(table, scenario, problems, names)
    leaders: tuple[Leader, ...] | None = None
    if (table := tables.get(filing.LEADERS_SHEET)) is not None:
        leaders = leaders_of(table, scenario, problems, names)
    moves: list[Move] = []
    itinerant: list[ItinerantAssignment] = []
    if (table := tables.get(filing.LIST_SHEET)) is not None:
        moves, itinerant = _read_list(_with_rule_ids(table), scenario, names, shares, problems)
    if problems:
        raise ScenarioError(problems)
    plan = replace(plan_of_moves(moves), hires=hires, itinerant=tuple(itinerant))
    return PlanFiles(plan, leaders, sheet_label(path, filing.LEADERS_SHEET))


def sheet_label(path: Path, title: str) -> str:
    """What problems call a sheet: the workbook and the sheet as the workbook names it."""
    return f"{path.name}{SHEET_SEPARATOR}{title}"


def _read_list(
    table: RawTable,
    scenario: Scenario,
    names: Names,
    shares: Sequence[ItinerantAssignment],
    problems: list[Problem],
) -> tuple[list[Move], list[ItinerantAssignment]]:
    """The moves and exchanges of 交流名单, and the 走教: its 走教 rows (each with the share of the
    first unclaimed 走教安排 row of its teacher and school), then the 走教安排 rows left."""
    moves: list[Move] = []
    listed: dict[str, int] = {}
    itinerant: list[ItinerantAssignment] = []
    unclaimed = list(shares)
    seen: dict[tuple[str, ...], int] = {}
    for row in table_rows(table, LIST_COLUMNS, problems, names):
        teacher_id = _teacher(row, scenario)
        row.required("to_school", "subject")
        kind = row.choice("kind", filing.KIND_NAMES_ZH, default=MOVE_KINDS[0])
        term_years = _term_years(row, scenario.policy.year)
        teacher = scenario.teacher_by_id.get(teacher_id)
        from_school = row.school(scenario, "from_school")
        if from_school not in scenario.school_by_id and teacher is not None:
            from_school = scenario.home_school(teacher)  # blank, or unknown (a problem already)
        if kind != filing.ITINERANT:
            moves.append(move_of(row, scenario, teacher_id, from_school, kind, term_years))
            listed_once(row, teacher_id, "teacher_id" if row.values["teacher_id"] else "name", listed)
            continue
        if term_years not in (None, filing.ITINERANT_TERM_YEARS):
            first, last = filing.term_span(scenario.policy.year, filing.ITINERANT_TERM_YEARS)
            row.bad(
                "span",
                f"一学年({first}-{last}):走教为期一年",
                f"one school year ({first}-{last}): a 走教 holds for a year",
            )
        school_id = row.school(scenario, "to_school")
        subject = row.subject("subject")
        row.first_time((teacher_id, school_id), seen, "to_school")
        if teacher is None or school_id not in scenario.school_by_id:
            continue
        claimed = next((a for a in unclaimed if (a.teacher_id, a.school_id) == (teacher_id, school_id)), None)
        if claimed is None:
            where = f"{teacher_id} 到 {school_id}", f"{teacher_id} at {school_id}"
            zh = f"走教没有岗位份额:{filing.ITINERANT_SHEET} 中没有 {where[0]} 的行;请在该表补上一行"
            en = f"a 走教 without a share: {filing.ITINERANT_SHEET} has no row of {where[1]}; add one"
            row.problem("missing_share", "kind", zh, en)
            continue
        unclaimed.remove(claimed)
        itinerant.append(ItinerantAssignment(teacher_id, from_school, school_id, subject, claimed.share))
    return moves, [*itinerant, *unclaimed]


def _teacher(row: RowReader, scenario: Scenario) -> str:
    """The row's teacher: by 教师编号, else by 姓名; a 姓名 beside an id must be that teacher's."""
    values = row.values
    if not values["teacher_id"]:
        if not values["name"]:
            row.problem(
                "blank_value",
                "teacher_id",
                f"必须填写{row.shown('teacher_id')}或{row.shown('name')}",
                f"a {row.shown('teacher_id')} or a {row.shown('name')} is required, got blank",
            )
        return row.teacher(scenario, "name")
    teacher_id = row.teacher(scenario, "teacher_id")
    teacher = scenario.teacher_by_id.get(teacher_id)
    if teacher is not None and values["name"] and values["name"] != (teacher.name or teacher_id):
        called = teacher.name or teacher_id
        id_zh = row.shown("teacher_id")
        zh = f"{teacher_id} 是 {called},不是 {values['name']};请改正其一,或清空{id_zh}按姓名查找"
        en = f"{teacher_id} is {called}, not {values['name']}; correct one, or clear the id to go by name"
        row.problem("name_mismatch", "name", zh, en)
    return teacher_id


def _term_years(row: RowReader, year: int) -> int | None:
    """起止年月 as a term of whole school years starting in the plan's year; None when blank (or
    wrong: a problem)."""
    value = row.values["span"]
    if not value:
        return None
    first, last = filing.term_span(year, 3)
    example = f"{first}-{last}"
    found = SPAN.fullmatch(value)
    start_year, months = 0, 0
    if found:
        start_year, start_month, end_year, end_month = map(int, found.groups())
        if 1 <= start_month <= 12 and 1 <= end_month <= 12:
            months = (end_year * 12 + end_month) - (start_year * 12 + start_month) + 1
    if months < 12 or months % 12:
        zh = f"整学年的起止年月,如 {example}(三年)"
        row.bad("span", zh, f"a span of whole school years, like {example} (three years)")
        return None
    if start_year != year:
        zh = f"自方案年度 {year} 年开始的起止年月,如 {example}"
        row.bad("span", zh, f"a span starting in the plan's year {year}, like {example}")
        return None
    return months // 12


def _with_rule_ids(table: RawTable) -> RawTable:
    """The table with its `reason` (交流依据, 招聘依据: the rules' Chinese titles, 、-separated) as
    plan.csv writes it (rule ids, ;-separated); a text naming no rule stays as written."""
    ids = {rule.title_zh: rule.id for rule in all_rules()}

    def rule_ids(text: Any) -> Any:
        parts = str(text).strip().split(REASON_SEPARATOR_ZH) if text is not None else []
        if not any(part.strip() in ids for part in parts):
            return text
        return ";".join(ids.get(part.strip(), part.strip()) for part in parts if part.strip())

    rows = tuple((number, {**cells, "reason": rule_ids(cells.get("reason"))}) for number, cells in table.rows)
    return replace(table, rows=rows)


def _sheet_table(label: str, grid: Grid, sheet: Sheet, problems: list[Problem]) -> RawTable | None:
    """The sheet's rows under its header (found in its first rows), by column, numbered as the
    spreadsheet numbers them; None (a problem) when no header is found."""
    header = next((i for i, line in enumerate(grid[:HEADER_SEARCH_ROWS]) if sheet.is_header(line)), None)
    if header is None:
        zh = f"前 {HEADER_SEARCH_ROWS} 行中没有表头;应有 {sheet.expected('zh')} 列"
        en = f"no header in the first {HEADER_SEARCH_ROWS} rows; expected columns {sheet.expected('en')}"
        problems.append(Problem(code="missing_column", zh=zh, en=en, file=label))
        return None
    found: list[Problem] = []
    table = table_from_grid(label, [[_cell(value) for value in line] for line in grid[header:]], found)
    problems += [renumbered(problem, lambda row: row + header) for problem in found]
    written: dict[str, str] = {}
    for name in table.columns or ():
        column = sheet.column_of(name)
        if column is not None and column not in written:
            written[column] = name
    rows = tuple(
        (number + header, {column: cells[name] for column, name in written.items()})
        for number, cells in table.rows
    )
    return RawTable(label, rows, tuple(written), header_row=header + 1, written=written)


def _cell(value: Any) -> Any:
    """A number Excel (or calamine, for .xls) gives as 2.0 is the whole number 2."""
    return int(value) if isinstance(value, float) and value.is_integer() else value
