"""Raw tables: what a loader read, cells untouched, with the row numbers the user sees.

Every loader (CSV bundle, xlsx workbook, JSON document) turns its input into `RawTable`s so that
`build.py` parses and validates all three one way. Writers share `scenario_records`, so every
format writes the same columns in the same order.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, fields
from typing import Any

from optimizer.errors import Problem
from optimizer.io.aliases import column_of
from optimizer.scenario import Pin, Scenario, School, Stint, Teacher

TABLES = ("teachers", "schools", "demand", "pins")
HISTORY = "history"
"""history.csv: optional, read and written beside TABLES only where a scenario has one, so that a
bundle without history is the same files as before it existed."""
REQUIRED_TABLES = ("teachers", "schools", "demand")
COLUMNS: dict[str, tuple[str, ...]] = {
    "teachers": tuple(f.name for f in fields(Teacher)),
    "schools": tuple(f.name for f in fields(School)),
    "demand": ("school_id", "subject", "required"),
    "pins": tuple(f.name for f in fields(Pin)),
    HISTORY: tuple(f.name for f in fields(Stint)),
}

Row = tuple[int, Mapping[str, Any]]


@dataclass(frozen=True)
class RawTable:
    """One table as read.

    label: what the user calls it in problems ("teachers.csv", sheet "teachers", JSON "teachers").
    rows: (row number, column -> raw cell); spreadsheet rows (header = 1) or 0-based JSON indexes.
    columns: the header, or None when every row names its own keys (JSON objects); Chinese
        headers are given as the columns they name (aliases.py).
    found: False when the file, sheet or list is absent.
    written: column -> the header as the user wrote it, where they differ (性别 for gender), so
        that problems name the column the user sees.
    """

    label: str
    rows: tuple[Row, ...] = ()
    columns: tuple[str, ...] | None = None
    header_row: int | None = None
    found: bool = True
    written: Mapping[str, str] = field(default_factory=dict)

    @classmethod
    def missing(cls, label: str) -> RawTable:
        return cls(label, found=False)


def is_blank(value: Any) -> bool:
    """An empty cell: None (xlsx, JSON null) or a string of whitespace (CSV)."""
    return value is None or (isinstance(value, str) and not value.strip())


def column_letter(index: int) -> str:
    """0 -> A, 25 -> Z, 26 -> AA: how a spreadsheet user finds a column without a header."""
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(ord("A") + rest) + letters
    return letters


def table_from_grid(
    label: str, grid: Iterable[Sequence[Any]], problems: list[Problem], table: str | None = None
) -> RawTable:
    """A table from spreadsheet rows (CSV or xlsx): first row the header, blank rows skipped.

    Header names are stripped and lower-cased; with `table` (teachers, schools, demand, pins), a
    Chinese header is taken as the column it names. A repeated header (性别 beside gender too), or
    a value under a blank header, is a problem: the value would otherwise be silently dropped.
    """
    lines = iter(grid)
    written = [header_name(cell) for cell in next(lines, ())]
    header = [column_of(table, name) if table else name for name in written]
    positions: dict[str, int] = {}
    for index, name in enumerate(header):
        if name in positions:
            problems.append(
                Problem(
                    code="duplicate_column",
                    zh="列名重复;请只保留其中一列",
                    en="duplicate column; keep one of them",
                    file=label,
                    row=1,
                    column=written[index],
                )
            )
        elif name:
            positions[name] = index
    rows: list[Row] = []
    for row_number, line in enumerate(lines, start=2):
        if all(is_blank(cell) for cell in line):
            continue
        for index, cell in enumerate(line):
            if not is_blank(cell) and (index >= len(header) or not header[index]):
                problems.append(
                    Problem(
                        code="value_without_header",
                        zh=f"值 {cell!r} 所在的列没有列名;请填写列名或清空该值",
                        en=f"value {cell!r} in a column without a header; name the column or clear it",
                        file=label,
                        row=row_number,
                        column=column_letter(index),
                    )
                )
        cells = {name: line[i] if i < len(line) else None for name, i in positions.items()}
        rows.append((row_number, cells))
    shown = {name: written[index] for name, index in positions.items() if written[index] != name}
    return RawTable(label, tuple(rows), tuple(positions), header_row=1, written=shown)


def header_name(cell: Any) -> str:
    """A header cell as the loaders match it: stripped, lower-cased, without Excel's BOM."""
    return "" if is_blank(cell) else str(cell).replace("\ufeff", "").strip().lower()


def scenario_records(scenario: Scenario) -> dict[str, list[dict[str, Any]]]:
    """Every table's rows as column -> value (bool, tuple, None as they are), in COLUMNS order;
    `history` only when the scenario has one."""
    demand = [
        {"school_id": school_id, "subject": subject, "required": required}
        for (school_id, subject), required in scenario.demand.items()
    ]
    return {
        "teachers": [_record(teacher) for teacher in scenario.teachers],
        "schools": [_record(school) for school in scenario.schools],
        "demand": demand,
        "pins": [_record(pin) for pin in scenario.pins],
    } | ({HISTORY: [_record(stint) for stint in scenario.history]} if scenario.history else {})


def _record(item: Teacher | School | Pin | Stint) -> dict[str, Any]:
    return {f.name: getattr(item, f.name) for f in fields(item)}
