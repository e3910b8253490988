"""Splitting by region: a split bundle's parts load to exactly the region sub-scenarios of the
whole, and every problem, found by the split or by loading a part, names the original row."""

from __future__ import annotations

import csv
from dataclasses import replace
from pathlib import Path

import pytest

from optimizer.errors import ScenarioError
from optimizer.generate import CountyParams, generate_county
from optimizer.io import load_bundle, write_bundle
from optimizer.io.regions import (
    bundle_warnings,
    iter_region_scenarios,
    load_region_part,
    region_scenario_name,
    regions_of_bundle,
    split_bundle,
)
from optimizer.scenario import Scenario

T, S, D, P = "teachers.csv", "schools.csv", "demand.csv", "pins.csv"
CITY = CountyParams(seed=8, regions=3, teachers=360, schools=27, name="city")


@pytest.fixture(scope="module")
def city() -> Scenario:
    return generate_county(CITY)


@pytest.fixture
def bundle(city: Scenario, tmp_path: Path) -> Path:
    return write_bundle(city, tmp_path / "city")


def read_grid(path: Path) -> list[list[str]]:
    with path.open(encoding="utf-8-sig", newline="") as file:
        return list(csv.reader(file))


def write_grid(path: Path, grid: list[list[str]], encoding: str = "utf-8-sig") -> None:
    with path.open("w", encoding=encoding, newline="") as file:
        csv.writer(file).writerows(grid)


def rows_of_region(bundle: Path, name: str, region: str) -> list[int]:
    """Spreadsheet rows (header = 1) of teachers.csv or demand.csv whose school is in `region`."""
    schools = read_grid(bundle / S)
    in_region = {row[0] for row in schools[1:] if row[schools[0].index("region")] == region}
    grid = read_grid(bundle / name)
    column = grid[0].index("school_id")
    return [number for number, row in enumerate(grid, start=1) if row and row[column] in in_region]


def set_cells(bundle: Path, name: str, cells: dict[tuple[int, str], str]) -> None:
    grid = read_grid(bundle / name)
    for (row, column), value in cells.items():
        grid[row - 1][grid[0].index(column)] = value
    write_grid(bundle / name, grid)


def problems_of(error: pytest.ExceptionInfo[ScenarioError]) -> list[tuple[str, int | None, str | None]]:
    return [(p.file, p.row, p.column) for p in error.value.problems]


def test_parts_load_to_the_region_sub_scenarios_of_the_whole(bundle: Path, tmp_path: Path) -> None:
    parts = split_bundle(bundle, tmp_path / "parts")
    whole = load_bundle(bundle)
    subs = list(iter_region_scenarios(whole))
    assert [p.region for p in parts] == list(whole.regions) == regions_of_bundle(bundle)
    assert [(p.teachers, p.schools) for p in parts] == [(len(s.teachers), len(s.schools)) for s in subs]
    assert [load_region_part(part) for part in parts] == subs
    assert [s.name for s in subs] == [region_scenario_name("city", r) for r in whole.regions]
    assert sum(len(s.teachers) for s in subs) == len(whole.teachers)
    assert sum(len(s.pins) for s in subs) == len(whole.pins) > 0
    assert {key: n for s in subs for key, n in s.demand.items()} == whole.demand
    assert all(load_bundle(part.folder).policy == whole.policy for part in parts)  # plain bundles too


def test_a_gb18030_bundle_with_blank_rows_splits_like_the_loader_reads_it(
    bundle: Path, tmp_path: Path
) -> None:
    grid = read_grid(bundle / T)
    write_grid(bundle / T, [*grid[:50], [], ["", " "], *grid[50:]], encoding="gb18030")
    parts = split_bundle(bundle, tmp_path / "parts")
    assert [load_region_part(part) for part in parts] == list(iter_region_scenarios(load_bundle(bundle)))


def test_bad_cells_in_a_part_are_reported_at_the_original_rows(bundle: Path, tmp_path: Path) -> None:
    region = regions_of_bundle(bundle)[1]
    first, second = rows_of_region(bundle, T, region)[5:7]
    teachers = read_grid(bundle / T)
    write_grid(bundle / T, [*teachers[: first - 1], [], *teachers[first - 1 :]])  # shifts what follows
    first, second = first + 1, second + 1
    set_cells(bundle, T, {(first, "birth_year"): "nineteen-eighty", (second, "gender"): "X"})
    demand = read_grid(bundle / D)
    repeated = rows_of_region(bundle, D, region)[3]
    write_grid(bundle / D, [*demand, demand[repeated - 1]])  # the same (school, subject) twice
    parts = split_bundle(bundle, tmp_path / "parts")
    with pytest.raises(ScenarioError) as error:
        load_region_part(parts[1])
    assert problems_of(error) == [
        (T, first, "birth_year"),
        (T, second, "gender"),
        (D, len(demand) + 1, "subject"),
    ]
    assert f"first at row {repeated}" in error.value.problems[2].en
    assert f"首次出现在第 {repeated} 行" in error.value.problems[2].zh
    for other in (parts[0], parts[2]):
        load_region_part(other)  # the other regions are sound


