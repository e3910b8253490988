"""The policy rules of SPEC.md, one module each, and the registry everything else reads them from.

Each module in `RULE_MODULES` has a `RULE` (an `optimizer.rules.base.Rule`): its parameters, how it
builds itself into the model, how it checks a plan, the reasons a move serves it, its relaxations
and its sentences. Nothing outside this package names a rule: policy defaults, the report, the
page's form and the API's schema iterate over `all_rules()`. The order is SPEC's table, with the rules
that add staff (exchange, 走教, hires) before the rules that read staff; the model is built in this
order, so it is part of what makes a plan reproducible.

A rule that is not shipped (a county's own, or one a test writes) joins with `register`.

SPEC's derived notions that the rest of the program asks about — whether a teacher may be moved
out this year (`standing`, `is_eligible`), sending and receiving schools (`is_sending`,
`is_receiving`), retirement ages, the year a teacher falls due and their place in turn
(`due_year`, `places_in_turn`), the rotation minimum, subject priorities, the term a move gets
(`term_years`), the shortage posts (`shortage_posts`), every school × subject before and after a
plan (`coverage_posts`), who heads each school after it (`leaders_after`), a plan's figures
(`figures`) — are
answered here by the rule that owns each, so nothing outside this package reads a rule's
parameters.
"""

from __future__ import annotations

import importlib
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from functools import cache
from typing import Any

from optimizer.errors import Problem
from optimizer.outcome import Outcome
from optimizer.policy import Policy, RuleParams, checked_policy, example_override, merged_policy
from optimizer.rules.base import GateRule, Rule, indicator_owner
from optimizer.rules.coverage import Post, coverage_posts
from optimizer.rules.direction import is_receiving
from optimizer.rules.eligibility import exempt_from_age, is_eligible, retirement_age, standing
from optimizer.rules.exchange import EXCHANGE_TERM_YEARS
from optimizer.rules.fair_turn import due_year, places_in_turn
from optimizer.rules.indicator_targets import elastic as targets_costed
from optimizer.rules.indicator_targets import label as indicator_label
from optimizer.rules.leadership import leaders_after
from optimizer.rules.rotation_quota import is_sending, rotation_minimum
from optimizer.rules.shortage import RULE as _SHORTAGE
from optimizer.rules.shortage import subject_priorities
from optimizer.rules.term import term_of, term_years
from optimizer.scenario import Scenario

RULE_MODULES = (
    "eligibility",
    "rotation_quota",
    "backbone_share",
    "direction",
    "subject_fit",
    "exchange",
    "itinerant",
    "recruitment",
    "shortage",
    "coverage",
    "capacity",
    "staffing_balance",
    "backbone_presence",
    "degree_balance",
    "principal_rotation",
    "indicator_targets",
    "leadership",
    "new_teacher_bundle",
    "title_priority",
    "fair_turn",
    "preferences",
    "pins",
    "term",
)

__all__ = [
    "GateRule",
    "Post",
    "Rule",
    "all_rules",
    "coverage_posts",
    "declarations",
    "default_policy",
    "due_year",
    "example",
    "exempt_from_age",
    "figures",
    "gate_rules",
    "indicator_label",
    "indicator_owner",
    "is_eligible",
    "is_receiving",
    "is_sending",
    "leaders_after",
    "merge_policy",
    "move_term",
    "places_in_turn",
    "policy_from_dict",
    "register",
    "retirement_age",
    "rotation_minimum",
    "rule_by_id",
    "rule_ids",
    "shortage_posts",
    "standing",
    "subject_priorities",
    "targets",
    "targets_costed",
    "term_years",
]

_registered: list[Rule] = []


@cache
def _shipped() -> tuple[Rule, ...]:
    return tuple(importlib.import_module(f"optimizer.rules.{name}").RULE for name in RULE_MODULES)


def all_rules() -> tuple[Rule, ...]:
    """Every rule, shipped ones in SPEC's order, then registered ones in the order they joined."""
    return (*_shipped(), *_registered)


def gate_rules() -> tuple[GateRule, ...]:
    """The rules that decide which (teacher, school, post) moves may exist at all."""
    return tuple(rule for rule in all_rules() if isinstance(rule, GateRule))


def rule_by_id(rule_id: str) -> Rule:
    for rule in all_rules():
        if rule.id == rule_id:
            return rule
    raise KeyError(rule_id)


def rule_ids() -> tuple[str, ...]:
    return tuple(rule.id for rule in all_rules())


def move_term(scenario: Scenario, teacher_id: str, kind: str) -> int:
    """The term a move of `kind` (rotation or exchange) gets when a plan does not state it: an
    exchange's one year, else the teacher's allowed requested term or the policy's."""
    if kind == "exchange":
        return EXCHANGE_TERM_YEARS
    return term_of(scenario.policy, scenario.teacher_by_id[teacher_id])


def shortage_posts(scenario: Scenario) -> list[tuple[str, str, int, int]]:
    """(school, subject, required, shortage before moves) at every receiving school."""
    return _SHORTAGE.posts(scenario)


def figures(scenario: Scenario, outcome: Outcome) -> dict[str, float]:
    """The summary's figures every rule states for a plan's outcome (`Rule.figures`)."""
    stated: dict[str, float] = {}
    for rule in all_rules():
        stated.update(rule.figures(scenario, outcome))
    return stated


def targets(policy: Policy) -> dict[str, float]:
    """Every target the rules set on a plan's figures (`Rule.targets`), for charts."""
    stated: dict[str, float] = {}
    for rule in all_rules():
        stated.update(rule.targets(policy))
    return stated


def example() -> str:
    """An override for help texts and examples, e.g. `rotation_quota.rate=0.15`."""
    return example_override(declarations())


def declarations() -> tuple[RuleParams, ...]:
    """Every rule's declared parameters, in the registry's order."""
    return tuple(rule.declaration() for rule in all_rules())


def default_policy() -> Policy:
    return checked_policy({}, declarations())


def policy_from_dict(raw: Mapping[str, Any], source: str = "policy.toml") -> Policy:
    """A policy.toml-shaped dict merged onto the rules' defaults; ScenarioError on any problem."""
    return checked_policy(raw, declarations(), source)


def merge_policy(raw: Mapping[str, Any], source: str, problems: list[Problem]) -> Policy:
    """Like policy_from_dict, but appends problems to `problems` (for all-at-once reports)."""
    return merged_policy(raw, declarations(), source, problems)


@contextmanager
def register(rule: Rule) -> Iterator[Rule]:
    """Add a rule for the duration of the block (in this process): it takes part in policies,
    models, checks, reports, the page's form and the API's schema like a shipped one."""
    if rule.id in rule_ids():
        raise ValueError(f"a rule with id {rule.id!r} exists already")
    _registered.append(rule)
    try:
        yield rule
    finally:
        _registered.remove(rule)
