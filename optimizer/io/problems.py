"""The input problems several readers report alike, each built here once with its code and both
texts, so that a CSV bundle, a workbook, a JSON document, a split bundle, a plan.csv and a set of
edits say the same thing the same way."""

from __future__ import annotations

import difflib
import re
from collections.abc import Callable, Sequence
from dataclasses import replace

from optimizer.errors import Problem

NOUNS_ZH = {"school": "学校", "teacher": "教师"}
PATHS = {
    "file": ("文件不存在", "no such file"),
    "folder": ("文件夹不存在", "no such folder"),
    "path": ("文件或文件夹不存在", "no such file or folder"),
}
FIRST_AT_ROW_EN = re.compile(r"(first at row )(\d+)")
FIRST_AT_ROW_ZH = re.compile(r"(首次出现在第 )(\d+)")


def missing_path(path: str, kind: str) -> Problem:
    """`path` does not exist; kind is file, folder or path (either)."""
    zh, en = PATHS[kind]
    return Problem(code="missing_file", zh=zh, en=en, file=path)


def bad_encoding(file: str) -> Problem:
    return Problem(
        code="bad_encoding",
        zh="无法解码;应为 UTF-8(带或不带 BOM)、GB18030/GBK 或带 BOM 的 UTF-16 编码的文本"
        "(CSV,或 Excel 另存的“Unicode 文本”);请另存为 UTF-8 编码的 CSV",
        en="cannot decode; expected text in UTF-8 (with or without a BOM), GB18030/GBK or UTF-16 "
        "with a BOM (CSV, or Excel's Unicode text); save it as CSV UTF-8",
        file=file,
    )


def workbook_not_csv(file: str) -> Problem:
    """A workbook (.xlsx, .xls, WPS) saved under a .csv name: text was expected."""
    return Problem(
        code="bad_encoding",
        zh="这是 Excel/WPS 工作簿,不是 CSV 文本;请另存为 CSV,或直接使用该工作簿",
        en="this is an Excel / WPS workbook, not CSV text; save it as CSV, or load the workbook itself",
        file=file,
    )


def unreadable_csv(file: str, error: Exception) -> Problem:
    return Problem(
        code="unreadable_file",
        zh=f"不是可读的 CSV 文件:{error}",
        en=f"not a readable CSV file: {error}",
        file=file,
    )


def missing_table(label: str, required: Sequence[str]) -> Problem:
    """A required table (file, sheet or JSON list) is absent."""
    return Problem(
        code="missing_table",
        zh=f"未找到;{'、'.join(required)} 是必需的",
        en=f"not found; {', '.join(required)} are required",
        file=label,
    )


def empty_table(label: str) -> Problem:
    return Problem(
        code="empty_table",
        zh="没有数据行;至少需要一行",
        en="no rows; at least one needed",
        file=label,
    )


def missing_column(label: str, row: int | None, column: str, near: str | None = None) -> Problem:
    """A required column is absent; `near` is an unknown column of the header that is probably
    it misspelt (the unknown column itself is only a warning)."""
    zh, en = "缺少必需的列", "missing required column"
    if near:
        zh, en = (
            f"{zh};{shown_name(near)} 列是否为其误写?",
            f"{en}; is {shown_name(near)} a misspelling of it?",
        )
    return Problem(code="missing_column", zh=zh, en=en, file=label, row=row, column=column)


SHOWN_UNKNOWN_COLUMNS = 10
"""Unknown columns of a table named one warning each; the others are counted in one more warning,
so a header of 10,000 made-up columns gives 11 warnings, not 10,000."""
LISTED_OTHERS = 5
MAX_SHOWN_NAME = 40

UnknownColumn = tuple[str, int | None, int]
"""An unknown column as found: its name, the first row naming it (the header row, or a JSON
object's index) and how many rows name it (1 for a header)."""


def unknown_columns(
    label: str, found: Sequence[UnknownColumn], known: Sequence[str], also: Sequence[str] = ()
) -> list[Problem]:
    """Warnings for the columns of a table the loader does not know and skips: the first
    SHOWN_UNKNOWN_COLUMNS one by one with the known column each was probably meant to be (one of
    `known`, or of `also`: their Chinese headers), then one warning counting the rest."""
    warnings = [
        _unknown_column(label, name, row, rows, known, also)
        for name, row, rows in found[:SHOWN_UNKNOWN_COLUMNS]
    ]
    others = found[SHOWN_UNKNOWN_COLUMNS:]
    if others:
        names = [shown_name(name) for name, _, _ in others[:LISTED_OTHERS]]
        more_zh, more_en = ("、".join(names), ", ".join(names))
        if len(others) > LISTED_OTHERS:
            more_zh, more_en = f"{more_zh}……", f"{more_en}, ..."
        warnings.append(
            Problem(
                code="unknown_column",
                zh=f"另有 {len(others)} 个未知的列,已忽略:{more_zh}",
                en=f"{len(others)} more unknown columns, ignored: {more_en}",
                file=label,
                row=others[0][1],
            )
        )
    return warnings


