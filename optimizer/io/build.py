"""The one validation place: raw tables in, a Scenario or every problem at once out.

Each cell is parsed on its own so that one bad cell does not hide the others; cross-references
are checked on whatever parsed. Objects are built only when no problem was found, so nothing is
ever half-loaded. A column the loader does not know is skipped with a warning that the scenario
carries (a misspelt optional column says which known one it was probably meant to be; a missing
required column says which unknown one may be it); unknown files and sheets are not read.
"""

from __future__ import annotations

import datetime
import difflib
import math
import re
from collections import Counter
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Any

from optimizer.errors import Problem, ScenarioError
from optimizer.history import Contradiction, contradictions, derived_teacher
from optimizer.io import aliases
from optimizer.io.problems import (
    bad_value,
    blank_value,
    duplicate,
    empty_table,
    grouped,
    missing_column,
    missing_table,
    unknown_columns,
    unknown_reference,
)
from optimizer.io.tables import HISTORY, REQUIRED_TABLES, TABLES, RawTable, is_blank
from optimizer.policy import DEFAULT_YEAR
from optimizer.rules import merge_policy
from optimizer.scenario import (
    AREAS,
    DEGREES,
    PIN_ACTIONS,
    ROLES,
    SCHOOL_STAGES,
    STINT_KINDS,
    SUBJECTS,
    TEACHER_STAGES,
    Pin,
    Scenario,
    School,
    Stint,
    Teacher,
    stage_fits,
    subject_code,
)

MIN_AGE, MAX_AGE = 18, 70
MAX_YEARS = 60
LIST_SEPARATORS = re.compile("[;；]")

Values = dict[str, Any]
ParsedRow = tuple[int, Values]


class BadValue(ValueError):
    """A cell parser's complaint: what was expected, in Chinese and English, and, for lists,
    which item was wrong."""

    def __init__(self, expected_zh: str, expected_en: str, got: str | None = None) -> None:
        super().__init__(expected_en)
        self.expected_zh = expected_zh
        self.expected_en = expected_en
        self.got = got


Parser = Callable[[Any], Any]


@dataclass(frozen=True)
class Column:
    """A column: its parser, whether a value is required, the default of a blank cell."""

    name: str
    parse: Parser
    required: bool = False
    default: Any = None


# Cell parsers. Cells come as CSV strings, xlsx values (str, int, float) or JSON values.


MAX_TEXT = 200
"""Longest name, title or note a cell may hold (a 1 MB name is a mistake or an attack)."""
MAX_ID = 64
IDENTIFIER = re.compile(rf"[0-9A-Za-z\u4e00-\u9fff][0-9A-Za-z_.\-\u4e00-\u9fff]{{0,{MAX_ID - 1}}}")
"""Ids: letters, digits, Chinese characters, `_`, `.` and `-`, starting with a letter, digit or
Chinese character, at most 64 characters. Ids reach plan.csv, file names and URLs as they are,
so none can start a spreadsheet formula (=, +, -, @) or carry a separator."""


def shown(value: Any) -> str:
    """A cell as a problem quotes it: long ones cut, with their length (never echo a megabyte)."""
    if isinstance(value, str) and len(value) > 40:
        return f"{value[:40]!r}… ({len(value)})"
    return repr(value)


def text(value: Any) -> str:
    if isinstance(value, bool) or not isinstance(value, str | int | float):
        raise BadValue("文本", "text")
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    stripped = str(value).strip()
    if len(stripped) > MAX_TEXT:
        raise BadValue(f"至多 {MAX_TEXT} 个字符的文本", f"text of at most {MAX_TEXT} characters")
    return stripped


def identifier(value: Any) -> str:
    """An id (teacher, school): see IDENTIFIER."""
    if isinstance(value, str) and len(value.strip()) > MAX_ID:
        raise BadValue(*ID_EXPECTED)
    found = text(value)
    if IDENTIFIER.fullmatch(found) is None:
        raise BadValue(*ID_EXPECTED)
    return found


ID_EXPECTED = (
    f"编号:至多 {MAX_ID} 个字母、数字、汉字或 _ . -,以字母、数字或汉字开头",
    f"an id of at most {MAX_ID} letters, digits, Chinese characters, _ . or -, starting with a "
    "letter, digit or Chinese character",
)


