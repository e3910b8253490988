"""The policy rules of SPEC.md, one module each, in the order of SPEC's table.

Every rule has `id`, `title_zh`, `title_en`, `build(builder)` and `check(scenario, plan)`;
the gate rules also have `allows(...)`, used to generate candidate moves.
"""

from __future__ import annotations

from optimizer.rules import (
    backbone_presence,
    backbone_share,
    capacity,
    degree_balance,
    direction,
    eligibility,
    new_teacher_bundle,
    pins,
    preferences,
    principal_rotation,
    rotation_quota,
    shortage,
    staffing_balance,
    subject_fit,
    term,
    title_priority,
)
from optimizer.rules.base import GateRule, Rule

RULES: tuple[Rule, ...] = (
    eligibility.RULE,
    rotation_quota.RULE,
    backbone_share.RULE,
    direction.RULE,
    subject_fit.RULE,
    shortage.RULE,
    capacity.RULE,
    staffing_balance.RULE,
    backbone_presence.RULE,
    degree_balance.RULE,
    principal_rotation.RULE,
    new_teacher_bundle.RULE,
    title_priority.RULE,
    preferences.RULE,
    pins.RULE,
    term.RULE,
)
GATES: tuple[GateRule, ...] = (eligibility.RULE, direction.RULE, subject_fit.RULE)
RULE_BY_ID: dict[str, Rule] = {rule.id: rule for rule in RULES}
