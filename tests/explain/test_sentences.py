"""Every rule speaks both languages, and its sentences carry the report's numbers."""

from __future__ import annotations

import pytest

from optimizer.generate import CountyParams, generate_county
from optimizer.result import Result
from optimizer.rules import all_rules
from tests.tiny import solve_checked


@pytest.fixture(scope="module")
def county_result() -> Result:
    # Seed 3: a county whose plan has rows of every rule, 走教 (rows only per teacher who goes) included;
    # two targets due this year, so that indicator_targets has rows too.
    targets = ("targets.rotation_share.value=0.1", "targets.rural_degree_share.value=0.5")
    years = ("targets.rotation_share.year=2025", "targets.rural_degree_share.year=2025")
    county = generate_county(
        CountyParams(seed=3, teachers=240, schools=10, name="sentences", overrides=(*targets, *years))
    )
    return solve_checked(county, expect="plan", time_limit=30)


def number_text(value: float) -> str:
    return f"{value:g}"


def test_every_rule_has_rows_in_both_languages(county_result: Result) -> None:
    rules_with_rows = {row.rule for row in county_result.report}
    assert rules_with_rows == {rule.id for rule in all_rules()}
    for row in county_result.report:
        assert row.sentence_zh and row.sentence_en, row
        assert any("\u4e00" <= ch <= "\u9fff" for ch in row.sentence_zh), row.sentence_zh


def test_sentences_carry_the_numbers(county_result: Result) -> None:
    """Counts, targets and shortfalls appear in both sentences; a per-teacher instance (target 1
    move, achieved 0 or 1) names the teacher and says what happened instead."""
    for row in county_result.report:
        if row.status == "not_applicable":
            continue
        if row.scope == "teacher":
            assert row.key in row.sentence_zh and row.key in row.sentence_en, row
            continue
        for value in (row.target, row.achieved):
            if isinstance(value, int) or (isinstance(value, float) and value.is_integer()):
                text = number_text(value)
                assert text in row.sentence_zh and text in row.sentence_en, (value, row)
        if row.shortfall:
            text = number_text(row.shortfall)
            assert text in row.sentence_zh and text in row.sentence_en, row


def test_rule_titles_in_both_languages() -> None:
    for rule in all_rules():
        assert rule.title_zh and rule.title_en