def _number(value: Any) -> float | None:
    """A finite number from a number or numeric text; None otherwise (booleans are not numbers)."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int | float):
        number = float(value)
    elif isinstance(value, str):
        try:
            number = float(value.strip())
        except ValueError:
            return None
    else:
        return None
    return number if math.isfinite(number) else None


def integer(low: int = 0, high: int | None = None, expected: tuple[str, str] | None = None) -> Parser:
    """Whole numbers in low..high; Excel's 2019.0 counts as 2019. `expected`: (zh, en)."""
    if expected is None:
        if high is None:
            expected = ("非负整数", "a non-negative integer")
        else:
            expected = (f"介于 {low}..{high} 的整数", f"an integer {low}..{high}")

    def parse(value: Any) -> int:
        number = _number(value)
        if number is None or not number.is_integer() or number < low:
            raise BadValue(*expected)
        if high is not None and number > high:
            raise BadValue(*expected)
        return int(number)

    return parse


def real(low: float, high: float) -> Parser:
    def parse(value: Any) -> float:
        number = _number(value)
        if number is None or not low <= number <= high:
            raise BadValue(f"介于 {low:g}..{high:g} 的数", f"a number {low:g}..{high:g}")
        return number

    return parse


def flag(value: Any) -> bool:
    """0/1 (text or number); JSON true/false too; 是/否, Y/N (aliases.FLAGS)."""
    if isinstance(value, str) and value.strip() in ("0", "1"):
        return value.strip() == "1"
    if isinstance(value, str) and value.strip().lower() in aliases.FLAGS:
        return aliases.FLAGS[value.strip().lower()]
    if isinstance(value, bool | int | float) and value in (0, 1):
        return bool(value)
    raise BadValue("取值 0 或 1", "0 or 1")


def choice(options: Sequence[str], names: Mapping[str, str] | None = None) -> Parser:
    """One of `options`, case-insensitive, or one of its Chinese `names` (name -> option);
    returns the canonical spelling."""
    by_lower = {option.lower(): option for option in options} | dict(names or {})

    def parse(value: Any) -> str:
        key = value.strip().lower() if isinstance(value, str) else None
        if key not in by_lower:
            raise BadValue(f"以下之一:{'、'.join(options)}", f"one of {', '.join(options)}")
        return by_lower[key]

    return parse


def subject(value: Any) -> str:
    code = subject_code(value) if isinstance(value, str) else None
    if code is None:
        raise BadValue(
            f"学科代码({'、'.join(SUBJECTS)})或学科中文名(语文、数学……)",
            f"a subject ({', '.join(SUBJECTS)}) or its Chinese name (语文, 数学, ...)",
        )
    return code


def list_of(item: Parser) -> Parser:
    """A `;`-separated list (full-width `；` too) or a JSON array; blank items are skipped."""

    def parse(value: Any) -> tuple[Any, ...]:
        items = value if isinstance(value, list | tuple) else LIST_SEPARATORS.split(text(value))
        parsed = []
        for raw in items:
            if is_blank(raw):
                continue
            try:
                parsed.append(item(raw))
            except BadValue as bad:
                raise BadValue(
                    f"以“;”分隔的列表,每项为{bad.expected_zh}",
                    f"a ';'-separated list of {bad.expected_en}",
                    shown(raw),
                ) from None
        return tuple(parsed)

    return parse


DATE_TEXT = re.compile(
    r"(\d{4})\s*(?:年|[年./-]\s*(\d{1,2})\s*(?:[月./-]\s*(?:(\d{1,2})\s*日?)?)?)?"
    r"(?:\s+\d{1,2}:\d{2}(?::\d{2})?)?"
)
COMPACT_DATE = re.compile(r"(\d{4})(\d{2})(\d{2})?")
"""A year and month as personnel systems write them: 1985, 1985-03, 1985.03, 1985/3, 1985年3月,
with or without a day (1985-03-12, 1985年3月12日, Excel's 1985/3/12 0:00) or compact (198503,
19850312)."""


