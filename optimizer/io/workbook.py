"""The scenario as one .xlsx workbook: sheets teachers, schools, demand, pins, history, policy.

The data sheets hold the CSV columns, or the bureau's Chinese headers and values (aliases.py), in
sheets named in English or Chinese (教师, 学校, 需求, 指定, 交流记录; history is written only
when the scenario has one). The policy sheet has columns `key` and `value`: a key is a dotted
parameter name as in `--set` (`rotation_quota.rate`, `year`, `name`) and a value is read as a TOML
value (`0.15`, `school`, `["urban", "town"]`). Sheet names are matched
case-insensitively; other sheets (instructions, notes) are not read. Old Excel `.xls` and WPS `.et`
files are read with python-calamine, `.xlsx` with openpyxl.
"""

from __future__ import annotations

import json
import zipfile
import zlib
from collections.abc import Mapping, Sequence
from dataclasses import replace
from pathlib import Path
from typing import Any

import openpyxl
import python_calamine
from openpyxl.utils.exceptions import InvalidFileException

from optimizer.errors import Problem, ScenarioError
from optimizer.io.aliases import table_of_sheet
from optimizer.io.build import build_scenario
from optimizer.io.cells import as_text
from optimizer.io.problems import missing_column, unknown_columns
from optimizer.io.tables import (
    COLUMNS,
    HISTORY,
    TABLES,
    RawTable,
    is_blank,
    scenario_records,
    table_from_grid,
)
from optimizer.io.workbook_limits import MAX_SHEET_COLUMNS, MAX_SHEET_ROWS, check_archive, check_sheet_size
from optimizer.policy import NOTICE, TARGETS, apply_override
from optimizer.scenario import Scenario

POLICY_SHEET = "policy"
POLICY_COLUMNS = ("key", "value")
CALAMINE_SUFFIXES = (".xls", ".et")
WORKBOOK_SUFFIXES = (".xlsx", *CALAMINE_SUFFIXES)

Grid = Sequence[Sequence[Any]]
XLSX_DAMAGE = (
    OSError,
    EOFError,
    zlib.error,
    zipfile.BadZipFile,
    InvalidFileException,
    SyntaxError,
    KeyError,
    IndexError,
    ValueError,
    TypeError,
    AttributeError,
)
"""What openpyxl raises on a damaged .xlsx: a zip without a workbook's parts (KeyError), broken
or cut XML (a SyntaxError), attributes it cannot take (ValueError, TypeError), a corrupt stream."""


def load_workbook(path: str | Path) -> Scenario:
    """Read and validate a workbook (.xlsx, .xls or WPS .et); rows in problems are the sheet's
    rows (header = 1), sheets are named as in the workbook (teachers, or 教师)."""
    path = Path(path)
    problems: list[Problem] = []
    warnings: list[Problem] = []
    raw: dict[str, RawTable] = {}
    policy_grid: Grid | None = None
    for title, grid in read_sheets(path).items():
        table = table_of_sheet(title)
        if title.strip().lower() == POLICY_SHEET:
            policy_grid = grid
        elif table is not None:
            label = table if title.strip().lower() == table else title.strip()  # 教师 stays 教师
            if table in raw:
                zh = f"与工作表 {raw[table].label!r} 重复,都是 {table};请只保留一张"
                en = f"the same table ({table}) as sheet {raw[table].label!r}; keep one of them"
                problems.append(Problem(code="duplicate_sheet", zh=zh, en=en, file=label))
            else:
                raw[table] = table_from_grid(label, grid, problems, table)
    tables = {table: raw.get(table) or RawTable.missing(table) for table in (*TABLES, HISTORY)}
    policy_raw, key_rows = _read_policy(policy_grid, problems, warnings)
    try:
        return build_scenario(
            tables,
            policy_raw,
            policy_source=POLICY_SHEET,
            name=path.stem,
            source=str(path),
            problems=problems,
            warnings=warnings,
        )
    except ScenarioError as error:
        raise ScenarioError([_locate(p, key_rows) for p in error.problems]) from None


def write_workbook(scenario: Scenario, path: str | Path) -> Path:
    """Write every sheet, the policy with every parameter spelled out (an HR template)."""
    path = Path(path)
    book = openpyxl.Workbook()
    book.remove(book.worksheets[0])  # the empty sheet a new workbook starts with
    for table, records in scenario_records(scenario).items():
        sheet = book.create_sheet(table)
        sheet.append(COLUMNS[table])
        for record in records:
            sheet.append([_xlsx_cell(record[column]) for column in COLUMNS[table]])
        sheet.freeze_panes = "A2"
    sheet = book.create_sheet(POLICY_SHEET)
    sheet.append(POLICY_COLUMNS)
    for key, value in _policy_rows(scenario):
        sheet.append((key, value))
    for sheet in book.worksheets:
        as_text(sheet)
    book.save(path)
    return path


