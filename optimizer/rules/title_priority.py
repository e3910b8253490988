"""title_priority: teachers who plan to apply for a senior title (高级/正高级) and lack 1 year in a
rural school or 3 years in a weak school get priority to rotate (a senior title requires it).
Source: 001. One instance per such eligible teacher; elastic cost `weight` if not rotating.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from optimizer.instance import Instance
from optimizer.params import mode_param, weight_param
from optimizer.plan import Move, Plan, RuleRow
from optimizer.rules.base import Rule, teacher_moves_row
from optimizer.rules.eligibility import is_eligible
from optimizer.scenario import Scenario, Teacher

if TYPE_CHECKING:
    from optimizer.model.builder import ModelBuilder


class TitlePriority(Rule):
    id = "title_priority"
    title_zh = "职称评审优先"
    title_en = "senior title priority"
    params = (mode_param("elastic"), weight_param(20))

    def serves(self, scenario: Scenario, teacher: Teacher, move: Move) -> bool:
        return teacher.teacher_id in scenario.derived(self.id, self.due_ids)

    def due_ids(self, scenario: Scenario) -> set[str]:
        return {t.teacher_id for t in self.due(scenario)}

    def due(self, scenario: Scenario) -> list[Teacher]:
        return [
            t
            for t in scenario.teachers
            if t.plans_senior_title and t.rural_years < 1 and t.weak_years < 3 and is_eligible(scenario, t)
        ]

    def instance(self, teacher: Teacher) -> Instance:
        return Instance(
            self.id,
            "teacher",
            teacher.teacher_id,
            1,
            "moves",
            f"{teacher.teacher_id} 拟申报高级职称,乡村任教 {teacher.rural_years} 年、薄弱校 "
            f"{teacher.weak_years} 年,优先交流",
            f"{teacher.teacher_id} plans a senior title with {teacher.rural_years} rural and "
            f"{teacher.weak_years} weak-school years: priority to rotate",
        )

    def build(self, builder: ModelBuilder) -> None:
        for teacher in self.due(builder.scenario):
            builder.at_least(self.instance(teacher), builder.moved(teacher.teacher_id), 1)

    def check(self, scenario: Scenario, plan: Plan) -> list[RuleRow]:
        return [
            teacher_moves_row(self.id, scenario, plan, self.instance(t), t.teacher_id)
            for t in self.due(scenario)
        ]


RULE = TitlePriority()
