"""Workbooks are held to their limits before their cells are read (a declared range, the sheet
XML's unpacked size, the rows), and a damaged .xlsx is a problem, not a crash."""

from __future__ import annotations

import time
import zipfile
from pathlib import Path

import pytest

from optimizer.cli import EXIT_INPUT, main
from optimizer.errors import ScenarioError
from optimizer.io import load_workbook, workbook, workbook_limits
from tests.hostile_workbooks import (
    SHEET,
    broken_sheet_xml,
    declaring_every_cell,
    sheet_xml_bomb,
    small_workbook,
    zip_without_workbook,
)

XLS = Path(__file__).parent / "fixtures" / "good-county.xls"


def refusal(path: Path) -> tuple[str, str, str | None]:
    with pytest.raises(ScenarioError) as raised:
        load_workbook(path)
    [problem] = raised.value.problems
    assert problem.code == "workbook_too_large", problem
    return problem.zh, problem.en, problem.file


def test_a_sheet_declaring_every_cell_is_refused_at_once(tmp_path: Path) -> None:
    path = declaring_every_cell(tmp_path / "every-cell.xlsx")
    started = time.perf_counter()
    zh, en, file = refusal(path)
    assert time.perf_counter() - started < 1.0
    assert file == "every-cell.xlsx"
    assert "1,048,576 rows and 16,384 columns" in en and "100,000 rows and 256 columns" in en
    assert "至多 100,000 行、256 列" in zh


def test_sheet_xml_unpacking_past_the_limit_is_refused_before_parsing(tmp_path: Path) -> None:
    path = sheet_xml_bomb(tmp_path / "bomb.xlsx")
    assert path.stat().st_size < 2 * 2**20
    started = time.perf_counter()
    zh, en, _ = refusal(path)
    assert time.perf_counter() - started < 1.0
    assert f"its part {SHEET} unpacks to 129 MiB, over the limit of 128 MiB a part" in en
    assert "128 MiB 的上限" in zh


def test_all_parts_together_are_limited(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = small_workbook(tmp_path / "small.xlsx")
    with zipfile.ZipFile(path) as archive:
        total = sum(part.file_size for part in archive.infolist())
    monkeypatch.setattr(workbook_limits, "MAX_ARCHIVE_BYTES", total - 1)
    _, en, _ = refusal(path)
    assert "over the limit of 0 MiB" in en


def test_rows_of_a_sheet_without_a_declared_range_are_counted(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "undeclared.xlsx"
    source = small_workbook(tmp_path / "small.xlsx")
    with zipfile.ZipFile(source) as old, zipfile.ZipFile(path, "w") as new:
        for part in old.infolist():
            data = old.read(part.filename)
            new.writestr(part.filename, data.replace(b'<dimension ref="A1:B2" />', b""))
    assert b"dimension" not in zipfile.ZipFile(path).read(SHEET)
    monkeypatch.setattr(workbook_limits, "MAX_SHEET_ROWS", 1)
    monkeypatch.setattr(workbook, "MAX_SHEET_ROWS", 1)
    _, en, _ = refusal(path)
    assert "sheet 'teachers' spans 2 rows" in en


def test_an_old_excel_sheet_is_held_to_the_same_limits(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(workbook_limits, "MAX_SHEET_ROWS", 5)
    _, en, file = refusal(XLS)
    assert file == "good-county.xls" and "over the limit of 5 rows" in en


@pytest.mark.parametrize("damage", [zip_without_workbook, broken_sheet_xml])
def test_a_damaged_xlsx_is_an_unreadable_file(tmp_path: Path, damage) -> None:
    path = damage(tmp_path / "damaged.xlsx")
    with pytest.raises(ScenarioError) as raised:
        load_workbook(path)
    [problem] = raised.value.problems
    assert (problem.code, problem.file) == ("unreadable_file", "damaged.xlsx")
    assert problem.zh.startswith("不是可读的 .xlsx 工作簿") and problem.en.startswith("not a readable .xlsx")


def test_the_cli_refuses_an_oversized_workbook_as_bad_input(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = declaring_every_cell(tmp_path / "every-cell.xlsx")
    assert main(["validate", str(path), "--lang", "en"]) == EXIT_INPUT
    assert "over the limit of 100,000 rows and 256 columns" in capsys.readouterr().err
