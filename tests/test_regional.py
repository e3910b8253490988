"""Regions planned apart: the same plan as each region solved alone, on a local process pool or a
Dask LocalCluster; streamed output files; a rule that ties regions keeps them together."""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path

import pytest

from optimizer.cli import main
from optimizer.errors import ScenarioError
from optimizer.generate import CountyParams, generate_county
from optimizer.io import write_bundle
from optimizer.io.plan_csv import write_plan_csv
from optimizer.io.regions import iter_region_scenarios
from optimizer.options import EngineSettings
from optimizer.regional import plan_bundle, solve_scenario
from optimizer.report import hard_violations
from optimizer.scenario import Scenario
from optimizer.solve import solve

# One worker, a fixed seed, time enough to prove each region optimal: a deterministic solve.
EXACT = EngineSettings(time_limit=60, workers=1, seed=3)


@pytest.fixture(scope="module")
def three_regions() -> Scenario:
    return generate_county(CountyParams(seed=11, regions=3, teachers=450, schools=27, name="tri"))


@pytest.fixture(scope="module")
def alone(three_regions: Scenario) -> dict[str, bytes]:
    """Each region solved alone, in this process: its plan.csv bytes."""
    plans = {}
    for region in iter_region_scenarios(three_regions):
        result = solve(region, EXACT)
        assert result.summary.status == "optimal"
        plans[region.regions[0]] = plan_bytes(result.plan.moves, Path("/tmp"), region.regions[0])
    return plans


def plan_bytes(moves: tuple, folder: Path, name: str) -> bytes:
    from optimizer.plan import Plan

    path = write_plan_csv(Plan(tuple(moves)), folder / f"{name}-plan.csv")
    data = path.read_bytes()
    path.unlink()
    return data


def by_region(scenario: Scenario, moves: tuple) -> dict[str, tuple]:
    region_of = {s.school_id: s.region for s in scenario.schools}
    grouped: dict[str, list] = {region: [] for region in scenario.regions}
    for move in moves:
        grouped[region_of[move.from_school]].append(move)
    return {region: tuple(items) for region, items in grouped.items()}


def test_local_pool_equals_each_region_alone(three_regions: Scenario, alone: dict[str, bytes]) -> None:
    result = solve_scenario(three_regions, EXACT, processes=2)
    assert result.summary.split["mode"] == "by_region" and result.summary.split["regions"] == 3
    assert result.summary.status == "optimal" and len(result.summary.regions) == 3
    assert hard_violations(result.report) == []
    moves = by_region(three_regions, result.plan.moves)
    for region, expected in alone.items():
        assert plan_bytes(moves[region], Path("/tmp"), f"merged-{region}") == expected


def test_dask_local_cluster_equals_each_region_alone(
    three_regions: Scenario, alone: dict[str, bytes]
) -> None:
    seen: list[tuple[int, int]] = []
    result = solve_scenario(
        three_regions, EXACT, cluster="local", processes=2, progress=lambda d, n, g: seen.append((d, n))
    )
    assert "Dask" in result.summary.split["pool"]
    assert seen == [(1, 3), (2, 3), (3, 3)]
    moves = by_region(three_regions, result.plan.moves)
    for region, expected in alone.items():
        assert plan_bytes(moves[region], Path("/tmp"), f"dask-{region}") == expected
    assert result.summary.objective == pytest.approx(sum(row["objective"] for row in result.summary.regions))


def test_city_wide_quota_is_planned_jointly(three_regions: Scenario) -> None:
    city = replace(three_regions, policy=three_regions.policy.with_overrides(["rotation_quota.scope=city"]))
    result = solve_scenario(city, replace(EXACT, time_limit=30), processes=2)
    assert result.summary.split["mode"] == "joint"
    assert "rotation_quota.scope = city" in result.summary.split["reason_en"]
    quota_rows = [row for row in result.report if row.rule == "rotation_quota"]
    assert [row.scope for row in quota_rows] == ["city"]


def test_bundle_planned_by_region_streams_merged_files(
    three_regions: Scenario, alone: dict[str, bytes], tmp_path: Path
) -> None:
    bundle = write_bundle(three_regions, tmp_path / "tri")
    out = tmp_path / "out"
    summary = plan_bundle(bundle, out, EXACT, processes=2)
    assert summary.split["mode"] == "by_region"
    merged = (out / "plan.csv").read_text(encoding="utf-8-sig").splitlines()
    expected_rows = [line for plan in alone.values() for line in plan.decode("utf-8-sig").splitlines()[1:]]
    assert sorted(merged[1:]) == sorted(expected_rows)
    for region, plan in alone.items():
        assert (out / "regions" / region / "plan.csv").read_bytes() == plan
        assert (out / "regions" / region / "plan.xlsx").is_file()
    written = json.loads((out / "summary.json").read_text(encoding="utf-8"))
    assert written["scenario"] == "tri" and len(written["regions"]) == 3
    report = json.loads((out / "report.json").read_text(encoding="utf-8"))
    assert {row["key"] for row in report if row["rule"] == "rotation_quota"} == set(alone)


def test_bad_rows_in_two_regions_are_all_reported_and_nothing_is_written(
    three_regions: Scenario, tmp_path: Path
) -> None:
    bundle = write_bundle(three_regions, tmp_path / "tri")
    lines = (bundle / "teachers.csv").read_text(encoding="utf-8-sig").splitlines()
    header = lines[0].split(",")
    column = header.index("birth_year")
    region_of = {s.school_id: s.region for s in three_regions.schools}
    school_column = header.index("school_id")
    broken_rows = []
    seen_regions: set[str] = set()
    for number, line in enumerate(lines[1:], start=2):
        cells = line.split(",")
        region = region_of[cells[school_column]]
        if region not in seen_regions and len(seen_regions) < 2:
            seen_regions.add(region)
            cells[column] = "nineteen"
            lines[number - 1] = ",".join(cells)
            broken_rows.append(number)
    (bundle / "teachers.csv").write_text("\n".join(lines) + "\n", encoding="utf-8-sig")
    out = tmp_path / "out"
    with pytest.raises(ScenarioError) as caught:
        plan_bundle(bundle, out, EXACT, processes=2)
    reported = sorted(p.row for p in caught.value.problems if p.file == "teachers.csv")
    assert reported == broken_rows
    assert all(p.column == "birth_year" for p in caught.value.problems)
    assert not out.exists() and not (tmp_path / ".out.partial").exists()


def test_cli_solves_a_many_region_bundle_by_region(
    three_regions: Scenario, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    bundle = write_bundle(three_regions, tmp_path / "tri")
    out = tmp_path / "out"
    code = main(
        ["solve", str(bundle), "--out", str(out), "--time-limit", "60", "--workers", "1", "--seed", "3"]
    )
    assert code == 0
    printed = capsys.readouterr()
    assert "3 个区县相互独立" in printed.out and "regions 3 / 3 done" in printed.err
    assert json.loads((out / "summary.json").read_text(encoding="utf-8"))["split"]["mode"] == "by_region"