def _unknown_column(
    label: str, name: str, row: int | None, rows: int, known: Sequence[str], also: Sequence[str]
) -> Problem:
    close = difflib.get_close_matches(name, [*known, *also], n=1)
    if close:
        zh, en = f"未知的列,已忽略;是否应为 {close[0]}?", f"unknown column, ignored; did you mean {close[0]}?"
    else:
        zh = f"未知的列,已忽略;已知的列为:{'、'.join(known)}"
        en = f"unknown column, ignored; the known columns are {', '.join(known)}"
    if rows > 1:
        zh, en = f"{zh}(共 {rows} 行)", f"{en} ({rows} rows)"
    return Problem(code="unknown_column", zh=zh, en=en, file=label, row=row, column=shown_name(name))


def shown_name(name: str) -> str:
    """A column name as a problem shows it: a long one cut (a header cell may hold a megabyte)."""
    return name if len(name) <= MAX_SHOWN_NAME else f"{name[:MAX_SHOWN_NAME]}…"


def blank_value(label: str, row: int | None, column: str) -> Problem:
    return Problem(
        code="blank_value",
        zh="必须填写,不能为空",
        en="a value is required, got blank",
        file=label,
        row=row,
        column=column,
    )


def bad_value(
    label: str, row: int | None, column: str | None, expected_zh: str, expected_en: str, got: str
) -> Problem:
    """A value that does not parse: what was expected (in both languages) and what was given."""
    return Problem(
        code="bad_value",
        zh=f"应为{expected_zh},实际为 {got}",
        en=f"expected {expected_en}, got {got}",
        file=label,
        row=row,
        column=column,
    )


def not_an_object(label: str, row: int | None, item: object) -> Problem:
    """A JSON list item that should have been an object."""
    return Problem(
        code="bad_shape",
        zh=f"应为对象,实际为 {item!r}",
        en=f"expected an object, got {item!r}",
        file=label,
        row=row,
    )


def duplicate(label: str, row: int, column: str, what: str, first_row: int) -> Problem:
    """`what` (an id, or a key such as `(S3, music)`) was given before, at `first_row`."""
    return Problem(
        code="duplicate_id",
        zh=f"{what} 重复,首次出现在第 {first_row} 行",
        en=f"duplicate {what}, first at row {first_row}",
        file=label,
        row=row,
        column=column,
    )


SHOWN_ROW_RANGES = 5


def grouped(problems: Sequence[Problem]) -> list[Problem]:
    """One problem for the same mistake in many rows: problems equal but for their row become
    the first of them, its texts ending with how many rows and which (`(600 rows: 2–601)`), so a
    wrong value copied down a column reads as one line, not 600. Order is kept (by first row)."""
    groups: dict[Problem, list[int]] = {}
    kept: list[tuple[Problem, list[int] | None]] = []  # (problem, its group's rows; None: no row)
    for problem in problems:
        if problem.row is None:
            kept.append((problem, None))
            continue
        key = replace(problem, row=None)
        if key not in groups:
            groups[key] = []
            kept.append((key, groups[key]))
        groups[key].append(problem.row)
    return [problem if rows is None else _over_rows(problem, rows) for problem, rows in kept]


def _over_rows(problem: Problem, rows: list[int]) -> Problem:
    if len(rows) == 1:
        return replace(problem, row=rows[0])
    ranges = _row_ranges(sorted(set(rows)))
    shown = ", ".join(ranges[:SHOWN_ROW_RANGES]) + (", …" if len(ranges) > SHOWN_ROW_RANGES else "")
    return replace(
        problem,
        row=rows[0],
        zh=f"{problem.zh}(共 {len(rows)} 行:{shown})",
        en=f"{problem.en} ({len(rows)} rows: {shown})",
    )


def _row_ranges(rows: list[int]) -> list[str]:
    """[2, 3, 4, 7, 9, 10] -> ["2–4", "7", "9–10"]."""
    ranges: list[list[int]] = []
    for row in rows:
        if ranges and row == ranges[-1][1] + 1:
            ranges[-1][1] = row
        else:
            ranges.append([row, row])
    return [str(first) if first == last else f"{first}–{last}" for first, last in ranges]


def renumbered(problem: Problem, original: Callable[[int], int]) -> Problem:
    """The problem with its row, and the rows its texts name (`first at row N`), mapped by
    `original`: for a problem found in a part of a file and reported against the whole file."""

    def text(pattern: re.Pattern[str], value: str) -> str:
        return pattern.sub(lambda m: f"{m.group(1)}{original(int(m.group(2)))}", value)

    row = None if problem.row is None else original(problem.row)
    return replace(
        problem, row=row, zh=text(FIRST_AT_ROW_ZH, problem.zh), en=text(FIRST_AT_ROW_EN, problem.en)
    )


def unknown_reference(
    label: str, row: int | None, column: str, what: str, *refs: object, source: str | None = None
) -> Problem:
    """A reference to something that does not exist: `what` is school, teacher or a column name
    (school_id); `source` is where it was looked for, when the message should say so."""
    noun_zh, shown_zh, shown_en = (
        NOUNS_ZH.get(what, f" {what}"),
        "、".join(map(repr, refs)),
        ", ".join(map(repr, refs)),
    )
    if source:
        zh, en = f"{source} 中没有{noun_zh} {shown_zh}", f"unknown {what} {shown_en}; not in {source}"
    else:
        zh, en = f"未知的{noun_zh} {shown_zh}", f"unknown {what} {shown_en}"
    return Problem(code="unknown_reference", zh=zh, en=en, file=label, row=row, column=column)
