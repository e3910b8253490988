"""Roadmap: years planned one after another on the rolled-forward bundle, a target met by its
year where a one-year plan cannot meet it, each year's plan passing the checker, and the files."""

from __future__ import annotations

import json
import time
from dataclasses import replace

import pytest
from openpyxl import load_workbook

import optimizer.roadmap as roadmap_module
from optimizer.advance import advance
from optimizer.io import load_scenario
from optimizer.io.roadmap_outputs import write_roadmap
from optimizer.options import EngineSettings
from optimizer.report import check_plan
from optimizer.roadmap import (
    GAP_STRETCH,
    METHODS,
    MIN_YEAR_SHARE,
    path_goals,
    plan_roadmap,
    year_settings,
)
from optimizer.scenario import Pin
from optimizer.solve import solve
from tests.rules.test_principal_rotation import leaders_county
from tests.tiny import YEAR

YOUNG = "young_rural_principal_share"
SETTINGS = EngineSettings(time_limit=20, seed=1)


def cooled_down_county(target_year: int, urban_principal_age: int = 40):
    """The young urban principal rotated in YEAR - 2: inside the 3-year cooldown now, free to go
    next year. The target: every rural leader young by `target_year`."""
    base = leaders_county(
        "principal_rotation.young_rural_share=0",
        f"targets.{YOUNG}.value=1",
        f"targets.{YOUNG}.year={target_year}",
        urban_principal_age=urban_principal_age,
    )
    teachers = tuple(
        replace(t, last_rotated_year=YEAR - 2) if t.teacher_id == "P_U" else t for t in base.teachers
    )
    return replace(base, teachers=teachers)


def test_a_target_due_now_is_a_conflict_that_names_it():
    result = solve(cooled_down_county(YEAR), SETTINGS)
    assert result.summary.status == "infeasible"
    assert any(f"indicator_targets[region=东区:{YOUNG}]" in c.labels for c in result.conflicts)
    # and says who stops it: the one young leader who could go rotated two years ago
    (target,) = [i for c in result.conflicts for i in c.instances if i.rule == "indicator_targets"]
    assert "能提高该指标的 1 人中 1 人本年不能交流(近年已交流 1 人)" in target.sentence_zh
    assert "of the 1 who would raise it, 1 may not rotate this year (1 rotated recently)" in (
        target.sentence_en
    )


@pytest.mark.parametrize("method", METHODS)
def test_the_roadmap_meets_next_years_target_and_every_plan_passes_the_checker(method):
    roadmap = plan_roadmap(cooled_down_county(YEAR + 1), 2, SETTINGS, method)
    (target,) = roadmap.targets
    assert [y.year for y in roadmap.years] == [YEAR, YEAR + 1]
    assert roadmap.met_in(target) == YEAR + 1 and roadmap.on_time(target)
    for year in roadmap.years:
        assert year.hard_violations == 0 and not year.failure
        broken = [
            r
            for r in check_plan(year.scenario, year.result.plan)
            if r.mode == "hard" and r.status == "violated"
        ]
        assert broken == []
    moved = {m.teacher_id: m.to_school for m in roadmap.years[1].result.plan.moves}
    assert moved.get("P_U") == "R1"


def test_a_target_out_of_reach_says_which_year_and_which_rule():
    # No leader is young: the target falls due in the second year and fails there, with its conflict.
    county = cooled_down_county(YEAR + 1, urban_principal_age=50)
    roadmap = plan_roadmap(county, 2, SETTINGS, "rolling")
    (target,) = roadmap.targets
    assert roadmap.met_in(target) is None
    failed = roadmap.years[1]
    assert failed.year == YEAR + 1 and failed.failure
    assert any(r.change.overrides for r in failed.relaxations)


def test_replanning_year_one_with_its_plan_pinned_gives_the_same_next_year():
    county = cooled_down_county(YEAR + 1)
    roadmap = plan_roadmap(county, 1, SETTINGS, "path")
    first = roadmap.years[0]
    pins = tuple(Pin(m.teacher_id, "move_to", m.to_school) for m in first.result.plan.moves)
    moved = {m.teacher_id for m in first.result.plan.moves}
    pins += tuple(Pin(t.teacher_id, "stay") for t in county.teachers if t.teacher_id not in moved)
    again = solve(replace(first.scenario, pins=pins), SETTINGS)
    decisions = [(m.teacher_id, m.to_school, m.subject, m.term_years, m.kind) for m in again.plan.moves]
    assert decisions == [
        (m.teacher_id, m.to_school, m.subject, m.term_years, m.kind) for m in first.result.plan.moves
    ]
    assert advance(county, again.plan) == advance(county, first.result.plan)


