"""The files of a bundle planned region by region: each region's files under regions/<region>/,
the plan's files merged at the top level (the header once, exchanges after every rotation move)."""

from __future__ import annotations

import csv
from pathlib import Path

from optimizer.io.plan_csv import PLAN_COLUMNS, write_plan_csv
from optimizer.io.region_outputs import RegionOutputs
from optimizer.io.staffing_csv import (
    COVERAGE_COLUMNS,
    ITINERANT_COLUMNS,
    LEADER_COLUMNS,
    RECRUITMENT_COLUMNS,
    write_coverage_csv,
    write_itinerant_csv,
    write_leaders_csv,
    write_recruitment_csv,
)
from optimizer.plan import Hire, ItinerantAssignment, Leader, Move, Plan
from optimizer.rules import Post


def region_files(plan: Plan, leaders: list[Leader], posts: list[Post], folder: Path) -> dict[str, bytes]:
    """What a region's worker sends back: its files as bytes."""
    folder.mkdir()
    write_plan_csv(plan, folder / "plan.csv")
    write_recruitment_csv(plan, folder / "recruitment.csv")
    write_itinerant_csv(plan, folder / "itinerant.csv")
    write_leaders_csv(leaders, folder / "leaders.csv")
    write_coverage_csv(posts, plan, folder / "coverage.csv")
    (folder / "report.json").write_text("[]\n", encoding="utf-8")
    return {path.name: path.read_bytes() for path in folder.iterdir()}


def rows_of(path: Path) -> list[list[str]]:
    assert path.read_bytes().startswith(b"\xef\xbb\xbf")  # Excel's BOM, once
    with path.open(encoding="utf-8-sig", newline="") as file:
        return list(csv.reader(file))


def test_the_plan_files_merge_with_exchanges_after_every_rotation_move(tmp_path: Path) -> None:
    east = Plan(
        (Move("T1", "E1", "E2", "math", 3),),
        exchanges=(Move("T2", "E2", "E1", "math", 1, kind="exchange"),),
        hires=(Hire("E2", "music", 2),),
        itinerant=(ItinerantAssignment("T3", "E1", "E3", "pe", 0.5),),
    )
    west = Plan((Move("W1", "X1", "X2", "art", 2),), hires=(Hire("X2", "pe", 1, "special"),))
    outputs = RegionOutputs(tmp_path / "out")
    outputs.add(
        "west",
        region_files(west, [Leader("X1", "W9", "stays")], [Post("X2", "art", 1, 0, 1, True)], tmp_path / "w"),
    )
    outputs.add(
        "east",
        region_files(
            east, [Leader("E1", "P1", "acting")], [Post("E2", "math", 2, 1, 2, True)], tmp_path / "e"
        ),
    )

    written = outputs.finish({"status": "optimal"})

    out = tmp_path / "out"
    assert {p.name for p in written} == {
        "plan.csv",
        "recruitment.csv",
        "itinerant.csv",
        "leaders.csv",
        "coverage.csv",
        "report.json",
        "summary.json",
    }
    assert rows_of(out / "plan.csv") == [
        list(PLAN_COLUMNS),
        ["T1", "E1", "E2", "math", "3", "", "rotation"],
        ["W1", "X1", "X2", "art", "2", "", "rotation"],
        ["T2", "E2", "E1", "math", "1", "", "exchange"],
    ]
    assert rows_of(out / "recruitment.csv") == [
        list(RECRUITMENT_COLUMNS),
        ["E2", "music", "2", "open", ""],
        ["X2", "pe", "1", "special", ""],
    ]
    assert rows_of(out / "itinerant.csv") == [list(ITINERANT_COLUMNS), ["T3", "E1", "E3", "pe", "0.5"]]
    assert rows_of(out / "leaders.csv") == [
        list(LEADER_COLUMNS),
        ["E1", "P1", "acting"],
        ["X1", "W9", "stays"],
    ]
    assert rows_of(out / "coverage.csv") == [
        list(COVERAGE_COLUMNS),
        ["E2", "math", "2", "1", "2", "T1"],
        ["X2", "art", "1", "0", "1", "W1"],
    ]
    assert (out / "regions" / "east" / "recruitment.csv").read_bytes().startswith(b"\xef\xbb\xbf")