def read_sheets(path: Path) -> dict[str, Grid]:
    """Every sheet's rows by title, empty rows and columns kept (rows keep their numbers); the
    workbook's format is told by its suffix. ScenarioError when it is no readable workbook."""
    check_archive(path)
    if path.suffix.lower() in CALAMINE_SUFFIXES:
        try:
            book = python_calamine.CalamineWorkbook.from_path(str(path))
            grids: dict[str, Grid] = {}
            for name in book.sheet_names:
                found = book.get_sheet_by_name(name)
                check_sheet_size(path, name, found.total_height, found.total_width)
                grids[name] = found.to_python(skip_empty_area=False)
            return grids
        except (OSError, python_calamine.CalamineError) as error:
            raise _unreadable(path, error) from None
    try:
        workbook = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except XLSX_DAMAGE as error:
        raise _unreadable(path, error) from None
    try:
        grids = {}
        for sheet in workbook.worksheets:
            check_sheet_size(path, sheet.title, sheet.max_row, sheet.max_column)
            # A sheet that declares no range is read to one row past the limit, as wide as allowed.
            rows = sheet.iter_rows(
                max_row=sheet.max_row or MAX_SHEET_ROWS + 1,
                max_col=sheet.max_column or MAX_SHEET_COLUMNS,
                values_only=True,
            )
            grids[sheet.title] = list(rows)
            check_sheet_size(path, sheet.title, len(grids[sheet.title]), None)
        return grids
    except XLSX_DAMAGE as error:
        raise _unreadable(path, error) from None
    finally:
        workbook.close()


def _unreadable(path: Path, error: Exception) -> ScenarioError:
    kind = path.suffix.lower() if path.suffix.lower() in WORKBOOK_SUFFIXES else ".xlsx"
    zh, en = f"不是可读的 {kind} 工作簿:{error}", f"not a readable {kind} workbook: {error}"
    return ScenarioError([Problem(code="unreadable_file", zh=zh, en=en, file=path.name)])


def _xlsx_cell(value: Any) -> Any:
    """Booleans as 0/1, lists joined with `;`; numbers stay numbers."""
    if isinstance(value, bool):
        return int(value)
    if isinstance(value, tuple):
        return ";".join(value)
    return value


def _policy_rows(scenario: Scenario) -> list[tuple[str, Any]]:
    rows: list[tuple[str, Any]] = [("name", scenario.name)] if scenario.name else []
    rows.append(("year", scenario.policy.year))
    for rule_id, params in scenario.policy.rules.items():
        for param, value in params.items():
            rows.extend(_flatten(f"{rule_id}.{param}", value))
    rows.extend((f"{NOTICE}.{key}", value) for key, value in scenario.policy.notice.items())
    for target in scenario.policy.targets:
        rows += [
            (f"{TARGETS}.{target.indicator}.value", target.value),
            (f"{TARGETS}.{target.indicator}.year", target.year),
        ]
    return rows


def _flatten(key: str, value: Any) -> list[tuple[str, Any]]:
    """Tables become one row per entry (`eligibility.retirement_age.M`); lists become TOML text."""
    if isinstance(value, Mapping):
        return [row for sub, item in value.items() for row in _flatten(f"{key}.{sub}", item)]
    if isinstance(value, list | bool):
        return [(key, json.dumps(value, ensure_ascii=False))]
    return [(key, value)]


def _read_policy(
    grid: Grid | None, problems: list[Problem], warnings: list[Problem]
) -> tuple[dict[str, Any], dict[str, int]]:
    """The policy dict and, for locating problems, `rules.<key>` -> sheet row. Columns other than
    key and value (a note) are skipped with a warning."""
    raw: dict[str, Any] = {}
    key_rows: dict[str, int] = {}
    if grid is None:
        return raw, key_rows
    table = table_from_grid(POLICY_SHEET, grid, problems)
    assert table.columns is not None
    for column in POLICY_COLUMNS:
        if column not in table.columns:
            problems.append(missing_column(POLICY_SHEET, 1, column))
    unknown = [column for column in table.columns if column not in POLICY_COLUMNS]
    warnings += unknown_columns(POLICY_SHEET, [(column, 1, 1) for column in unknown], POLICY_COLUMNS)
    for row, cells in table.rows:
        key, value = cells.get("key"), cells.get("value")
        if is_blank(key) or is_blank(value):
            zh, en = "需要同时填写 key 和 value", "expected a key and a value"
            problems.append(Problem(code="blank_value", zh=zh, en=en, file=POLICY_SHEET, row=row))
            continue
        key = str(key).strip().removeprefix("rules.")
        if key == "name":
            raw["name"] = str(value).strip()
        elif key == "year" or "." in key:
            apply_override(raw, f"{key}={_toml_text(value)}", problems)
            key_rows[key if key == "year" else f"rules.{key}"] = row
        else:
            problems.append(
                Problem(
                    code="unknown_key",
                    zh=f"应为 year、name 或 规则.参数,实际为 {key!r}",
                    en=f"expected year, name or rule.parameter, got {key!r}",
                    file=POLICY_SHEET,
                    row=row,
                    column="key",
                )
            )
    return raw, key_rows


def _toml_text(value: Any) -> str:
    """A cell as TOML value text: Excel's 2026.0 is 2026, TRUE is true, text stays text."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def _locate(problem: Problem, key_rows: Mapping[str, int]) -> Problem:
    """Give a policy problem the sheet row of its key (`rules.shortage.priority` -> its rows)."""
    if problem.file != POLICY_SHEET or problem.row is not None or not problem.column:
        return problem
    for key, row in key_rows.items():
        if key == problem.column or key.startswith(problem.column + "."):
            return replace(problem, row=row)
    return problem