def test_path_goals_rise_in_a_straight_line_to_the_target():
    county = cooled_down_county(YEAR + 2)
    (target,) = county.policy.targets
    assert path_goals((target,), {YOUNG: 0.1}, YEAR, YEAR) == {YOUNG: 0.4}
    assert path_goals((target,), {YOUNG: 0.1}, YEAR, YEAR + 1) == {YOUNG: 0.7}
    assert path_goals((target,), {YOUNG: 0.1}, YEAR, YEAR + 2) == {}


def test_roadmap_files(tmp_path):
    roadmap = plan_roadmap(cooled_down_county(YEAR + 1), 2, SETTINGS, "path")
    write_roadmap(roadmap, tmp_path)
    document = json.loads((tmp_path / "roadmap.json").read_text(encoding="utf-8"))
    assert document["targets"][0]["met_in"] == YEAR + 1
    assert [y["year"] for y in document["years"]] == [YEAR, YEAR + 1]
    book = load_workbook(tmp_path / "roadmap.xlsx")
    assert book.sheetnames == ["路线图 summary", f"{YEAR} 年", f"{YEAR + 1} 年"]
    for year in (YEAR, YEAR + 1):
        bundle = load_scenario(tmp_path / str(year) / "bundle")
        assert bundle.policy.year == year
        assert (tmp_path / str(year) / "plan" / "plan.csv").exists()


def test_the_command_line_says_when_each_target_is_met_and_exits_2_when_one_is_late(tmp_path, capsys) -> None:
    from optimizer.cli import main
    from optimizer.io.bundle import write_bundle

    met = write_bundle(cooled_down_county(YEAR + 1), tmp_path / "met")
    assert (
        main(["roadmap", str(met), "--years", "2", "--out", str(tmp_path / "a"), "--time-limit", "10"]) == 0
    )
    assert f"目标:乡村学校年轻校长(含副校长)占比不低于 100%({YEAR + 1} 年):{YEAR + 1} 年达成" in (
        capsys.readouterr().out
    )
    # One year planned, the target a year later: nothing late yet, and the line says why.
    assert main(["roadmap", str(met), "--years", "1", "--out", str(tmp_path / "b"), "--lang", "en"]) == 0
    assert f"its year comes after the roadmap's last, {YEAR}" in capsys.readouterr().out
    late = write_bundle(cooled_down_county(YEAR + 1, urban_principal_age=50), tmp_path / "late")
    assert (
        main(["roadmap", str(late), "--years", "2", "--out", str(tmp_path / "c"), "--time-limit", "10"]) == 2
    )


def test_a_year_proved_early_leaves_its_time_to_the_years_after(monkeypatch) -> None:
    limits: list[float] = []

    def timed_solve(scenario, settings, *args, **kwargs):
        limits.append(settings.time_limit)
        return solve(scenario, settings, *args, **kwargs)

    monkeypatch.setattr(roadmap_module, "solve", timed_solve)
    plan_roadmap(cooled_down_county(YEAR + 1), 2, SETTINGS, "rolling")
    first, second = limits
    assert first == pytest.approx(SETTINGS.time_limit, abs=0.5)
    # the first year is proved in a second or two: the second gets what is left of 2 × 20 s
    assert second > SETTINGS.time_limit * 1.5


def test_a_year_after_an_overrun_still_gets_its_minimum_share() -> None:
    late = time.monotonic() - 5
    assert year_settings(SETTINGS, late, 2).time_limit == SETTINGS.time_limit * MIN_YEAR_SHARE
    settings = year_settings(SETTINGS, time.monotonic() + 3 * SETTINGS.time_limit, 3)
    assert settings.time_limit == pytest.approx(SETTINGS.time_limit, abs=0.5)
    assert replace(settings, time_limit=SETTINGS.time_limit) == SETTINGS


def test_with_a_gap_limit_a_year_may_borrow_from_the_years_after_it() -> None:
    gap = replace(SETTINGS, gap_limit=0.01)
    limit = SETTINGS.time_limit
    assert year_settings(gap, time.monotonic() + 3 * limit, 3).time_limit == pytest.approx(
        limit * GAP_STRETCH, abs=0.5
    )
    # never leaving a year after it less than its minimum
    squeezed = year_settings(gap, time.monotonic() + 0.9 * limit, 3).time_limit
    assert squeezed == pytest.approx(0.9 * limit - 2 * MIN_YEAR_SHARE * limit, abs=0.5)
    # the last year takes what is left
    assert year_settings(gap, time.monotonic() + limit, 1).time_limit == pytest.approx(limit, abs=0.5)
