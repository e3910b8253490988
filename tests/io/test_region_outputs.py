"""The files of a bundle planned region by region: each region's files under regions/<region>/,
the plan's files merged at the top level (the header once, exchanges after every rotation move),
and the merged plan and summary holding every region's staffing."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from optimizer.generate import CountyParams, generate_county
from optimizer.io import write_bundle
from optimizer.io.ledger_csv import write_complaints_csv, write_ledger_csv
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
from optimizer.options import EngineSettings
from optimizer.plan import Hire, ItinerantAssignment, Leader, Move, Plan
from optimizer.regional import plan_bundle, solve_scenario
from optimizer.rules import Post
from optimizer.solve import plan_result


def region_files(plan: Plan, leaders: list[Leader], posts: list[Post], folder: Path) -> dict[str, bytes]:
    """What a region's worker sends back: its files as bytes."""
    folder.mkdir()
    write_plan_csv(plan, folder / "plan.csv")
    write_recruitment_csv(plan, folder / "recruitment.csv")
    write_itinerant_csv(plan, folder / "itinerant.csv")
    write_leaders_csv(leaders, folder / "leaders.csv")
    write_coverage_csv(posts, plan, folder / "coverage.csv")
    write_ledger_csv([], folder / "ledger.csv")
    write_complaints_csv([], folder / "complaints.csv")
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
        "ledger.csv",
        "complaints.csv",
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


def test_a_county_of_two_regions_keeps_every_region_s_staffing(tmp_path: Path) -> None:
    """Planned apart, in memory or streamed: the merged plan holds every region's hires,
    exchanges and 走教, and the merged summary adds up their staffing figures, as the checker
    finds them on the merged plan."""
    county = generate_county(CountyParams(seed=5, regions=2, teachers=300, schools=20, name="duo"))
    settings = EngineSettings(time_limit=10, workers=1, seed=1)

    result = solve_scenario(county, settings, processes=2)

    assert result.summary.split["mode"] == "by_region"
    assert {county.school_by_id[h.school_id].region for h in result.plan.hires} == set(county.regions)
    checked = plan_result(county, result.plan).summary
    for figure in (
        "hires",
        "hire_budget",
        "exchanges",
        "itinerant_assignments",
        "unmet_before",
        "unmet_after",
        "vacancies_created",
        "schools_with_principal_before",
        "schools_with_principal_after",
    ):
        assert getattr(result.summary, figure) == pytest.approx(getattr(checked, figure)), figure

    out = tmp_path / "out"
    summary = plan_bundle(write_bundle(county, tmp_path / "duo"), out, settings, processes=2)

    assert summary.hires > 0
    assert sum(int(row[2]) for row in rows_of(out / "recruitment.csv")[1:]) == summary.hires
    assert len(rows_of(out / "leaders.csv")[1:]) == summary.schools_with_principal_after > 0
    assert len(rows_of(out / "itinerant.csv")[1:]) == summary.itinerant_assignments