def year_of_date(value: Any) -> int | None:
    """The year of a date cell, year-month text (DATE_TEXT) or a year; None when it is none of
    these. A number cell 1985.03 (Excel turns the text 1985.03 into one) is March 1985."""
    if isinstance(value, datetime.date):
        return value.year
    year, month, day = None, None, None
    if isinstance(value, str):
        found = DATE_TEXT.fullmatch(value.strip()) or COMPACT_DATE.fullmatch(value.strip())
        if found is None:
            return None
        year, month, day = (None if part is None else int(part) for part in found.groups())
    elif (number := _number(value)) is not None:
        year = int(number)
        month = round((number - year) * 100) if not number.is_integer() else None
    valid_date = (month is None or 1 <= month <= 12) and (day is None or 1 <= day <= 31)
    return year if year is not None and 1000 <= year <= 9999 and valid_date else None


def birth_year(first: int, last: int, year: int) -> Parser:
    """出生年月 (a year and month, or a date) or a birth year; the year is kept, as ages are whole
    years counted against the plan year."""
    expected = (
        f"出生年份 {first}..{last}({year} 年时 {MIN_AGE}..{MAX_AGE} 岁)或出生年月(如 1985-03)",
        f"a birth year {first}..{last} (age {MIN_AGE}..{MAX_AGE} in {year}) or a year and month "
        "such as 1985-03",
    )

    def parse(value: Any) -> int:
        found = year_of_date(value)
        if found is None or not first <= found <= last:
            raise BadValue(*expected)
        return found

    return parse


def years_at_school(year: int) -> Parser:
    """Years at the current school, or 来校年月 (the year and month the teacher came, or a date).

    From a date the bureau's count is kept: plan year − the year of arrival, whatever the month
    (came in September 2019 → 6 years in plan year 2025), the way a bureau counts service years by
    school years begun. A number 0..MAX_YEARS is years; a year or date, year − MAX_YEARS..year, is
    the arrival: the two ranges cannot meet.
    """
    expected = (
        f"在校年数(介于 0..{MAX_YEARS} 的整数),或来校年月 {year - MAX_YEARS}..{year}(如 2019-09)",
        f"years at the school (an integer 0..{MAX_YEARS}), or the year and month of arrival "
        f"{year - MAX_YEARS}..{year} such as 2019-09",
    )

    def parse(value: Any) -> int:
        number = None if isinstance(value, datetime.date) else _number(value)
        if number is not None and number.is_integer() and 0 <= number <= MAX_YEARS:
            return int(number)
        arrival = year_of_date(value)
        if arrival is None or not year - MAX_YEARS <= arrival <= year:
            raise BadValue(*expected)
        return year - arrival

    return parse


# Columns of every table, in the dataclasses' order. Ranges that depend on the year take it.

YEARS = integer(0, MAX_YEARS)


def teacher_columns(year: int) -> tuple[Column, ...]:
    rotated = (f"不晚于规划年份 {year} 的年份", f"a year not after the plan year {year}")
    return (
        Column("teacher_id", identifier, required=True),
        Column("school_id", identifier, required=True),
        Column("subject", subject, required=True),
        Column("stage", choice(TEACHER_STAGES, aliases.TEACHER_STAGES), required=True),
        Column("gender", choice(("F", "M"), aliases.GENDERS), required=True),
        Column("birth_year", birth_year(year - MAX_AGE, year - MIN_AGE, year), required=True),
        Column("years_at_school", years_at_school(year), required=True),
        Column("is_backbone", flag, required=True),
        Column("degree", choice(DEGREES, aliases.DEGREES), required=True),
        Column("role", choice(ROLES, aliases.ROLES), required=True),
        Column("name", text, default=""),
        Column("other_subjects", list_of(subject), default=()),
        Column("title", text, default=""),
        Column("terms_at_school", integer(0, 20), default=0),
        Column("rural_years", YEARS, default=0),
        Column("weak_years", YEARS, default=0),
        Column("new_teacher_period", integer(0, 2, ("取值 0、1 或 2", "0, 1 or 2")), default=0),
        Column("funded_graduate_owed_years", YEARS, default=0),
        Column("funded_graduate_years", YEARS, default=0),
        Column("exempt_reason", text, default=""),
        Column("volunteer", flag, default=False),
        Column("preferred_schools", list_of(identifier), default=()),
        Column("plans_senior_title", flag, default=False),
        Column("spouse_id", identifier),
        Column("last_rotated_year", integer(year - MAX_YEARS, year, rotated)),
        Column("on_rotation_from", identifier),
        Column("home_lat", real(-90, 90)),
        Column("home_lon", real(-180, 180)),
        Column("reserve_leader", flag, default=False),
        Column("requested_term", integer(1, 3, ("任期年数 1、2 或 3", "a term of 1, 2 or 3 years"))),
    )


