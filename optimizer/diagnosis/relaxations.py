"""The smallest relaxation of a conflict: what policy change restores feasibility, and its cost.

For a conflict set, each rule's members alone, and then all members together, are made elastic
and their total shortfall is minimised; then, as time allows, the usual objective is minimised
with the shortfall held at that total (a witness that spreads moves sensibly implies a smaller
parameter change). The resulting plan is a witness: the rule module
turns it into a parameter change under which the witness satisfies the rule (`relax`), or, when
no parameter fits, the rule is made elastic. Every proposal is checked by applying the change
and running the checker on the witness: no proposal leaves a hard rule broken.

A conflict may also have ways out that lower no target: a rule that supplies staff widens what it
may do (`Rule.widen`, e.g. 走教 allowed in a 学区), and the widening is proposed when the scenario
under it has a plan. It relaxes no instance: units 0.
"""

from __future__ import annotations

import time
from dataclasses import replace

from optimizer.engines.dispatch import run_engine
from optimizer.instance import Change, Instance
from optimizer.model.assembly import add_hint, build_model
from optimizer.options import DiagnosisBudget, EngineSettings
from optimizer.plan import Plan
from optimizer.report import check_plan, hard_violations, plan_cost
from optimizer.result import Conflict, Relaxation, apply_change
from optimizer.rules import all_rules, gate_rules, rule_by_id
from optimizer.scenario import Scenario

MAX_ALTERNATIVES = 3


def propose(
    scenario: Scenario, conflicts: tuple[Conflict, ...], settings: EngineSettings, budget: DiagnosisBudget
) -> tuple[tuple[Conflict, ...], tuple[Relaxation, ...]]:
    """(conflicts with a numbers-bearing summary where one was found, relaxations), searched
    with the solve's engine settings within `budget.time_limit`."""
    deadline = time.monotonic() + budget.time_limit
    explained: list[Conflict] = []
    proposals: list[Relaxation] = []
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
            share = remaining / max(1, len(attempts) + len(conflicts) - index - 1)
            proposal = _relax(scenario, conflict, index, labels, settings, share)
            if proposal is not None:
                found.append(proposal)
        remaining = deadline - time.monotonic()
        if remaining > 0:
            share = remaining / max(1, len(conflicts) - index)
            found.extend(_widenings(scenario, conflict, index, settings, share))
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
    settings: EngineSettings,
    time_limit: float,
) -> tuple[Relaxation, Plan] | None:
    """The scenario's own model (none of the solve's edits) with `labels` made elastic."""
    builder = build_model(scenario, all_rules(), gate_rules(), elastic_labels=labels, elastic_weight=1)
    shortfall = sum((builder.shortfalls[label] for label in labels), start=0)
    builder.model.minimize(shortfall)
    started = time.monotonic()
    result = run_engine(builder, settings, time_limit=time_limit / 2)
    witness = result.plan
    if witness is None:
        return None
    # Second stage, as time allows: the same relaxation, the best plan under it (a witness that
    # spreads the moves sensibly, so the parameter change it implies is smaller too).
    builder.model.add(shortfall <= sum(result.shortfalls.get(label, 0) for label in labels))
    builder.model.minimize(builder.cost())
    remaining = time_limit - (time.monotonic() - started)
    if remaining > 1:
        add_hint(builder, witness)
        better = run_engine(builder, settings, time_limit=remaining)
        if better.plan is not None:
            result, witness = better, better.plan
    short = {label: result.shortfalls.get(label, 0) for label in labels}
    broken = [i for i in conflict.instances if short.get(i.label, 0) > 0]
    change = _change_for(scenario, broken, witness)
    relaxed = apply_change(scenario, change)
    report = check_plan(relaxed, witness)
    still = sorted({row.rule for row in hard_violations(report)})
    if still:
        change = _merge(change, _elastic(still))
        relaxed = apply_change(scenario, change)
        report = check_plan(relaxed, witness)
    units = {i.unit for i in broken}
    unit = units.pop() if len(units) == 1 else ""
    return Relaxation(index, labels, sum(short.values()), change, plan_cost(report), unit), witness


def _widenings(
    scenario: Scenario, conflict: Conflict, index: int, settings: EngineSettings, time_limit: float
) -> list[tuple[Relaxation, Plan]]:
    """The rules' widenings of the conflict (`Rule.widen`: more supply, no target lowered), each
    kept when the scenario under it has a plan that breaks no hard rule."""
    deadline = time.monotonic() + time_limit
    changes = [c for rule in all_rules() if (c := rule.widen(scenario, list(conflict.instances)))]
    found = []
    for number, change in enumerate(changes):
        remaining = (deadline - time.monotonic()) / (len(changes) - number)
        if remaining <= 0:
            break
        widened = apply_change(scenario, change)
        result = run_engine(build_model(widened, all_rules(), gate_rules()), settings, time_limit=remaining)
        if result.plan is None:
            continue
        report = check_plan(widened, result.plan)
        if not hard_violations(report):
            found.append((Relaxation(index, (), 0, change, plan_cost(report)), result.plan))
    return found


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