def test_the_split_reports_every_unroutable_or_crossing_row_and_leaves_nothing(
    bundle: Path, city: Scenario, tmp_path: Path
) -> None:
    regions = regions_of_bundle(bundle)
    here, there = rows_of_region(bundle, T, regions[1]), rows_of_region(bundle, T, regions[2])
    teachers = read_grid(bundle / T)
    other_school = teachers[there[0] - 1][1]
    other_teacher = teachers[there[1] - 1][0]
    set_cells(
        bundle,
        T,
        {
            (here[0], "school_id"): "S999",
            (here[1], "on_rotation_from"): other_school,
            (here[2], "spouse_id"): other_teacher,
            (here[3], "teacher_id"): teachers[there[2] - 1][0],  # an id of another region
        },
    )
    set_cells(bundle, D, {(2, "school_id"): ""})
    set_cells(bundle, P, {(2, "teacher_id"): "T99999"})
    work_dir = tmp_path / "parts"
    with pytest.raises(ScenarioError) as error:
        split_bundle(bundle, work_dir)
    assert problems_of(error) == [
        (T, here[0], "school_id"),
        (T, here[1], "on_rotation_from"),
        (T, here[2], "spouse_id"),
        (T, max(here[3], there[2]), "teacher_id"),
        (D, 2, "school_id"),
        (P, 2, "teacher_id"),
    ]
    messages = [p.en for p in error.value.problems]
    assert "unknown school_id 'S999'" in messages[0]
    assert f"in region {regions[2]!r}" in messages[1] and f"in region {regions[2]!r}" in messages[2]
    assert f"first at row {min(here[3], there[2])}" in messages[3]
    codes = [p.code for p in error.value.problems]
    assert codes[:4] == ["unknown_reference", "cross_region", "cross_region", "duplicate_id"]
    assert f"在区域 {regions[2]!r}" in error.value.problems[1].zh
    assert not work_dir.exists()


def test_a_wrong_header_is_reported_before_any_row(bundle: Path, tmp_path: Path) -> None:
    grid = read_grid(bundle / T)
    grid[0][grid[0].index("school_id")] = "school"
    write_grid(bundle / T, grid)
    (tmp_path / "parts").mkdir()
    with pytest.raises(ScenarioError) as error:
        split_bundle(bundle, tmp_path / "parts")
    assert problems_of(error) == [(T, 1, "school_id")]
    assert "is school a misspelling of it?" in error.value.problems[0].en
    assert list((tmp_path / "parts").iterdir()) == []  # an empty folder given stays empty
    [warning] = bundle_warnings(bundle)
    assert (warning.file, warning.row, warning.column) == (T, 1, "school")
    assert "did you mean school_id?" in warning.en


def test_staffing_columns_and_unknown_columns_pass_through_the_split(city: Scenario, tmp_path: Path) -> None:
    teachers = [
        replace(teacher, reserve_leader=index % 7 == 0, requested_term=index % 4 or None)
        for index, teacher in enumerate(city.teachers)
    ]
    bundle = write_bundle(replace(city, teachers=tuple(teachers)), tmp_path / "city")
    grid = read_grid(bundle / T)
    write_grid(bundle / T, [[*grid[0], "备注"], *([*row, "借调"] for row in grid[1:])])
    whole = load_bundle(bundle)
    assert [(t.reserve_leader, t.requested_term) for t in whole.teachers][:5] == [
        (True, None),
        (False, 1),
        (False, 2),
        (False, 3),
        (False, None),
    ]
    parts = split_bundle(bundle, tmp_path / "parts")
    loaded = [load_region_part(part) for part in parts]
    assert loaded == list(iter_region_scenarios(whole))
    assert {(w.file, w.row, w.column) for part in loaded for w in part.warnings} == {(T, 1, "备注")}
    assert bundle_warnings(bundle) == whole.warnings == loaded[0].warnings
    write_grid(bundle / T, read_grid(bundle / T), encoding="gb18030")  # the header is read alone
    assert bundle_warnings(bundle) == whole.warnings


def test_a_region_without_teachers_is_reported(bundle: Path, tmp_path: Path) -> None:
    write_grid(bundle / S, [*read_grid(bundle / S), ["S900", "新校", "空县", "rural", "0", "primary", "10"]])
    with pytest.raises(ScenarioError) as error:
        split_bundle(bundle, tmp_path / "parts")
    [problem] = error.value.problems
    assert (problem.file, problem.column) == (
        S,
        "region",
    ) and "'空县' has schools but no teachers" in problem.en
    assert problem.code == "region_without_teachers" and "区域 '空县' 有学校" in problem.zh


def test_split_needs_an_empty_work_dir(bundle: Path, tmp_path: Path) -> None:
    (tmp_path / "parts").mkdir()
    (tmp_path / "parts" / "old.txt").write_text("x")
    with pytest.raises(FileExistsError):
        split_bundle(bundle, tmp_path / "parts")


def test_in_memory_split_refuses_regions_that_are_not_independent(city: Scenario) -> None:
    a, b = city.regions[:2]
    index_a, index_b = (
        next(i for i, t in enumerate(city.teachers) if city.school_by_id[t.school_id].region == region)
        for region in (a, b)
    )
    teachers = list(city.teachers)
    teachers[index_a] = replace(teachers[index_a], spouse_id=city.teachers[index_b].teacher_id)
    teachers[index_b] = replace(teachers[index_b], spouse_id=city.teachers[index_a].teacher_id)
    with pytest.raises(ScenarioError) as error:
        list(iter_region_scenarios(replace(city, teachers=tuple(teachers))))
    assert set(problems_of(error)) == {("teachers", index_a, "spouse_id"), ("teachers", index_b, "spouse_id")}


def test_regions_of_bundle_needs_only_a_region_column(bundle: Path) -> None:
    schools = read_grid(bundle / S)
    schools[1][schools[0].index("region")] = ""  # a row problem: left to the split and the loader
    write_grid(bundle / S, schools)
    assert len(regions_of_bundle(bundle)) == 3
    schools[0][schools[0].index("region")] = "county"
    write_grid(bundle / S, schools)
    with pytest.raises(ScenarioError) as error:
        regions_of_bundle(bundle)
    assert (S, 1, "region") in problems_of(error)
