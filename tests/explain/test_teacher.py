"""Per-teacher explanations: why a teacher moves (and what elsewhere would cost), or why not."""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path

import pytest

from optimizer.cli import main
from optimizer.errors import ScenarioError
from optimizer.explain import explanation_json
from optimizer.explain.teacher import explain_teacher
from optimizer.io import write_bundle
from optimizer.options import DiagnosisBudget, EngineSettings, ModelEdits
from optimizer.result import Result
from optimizer.scenario import Pin, Scenario
from optimizer.solve import solve
from tests import tiny

SETTINGS = EngineSettings(time_limit=20, seed=1)


def two_rural_schools() -> Scenario:
    """U1 (urban, ten math teachers) may send two; R1 (near) and R2 (far) each lack one."""
    schools = [
        tiny.school("U1", "urban", establishment=10),
        tiny.school("R1", "rural", establishment=5, lat=30.1),
        tiny.school("R2", "rural", establishment=5, lat=30.3),
    ]
    teachers = [tiny.teacher(f"T{i:02d}", "U1", is_backbone=i < 3) for i in range(10)]
    teachers += [tiny.teacher("R10", "R1", is_backbone=True), tiny.teacher("R20", "R2", is_backbone=True)]
    demand = {("U1", "math"): 10, ("R1", "math"): 2, ("R2", "math"): 2}
    return tiny.scenario(schools, teachers, demand)


def with_teacher(sc: Scenario, **fields: object) -> Scenario:
    """The scenario plus X01, a math teacher at U1 with `fields` changed."""
    return replace(sc, teachers=(*sc.teachers, tiny.teacher("X01", "U1", **fields)))


def base_of(sc: Scenario) -> Result:
    result = solve(sc, SETTINGS)
    assert result.summary.status == "optimal"
    return result


def test_a_move_names_the_shortage_it_fills_and_what_elsewhere_would_cost() -> None:
    sc = two_rural_schools()
    base = base_of(sc)
    move = next(m for m in base.plan.moves if m.to_school == "R1")

    explanation = explain_teacher(sc, move.teacher_id, base, SETTINGS)

    assert explanation.case == "moves"
    assert explanation.move is not None and explanation.move.to_school == "R1"
    served = {reason.rule for reason in explanation.reasons}
    assert "shortage" in served and "rotation_quota" in served
    need = explanation.post_need
    assert need is not None
    assert (need.school_id, need.subject, need.required, need.before, need.shortage) == (
        "R1",
        "math",
        2,
        1,
        1,
    )
    [alternative] = explanation.alternatives
    assert alternative.to_school == "R2" and alternative.posts == ("math",)
    assert alternative.what_if is not None
    pinned = replace(sc, pins=(Pin(move.teacher_id, "move_to", "R2"),))
    expected = solve(pinned, SETTINGS).summary.objective - base.summary.objective
    assert alternative.what_if.objective_delta == expected
    assert sum(c.delta for c in alternative.what_if.rule_costs) == pytest.approx(expected)
    zh, en = explanation.text("zh"), explanation.text("en")
    assert "R1 数学需 2 人,调动前 1 人(缺 1 人)" in zh
    assert "学科缺员补充" in zh and "R2" in zh and "若改派至此" in zh
    assert "R1 math, 2 required, 1 before the moves (1 short)" in en
    assert "subject shortage" in en and "sent there instead" in en
    assert json.loads(json.dumps(explanation_json(explanation), ensure_ascii=False))["case"] == "moves"


def test_too_few_years_names_the_condition_and_its_numbers() -> None:
    sc = with_teacher(tiny.two_school_county(), years_at_school=2)

    explanation = explain_teacher(sc, "X01", base_of(sc), SETTINGS)

    assert explanation.case == "ineligible"
    assert explanation.eligibility.reason == "too_few_years"
    assert explanation.forced is None
    assert "在本校任教 2 年,未满 6 年" in explanation.text("zh")
    assert "2 years at this school, fewer than 6" in explanation.text("en")


def test_an_exempt_teacher_is_explained_by_the_exemption() -> None:
    sc = with_teacher(tiny.two_school_county(), exempt_reason="孕期")

    explanation = explain_teacher(sc, "X01", base_of(sc), SETTINGS)

    assert (explanation.case, explanation.eligibility.reason) == ("ineligible", "exempt")
    assert "孕期" in explanation.text("zh") and "exempt: 孕期" in explanation.text("en")


def test_near_retirement_gives_age_and_retirement_age() -> None:
    sc = with_teacher(tiny.two_school_county(), gender="F", birth_year=tiny.YEAR - 52)

    explanation = explain_teacher(sc, "X01", base_of(sc), SETTINGS)

    assert (explanation.case, explanation.eligibility.reason) == ("ineligible", "near_retirement")
    assert explanation.age == 52
    assert "52 岁" in explanation.text("zh") and "55 岁" in explanation.text("zh")
    assert "age 52" in explanation.text("en") and "retirement age 55" in explanation.text("en")