SCHOOL_COLUMNS = (
    Column("school_id", identifier, required=True),
    Column("name", text, required=True),
    Column("region", text, required=True),
    Column("area", choice(AREAS, aliases.AREAS), required=True),
    Column("is_weak", flag, required=True),
    Column("stage", choice(SCHOOL_STAGES, aliases.SCHOOL_STAGES), required=True),
    Column("establishment", integer(), required=True),
    Column("max_incoming", integer()),
    Column("lat", real(-90, 90)),
    Column("lon", real(-180, 180)),
    Column("district", text, default=""),
)
DEMAND_COLUMNS = (
    Column("school_id", identifier, required=True),
    Column("subject", subject, required=True),
    Column("required", integer(), required=True),
)
PIN_COLUMNS = (
    Column("teacher_id", identifier, required=True),
    Column("action", choice(PIN_ACTIONS, aliases.PIN_ACTIONS), required=True),
    Column("school_id", identifier),
)


def history_columns(year: int) -> tuple[Column, ...]:
    """history.csv: a stint begun by the plan year; it may end (be due back) later."""
    begun = (f"不晚于规划年份 {year} 的年份", f"a year not after the plan year {year}")
    return (
        Column("teacher_id", identifier, required=True),
        Column("from_school", identifier, required=True),
        Column("to_school", identifier, required=True),
        Column("start_year", integer(year - MAX_YEARS, year, begun), required=True),
        Column("end_year", integer(year - MAX_YEARS, year + MAX_YEARS)),
        Column("kind", choice(STINT_KINDS, aliases.STINT_KINDS), default="rotation"),
    )


def build_scenario(
    tables: Mapping[str, RawTable],
    policy_raw: Mapping[str, Any],
    *,
    policy_source: str,
    name: str = "",
    source: str = "",
    problems: Iterable[Problem] = (),
    warnings: Iterable[Problem] = (),
    group: bool = True,
) -> Scenario:
    """Parse and validate every table and the policy; raise ScenarioError with all problems.

    tables: keyed by teachers, schools, demand (required), pins and history (optional).
    policy_raw: the policy.toml shape; a `name` key there names the scenario, else `name`.
    problems: what the loader already found while reading (encoding, syntax), reported along.
    warnings: what the loader already skipped while reading, carried along by the scenario.
    group: one problem for a mistake repeated in many rows (problems.grouped); False for a
        reader that maps the rows back to another file first (a region part).
    Problems name a column by the header the user wrote (性别, not gender).
    """
    found = list(problems)
    noted = list(warnings)
    policy = merge_policy(policy_raw, policy_source, found)
    raw = {key: tables.get(key) or RawTable.missing(key) for key in (*TABLES, HISTORY)}
    for key in REQUIRED_TABLES:
        if not raw[key].found:
            found.append(missing_table(raw[key].label, REQUIRED_TABLES))
    schools = _parse_table("schools", raw["schools"], SCHOOL_COLUMNS, found, noted)
    teachers = _parse_table("teachers", raw["teachers"], teacher_columns(policy.year), found, noted)
    demand = _parse_table("demand", raw["demand"], DEMAND_COLUMNS, found, noted)
    pins = _parse_table("pins", raw["pins"], PIN_COLUMNS, found, noted)
    history = _parse_table(HISTORY, raw[HISTORY], history_columns(policy.year), found, noted)
    for key, rows in (("teachers", teachers), ("schools", schools)):
        if raw[key].found and not rows:
            found.append(empty_table(raw[key].label))
    school_ids = _unique(schools, raw["schools"], "school_id", found)
    teacher_ids = _unique(teachers, raw["teachers"], "teacher_id", found)
    _unique(pins, raw["pins"], "teacher_id", found)
    _check_teachers(teachers, teacher_ids, school_ids, raw, found)
    _check_demand(demand, school_ids, raw, found)
    _check_pins(pins, teacher_ids, school_ids, raw, found)
    _check_history(history, teacher_ids, school_ids, raw, found)
    scenario_name = policy_raw.get("name") or name
    if not isinstance(scenario_name, str):
        found.append(bad_value(policy_source, None, "name", "文本", "text", repr(scenario_name)))
    labels = [raw[key].label for key in (*TABLES, HISTORY)] + [policy_source]
    built_teachers: tuple[Teacher, ...] = ()
    stints: tuple[tuple[int, Stint], ...] = ()
    if not found:
        stints = tuple((row, Stint(**values)) for row, values in history)
        built_schools = {values["school_id"]: School(**values) for _, values in schools}
        built_teachers = _teachers_from_history(teachers, stints, built_schools, policy.year, raw, found)
    if found:
        written = {raw[key].label: raw[key].written for key in (*TABLES, HISTORY)}
        ordered = sorted((as_written(p, written) for p in found), key=lambda p: _problem_order(p, labels))
        raise ScenarioError(grouped(ordered) if group else ordered)
    return Scenario(
        teachers=built_teachers,
        schools=tuple(School(**values) for _, values in schools),
        demand={(v["school_id"], v["subject"]): v["required"] for _, v in demand},
        pins=tuple(Pin(**values) for _, values in pins),
        policy=policy,
        name=scenario_name,
        history=tuple(stint for _, stint in stints),
        source=source,
        warnings=tuple(sorted(noted, key=lambda p: _problem_order(p, labels))),
    )


