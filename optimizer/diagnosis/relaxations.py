"""The smallest relaxation of a conflict: what policy change restores feasibility, and its cost.

For a conflict set, each rule's members alone, and then all members together, are made elastic
and their total shortfall is minimised; then, as time allows, the usual objective is minimised
with the shortfall held at that total (a witness that spreads moves sensibly implies a smaller
parameter change). The resulting plan is a witness: the rule module
turns it into a parameter change under which the witness satisfies the rule (`relax`), or, when
no parameter fits, the rule is made elastic. Every proposal is checked by applying the change
and running the checker on the witness: no proposal leaves a hard rule broken.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, replace
from typing import Any

from optimizer.explain.conflicts import Conflict
from optimizer.instance import Change, Instance
from optimizer.model.cpsat import build_model, run
from optimizer.options import SolveOptions
from optimizer.plan import Plan
from optimizer.report import check_plan, hard_violations, plan_cost
from optimizer.rules import rule_by_id
from optimizer.scenario import Scenario

MAX_ALTERNATIVES = 3


@dataclass(frozen=True)
class Relaxation:
    """One way out of conflict number `conflict`: relax the instances `relaxed` by `units` in
    all (teachers, posts ... in each rule's unit) through `change`; `plan_cost` is the cost of a
    plan that is feasible under the change (the witness)."""

    conflict: int
    relaxed: tuple[str, ...]
    units: int
    change: Change
    plan_cost: float

    def apply(self, scenario: Scenario) -> Scenario:
        return apply_change(scenario, self.change)

    def to_dict(self) -> dict[str, Any]:
        return {
            "conflict": self.conflict,
            "relaxed": list(self.relaxed),
            "units": self.units,
            "overrides": list(self.change.overrides),
            "school_fields": [list(f) for f in self.change.school_fields],
            "drop_pins": list(self.change.drop_pins),
            "sentence_zh": self.change.sentence_zh,
            "sentence_en": self.change.sentence_en,
            "plan_cost": self.plan_cost,
        }


def apply_change(scenario: Scenario, change: Change) -> Scenario:
    """The scenario with the change's overrides, school fields and dropped pins."""
    policy = scenario.policy.with_overrides(change.overrides) if change.overrides else scenario.policy
    fields: dict[str, dict[str, int]] = {}
    for school_id, name, value in change.school_fields:
        fields.setdefault(school_id, {})[name] = value
    schools = tuple(replace(s, **fields.get(s.school_id, {})) for s in scenario.schools)
    pins = tuple(p for p in scenario.pins if p.teacher_id not in set(change.drop_pins))
    return replace(scenario, policy=policy, schools=schools, pins=pins)


def propose(
    scenario: Scenario, conflicts: tuple[Conflict, ...], options: SolveOptions
) -> tuple[tuple[Conflict, ...], tuple[Relaxation, ...]]:
    """(conflicts with a numbers-bearing summary where one was found, relaxations)."""
    deadline = time.monotonic() + options.conflict_time_limit
    explained, proposals = [], []
    for index, conflict in enumerate(conflicts):
        by_rule: dict[str, list[str]] = {}
        for instance in conflict.instances:
            by_rule.setdefault(instance.rule, []).append(instance.label)
        attempts = [tuple(labels) for labels in by_rule.values()]
        if len(attempts) > 1:
            attempts.append(tuple(conflict.labels))
        found: list[tuple[Relaxation, Plan]] = []
        for labels in attempts:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                break
            budget = remaining / max(1, len(attempts) + len(conflicts) - index - 1)
            proposal = _relax(scenario, conflict, index, labels, options, budget)
            if proposal is not None:
                found.append(proposal)
        found.sort(key=lambda pair: (pair[0].units, pair[0].plan_cost))
        distinct = list({pair[0].change: pair for pair in found}.values())
        proposals.extend(relaxation for relaxation, _ in distinct[:MAX_ALTERNATIVES])
        explained.append(_summarise(scenario, conflict, found))
    return tuple(explained), tuple(proposals)


def _relax(
    scenario: Scenario,
    conflict: Conflict,
    index: int,
    labels: tuple[str, ...],
    options: SolveOptions,
    time_limit: float,
) -> tuple[Relaxation, Plan] | None:
    builder = build_model(scenario, elastic_labels=labels, elastic_weight=1)
    relaxation = sum((builder.shortfalls[label] for label in labels), start=0)
    builder.model.Minimize(relaxation)
    quiet = replace(options, hint=None, progress=None, force_moves=frozenset())
    started = time.monotonic()
    result = run(builder, quiet, time_limit / 2)
    if result.plan is None:
        return None
    # Second stage, as time allows: the same relaxation, the best plan under it (a witness that
    # spreads the moves sensibly, so the parameter change it implies is smaller too).
    builder.model.Add(relaxation <= sum(result.shortfalls.get(label, 0) for label in labels))
    builder.model.Minimize(builder.cost())
    remaining = time_limit - (time.monotonic() - started)
    better = run(builder, replace(quiet, hint=result.plan), remaining) if remaining > 1 else None
    if better is not None and better.plan is not None:
        result = better
    short = {label: result.shortfalls.get(label, 0) for label in labels}
    broken = [i for i in conflict.instances if short.get(i.label, 0) > 0]
    change = _change_for(scenario, broken, result.plan)
    relaxed = apply_change(scenario, change)
    report = check_plan(relaxed, result.plan)
    still = sorted({row.rule for row in hard_violations(report)})
    if still:
        change = _merge(change, _elastic(still))
        relaxed = apply_change(scenario, change)
        report = check_plan(relaxed, result.plan)
    relaxation = Relaxation(index, labels, sum(short.values()), change, plan_cost(report))
    return relaxation, result.plan


def _change_for(scenario: Scenario, broken: list[Instance], witness: Plan) -> Change:
    change = Change()
    for rule_id in dict.fromkeys(i.rule for i in broken):
        rule = rule_by_id(rule_id)
        members = [i for i in broken if i.rule == rule_id]
        change = _merge(change, rule.relax(scenario, members, witness) or _elastic([rule_id]))
    return change


def _elastic(rule_ids: list[str]) -> Change:
    """The fallback: the rule becomes elastic (may be broken at its weight)."""
    return Change(
        overrides=tuple(f"{r}.mode=elastic" for r in rule_ids),
        sentence_zh="、".join(f"将“{rule_by_id(r).title_zh}”改为弹性规则" for r in rule_ids),
        sentence_en="; ".join(f"make {r} elastic" for r in rule_ids),
    )


def _merge(first: Change, second: Change) -> Change:
    return Change(
        overrides=first.overrides + second.overrides,
        school_fields=first.school_fields + second.school_fields,
        drop_pins=first.drop_pins + second.drop_pins,
        sentence_zh=";".join(s for s in (first.sentence_zh, second.sentence_zh) if s),
        sentence_en="; ".join(s for s in (first.sentence_en, second.sentence_en) if s),
    )


def _summarise(scenario: Scenario, conflict: Conflict, found: list[tuple[Relaxation, Plan]]) -> Conflict:
    """Add the numbers: for a single relaxed instance, what the other rules of the set allow."""
    for relaxation, witness in found:
        if len(relaxation.relaxed) != 1:
            continue
        instance = next(i for i in conflict.instances if i.label == relaxation.relaxed[0])
        rows = [
            r
            for r in check_plan(scenario, witness)
            if (r.rule, r.scope, r.key) == (instance.rule, instance.scope, instance.key)
        ]
        if rows:
            return replace(
                conflict,
                summary_zh=f"{conflict.summary_zh}:在本组其余规则约束下,最好的结果是{rows[0].sentence_zh}",
                summary_en=f"{conflict.summary_en}: under the other rules of the set, the best is "
                f"{rows[0].sentence_en}",
            )
    return conflict