def test_forcing_an_eligible_teacher_costs_the_objective_difference() -> None:
    sc = tiny.two_school_county(rural_need=1)
    base = base_of(sc)
    assert base.plan.move_of("T05") is None  # one backbone teacher rotates, T05 is not one

    explanation = explain_teacher(sc, "T05", base, SETTINGS)

    forced = solve(sc, SETTINGS, edits=ModelEdits(force_moves=frozenset({"T05"})))
    assert explanation.case == "not_chosen"
    what_if = explanation.forced
    assert what_if is not None and what_if.status == "optimal"
    assert what_if.objective_delta == forced.summary.objective - base.summary.objective
    assert what_if.objective_delta > 0
    deltas = [c.delta for c in what_if.rule_costs]
    assert sum(deltas) == pytest.approx(what_if.objective_delta)
    assert deltas == sorted(deltas, reverse=True)
    assert what_if.move is not None and what_if.move.to_school == "R1"
    biggest = what_if.rule_costs[0]
    assert f"目标值 +{what_if.objective_delta:g}" in explanation.text("zh")
    assert "求解器会将其派往 R1" in explanation.text("zh")
    assert f"objective +{what_if.objective_delta:g}" in explanation.text("en")
    assert biggest.text("en") in explanation.text("en")


def test_forcing_into_colliding_hard_rules_says_there_is_no_plan() -> None:
    # U1 may send one teacher and it must be a backbone one; forcing T05 needs a second move.
    sc = tiny.two_school_county(rural_need=1, overrides=["capacity.max_departure_share=0.1"])
    base = base_of(sc)

    explanation = explain_teacher(sc, "T05", base, SETTINGS, DiagnosisBudget(time_limit=5))

    assert explanation.forced is not None and explanation.forced.status == "infeasible"
    assert explanation.forced.objective_delta is None
    assert "无可行方案" in explanation.text("zh") and "no feasible plan" in explanation.text("en")


def test_an_eligible_teacher_with_nowhere_to_go_is_told_why_without_a_solve() -> None:
    sc = tiny.two_school_county()

    explanation = explain_teacher(sc, "R00", base_of(sc), SETTINGS)

    assert explanation.case == "no_candidate"
    assert explanation.forced is None
    blocked = explanation.blocked
    assert blocked is not None
    assert (blocked.schools, blocked.without_post, blocked.refused) == (1, 0, {"direction": 1})
    assert not blocked.from_sending
    assert "1 所因「交流方向」不能调入" in explanation.text("zh")
    assert "1 closed by the direction rule" in explanation.text("en")


def test_a_teacher_pinned_to_stay_is_explained_by_the_pin() -> None:
    sc = replace(tiny.two_school_county(), pins=(Pin("T00", "stay"),))

    explanation = explain_teacher(sc, "T00", base_of(sc), SETTINGS)

    assert explanation.case == "pinned_stay"
    assert "人事指定其本年不交流" in explanation.text("zh")
    assert "HR pinned them to stay" in explanation.text("en")


def test_the_explanation_cites_the_teachers_ledger_line() -> None:
    sc = with_teacher(
        replace(tiny.two_school_county(), pins=(Pin("X01", "stay"),)), years_at_school=9, rural_years=2
    )

    explanation = explain_teacher(sc, "X01", base_of(sc), SETTINGS)

    assert explanation.ledger is not None and explanation.ledger.due_year == 2022
    assert "台账:乡村学校任教 2 年" in explanation.text("zh") and "已到期 3 年" in explanation.text("zh")
    assert "Ledger: 2 years in rural schools" in explanation.text("en")
    assert "3 years overdue" in explanation.text("en")
    assert explanation_json(explanation)["ledger"]["overdue_years"] == 3


def test_an_unknown_teacher_is_an_input_error() -> None:
    sc = tiny.two_school_county()

    with pytest.raises(ScenarioError, match="T99"):
        explain_teacher(sc, "T99", base_of(sc), SETTINGS)


@pytest.fixture
def bundle(tmp_path: Path) -> Path:
    return write_bundle(tiny.two_school_county(rural_need=1), tmp_path / "county")


def test_cli_explains_a_teacher(bundle: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["explain", str(bundle), "--teacher", "T05", "--time-limit", "10"]) == 0

    out = capsys.readouterr().out
    assert "T05" in out and "若强制其交流" in out and "If forced to move" not in out  # Chinese by default


def test_cli_explains_a_teacher_in_json_in_one_language(
    bundle: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["explain", str(bundle), "--teacher", "R00", "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["case"] == "no_candidate"

    assert main(["explain", str(bundle), "--teacher", "R00", "--lang", "en"]) == 0
    out = capsys.readouterr().out
    assert "closed by the direction rule" in out and "交流方向" not in out


def test_cli_unknown_teacher_exits_1(bundle: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["explain", str(bundle), "--teacher", "T99", "--lang", "en"]) == 1

    assert "unknown teacher 'T99'" in capsys.readouterr().err