def header_problems(table: str, raw: RawTable) -> tuple[list[Problem], list[Problem]]:
    """What `build_scenario` finds in a table's header alone, as (problems, warnings): a required
    column missing, an unknown one skipped. For readers that stream the rows instead of building
    a RawTable of them."""
    columns = {
        "teachers": teacher_columns(DEFAULT_YEAR),  # the names do not depend on the year
        "schools": SCHOOL_COLUMNS,
        "demand": DEMAND_COLUMNS,
        "pins": PIN_COLUMNS,
        HISTORY: history_columns(DEFAULT_YEAR),
    }[table]
    problems: list[Problem] = []
    warnings: list[Problem] = []
    _check_header(table, raw, {column.name: column for column in columns}, problems, warnings)
    return problems, warnings


def as_written(problem: Problem, written: Mapping[str, Mapping[str, str]]) -> Problem:
    """The problem naming its column by the table's header as written (性别 for gender)."""
    shown = written.get(problem.file or "", {}).get(problem.column or "")
    return problem if shown is None else replace(problem, column=shown)


def _problem_order(problem: Problem, labels: list[str]) -> tuple[int, int]:
    """Files in reading order (teachers, schools, demand, pins, policy), then rows."""
    rank = labels.index(problem.file) if problem.file in labels else -1
    return rank, -1 if problem.row is None else problem.row


def _parse_table(
    table_name: str,
    table: RawTable,
    columns: Sequence[Column],
    problems: list[Problem],
    warnings: list[Problem],
) -> list[ParsedRow]:
    """Every row's parsed values; a cell that fails is left out of its row and reported. Unknown
    columns are skipped with a warning, one for each column (not each row that has it)."""
    by_name = {column.name: column for column in columns}
    if table.columns is not None:
        _check_header(table_name, table, by_name, problems, warnings)
    first_row: dict[str, int] = {}  # an unknown key of JSON objects -> the first row naming it
    rows_naming: Counter[str] = Counter()
    parsed: list[ParsedRow] = []
    for row_number, cells in table.rows:
        values: Values = {}
        for column in columns:
            if table.columns is not None and column.name not in table.columns:
                if not column.required:
                    values[column.name] = column.default
                continue
            _parse_cell(table.label, row_number, column, cells.get(column.name), values, problems)
        if table.columns is None:
            for key in cells:
                if key not in by_name:
                    first_row.setdefault(str(key), row_number)
                    rows_naming[str(key)] += 1
        parsed.append((row_number, values))
    found = [(name, row, rows_naming[name]) for name, row in first_row.items()]
    warnings += unknown_columns(table.label, found, *_known_names(table_name, table, by_name))
    return parsed


def _check_header(
    key: str,
    table: RawTable,
    by_name: Mapping[str, Column],
    problems: list[Problem],
    warnings: list[Problem],
) -> None:
    """Required columns missing (with the unknown column that is probably one of them, misspelt
    in English or Chinese) and unknown columns skipped."""
    assert table.columns is not None
    unknown = [name for name in table.columns if name not in by_name]
    for column in by_name.values():
        if column.required and column.name not in table.columns:
            names = (column.name, *aliases.HEADERS[key][column.name])
            near = [match for name in names for match in difflib.get_close_matches(name, unknown, n=1)]
            problems.append(missing_column(table.label, table.header_row, column.name, *near[:1]))
    found = [(name, table.header_row, 1) for name in unknown]
    warnings += unknown_columns(table.label, found, *_known_names(key, table, by_name))


