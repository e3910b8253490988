"""Limits a workbook is held to before its cells are read, so that a small file cannot make the
reader work for minutes or fill memory: an .xlsx is a zip whose XML may unpack to a thousand times
its size, and a sheet may declare a range of a billion empty cells that the reader would fill in.

`check_archive` looks at the zip's directory (the uncompressed size of every part, which the zip
reader never exceeds) before openpyxl or calamine opens it; `check_sheet_size` looks at the range a
sheet declares (or, for .xls/.et, the range calamine found) before its rows are read; the reader
also stops at `MAX_SHEET_ROWS` rows in a sheet that declares no range. A refusal is a ScenarioError
naming the limit, in Chinese and English.
"""

from __future__ import annotations

import zipfile
from pathlib import Path

from optimizer.errors import Problem, ScenarioError

MAX_SHEET_ROWS = 100_000
"""Rows in one sheet, the header included: 2.5 times the largest city the benchmarks plan."""
MAX_SHEET_COLUMNS = 256
"""Columns in one sheet (IV, as many as an old .xls holds); a table has about twenty."""
MAX_PART_BYTES = 128 * 2**20
"""Uncompressed bytes of one part of an .xlsx (a sheet's XML, the shared strings): 100,000 rows
written by `write_workbook` take about 100 MiB."""
MAX_ARCHIVE_BYTES = 256 * 2**20
"""Uncompressed bytes of all the parts of an .xlsx together."""

MIB = 2**20


def check_archive(path: Path) -> None:
    """Refuse an .xlsx (or any zip-based workbook) whose parts unpack past MAX_PART_BYTES each or
    MAX_ARCHIVE_BYTES together, from the sizes its zip directory declares. A file that is no zip
    passes: the reader says it is unreadable."""
    if not zipfile.is_zipfile(path):
        return
    with zipfile.ZipFile(path) as archive:
        parts = archive.infolist()
    for part in parts:
        if part.file_size > MAX_PART_BYTES:
            raise _too_large(
                path,
                f"其中 {part.filename} 解压后 {part.file_size / MIB:,.0f} MiB,超过每部分 "
                f"{MAX_PART_BYTES // MIB} MiB 的上限",
                f"its part {part.filename} unpacks to {part.file_size / MIB:,.0f} MiB, over the "
                f"limit of {MAX_PART_BYTES // MIB} MiB a part",
            )
    total = sum(part.file_size for part in parts)
    if total > MAX_ARCHIVE_BYTES:
        raise _too_large(
            path,
            f"解压后共 {total / MIB:,.0f} MiB,超过 {MAX_ARCHIVE_BYTES // MIB} MiB 的上限",
            f"it unpacks to {total / MIB:,.0f} MiB, over the limit of {MAX_ARCHIVE_BYTES // MIB} MiB",
        )


def check_sheet_size(path: Path, sheet: str, rows: int | None, columns: int | None) -> None:
    """Refuse a sheet whose range (as declared, or as found) is over MAX_SHEET_ROWS rows or
    MAX_SHEET_COLUMNS columns; None is a size the sheet does not declare."""
    if (rows or 0) <= MAX_SHEET_ROWS and (columns or 0) <= MAX_SHEET_COLUMNS:
        return
    rows, columns = rows or 0, columns or 0
    raise _too_large(
        path,
        f"工作表 {sheet!r} 有 {rows:,} 行、{columns:,} 列,超过上限(至多 {MAX_SHEET_ROWS:,} 行、"
        f"{MAX_SHEET_COLUMNS} 列);请删除多余的空行和空列后另存",
        f"sheet {sheet!r} spans {rows:,} rows and {columns:,} columns, over the limit of "
        f"{MAX_SHEET_ROWS:,} rows and {MAX_SHEET_COLUMNS} columns; delete the unused rows and columns "
        "and save it again",
    )


def _too_large(path: Path, zh: str, en: str) -> ScenarioError:
    return ScenarioError([Problem(code="workbook_too_large", zh=zh, en=en, file=path.name)])
