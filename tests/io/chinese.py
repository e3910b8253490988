"""A scenario as a county personnel system exports it: Chinese sheet names, headers and values
(aliases.py), birth and arrival as a year and month in the styles offices write (1985-03, 1985.03,
1985年3月, 1985/3), subjects by their Chinese names, and an extra 备注 column the loader does not
know. Generated from any English scenario, so the tests compare it with the scenario it came from.
"""

from __future__ import annotations

import csv
import datetime
from pathlib import Path
from typing import Any

import openpyxl

from optimizer.io import write_workbook
from optimizer.io.aliases import CODED, HEADERS, SHEETS, first_names
from optimizer.io.bundle import file_name, write_policy
from optimizer.io.tables import COLUMNS, scenario_records
from optimizer.scenario import Scenario
from optimizer.subjects import SUBJECT_NAMES_ZH

NOTE = "备注"
DATE_STYLES = ("{year}-{month:02d}", "{year}.{month:02d}", "{year}年{month}月", "{year}/{month}")
Grid = list[list[Any]]


def chinese_tables(scenario: Scenario, *, date_cells: bool = False) -> dict[str, Grid]:
    """Table -> rows, header first. Row i writes its dates in DATE_STYLES[i % 4], month i % 12 + 1;
    with `date_cells`, every other teacher's 出生年月 is a date (an Excel date cell) instead."""
    tables: dict[str, Grid] = {}
    for table, records in scenario_records(scenario).items():
        header: list[Any] = [HEADERS[table][column][0] for column in COLUMNS[table]]
        rows: Grid = [[*header, NOTE]]
        for index, record in enumerate(records):
            cells = [
                _cell(table, column, record[column], index, scenario.policy.year) for column in COLUMNS[table]
            ]
            if date_cells and table == "teachers" and index % 2:
                cells[COLUMNS[table].index("birth_year")] = datetime.date(record["birth_year"], 3, 15)
            rows.append([*cells, "借调中" if index % 7 == 3 else ""])
        tables[table] = rows
    return tables


def _cell(table: str, column: str, value: Any, index: int, year: int) -> Any:
    if value is None:
        return ""
    if column in CODED[table]:
        return first_names(CODED[table][column])[value]
    if column in ("subject", "other_subjects"):
        names = [SUBJECT_NAMES_ZH[code] for code in ((value,) if isinstance(value, str) else value)]
        return "；".join(names)  # the full-width separator Chinese input methods type
    if column in ("birth_year", "years_at_school"):
        born_or_came = value if column == "birth_year" else year - value
        return DATE_STYLES[index % len(DATE_STYLES)].format(year=born_or_came, month=index % 12 + 1)
    if isinstance(value, tuple):
        return ";".join(value)
    return value


def write_chinese_csv(scenario: Scenario, folder: Path, encoding: str = "gbk", delimiter: str = ",") -> Path:
    """The bundle's CSV files in `encoding` (GBK: Excel's CSV on a Chinese Windows; utf-16 with
    `\\t`: Excel's Unicode text), with the scenario's policy.toml."""
    folder.mkdir(parents=True, exist_ok=True)
    for table, rows in chinese_tables(scenario).items():
        with (folder / file_name(table)).open("w", encoding=encoding, newline="") as file:
            csv.writer(file, delimiter=delimiter).writerows(rows)
    write_policy(scenario.policy, scenario.name, folder)
    return folder


def write_chinese_workbook(scenario: Scenario, path: Path) -> Path:
    """An .xlsx workbook with the sheets 教师, 学校, 需求, 指定 (some birth dates as date cells) and
    the scenario's policy sheet."""
    write_workbook(scenario, path)
    book = openpyxl.load_workbook(path)
    for table, rows in chinese_tables(scenario, date_cells=True).items():
        book.remove(book[table])
        sheet = book.create_sheet(SHEETS[table][0], index=len(book.sheetnames) - 1)
        for row in rows:
            sheet.append(row)
    book.save(path)
    return path


def same_content(loaded: Scenario, expected: Scenario) -> bool:
    """The same teachers, schools, demand, pins and policy (names and sources may differ)."""
    fields = ("teachers", "schools", "demand", "pins", "policy")
    return all(getattr(loaded, name) == getattr(expected, name) for name in fields)