def _known_names(key: str, table: RawTable, by_name: Mapping[str, Column]) -> tuple[list[str], list[str]]:
    """The columns an unknown-column warning lists, in the language of the table's header (the
    Chinese ones where any header was Chinese), and every other name it may be a misspelling of."""
    chinese = [aliases.HEADERS[key][name][0] for name in by_name]
    if table.written:
        return chinese, [*by_name, *aliases.chinese_names(key)]
    return list(by_name), aliases.chinese_names(key)


def _parse_cell(
    label: str,
    row: int,
    column: Column,
    raw: Any,
    values: Values,
    problems: list[Problem],
) -> None:
    if is_blank(raw):
        if column.required:
            problems.append(blank_value(label, row, column.name))
        else:
            values[column.name] = column.default
        return
    try:
        values[column.name] = column.parse(raw)
    except BadValue as bad:
        got = bad.got or shown(raw)
        problems.append(bad_value(label, row, column.name, bad.expected_zh, bad.expected_en, got))


# Cross-references. Each check runs on the values that parsed, so one bad cell reports once.


@dataclass(frozen=True)
class Ids:
    """The rows of a table by id. `complete` is False when the table or its id column is missing;
    then no reference to it is reported unknown, since the missing table is the problem.
    """

    rows: Mapping[str, Values]
    complete: bool

    def lacks(self, ref: str | None) -> bool:
        return self.complete and ref is not None and ref not in self.rows


def _unique(rows: list[ParsedRow], table: RawTable, id_column: str, problems: list[Problem]) -> Ids:
    """The first row of every id; a repeated id is a problem at the repeat."""
    first: dict[str, tuple[int, Values]] = {}
    for row, values in rows:
        key = values.get(id_column)
        if key is None:
            continue
        if key in first:
            problems.append(duplicate(table.label, row, id_column, f"{id_column} {key!r}", first[key][0]))
        else:
            first[key] = (row, values)
    complete = table.found and (table.columns is None or id_column in table.columns)
    return Ids({key: values for key, (_, values) in first.items()}, complete)


def _check_teachers(
    teachers: list[ParsedRow],
    teacher_ids: Ids,
    school_ids: Ids,
    raw: Mapping[str, RawTable],
    problems: list[Problem],
) -> None:
    label, schools_label = raw["teachers"].label, raw["schools"].label
    for row, values in teachers:
        school_id = values.get("school_id")
        if school_ids.lacks(school_id):
            problems.append(
                unknown_reference(label, row, "school_id", "school_id", school_id, source=schools_label)
            )
        elif school_id is not None and school_id in school_ids.rows:
            _check_stage(values, school_id, school_ids.rows[school_id].get("stage"), label, row, problems)
        rotating_from = values.get("on_rotation_from")
        if school_ids.lacks(rotating_from):
            problems.append(unknown_reference(label, row, "on_rotation_from", "school", rotating_from))
        elif rotating_from is not None and rotating_from == school_id:
            problems.append(
                Problem(
                    code="self_reference",
                    zh="就是当前学校;请留空",
                    en="is the current school; leave it blank",
                    file=label,
                    row=row,
                    column="on_rotation_from",
                )
            )
        unknown = [s for s in values.get("preferred_schools", ()) if school_ids.lacks(s)]
        if unknown:
            problems.append(unknown_reference(label, row, "preferred_schools", "school", *unknown))
        _check_spouse(values, teacher_ids.rows, label, row, problems)


def _check_stage(
    values: Values, school_id: str, stage: str | None, label: str, row: int, problems: list[Problem]
) -> None:
    teacher_stage = values.get("stage")
    if teacher_stage is None or stage is None or stage_fits(teacher_stage, stage):
        return
    problems.append(
        Problem(
            code="stage_mismatch",
            zh=f"学段为 {teacher_stage} 的教师不能在 {school_id!r}({stage} 学校)任教",
            en=f"a {teacher_stage} teacher cannot teach at {school_id!r}, a {stage} school",
            file=label,
            row=row,
            column="stage",
        )
    )


