"""The plan's files beside plan.csv: each written and read back to the same plan, coverage.csv's
every school × subject with how it is covered, and bad rows reported at their file, row and
column, every file's problems at once.

The county (tests.tiny): U1 (urban) with math teachers T00..T09, its principal P01 and
vice-principal V01; R1 (rural) with R00, short of two math teachers.
"""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from optimizer.errors import ScenarioError
from optimizer.io.plan_csv import PLAN_COLUMNS, read_plan_csv, write_plan_csv
from optimizer.io.staffing_csv import (
    COVERAGE_COLUMNS,
    ITINERANT_COLUMNS,
    LEADER_COLUMNS,
    RECRUITMENT_COLUMNS,
    coverage_status,
    filled_by,
    leader_mismatches,
    read_plan_files,
    write_coverage_csv,
    write_itinerant_csv,
    write_leaders_csv,
    write_recruitment_csv,
)
from optimizer.plan import Hire, ItinerantAssignment, Leader, Move, Plan
from optimizer.rules import Post, coverage_posts, leaders_after
from optimizer.scenario import Scenario
from tests import tiny

PLAN = Plan(
    moves=(
        Move("T00", "U1", "R1", "math", 3, "shortage;rotation_quota"),
        Move("P01", "U1", "R1", "principal", 2),
    ),
    exchanges=(Move("R00", "R1", "U1", "math", 1, "exchange", kind="exchange"),),
    hires=(Hire("R1", "math", 1, "open", "recruitment;coverage"), Hire("R1", "math", 1, "special")),
    itinerant=(ItinerantAssignment("T05", "U1", "R1", "math", 0.5),),
)


@pytest.fixture(scope="module")
def county() -> Scenario:
    base = tiny.two_school_county()
    leaders = [
        tiny.teacher("P01", "U1", "chinese", role="principal", terms_at_school=2),
        tiny.teacher("V01", "U1", "chinese", role="vice_principal"),
    ]
    return tiny.scenario(list(base.schools), [*base.teachers, *leaders], base.demand)


def write_plan_files(plan: Plan, folder: Path) -> Path:
    folder.mkdir(exist_ok=True)
    write_recruitment_csv(plan, folder / "recruitment.csv")
    write_itinerant_csv(plan, folder / "itinerant.csv")
    return write_plan_csv(plan, folder / "plan.csv")


def rows_of(path: Path) -> list[list[str]]:
    with path.open(encoding="utf-8-sig", newline="") as file:
        return list(csv.reader(file))


def write_rows(path: Path, rows: list[list[str]]) -> Path:
    with path.open("w", encoding="utf-8", newline="") as file:
        csv.writer(file).writerows(rows)
    return path


def test_plan_recruitment_and_itinerant_read_back_to_the_plan(tmp_path: Path, county: Scenario) -> None:
    plan_path = write_plan_files(PLAN, tmp_path)

    assert read_plan_files(plan_path, county).plan == PLAN
    assert [row[-1] for row in rows_of(plan_path)] == ["kind", "rotation", "rotation", "exchange"]
    assert rows_of(tmp_path / "recruitment.csv") == [
        list(RECRUITMENT_COLUMNS),
        ["R1", "math", "1", "open", "recruitment;coverage"],
        ["R1", "math", "1", "special", ""],
    ]
    assert rows_of(tmp_path / "itinerant.csv") == [
        list(ITINERANT_COLUMNS),
        ["T05", "U1", "R1", "math", "0.5"],
    ]
    # plan.csv alone holds the moves and the exchanges, nothing else
    assert read_plan_csv(plan_path, county) == Plan(PLAN.moves, exchanges=PLAN.exchanges)


def test_leaders_csv_reads_back_and_agrees_with_the_plan(tmp_path: Path, county: Scenario) -> None:
    plan_path = write_plan_files(PLAN, tmp_path)
    leaders = leaders_after(county, PLAN)
    assert leaders == [Leader("U1", "V01", "acting")]  # P01 leaves U1, its vice-principal acts

    write_leaders_csv(leaders, tmp_path / "leaders.csv")

    assert rows_of(tmp_path / "leaders.csv") == [list(LEADER_COLUMNS), ["U1", "V01", "acting"]]
    files = read_plan_files(plan_path, county)
    assert files.leaders == tuple(leaders)
    assert leader_mismatches(county, files.leaders, leaders) == []


