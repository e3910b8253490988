"""Minimal conflict sets: hard rule instances that cannot hold together.

Every hard instance has an enforcement literal (HardInstanceOracle). An elastic filter (Chinneck)
first narrows the field: with nothing enforced, a solve drops as few instances as it can; those
are enforced, and again, until the enforced instances alone cannot hold. Deletion then shrinks
that set (drop each member in turn, keep it only if the rest becomes feasible), so the set is
minimal: infeasible, and feasible without any one member. Further conflicts are searched with the
members of the ones found set aside, so the sets returned are disjoint ("independent").
"""

from __future__ import annotations

import time
from dataclasses import replace

from optimizer.diagnosis.oracle import HardInstanceOracle, Infeasible
from optimizer.instance import Instance
from optimizer.options import DiagnosisBudget, EngineSettings
from optimizer.result import Conflict
from optimizer.rules import rule_by_id
from optimizer.scenario import Scenario

FILTER_ROUND_SECONDS = 1.0
"""Each filter round needs a solution, not an optimal one; the budget doubles while none comes."""


def find_conflicts(
    scenario: Scenario,
    settings: EngineSettings,
    budget: DiagnosisBudget,
    forced: frozenset[str] = frozenset(),
) -> tuple[Conflict, ...]:
    """Up to `budget.max_conflicts` disjoint minimal conflict sets within `budget.time_limit`,
    searched with the solve's settings; `forced` teachers must move, as in the solve."""
    deadline = time.monotonic() + budget.time_limit
    oracle = HardInstanceOracle(scenario, settings, forced)
    active = set(oracle.labels)
    conflicts: list[Conflict] = []
    while len(conflicts) < budget.max_conflicts and time.monotonic() < deadline:
        started = time.monotonic()
        enforced = _elastic_filter(oracle, active, deadline)
        if enforced is None:
            break
        members, minimal = _shrink(oracle, sorted(enforced), deadline)
        instances = tuple(oracle.builder.instances[label] for label in members)
        conflicts.append(Conflict(instances, minimal, time.monotonic() - started))
        active -= set(members)
    titled = []
    for conflict in conflicts:
        summary_zh, summary_en = _titles(conflict)
        titled.append(replace(conflict, summary_zh=summary_zh, summary_en=summary_en))
    return tuple(titled)


def _elastic_filter(oracle: HardInstanceOracle, active: set[str], deadline: float) -> set[str] | None:
    """Instances of `active` that cannot hold together, or None if all of `active` can hold (or
    the time ran out). A dropped instance brings its whole family in (the same rule, scope and
    kind: every school's departure cap when one cap is dropped): a few more members for deletion
    to remove, far fewer filter rounds, which cost seconds each at county size."""
    families: dict[str, set[str]] = {}
    for label in active:
        families.setdefault(_family(oracle.builder.instances[label]), set()).add(label)
    enforced: set[str] = set()
    budget = FILTER_ROUND_SECONDS
    while time.monotonic() < deadline:
        try:
            dropped = oracle.fewest_dropped(enforced, active, min(budget, deadline - time.monotonic()))
        except Infeasible:
            return enforced
        if dropped is None:
            budget *= 2
            continue
        if not dropped:
            return None
        for label in dropped:
            enforced |= families[_family(oracle.builder.instances[label])]
    return None


def _family(instance: Instance) -> str:
    """rule, scope and the kind after a '/' in the key: `capacity/school/departures`."""
    kind = instance.key.split("/", 1)[1] if "/" in instance.key and instance.scope == "school" else ""
    return f"{instance.rule}/{instance.scope}/{kind}"


def _shrink(oracle: HardInstanceOracle, members: list[str], deadline: float) -> tuple[list[str], bool]:
    """Deletion, whole families first (one check can set aside every school's cap of a kind),
    then member by member: (members, whether every member was shown necessary in time)."""
    families: dict[str, list[str]] = {}
    for label in members:
        families.setdefault(_family(oracle.builder.instances[label]), []).append(label)
    if len(families) > 1:
        for family in list(families.values()):
            members, _ = _drop_if_still_infeasible(oracle, members, family, deadline)
    minimal = True
    for label in list(members):
        if time.monotonic() >= deadline:
            return members, False
        members, answered = _drop_if_still_infeasible(oracle, members, [label], deadline)
        minimal = minimal and answered
    return members, minimal


def _drop_if_still_infeasible(
    oracle: HardInstanceOracle, members: list[str], drop: list[str], deadline: float
) -> tuple[list[str], bool]:
    """(members without `drop` if they still cannot hold, else members; whether it was decided)."""
    rest = [m for m in members if m not in set(drop)]
    if not rest:
        return members, True  # no hard instance at all can always hold: keeping no one moves
    if time.monotonic() >= deadline:
        return members, False
    answer = oracle.check(rest, deadline - time.monotonic())
    return (rest if answer is False else members), answer is not None


def _titles(conflict: Conflict) -> tuple[str, str]:
    """The plain summary: which rules collide (relaxations add the numbers when they can)."""
    rules = list(dict.fromkeys(i.rule for i in conflict.instances))
    zh = "、".join(rule_by_id(r).title_zh for r in rules)
    en = ", ".join(rule_by_id(r).title_en for r in rules)
    count = len(conflict.instances)
    return (
        f"{count} 项刚性规则({zh})不能同时满足",
        f"{count} hard rule instances ({en}) cannot all hold",
    )
