"""backbone_presence: every receiving (rural / weak) school ends with at least `min_per_school`
backbone teachers. Source: 001, 004 (骨干 ≈ 10 % of teachers).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from optimizer.instance import Change, Instance
from optimizer.model.builder import linear_sum
from optimizer.outcome import Outcome
from optimizer.params import Param, mode_param, weight_param
from optimizer.plan import Plan, RuleRow
from optimizer.rules.base import Rule, row
from optimizer.rules.direction import is_receiving
from optimizer.scenario import Scenario, School

if TYPE_CHECKING:
    from optimizer.model.builder import ModelBuilder


class BackbonePresence(Rule):
    id = "backbone_presence"
    title_zh = "薄弱校骨干配备"
    title_en = "backbone presence"
    params = (
        mode_param("elastic"),
        weight_param(200),
        Param(
            "min_per_school",
            1,
            "integer",
            "乡村、薄弱校骨干不少于",
            "Backbone per rural / weak school at least",
            "人",
            "teachers",
        ),
    )

    def schools(self, scenario: Scenario) -> list[School]:
        return [s for s in scenario.schools if is_receiving(scenario, s)]

    def build(self, builder: ModelBuilder) -> None:
        scenario = builder.scenario
        minimum = int(scenario.policy.rule(self.id)["min_per_school"])
        crossing = builder.crossing(lambda t: t.is_backbone)
        for school in self.schools(scenario):
            school_id = school.school_id
            before = sum(t.is_backbone for t in scenario.staff_at[school_id])

            arriving, leaving = crossing.get(school_id, ([], []))
            after = before + linear_sum(arriving) - linear_sum(leaving)
            builder.at_least(
                Instance(
                    self.id,
                    "school",
                    school_id,
                    minimum,
                    "teachers",
                    f"{school_id}:乡村/薄弱学校至少配备 {minimum} 名骨干教师(现有 {before} 名)",
                    f"{school_id}: a rural / weak school has at least {minimum} backbone teachers "
                    f"({before} now)",
                ),
                after,
                minimum,
                max_shortfall=minimum,
            )

    def check(self, scenario: Scenario, plan: Plan) -> list[RuleRow]:
        outcome = Outcome(scenario, plan)
        minimum = int(scenario.policy.rule(self.id)["min_per_school"])
        rows = []
        for school in self.schools(scenario):
            backbone = tuple(t.teacher_id for t in outcome.staff_after[school.school_id] if t.is_backbone)
            missing = max(0, minimum - len(backbone))
            rows.append(
                row(
                    self.id,
                    scenario,
                    "school",
                    school.school_id,
                    target=minimum,
                    achieved=len(backbone),
                    shortfall=missing,
                    zh=f"{school.school_id}:交流后骨干教师 {len(backbone)} 名,应至少 {minimum} 名"
                    + (f",缺 {missing} 名" if missing else ""),
                    en=f"{school.school_id}: {len(backbone)} backbone teachers after the moves, "
                    f"at least {minimum} required" + (f"; {missing} missing" if missing else ""),
                    involved=backbone,
                )
            )
        return rows

    def relax(self, scenario: Scenario, instances: list[Instance], witness: Plan) -> Change | None:
        """Lower the minimum to the fewest backbone teachers a school of the set ends with."""
        outcome = Outcome(scenario, witness)
        fewest = min(sum(t.is_backbone for t in outcome.staff_after[i.key]) for i in instances)
        old = int(scenario.policy.rule(self.id)["min_per_school"])
        return Change(
            overrides=(f"{self.id}.min_per_school={fewest}",),
            sentence_zh=f"将乡村/薄弱学校骨干教师最低配备由 {old} 名降至 {fewest} 名",
            sentence_en=f"lower backbone_presence.min_per_school from {old} to {fewest}",
        )


RULE = BackbonePresence()
