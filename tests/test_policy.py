"""Policy defaults, dotted overrides and their problems."""

from __future__ import annotations

import pytest

from optimizer.errors import ScenarioError
from optimizer.policy import ceil_share, floor_share
from optimizer.rules import default_policy


def test_rounding_conventions() -> None:
    assert ceil_share(0.10, 143) == 15 and floor_share(0.20, 37) == 7
    assert ceil_share(0.20, 5) == 1  # 0.2 is exactly one fifth, not a float just above it


def test_overrides_parse_values_as_toml() -> None:
    policy = default_policy().with_overrides(
        [
            "rotation_quota.rate=0.15",
            "rotation_quota.scope=school",
            "eligibility.retirement_age.F=50",
            "year=2026",
        ]
    )
    assert policy.rule("rotation_quota")["rate"] == 0.15
    assert policy.rule("rotation_quota")["scope"] == "school"
    assert policy.rule("eligibility")["retirement_age"] == {"M": 60, "F": 50}
    assert policy.year == 2026


@pytest.mark.parametrize(
    ("assignment", "words"),
    [
        ("rotation_quota.rate=1.5", "between 0 and 1"),
        ("rotation_quota.rate.x=1", "not a table"),
        ("nonsense.rate=1", "unknown rule"),
        ("capacity.nonsense=1", "unknown parameter"),
        ("rotation_quota.mode=soft", "hard or elastic"),
        ("rotation_quota", "rule.param=value"),
    ],
)
def test_bad_overrides_are_problems(assignment: str, words: str) -> None:
    with pytest.raises(ScenarioError) as error:
        default_policy().with_overrides([assignment])
    assert words in str(error.value)


def test_a_parameter_is_found_by_its_meaning_whichever_rule_declares_it() -> None:
    policy = default_policy().with_overrides(["term.term_years=2"])
    assert policy.meaning("rotation_term_years") == 2
    with pytest.raises(KeyError):
        policy.meaning("no such notion")


@pytest.mark.parametrize("value", ["inf", "nan", "-inf", "1e308", "1000001"])
def test_weights_are_finite_and_bounded(value: str) -> None:
    """A weight of 1e308 would overflow the objective's integer costs; inf and nan mean nothing."""
    with pytest.raises(ScenarioError) as error:
        default_policy().with_overrides([f"shortage.weight={value}", f"shortage.priority.music={value}"])
    assert {(p.column, p.code) for p in error.value.problems} == {
        ("rules.shortage.weight", "bad_value"),
        ("rules.shortage.priority", "bad_value"),
    }
    assert default_policy().with_overrides(["shortage.weight=1000000"]).weight("shortage") == 1_000_000
