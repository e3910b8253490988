"""direction: moves go from sending to receiving schools (urban/town → rural, strong → weak),
from overstaffed to understaffed schools, or along pairs the scenario allows (双向交流).

Source: 001. Principals and vice-principals rotate between urban and rural schools both ways
(000), so a leader's move between a rural and a non-rural school is always in direction.
Elastic mode lets any move within the region happen at `weight` per move against the direction.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from optimizer.plan import Plan, RuleRow
from optimizer.rules.base import gate_build, gate_check
from optimizer.scenario import Scenario, School, Teacher

if TYPE_CHECKING:
    from optimizer.model.builder import ModelBuilder


class Direction:
    id = "direction"
    title_zh = "交流方向"
    title_en = "direction"

    def allows(self, scenario: Scenario, teacher: Teacher, to_school: School, post: str) -> bool:
        from_school = scenario.school_by_id[scenario.home_school(teacher)]
        if teacher.is_principal and scenario.is_rural(from_school) != scenario.is_rural(to_school):
            return True
        if scenario.is_sending(from_school) and scenario.is_receiving(to_school):
            return True
        if self.overstaffed(scenario, from_school) and self.understaffed(scenario, to_school):
            return True
        allowed = scenario.policy.rule(self.id)["allow"]
        return [from_school.area, to_school.area] in allowed

    @staticmethod
    def overstaffed(scenario: Scenario, school: School) -> bool:
        return scenario.headcount(school.school_id) > school.establishment

    @staticmethod
    def understaffed(scenario: Scenario, school: School) -> bool:
        return scenario.headcount(school.school_id) < school.establishment

    def build(self, builder: ModelBuilder) -> None:
        gate_build(
            self,
            builder,
            "{from_school} → {to_school} 不符合交流方向",
            "{from_school} → {to_school} is against the allowed direction",
        )

    def check(self, scenario: Scenario, plan: Plan) -> list[RuleRow]:
        return gate_check(
            self,
            scenario,
            plan,
            "所有交流均为城镇向乡村、强校向薄弱校、超编向缺编或政策允许的方向",
            "every move goes urban/town → rural, strong → weak, overstaffed → understaffed, "
            "or along an allowed pair",
            "教师 {teacher} 调往 {to_school} 不符合交流方向",
            "teacher {teacher} moving to {to_school} goes against the allowed direction",
        )


RULE = Direction()
