"""Workbooks an attacker or a damaged disk sends: a sheet declaring every cell Excel has, sheet XML
unpacking to hundreds of times the file's size, a zip that holds no workbook, a sheet cut in half.
Each starts from a small real workbook so that only the named defect is wrong."""

from __future__ import annotations

import zipfile
from collections.abc import Callable
from pathlib import Path

import openpyxl

from optimizer.io.workbook_limits import MAX_PART_BYTES

SHEET = "xl/worksheets/sheet1.xml"


def small_workbook(path: Path) -> Path:
    """A workbook with one teachers sheet: a header and one row."""
    book = openpyxl.Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "teachers"
    sheet.append(["teacher_id", "name"])
    sheet.append(["T1", "张三"])
    book.save(path)
    return path


def _rewrite_sheet(path: Path, change: Callable[[bytes], bytes]) -> Path:
    source = path.with_suffix(".source.xlsx")
    small_workbook(source)
    with zipfile.ZipFile(source) as old, zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as new:
        for part in old.infolist():
            data = old.read(part.filename)
            new.writestr(part.filename, change(data) if part.filename == SHEET else data)
    source.unlink()
    return path


def declaring_every_cell(path: Path) -> Path:
    """A few KB whose sheet declares A1:XFD1048576, the whole of an Excel sheet, and holds a cell
    in its last row and column: read as declared, a billion empty cells."""
    last = b'<row r="1048576"><c r="XFD1048576" t="inlineStr"><is><t>x</t></is></c></row></sheetData>'
    return _rewrite_sheet(
        path,
        lambda xml: xml.replace(b'<dimension ref="A1:B2"', b'<dimension ref="A1:XFD1048576"').replace(
            b"</sheetData>", last
        ),
    )


def sheet_xml_bomb(path: Path, unpacked: int = MAX_PART_BYTES + 2**20) -> Path:
    """A workbook whose sheet XML unpacks to `unpacked` bytes (blanks between its rows) from a
    file of a few hundred KB."""
    source = small_workbook(path.with_suffix(".source.xlsx"))
    with (
        zipfile.ZipFile(source) as old,
        zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as new,
    ):
        for part in old.infolist():
            data = old.read(part.filename)
            if part.filename != SHEET:
                new.writestr(part.filename, data)
                continue
            head, tail = data.split(b"<sheetData>")
            with new.open(SHEET, "w") as sheet:
                sheet.write(head + b"<sheetData>")
                blank = b" " * 2**20
                for _ in range(unpacked // len(blank)):
                    sheet.write(blank)
                sheet.write(tail)
    source.unlink()
    return path


def zip_without_workbook(path: Path) -> Path:
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("notes.txt", "not a workbook")
    return path


def broken_sheet_xml(path: Path) -> Path:
    """The sheet's XML cut in the middle of a tag."""
    return _rewrite_sheet(path, lambda xml: xml[: len(xml) // 2])