def _check_spouse(
    values: Values, teachers: Mapping[str, Values], label: str, row: int, problems: list[Problem]
) -> None:
    """Spouses name each other: A -> B requires B -> A."""
    teacher_id, spouse_id = values.get("teacher_id"), values.get("spouse_id")
    if spouse_id is None or teacher_id is None:
        return
    if spouse_id == teacher_id:
        zh, en = "教师不能是自己的配偶", "a teacher cannot be their own spouse"
        problems.append(Problem(code="self_reference", zh=zh, en=en, file=label, row=row, column="spouse_id"))
    elif spouse_id not in teachers:
        problems.append(unknown_reference(label, row, "spouse_id", "teacher", spouse_id))
    elif "spouse_id" in teachers[spouse_id] and teachers[spouse_id]["spouse_id"] != teacher_id:
        back = teachers[spouse_id]["spouse_id"]
        named_zh = "spouse_id 为空" if back is None else f"spouse_id 为 {back!r}"
        named_en = "a blank spouse_id" if back is None else f"spouse_id {back!r}"
        zh = f"配偶关系不对应:{spouse_id!r} 的 {named_zh},而不是 {teacher_id!r}"
        en = f"not mutual: {spouse_id!r} has {named_en}, not {teacher_id!r}"
        problems.append(
            Problem(code="spouse_not_mutual", zh=zh, en=en, file=label, row=row, column="spouse_id")
        )


def _check_demand(
    demand: list[ParsedRow],
    school_ids: Ids,
    raw: Mapping[str, RawTable],
    problems: list[Problem],
) -> None:
    label, schools_label = raw["demand"].label, raw["schools"].label
    first_row: dict[tuple[str, str], int] = {}
    for row, values in demand:
        school_id, subject_id = values.get("school_id"), values.get("subject")
        if school_ids.lacks(school_id):
            problems.append(
                unknown_reference(label, row, "school_id", "school_id", school_id, source=schools_label)
            )
        if school_id is None or subject_id is None:
            continue
        key = (school_id, subject_id)
        if key in first_row:
            problems.append(duplicate(label, row, "subject", f"({school_id}, {subject_id})", first_row[key]))
        else:
            first_row[key] = row


def _check_pins(
    pins: list[ParsedRow],
    teacher_ids: Ids,
    school_ids: Ids,
    raw: Mapping[str, RawTable],
    problems: list[Problem],
) -> None:
    label, teachers_label = raw["pins"].label, raw["teachers"].label

    def school_problem(row: int, code: str, zh: str, en: str) -> None:
        problems.append(Problem(code=code, zh=zh, en=en, file=label, row=row, column="school_id"))

    for row, values in pins:
        teacher_id, action = values.get("teacher_id"), values.get("action")
        school_id = values.get("school_id")
        if teacher_ids.lacks(teacher_id):
            problems.append(
                unknown_reference(label, row, "teacher_id", "teacher", teacher_id, source=teachers_label)
            )
        if action == "move_to" and school_id is None and "school_id" in values:
            school_problem(
                row,
                "blank_value",
                "move_to 人事指定须填写调往的 school_id",
                "a move_to pin needs the school_id to move to",
            )
        elif action == "move_to" and school_ids.lacks(school_id):
            problems.append(unknown_reference(label, row, "school_id", "school_id", school_id))
        elif action == "stay" and school_id is not None:
            school_problem(
                row,
                "unexpected_value",
                "stay 人事指定不填 school_id;请留空",
                "a stay pin takes no school_id; leave it blank",
            )