def test_leader_mismatches_name_another_head_and_a_missing_one(county: Scenario) -> None:
    recomputed = [Leader("U1", "V01", "acting")]

    [other] = leader_mismatches(county, [Leader("U1", "T03", "reserve")], recomputed)
    [nobody] = leader_mismatches(county, [], recomputed)
    [extra] = leader_mismatches(county, [*recomputed, Leader("R1", "R00", "reserve")], recomputed)

    assert (other.school_id, other.named, other.recomputed) == (
        "U1",
        Leader("U1", "T03", "reserve"),
        recomputed[0],
    )
    assert other.sentence("en") == "U1: leaders.csv names T03 (reserve), the plan gives V01 (acting)"
    assert other.sentence("zh") == "U1:leaders.csv 写的是 T03(后备干部接任),按方案应为 V01(副校长主持工作)"
    assert nobody.named is None and "names nobody" in nobody.sentence("en")
    assert (extra.school_id, extra.recomputed) == ("R1", None)


def test_files_without_rows_are_headers_and_a_plan_csv_without_kind_is_all_rotation(
    tmp_path: Path, county: Scenario
) -> None:
    plan_path = write_plan_files(Plan(()), tmp_path)
    write_leaders_csv([], tmp_path / "leaders.csv")
    write_coverage_csv([], Plan(()), tmp_path / "coverage.csv")
    for name, columns in (
        ("recruitment.csv", RECRUITMENT_COLUMNS),
        ("itinerant.csv", ITINERANT_COLUMNS),
        ("leaders.csv", LEADER_COLUMNS),
        ("coverage.csv", COVERAGE_COLUMNS),
    ):
        assert rows_of(tmp_path / name) == [list(columns)], name
    assert read_plan_files(plan_path, county).plan == Plan(())

    (tmp_path / "old").mkdir()
    old = write_rows(
        tmp_path / "old" / "plan.csv",
        [list(PLAN_COLUMNS[:6]), ["T00", "U1", "R1", "math", "3", ""], ["R00", "R1", "U1", "数学", "1", ""]],
    )
    plan = read_plan_files(old, county)
    assert plan.plan.moves == (Move("T00", "U1", "R1", "math", 3), Move("R00", "R1", "U1", "math", 1))
    assert plan.plan.exchanges == () and plan.leaders is None


def test_a_kind_given_in_chinese_or_blank(tmp_path: Path, county: Scenario) -> None:
    path = write_rows(
        tmp_path / "plan.csv",
        [
            ["teacher_id", "from_school", "to_school", "subject", "term_years", "kind"],
            ["T00", "U1", "R1", "math", "", ""],
            ["R00", "R1", "U1", "math", "", "跟岗"],  # an exchange's term is one year
            ["T01", "U1", "R1", "math", "", "交流轮岗"],
        ],
    )

    plan = read_plan_csv(path, county)

    assert [m.teacher_id for m in plan.moves] == ["T00", "T01"]
    assert plan.exchanges == (Move("R00", "R1", "U1", "math", 1, kind="exchange"),)


def test_coverage_csv_lists_every_post_and_what_comes_to_fill_it(tmp_path: Path, county: Scenario) -> None:
    posts = coverage_posts(county, PLAN)

    write_coverage_csv(posts, PLAN, tmp_path / "coverage.csv")

    assert rows_of(tmp_path / "coverage.csv") == [
        list(COVERAGE_COLUMNS),
        # T00 leaves, R00 comes on exchange, T05 teaches half a post at R1
        ["U1", "math", "10", "10", "9.5", "R00(exchange)"],
        # R00 leaves; T00 arrives, two hires (one 特岗) and T05's half post
        ["R1", "math", "3", "1", "3.5", "T00;hire×1;hire(special)×1;T05(走教 0.5)"],
    ]


def test_the_sheet_says_how_a_post_is_filled_in_chinese() -> None:
    assert filled_by(PLAN, chinese=True) == {
        ("R1", "math"): "T00;公开招聘×1;特岗×1;T05(走教 0.5)",
        ("R1", "principal"): "P01",
        ("U1", "math"): "R00(跟岗)",
    }


