"""Scale presets and streaming generation: a region depends on (params, region index) alone, so
a province is written region by region, in any number of processes, with the same bytes."""

from __future__ import annotations

import filecmp
from pathlib import Path

import pytest

import optimizer.generate
from optimizer.generate import (
    SCALE_PRESETS,
    SHIPPED_PRESETS,
    CountyParams,
    generate_county,
    generate_region,
    preset,
    write_generated_bundle,
)
from optimizer.io import write_bundle
from optimizer.io.bundle import csv_rows
from optimizer.io.regions import iter_region_scenarios
from optimizer.scenario import Scenario

SCENARIOS = Path(__file__).resolve().parent.parent / "scenarios"
FILES = ("teachers.csv", "schools.csv", "demand.csv", "pins.csv", "policy.toml")
CITY = CountyParams(seed=21, regions=3, teachers=450, schools=30, sending_posts_needed=0.5, name="city")


def same_files(a: Path, b: Path) -> bool:
    return all(filecmp.cmp(a / name, b / name, shallow=False) for name in FILES)


def test_scale_presets_have_realistic_sizes() -> None:
    sizes = {name: (preset(name).teachers, preset(name).regions) for name in SCALE_PRESETS}
    assert sizes == {
        "county-5k": (5_000, 1),
        "region-10k": (10_000, 1),
        "city-40k": (40_000, 10),
        "province-400k": (400_000, 100),
    }
    for name in SCALE_PRESETS:
        params = preset(name)
        assert 30 <= params.teachers / params.schools <= 45  # ~100 schools for ~3,700 teachers


@pytest.mark.parametrize("name", SCALE_PRESETS)
def test_scale_presets_are_deterministic(name: str) -> None:
    """The same seed gives the same rows; checked on the last region (a whole province is slow)."""
    params = preset(name)
    last = params.regions - 1
    assert csv_rows(generate_region(params, last)) == csv_rows(generate_region(params, last))


def test_a_preset_writes_the_same_files_twice(tmp_path: Path) -> None:
    write_generated_bundle(preset("county-5k"), tmp_path / "a")
    write_generated_bundle(preset("county-5k"), tmp_path / "b")
    assert same_files(tmp_path / "a", tmp_path / "b")


def test_streaming_writes_what_write_bundle_writes_whatever_the_workers(tmp_path: Path) -> None:
    write_bundle(generate_county(CITY), tmp_path / "whole")
    for workers in (1, 2):
        size = write_generated_bundle(CITY, tmp_path / f"streamed-{workers}", workers=workers)
        assert (size.teachers, size.schools, size.regions) == (450, 30, 3)
        assert same_files(tmp_path / "whole", tmp_path / f"streamed-{workers}")
        assert sorted(p.name for p in (tmp_path / f"streamed-{workers}").iterdir()) == sorted(FILES)


@pytest.mark.parametrize("name", SHIPPED_PRESETS)
def test_streaming_a_shipped_preset_gives_the_shipped_bundle(name: str, tmp_path: Path) -> None:
    """`rotation generate` streams every preset; the shipped bundles must not change."""
    write_generated_bundle(preset(name), tmp_path / name)
    assert same_files(SCENARIOS / name, tmp_path / name)


def test_a_generated_region_is_that_region_of_the_whole() -> None:
    whole = list(iter_region_scenarios(generate_county(CITY)))
    alone = sorted((generate_region(CITY, index) for index in range(CITY.regions)), key=lambda s: s.name)
    assert alone == whole


def test_a_failed_write_leaves_the_folder_as_it_was(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    folder = tmp_path / "city"
    write_generated_bundle(CITY, folder)
    before = {path.name: path.read_bytes() for path in folder.iterdir()}
    real = optimizer.generate.generate_region

    def failing(params: CountyParams, index: int) -> Scenario:
        if index == 2:
            raise RuntimeError("disk full")
        return real(params, index)

    monkeypatch.setattr(optimizer.generate, "generate_region", failing)
    with pytest.raises(RuntimeError):
        write_generated_bundle(CountyParams(seed=99, regions=3, teachers=450, schools=30), folder)
    assert {path.name: path.read_bytes() for path in folder.iterdir()} == before
