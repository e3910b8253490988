"""Minimal conflict sets: hard rule instances that cannot hold together.

CP-SAT gives a core over one assumption literal per hard instance; deletion shrinks it (drop each
member in turn, keep it only if the rest becomes feasible), so the set is minimal: infeasible,
and feasible without any one member. Further conflicts are searched with the members of the ones
found set aside, so the sets returned are disjoint ("independent").
"""

from __future__ import annotations

import time
from dataclasses import dataclass, replace
from typing import Any

from optimizer.model.cpsat import HardInstanceOracle
from optimizer.options import SolveOptions
from optimizer.rules import RULE_BY_ID
from optimizer.rules.base import Instance
from optimizer.scenario import Scenario


@dataclass(frozen=True)
class Conflict:
    """Hard rule instances that cannot hold together. `minimal` when each member was shown
    necessary within the time limit; `summary_*` says in one sentence why they collide."""

    instances: tuple[Instance, ...]
    minimal: bool
    seconds: float
    summary_zh: str = ""
    summary_en: str = ""

    @property
    def labels(self) -> list[str]:
        return [i.label for i in self.instances]

    def to_dict(self) -> dict[str, Any]:
        return {
            "minimal": self.minimal,
            "seconds": round(self.seconds, 3),
            "summary_zh": self.summary_zh,
            "summary_en": self.summary_en,
            "members": [
                {
                    "label": i.label,
                    "rule": i.rule,
                    "scope": i.scope,
                    "key": i.key,
                    "target": i.target,
                    "unit": i.unit,
                    "sentence_zh": i.sentence_zh,
                    "sentence_en": i.sentence_en,
                }
                for i in self.instances
            ],
        }


def find_conflicts(scenario: Scenario, options: SolveOptions) -> tuple[Conflict, ...]:
    """Up to options.max_conflicts disjoint minimal conflict sets, within conflict_time_limit."""
    deadline = time.monotonic() + options.conflict_time_limit
    oracle = HardInstanceOracle(scenario, options)
    active = list(oracle.labels)
    conflicts: list[Conflict] = []
    while len(conflicts) < options.max_conflicts and time.monotonic() < deadline:
        started = time.monotonic()
        answer, core = oracle.check(active, deadline - time.monotonic())
        if answer is not False:
            break
        members, minimal = _shrink(oracle, core, deadline)
        instances = tuple(oracle.builder.instances[label] for label in members)
        conflicts.append(Conflict(instances, minimal, time.monotonic() - started))
        active = [label for label in active if label not in set(members)]
    return tuple(
        replace(c, **dict(zip(("summary_zh", "summary_en"), _titles(c), strict=True))) for c in conflicts
    )


def _shrink(oracle: HardInstanceOracle, core: list[str], deadline: float) -> tuple[list[str], bool]:
    """Deletion: (members, whether every member was shown necessary before the deadline)."""
    members, minimal = list(core), True
    for label in list(members):
        if label not in members:
            continue
        if time.monotonic() >= deadline:
            return members, False
        rest = [m for m in members if m != label]
        answer, smaller = oracle.check(rest, deadline - time.monotonic())
        if answer is False:
            members = [m for m in rest if m in set(smaller)] if smaller else rest
        elif answer is None:
            minimal = False
    return members, minimal


def _titles(conflict: Conflict) -> tuple[str, str]:
    """The plain summary: which rules collide (relaxations add the numbers when they can)."""
    rules = list(dict.fromkeys(i.rule for i in conflict.instances))
    zh = "、".join(RULE_BY_ID[r].title_zh for r in rules)
    en = ", ".join(RULE_BY_ID[r].title_en for r in rules)
    count = len(conflict.instances)
    return (
        f"{count} 项刚性规则({zh})不能同时满足",
        f"{count} hard rule instances ({en}) cannot all hold",
    )
