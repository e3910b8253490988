"""What a solve returns: the plan with its report and summary, and, when the hard rules collide,
the conflict sets and the relaxations that would restore feasibility. Plain values, below every
module that makes or reads them (the solve, diagnosis, the output writers, the service)."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Any

from optimizer.instance import Change, Instance
from optimizer.plan import Plan, RuleRow, Summary
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


SHORTFALL_UNITS = {
    "teachers": ("人", "teachers"),
    "leaders": ("人", "leaders"),
    "moves": ("次调动", "moves"),
    "posts": ("个岗位", "posts"),
    "share": ("人", "people"),
    "ratio": ("名本科及以上教师", "degree holders"),
}
"""What one unit of an instance's shortfall counts, by the instance's unit: a share's or a
ratio's shortfall is counted in people (the members missing), not in percent."""


@dataclass(frozen=True)
class Relaxation:
    """One way out of conflict number `conflict`: relax the instances `relaxed` by `units` in
    all (in `unit` when they share one: teachers, posts ...) through `change`; `plan_cost` is the
    cost of a plan that is feasible under the change (the witness), so the best plan under it
    costs at most that. A widening (more supply, e.g. 走教 allowed) relaxes no instance:
    `relaxed` empty, `units` 0."""

    conflict: int
    relaxed: tuple[str, ...]
    units: int
    change: Change
    plan_cost: float
    unit: str = ""

    def apply(self, scenario: Scenario) -> Scenario:
        return apply_change(scenario, self.change)

    def to_dict(self) -> dict[str, Any]:
        return {
            "conflict": self.conflict,
            "relaxed": list(self.relaxed),
            "units": self.units,
            "unit": self.unit,
            "unit_zh": SHORTFALL_UNITS.get(self.unit, ("", ""))[0],
            "unit_en": SHORTFALL_UNITS.get(self.unit, ("", ""))[1],
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
    fields: dict[str, dict[str, Any]] = {}
    for school_id, name, value in change.school_fields:
        fields.setdefault(school_id, {})[name] = value
    schools = tuple(replace(s, **fields.get(s.school_id, {})) for s in scenario.schools)
    pins = tuple(p for p in scenario.pins if p.teacher_id not in set(change.drop_pins))
    return replace(scenario, policy=policy, schools=schools, pins=pins)


@dataclass(frozen=True)
class Result:
    """A plan with its report and summary; when infeasible, an empty plan, the conflict sets and
    the relaxations. `shortfalls` are the solver's elastic shortfalls by instance label."""

    plan: Plan
    report: tuple[RuleRow, ...]
    summary: Summary
    conflicts: tuple[Conflict, ...] = field(default=())
    relaxations: tuple[Relaxation, ...] = field(default=())
    shortfalls: dict[str, int] = field(default_factory=dict, compare=False)
