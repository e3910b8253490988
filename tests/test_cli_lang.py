"""The CLI speaks one language, the one `--lang` names (Chinese by default, as a county bureau
expects): the same problems, at the same places, in either language."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from optimizer.cli import EXIT_INPUT, main
from optimizer.errors import Problem, ScenarioError
from optimizer.io import load_scenario, write_bundle
from tests import tiny

MISTAKES = {2: ("birth_year", "abc"), 4: ("gender", "X")}
"""A mistake in each of two teachers.csv rows (the list index; the spreadsheet row is one more)."""


def chinese(text: str) -> bool:
    return any("\u4e00" <= character <= "\u9fff" for character in text)


def bad_bundle(folder: Path) -> Path:
    """The tiny county with MISTAKES written into its teachers.csv."""
    bundle = write_bundle(tiny.two_school_county(), folder)
    path = bundle / "teachers.csv"
    with path.open(encoding="utf-8-sig", newline="") as file:
        rows = list(csv.reader(file))
    for index, (column, value) in MISTAKES.items():
        rows[index][rows[0].index(column)] = value
    with path.open("w", encoding="utf-8-sig", newline="") as file:
        csv.writer(file).writerows(rows)
    return bundle


def refused(bundle: Path) -> list[Problem]:
    with pytest.raises(ScenarioError) as caught:
        load_scenario(bundle)
    return caught.value.problems


def printed_problems(argv: list[str], capsys: pytest.CaptureFixture[str]) -> list[str]:
    """The problem lines `rotation validate` prints (its heading left out)."""
    assert main(argv) == EXIT_INPUT
    heading, *lines = capsys.readouterr().err.splitlines()
    assert heading in ("输入有误:共 2 个问题", "input error: 2 problem(s)"), heading
    return lines


def test_a_bad_bundle_gives_the_same_problems_in_each_language(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    bundle = bad_bundle(tmp_path / "county")
    problems = refused(bundle)
    assert sorted((p.code, p.file, p.row, p.column) for p in problems) == [
        ("bad_value", "teachers.csv", 3, "birth_year"),
        ("bad_value", "teachers.csv", 5, "gender"),
    ]

    english = printed_problems(["validate", str(bundle), "--lang", "en"], capsys)
    chinese_lines = printed_problems(["validate", str(bundle), "--lang", "zh"], capsys)
    by_default = printed_problems(["validate", str(bundle)], capsys)

    assert english == [f"  {p.place('en')}: {p.en}" for p in problems]
    assert chinese_lines == by_default == [f"  {p.place('zh')}:{p.zh}" for p in problems]
    assert [line.split(": ")[0] for line in english] == [
        "  teachers.csv, row 3, column birth_year",
        "  teachers.csv, row 5, column gender",
    ]
    assert not any(chinese(line) for line in english)
    assert all("第" in line and chinese(line.split(":", 1)[1]) for line in chinese_lines)


def test_help_says_chinese_is_the_default(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        main(["validate", "--help"])
    assert "default zh" in capsys.readouterr().out