@pytest.mark.parametrize(
    ("required", "before", "after", "status"),
    [
        (3, 3, 3, "已满足"),
        (3, 3, 4, "已满足"),
        (3, 1, 3, "已补足"),
        (3, 1, 2, "仍缺 1"),
        (3, 3, 2, "新增空缺 1"),
        (3, 3, 2.5, "新增空缺 1"),  # half a post left open is a vacancy
        (3, 2, 0.5, "仍缺 1,新增空缺 2"),
    ],
)
def test_coverage_status_in_the_sheet(required: int, before: int, after: float, status: str) -> None:
    assert coverage_status(Post("S1", "math", required, before, after, False)) == status


def test_every_bad_row_of_every_file_is_reported_at_once(tmp_path: Path, county: Scenario) -> None:
    plan_path = write_rows(
        tmp_path / "plan.csv",
        [
            list(PLAN_COLUMNS),
            ["T00", "U1", "R1", "math", "3", "", "swap"],  # unknown kind
            ["R00", "R1", "U1", "math", "two", "", "exchange"],  # a term that is not a number
            ["T00", "U1", "R1", "math", "3", "", ""],  # listed twice
        ],
    )
    write_rows(
        tmp_path / "recruitment.csv",
        [
            list(RECRUITMENT_COLUMNS),
            ["X9", "math", "1", "open", ""],  # unknown school
            ["R1", "knitting", "1", "", ""],  # unknown subject
            ["R1", "math", "0", "", ""],  # not a number of hires
            ["R1", "math", "two", "special", ""],  # not a number either
            ["R1", "数学", "1", "temp", ""],  # unknown kind
            ["R1", "math", "1", "公开招聘", ""],  # (R1, math, open) once more
        ],
    )
    write_rows(
        tmp_path / "itinerant.csv",
        [
            list(ITINERANT_COLUMNS),
            ["NOPE", "U1", "R1", "math", "0.5"],  # unknown teacher
            ["T05", "U1", "R1", "math", "1.5"],  # above one post
            ["T06", "", "R1", "math", "half"],  # blank home school, share not a number
        ],
    )
    write_rows(
        tmp_path / "leaders.csv",
        [
            list(LEADER_COLUMNS),
            ["U1", "V01", "boss"],  # unknown how
            ["U1", "T03", "reserve"],  # U1 twice
            ["R1", "NOPE", "arrives"],  # unknown teacher
        ],
    )

    with pytest.raises(ScenarioError) as raised:
        read_plan_files(plan_path, county)

    places = {(p.file, p.row, p.column) for p in raised.value.problems}
    assert places == {
        ("plan.csv", 2, "kind"),
        ("plan.csv", 3, "term_years"),
        ("plan.csv", 4, "teacher_id"),
        ("recruitment.csv", 2, "school_id"),
        ("recruitment.csv", 3, "subject"),
        ("recruitment.csv", 4, "posts"),
        ("recruitment.csv", 5, "posts"),
        ("recruitment.csv", 6, "kind"),
        ("recruitment.csv", 7, "subject"),
        ("itinerant.csv", 2, "teacher_id"),
        ("itinerant.csv", 3, "share"),
        ("itinerant.csv", 4, "home_school"),
        ("itinerant.csv", 4, "share"),
        ("leaders.csv", 2, "how"),
        ("leaders.csv", 3, "school_id"),
        ("leaders.csv", 4, "teacher_id"),
    }
    text = str(raised.value)
    assert "expected one of open, special, got 'temp'" in text
    assert "duplicate (R1, math, open), first at row 4" in text
    assert "应为岗位份额(大于 0,不超过 1),实际为 '1.5'" in {p.zh for p in raised.value.problems}


def test_missing_columns_are_named_with_the_file(tmp_path: Path, county: Scenario) -> None:
    plan_path = write_plan_files(PLAN, tmp_path)
    write_rows(tmp_path / "recruitment.csv", [["school_id", "subject"], ["R1", "math"]])
    write_rows(tmp_path / "itinerant.csv", [["teacher_id", "school_id", "subject"], ["T05", "R1", "math"]])

    with pytest.raises(ScenarioError) as raised:
        read_plan_files(plan_path, county)

    assert {(p.file, p.row, p.column) for p in raised.value.problems} == {
        ("recruitment.csv", 1, "posts"),
        ("itinerant.csv", 1, "home_school"),
        ("itinerant.csv", 1, "share"),
    }
    assert (
        "recruitment.csv has columns school_id, subject, posts, kind, reason (kind, reason optional)"
        in str(raised.value)
    )
