"""The `rotation` command in-process: exit codes, files written, what is printed where."""

from __future__ import annotations

import csv
import json
import shutil
from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path

import openpyxl
import pytest

from optimizer import cli
from optimizer.cli import main
from optimizer.io import write_bundle
from optimizer.io.tables import HISTORY, TABLES
from optimizer.options import EngineSettings
from optimizer.result import Result
from optimizer.scenario import Scenario
from optimizer.solve import solve
from tests import tiny

FAST = ["--time-limit", "10", "--workers", "1", "--quiet"]
PLAN_FILES = (
    "plan.csv",
    "recruitment.csv",
    "itinerant.csv",
    "leaders.csv",
    "coverage.csv",
    "ledger.csv",
    "complaints.csv",
    "report.json",
    "summary.json",
    "plan.xlsx",
)
DEMO = Path(__file__).resolve().parents[1] / "scenarios" / "demo-county"


def county_bundle(folder: Path, overrides: Sequence[str] = ()) -> Path:
    """The tiny two-school county plus N01, a teacher too new at U1 to be eligible."""
    base = tiny.two_school_county(overrides=["capacity.max_departure_share=0.5", *overrides])
    newcomer = tiny.teacher("N01", "U1", years_at_school=2)
    return write_bundle(replace(base, teachers=(*base.teachers, newcomer)), folder)


@pytest.fixture
def bundle(tmp_path: Path) -> Path:
    return county_bundle(tmp_path / "county")


def solved_summary(out: Path) -> dict:
    return json.loads((out / "summary.json").read_text(encoding="utf-8"))


def test_validate_prints_counts(bundle: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["validate", str(bundle)]) == 0

    out = capsys.readouterr().out
    assert "teachers: 12" in out
    assert "schools: 2" in out
    assert "eligible: 11" in out
    assert "shortage total: 2" in out