def _check_history(
    history: list[ParsedRow],
    teacher_ids: Ids,
    school_ids: Ids,
    raw: Mapping[str, RawTable],
    problems: list[Problem],
) -> None:
    """Known teachers and schools, an end after the start, and no two stints of one teacher at
    once (but 走教 at several schools in one year: rule itinerant allows up to `max_schools`)."""
    label = raw[HISTORY].label
    sources = {"teacher_id": raw["teachers"].label, "from_school": raw["schools"].label}
    sources["to_school"] = sources["from_school"]
    spans: dict[str, list[tuple[int, Values]]] = {}
    for row, values in history:
        for column, ids, what in (
            ("teacher_id", teacher_ids, "teacher"),
            ("from_school", school_ids, "school"),
            ("to_school", school_ids, "school"),
        ):
            if ids.lacks(values.get(column)):
                problems.append(
                    unknown_reference(label, row, column, what, values.get(column), source=sources[column])
                )
        if values.get("from_school") is not None and values.get("from_school") == values.get("to_school"):
            zh, en = "交流学校就是派出学校", "the receiving school is the sending school"
            problems.append(
                Problem(code="self_reference", zh=zh, en=en, file=label, row=row, column="to_school")
            )
        start, end = values.get("start_year"), values.get("end_year")
        if start is not None and end is not None and end <= start:
            problems.append(
                Problem(
                    code="end_before_start",
                    zh=f"结束年份 {end} 不晚于开始年份 {start};结束年份是返回原校的年份",
                    en=f"end year {end} is not after the start year {start}; the end year is the year "
                    "the teacher is back",
                    file=label,
                    row=row,
                    column="end_year",
                )
            )
        elif start is not None and values.get("teacher_id") is not None:
            spans.setdefault(values["teacher_id"], []).append((row, values))
    for rows in spans.values():
        _check_overlaps(rows, label, problems)


def _check_overlaps(rows: list[tuple[int, Values]], label: str, problems: list[Problem]) -> None:
    """Two stints of one teacher that share a year. 走教 does not move the post, so a 走教 stint
    may run beside any other (a teacher on rotation may teach part of a post nearby)."""
    ordered = sorted(rows, key=lambda item: (item[1]["start_year"], item[0]))
    for index, (row, values) in enumerate(ordered):
        for earlier_row, earlier in ordered[:index]:
            if "itinerant" in (values.get("kind"), earlier.get("kind")):
                continue
            earlier_end = earlier.get("end_year")
            if earlier_end is None or values["start_year"] < earlier_end:
                problems.append(
                    Problem(
                        code="overlapping_stints",
                        zh=f"与第 {earlier_row} 行的交流时间重叠(该教师 {values['start_year']} 年已在交流中)",
                        en=f"overlaps the stint at row {earlier_row} (the teacher is already away in "
                        f"{values['start_year']})",
                        file=label,
                        row=row,
                        column="start_year",
                    )
                )
                break


def _teachers_from_history(
    teachers: list[ParsedRow],
    stints: tuple[tuple[int, Stint], ...],
    schools: Mapping[str, School],
    year: int,
    raw: Mapping[str, RawTable],
    problems: list[Problem],
) -> tuple[Teacher, ...]:
    """The teachers with the columns the history derives (optimizer.history); a column the user
    filled in that the history contradicts is a problem naming both places."""
    built = [Teacher(**values) for _, values in teachers]
    if not stints:
        return tuple(built)
    row_of = {stint: row for row, stint in stints}
    by_teacher: dict[str, list[Stint]] = {}
    for _, stint in stints:
        by_teacher.setdefault(stint.teacher_id, []).append(stint)
    filled = {
        row: {c for c, cell in cells.items() if not is_blank(cell)} for row, cells in raw["teachers"].rows
    }
    history_label = raw[HISTORY].label
    result = []
    for (row, _), teacher in zip(teachers, built, strict=True):
        own = by_teacher.get(teacher.teacher_id, [])
        for found in contradictions(teacher, filled.get(row, set()), own, schools, year):
            problems.append(_contradiction(found, raw["teachers"].label, row, history_label, row_of))
        result.append(derived_teacher(teacher, own, schools, year))
    return tuple(result)


def _contradiction(
    found: Contradiction, label: str, row: int, history_label: str, row_of: Mapping[Stint, int]
) -> Problem:
    rows = sorted(row_of[stint] for stint in found.stints)
    shown = "、".join(map(str, rows))
    where_zh = f"{history_label} 第 {shown} 行" if rows else history_label
    where_en = (
        f"{history_label} row{'s' if len(rows) > 1 else ''} {', '.join(map(str, rows))}"
        if rows
        else history_label
    )
    return Problem(
        code="contradicts_history",
        zh=f"{found.zh}(见 {where_zh});请改正或留空,留空时按交流记录填写",
        en=f"{found.en} (see {where_en}); correct it or leave it blank to take the history's",
        file=label,
        row=row,
        column=found.column,
    )
