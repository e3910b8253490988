"""Per-school explanations: the numbers are school_balance's, the moves and rule rows are listed."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from optimizer.cli import main
from optimizer.errors import ScenarioError
from optimizer.explain import explanation_json
from optimizer.explain.school import explain_school
from optimizer.io import write_bundle
from optimizer.io.plan_csv import write_plan_csv
from optimizer.plan import Move, Plan
from optimizer.schools import school_balance
from tests import tiny

# U1 has 2 teachers to spare and nobody is hired: R1's two missing posts are filled by moves.
SC = tiny.two_school_county(urban_spare=2, overrides=[tiny.NO_HIRES, "capacity.max_departure_share=0.5"])
# T00 (backbone) and T05 fill R1's two missing math posts.
PLAN = Plan((Move("T00", "U1", "R1", "math", 3), Move("T05", "U1", "R1", "math", 3)))


def test_receiving_school_numbers_are_school_balances() -> None:
    explanation = explain_school(SC, "R1", PLAN)

    balance = next(b for b in school_balance(SC, PLAN) if b.school_id == "R1")
    assert explanation.balance == balance
    [math] = explanation.balance.subjects
    assert (math.required, math.before, math.after, math.shortage_before, math.shortage_after) == (
        3,
        1,
        3,
        2,
        0,
    )
    assert (balance.backbone_before, balance.backbone_after) == (1, 2)
    assert (balance.establishment, balance.headcount_before, balance.headcount_after) == (5, 1, 3)
    assert explanation.degree_share_after == 1.0
    assert [(m.teacher_id, m.other_school, m.post) for m in explanation.moves_in] == [
        ("T00", "U1", "math"),
        ("T05", "U1", "math"),
    ]
    assert explanation.moves_out == ()
    assert any(r.rule == "shortage" and r.key == "R1/math" for r in explanation.rules)
    assert all(r.key.split("/")[0] == "R1" or "R1" in r.involved for r in explanation.rules)

    zh, en = explanation.text("zh"), explanation.text("en")
    assert "编制 5 人;教职工调动前 1 人,调动后 3 人" in zh
    assert "骨干教师:调动前 1 人,调动后 2 人" in zh
    assert "数学:需 3 人,调动前 1 人(缺 2 人),调动后 3 人(不缺员)" in zh
    assert "T00 自 U1 调入,任数学" in zh
    assert "R1 数学:需 3 人,原缺 2 人,调入 2 人后已补足" in zh
    assert "Establishment 5; staff 1 before the moves, 3 after" in en
    assert "Backbone teachers: 1 before, 2 after" in en
    assert "math: 3 required, 1 before (2 short), 3 after (not short)" in en
    assert "T05, from U1, math post" in en
    assert "R1 math: 3 required, 2 short before, 2 arriving; filled" in en


def test_sending_school_lists_who_leaves_and_where_to() -> None:
    explanation = explain_school(SC, "U1", PLAN)

    assert [(m.teacher_id, m.other_school) for m in explanation.moves_out] == [("T00", "R1"), ("T05", "R1")]
    assert explanation.moves_in == ()
    b = explanation.balance
    assert (b.headcount_before, b.headcount_after, b.backbone_before, b.backbone_after) == (10, 8, 3, 2)
    assert "T00 调往 R1,任数学" in explanation.text("zh")
    assert "本科及以上学历:调动前 10/10(100.0%),调动后 8/8(100.0%)" in explanation.text("zh")
    assert "2 leaving:" in explanation.text("en") and "T05, to R1, math post" in explanation.text("en")
    assert (
        json.loads(json.dumps(explanation_json(explanation), ensure_ascii=False))["moves_out"][0][
            "teacher_id"
        ]
        == "T00"
    )


def test_an_unknown_school_is_an_input_error() -> None:
    with pytest.raises(ScenarioError, match="S99"):
        explain_school(SC, "S99", PLAN)


def test_cli_explains_a_school_of_a_given_plan(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    bundle = write_bundle(SC, tmp_path / "county")
    plan = write_plan_csv(PLAN, tmp_path / "plan.csv")

    assert main(["explain", str(bundle), "--school", "R1", "--plan", str(plan), "--lang", "zh"]) == 0

    out = capsys.readouterr().out
    assert "T00 自 U1 调入,任数学" in out and "Establishment" not in out


def test_cli_explains_a_school_of_a_fresh_solve(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    bundle = write_bundle(SC, tmp_path / "county")

    assert main(["explain", str(bundle), "--school", "R1", "--time-limit", "10", "--json"]) == 0

    document = json.loads(capsys.readouterr().out)
    assert document["school_id"] == "R1" and len(document["moves_in"]) == 2
    assert main(["explain", str(bundle), "--school", "S99", "--lang", "en"]) == 1
    assert "unknown school 'S99'" in capsys.readouterr().err