def test_validate_bad_bundle_lists_every_problem(bundle: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = bundle / "teachers.csv"
    with path.open(encoding="utf-8-sig", newline="") as file:
        rows = list(csv.reader(file))
    header = rows[0]
    rows[2][header.index("birth_year")] = "abc"
    rows[4][header.index("gender")] = "X"
    with path.open("w", encoding="utf-8-sig", newline="") as file:
        csv.writer(file).writerows(rows)

    assert main(["validate", str(bundle), "--lang", "en"]) == 1

    err = capsys.readouterr().err
    lines = err.splitlines()
    assert lines[0] == "input error: 2 problem(s)"
    assert lines[1].startswith("  teachers.csv, row 3, column birth_year: expected a birth year")
    assert "teachers.csv, row 5, column gender" in err
    assert "第 3 行" not in err

    assert main(["validate", str(bundle)]) == 1  # Chinese by default

    err = capsys.readouterr().err
    assert err.startswith("输入有误:共 2 个问题\n  teachers.csv,第 3 行,“birth_year”列:应为出生年份")
    assert "teachers.csv,第 5 行,“gender”列:应为以下之一:F、M,实际为 'X'" in err
    assert "row 5" not in err and "input error" not in err


def test_unknown_columns_are_warned_about_and_the_command_goes_on(
    bundle: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = bundle / "teachers.csv"
    with path.open(encoding="utf-8-sig", newline="") as file:
        rows = list(csv.reader(file))
    rows[0][rows[0].index("volunteer")] = "volunter"
    with path.open("w", encoding="utf-8-sig", newline="") as file:
        csv.writer(file).writerows([[*rows[0], "备注"], *([*row, ""] for row in rows[1:])])

    assert main(["validate", str(bundle)]) == 0

    captured = capsys.readouterr()
    assert "teachers: 12" in captured.out
    lines = captured.err.splitlines()
    assert lines[:2] == [
        "输入警告:共 2 条,已忽略并继续",
        "  teachers.csv,第 1 行,“volunter”列:未知的列,已忽略;是否应为 volunteer?",
    ]
    assert lines[2].startswith("  teachers.csv,第 1 行,“备注”列:未知的列,已忽略;已知的列为:teacher_id、")
    assert len(lines) == 3

    assert main(["validate", str(bundle), "--lang", "en"]) == 0

    err = capsys.readouterr().err
    assert err.startswith("input warning: 2 warning(s), skipped and going on\n")
    assert "column volunter: unknown column, ignored; did you mean volunteer?" in err
    assert "输入警告" not in err and "第 1 行" not in err


def test_solve_writes_the_plan_files(
    bundle: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "out"

    assert main(["solve", str(bundle), "--out", str(out), *FAST]) == 0

    for name in PLAN_FILES:
        assert (out / name).is_file()
    assert not (out / "conflicts.json").exists()
    printed = capsys.readouterr().out
    assert "status: optimal" in printed
    summary = solved_summary(out)
    assert f"rotating: {summary['rotating']} / 11 eligible" in printed
    hires = f"{summary['hires']} / {summary['hire_budget']}"
    after = f"{summary['unmet_after']:g}"
    assert f"全县缺岗:2 → {after}(补上原有空缺 " in printed
    assert f"招聘 {hires} 人;跟岗 0 人;走教 0 处;有校长的学校 0 → 0" in printed
    assert "unmet posts" not in printed  # Chinese by default

    assert main(["solve", str(bundle), "--out", str(out), "--lang", "en", *FAST]) == 0

    printed = capsys.readouterr().out
    assert f"unmet posts over all schools: 2 → {after} (filled " in printed and "全县缺岗" not in printed
    assert f"hires {hires}; exchanges 0; 走教 assignments 0; schools with a principal 0 → 0" in printed


def test_solve_shows_progress_unless_quiet(
    bundle: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["solve", str(bundle), "--out", str(tmp_path / "out"), "--time-limit", "10"]) == 0

    assert "best" in capsys.readouterr().err


def test_set_override_changes_the_result(bundle: Path, tmp_path: Path) -> None:
    """By default one teacher rotates, the quota's 10 % of 10 eligible at U1: a second mover
    would open a math vacancy at U1 (coverage), so R1's other post is hired. A 50 % quota moves
    five."""
    assert main(["solve", str(bundle), "--out", str(tmp_path / "default"), *FAST]) == 0
    quota = ["--set", "rotation_quota.rate=0.5"]
    assert main(["solve", str(bundle), "--out", str(tmp_path / "half"), *quota, *FAST]) == 0

    default, half = solved_summary(tmp_path / "default"), solved_summary(tmp_path / "half")
    assert (default["rotating"], default["hires"]) == (1, 1)
    assert half["rotating"] == 5  # half of 10 eligible at U1


def test_bad_set_is_an_input_error(bundle: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    args = ["solve", str(bundle), "--out", str(tmp_path / "out"), "--set", "rotation_quota.rate=2", *FAST]

    assert main(args) == 1

    assert "rules.rotation_quota.rate" in capsys.readouterr().err


def test_infeasible_hard_rules_exit_2_with_conflicts(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    bundle = county_bundle(
        tmp_path / "county", ["rotation_quota.rate=1.0", "capacity.max_departure_share=0.1"]
    )
    out = tmp_path / "out"

    assert main(["solve", str(bundle), "--out", str(out), *FAST]) == 2

    assert (out / "conflicts.json").is_file()
    printed = capsys.readouterr().out
    assert "rotation_quota[region=东区]" in printed
    assert "capacity[school=U1/departures]" in printed
    assert "至少 10 人" in printed  # the Chinese sentence, by default


def test_timeout_without_a_plan_exits_3(
    bundle: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def no_plan(scenario: Scenario, settings: EngineSettings, **where: object) -> Result:
        result = solve(scenario, settings)
        return replace(result, summary=replace(result.summary, status="timeout_no_plan"))

    monkeypatch.setattr(cli, "solve_scenario", no_plan)

    assert main(["solve", str(bundle), "--out", str(tmp_path / "out"), *FAST]) == 3


def test_check_solver_plan_passes_and_hint_is_accepted(
    bundle: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "out"
    assert main(["solve", str(bundle), "--out", str(out), *FAST]) == 0
    hinted = ["solve", str(bundle), "--out", str(tmp_path / "again"), "--hint", str(out / "plan.csv"), *FAST]
    assert main(hinted) == 0
    capsys.readouterr()

    assert main(["check", str(bundle), str(out / "plan.csv"), "--json"]) == 0

    document = json.loads(capsys.readouterr().out)
    assert document["hard_violated_rules"] == []
    assert document["counts"]["violated"] == sum(r["status"] == "violated" for r in document["report"])


def test_check_hand_made_plan_with_ineligible_teacher_exits_2(
    bundle: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    plan = tmp_path / "hand.csv"
    plan.write_text("teacher_id,from_school,to_school,subject\nN01,U1,R1,数学\n", encoding="utf-8")

    assert main(["check", str(bundle), str(plan), "--lang", "en"]) == 2

    printed = capsys.readouterr().out
    assert "hard rules violated: eligibility" in printed
    assert "[hard] eligibility teacher=N01" in printed


def test_check_bad_plan_file_is_an_input_error(
    bundle: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    plan = tmp_path / "hand.csv"
    plan.write_text("teacher_id,from_school,to_school,subject\nNOPE,U1,R1,math\n", encoding="utf-8")

    assert main(["check", str(bundle), str(plan), "--lang", "en"]) == 1

    err = capsys.readouterr().err
    assert "hand.csv, row 2, column teacher_id: unknown teacher 'NOPE'; not in teachers.csv" in err
    assert "第 2 行" not in err


@pytest.fixture(scope="module")
def demo_plan(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The shipped demo county solved once (any plan the time allows): its output folder."""
    out = tmp_path_factory.mktemp("demo") / "out"
    assert main(["solve", str(DEMO), "--out", str(out), "--time-limit", "10", "--quiet"]) == 0
    return out


def copy_of(folder: Path, tmp_path: Path) -> Path:
    return Path(shutil.copytree(folder, tmp_path / "plan"))


def csv_rows(path: Path) -> list[list[str]]:
    with path.open(encoding="utf-8-sig", newline="") as file:
        return list(csv.reader(file))


def write_csv_rows(path: Path, rows: list[list[str]]) -> None:
    with path.open("w", encoding="utf-8-sig", newline="") as file:
        csv.writer(file).writerows(rows)


def checked(capsys: pytest.CaptureFixture[str], plan: Path, *options: str) -> tuple[int, dict]:
    capsys.readouterr()
    code = main(["check", str(DEMO), str(plan / "plan.csv"), "--json", *options])
    return code, json.loads(capsys.readouterr().out)


def test_check_recomputes_the_solved_report_from_the_files_alone(
    demo_plan: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Only the plan's files and the scenario: the report, coverage, hires and heads included,
    are the solve's own, and leaders.csv agrees."""
    plan = copy_of(demo_plan, tmp_path)
    for name in ("report.json", "summary.json", "coverage.csv", "plan.xlsx"):
        (plan / name).unlink()

    code, document = checked(capsys, plan)

    assert code == 0
    assert document["report"] == json.loads((demo_plan / "report.json").read_text(encoding="utf-8"))
    assert {row["rule"] for row in document["report"]} >= {"coverage", "recruitment", "leadership"}
    assert document["leader_mismatches"] == []
    solved = json.loads((demo_plan / "summary.json").read_text(encoding="utf-8"))
    for figure in (
        "rotating",
        "unmet_before",
        "unmet_after",
        "vacancies_filled",
        "vacancies_open",
        "vacancies_created",
        "hires",
        "hire_budget",
        "exchanges",
        "itinerant_assignments",
        "schools_with_principal_before",
        "schools_with_principal_after",
    ):
        assert document["summary"][figure] == solved[figure], figure
    assert document["summary"]["objective"] == pytest.approx(solved["objective"])
    assert solved["hires"] > 0 and solved["schools_with_principal_after"] > 0

    assert main(["check", str(DEMO), str(plan / "plan.csv"), "--lang", "en"]) == 0

    printed = capsys.readouterr().out
    assert f"unmet posts over all schools: {solved['unmet_before']:g} → " in printed
    assert f"leaders.csv: agrees with the plan ({solved['schools_with_principal_after']} schools)" in printed


def test_check_reads_the_plan_workbook_hr_edits(
    demo_plan: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """plan.xlsx alone, under another name and with no CSV beside it, gives the solve's report;
    a head changed in 校长配备 differs from the plan, a bad 起止年月 is an input error at its sheet,
    row and Chinese column."""
    plan = Path(shutil.copyfile(demo_plan / "plan.xlsx", tmp_path / "edited.xlsx"))

    capsys.readouterr()
    code = main(["check", str(DEMO), str(plan), "--json"])
    document = json.loads(capsys.readouterr().out)

    assert code == 0
    assert document["report"] == json.loads((demo_plan / "report.json").read_text(encoding="utf-8"))
    assert document["leader_mismatches"] == []

    book = openpyxl.load_workbook(plan)
    heads = book["校长配备"]
    school, head = heads["A2"].value, heads["C2"].value
    heads["C2"] = someone_else = next(
        row[0] for row in csv_rows(DEMO / "teachers.csv")[1:] if row[1] == school and row[0] != head
    )
    book.save(plan)

    assert main(["check", str(DEMO), str(plan), "--lang", "en"]) == 2

    printed = capsys.readouterr().out
    assert "edited.xlsx · 校长配备: 1 schools differ from the plan" in printed
    assert f"{school}: edited.xlsx · 校长配备 names {someone_else} (" in printed

    book["交流名单"]["L3"] = "2025.09-2026.02"
    book.save(plan)

    assert main(["check", str(DEMO), str(plan), "--lang", "en"]) == 1

    err = capsys.readouterr().err
    assert "edited.xlsx · 交流名单, row 3, column 起止年月: expected a span of whole school years" in err


def test_check_without_the_recruitment_file_misses_the_hires(
    demo_plan: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """The hires are read from recruitment.csv: without it the plan has none, and says so."""
    plan = copy_of(demo_plan, tmp_path)
    (plan / "recruitment.csv").unlink()

    _, document = checked(capsys, plan)

    solved = json.loads((demo_plan / "summary.json").read_text(encoding="utf-8"))
    assert solved["hires"] > 0
    assert document["summary"]["hires"] == 0
    assert document["summary"]["unmet_after"] > solved["unmet_after"]


def test_check_finds_hires_above_the_budget(
    demo_plan: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    plan = copy_of(demo_plan, tmp_path)
    budget = json.loads((demo_plan / "summary.json").read_text(encoding="utf-8"))["hire_budget"]
    rows = csv_rows(plan / "recruitment.csv")
    hired = sum(int(row[2]) for row in rows[1:])
    extra = budget - hired + 3
    write_csv_rows(plan / "recruitment.csv", [*rows, ["S001", "music", str(extra), "open", ""]])

    code, document = checked(capsys, plan)

    assert code == 2
    assert "recruitment" in document["hard_violated_rules"]
    [row] = [r for r in document["report"] if r["rule"] == "recruitment" and r["key"] == "青山县/budget"]
    assert (row["status"], row["target"], row["achieved"], row["shortfall"]) == (
        "violated",
        budget,
        budget + 3,
        3,
    )
    assert document["summary"]["hires"] == budget + 3


def test_check_reports_a_leaders_csv_naming_another_head(
    demo_plan: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    plan = copy_of(demo_plan, tmp_path)
    rows = csv_rows(plan / "leaders.csv")
    (school, head, how), (dropped, _, _) = rows[1], rows[2]
    someone_else = next(
        row[0] for row in csv_rows(DEMO / "teachers.csv")[1:] if row[1] == school and row[0] != head
    )
    write_csv_rows(plan / "leaders.csv", [rows[0], [school, someone_else, how], *rows[3:]])

    code, document = checked(capsys, plan)

    assert code == 2
    assert document["hard_violated_rules"] == []  # the plan itself holds; its leaders.csv does not
    mismatches = {m["school_id"]: m for m in document["leader_mismatches"]}
    assert set(mismatches) == {school, dropped}
    assert mismatches[school]["named"]["teacher_id"] == someone_else
    assert mismatches[school]["recomputed"]["teacher_id"] == head
    assert mismatches[dropped]["named"] is None
    assert f"names {someone_else} ({how}), the plan gives {head} ({how})" in mismatches[school]["sentence_en"]

    assert main(["check", str(DEMO), str(plan / "plan.csv"), "--lang", "zh"]) == 2

    printed = capsys.readouterr().out
    assert "leaders.csv: 2 schools differ from the plan" in printed
    assert f"{dropped}:leaders.csv 写的是 无人,按方案应为 " in printed


def test_check_lists_every_bad_row_of_the_plan_files(
    demo_plan: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    plan = copy_of(demo_plan, tmp_path)
    rows = csv_rows(plan / "recruitment.csv")
    write_csv_rows(plan / "recruitment.csv", [*rows, ["S001", "music", "many", "open", ""]])
    write_csv_rows(
        plan / "itinerant.csv", [csv_rows(plan / "itinerant.csv")[0], ["NOPE", "S003", "S006", "pe", "0.5"]]
    )
    leaders = csv_rows(plan / "leaders.csv")
    write_csv_rows(plan / "leaders.csv", [*leaders, ["S999", "T00001", "stays"]])

    assert main(["check", str(DEMO), str(plan / "plan.csv"), "--lang", "en"]) == 1

    err = capsys.readouterr().err
    assert err.startswith("input error: 3 problem(s)\n")
    assert f"recruitment.csv, row {len(rows) + 1}, column posts: expected a number of hires" in err
    assert "itinerant.csv, row 2, column teacher_id: unknown teacher 'NOPE'; not in teachers.csv" in err
    assert (
        f"leaders.csv, row {len(leaders) + 1}, column school_id: unknown school 'S999'; not in schools.csv"
        in err
    )


def test_generate_writes_a_bundle_that_validates(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "small"
    args = [
        "generate",
        "--teachers",
        "120",
        "--schools",
        "8",
        "--regions",
        "1",
        "--seed",
        "3",
        "--out",
        str(out),
    ]

    assert main(args) == 0
    assert main(["validate", str(out)]) == 0

    assert "teachers: 120" in capsys.readouterr().out


def test_generate_rejects_impossible_parameters(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["generate", "--teachers", "10", "--schools", "8", "--out", str(tmp_path / "x")]) == 1

    err = capsys.readouterr().err
    assert "  teachers:平均每所学校至少 12 名教师" in err
    assert not (tmp_path / "x").exists()


@pytest.mark.parametrize(
    ("lang", "sheets"),
    [(None, ["教师", "学校", "需求", "指定", "交流记录", "说明"]), ("en", [*TABLES, HISTORY])],
)
def test_template_writes_the_workbook_hr_fills_in(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], lang: str | None, sheets: list[str]
) -> None:
    """Chinese by default; the empty template is a workbook `validate` reads (and finds empty)."""
    out = tmp_path / "forms" / "template.xlsx"
    assert main(["template", *(["--lang", lang] if lang else []), str(out)]) == 0
    assert capsys.readouterr().out.strip() == str(out)
    assert openpyxl.load_workbook(out).sheetnames[: len(sheets)] == sheets
    assert main(["validate", "--lang", "en", str(out)]) == 1
    assert f"{sheets[0]}: no rows; at least one needed" in capsys.readouterr().err


def test_solve_stops_within_the_gap_asked_for_and_refuses_a_gap_that_is_no_share(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "out"
    assert main(["solve", str(DEMO), "--out", str(out), "--gap", "0.05", *FAST]) == 0
    summary = solved_summary(out)
    # The demo county is proven optimal in about a second; 5 % is reached before that.
    assert summary["status"] == "feasible" and 0 < summary["gap"] <= 0.05
    capsys.readouterr()
    assert main(["solve", str(DEMO), "--out", str(out), "--gap", "2", "--lang", "en", *FAST]) == 1
    assert "--gap must be a share from 0 up to (not including) 1" in capsys.readouterr().err
