"""new_teacher_bundle: new teachers in their second contract period (聘期) who have not yet
served in a rural school, and publicly funded normal-school graduates (公费师范生) who still owe
rural service years, go to a rural school this year (城乡捆绑聘用). Source: 000.

Teachers in their first period may still serve later and are not required this year.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from optimizer.instance import Instance
from optimizer.params import mode_param, weight_param
from optimizer.plan import Move, Plan, RuleRow
from optimizer.rules.base import Rule, row
from optimizer.scenario import Scenario, Teacher

if TYPE_CHECKING:
    from optimizer.model.builder import ModelBuilder


class NewTeacherBundle(Rule):
    id = "new_teacher_bundle"
    title_zh = "新教师城乡捆绑"
    title_en = "new teacher rural service"
    params = (mode_param("elastic"), weight_param(100))

    def serves(self, scenario: Scenario, teacher: Teacher, move: Move) -> bool:
        return scenario.owes_rural_service(teacher)

    def due(self, scenario: Scenario) -> list[Teacher]:
        return [t for t in scenario.teachers if scenario.owes_rural_service(t)]

    def instance(self, teacher: Teacher, school_id: str) -> Instance:
        if teacher.funded_graduate_owed_years > 0:
            why_zh = f"公费师范生,尚欠乡村服务 {teacher.funded_graduate_owed_years} 年"
            why_en = f"funded graduate owing {teacher.funded_graduate_owed_years} rural years"
        else:
            why_zh, why_en = "新教师第二聘期,尚未在乡村学校任教", "new teacher in the second period"
        return Instance(
            self.id,
            "teacher",
            teacher.teacher_id,
            1,
            "moves",
            f"{school_id} {teacher.teacher_id}({why_zh})本年应到乡村学校任教",
            f"{teacher.teacher_id} at {school_id} ({why_en}) should serve in a rural school this year",
        )

    def build(self, builder: ModelBuilder) -> None:
        scenario = builder.scenario
        for teacher in self.due(scenario):
            rural = [
                i
                for i in builder.by_teacher.get(teacher.teacher_id, [])
                if scenario.is_rural(scenario.school_by_id[builder.candidates[i].to_school])
            ]
            builder.at_least(
                self.instance(teacher, scenario.home_school(teacher)),
                builder.total(rural),
                1,
            )

    def check(self, scenario: Scenario, plan: Plan) -> list[RuleRow]:
        rows = []
        for teacher in self.due(scenario):
            move = plan.move_of(teacher.teacher_id)
            served = move is not None and scenario.is_rural(scenario.school_by_id[move.to_school])
            instance = self.instance(teacher, scenario.home_school(teacher))
            rows.append(
                row(
                    self.id,
                    scenario,
                    "teacher",
                    teacher.teacher_id,
                    target=1,
                    achieved=int(served),
                    shortfall=int(not served),
                    zh=instance.sentence_zh + (f";安排至 {move.to_school}" if served and move else ";未安排"),
                    en=instance.sentence_en
                    + (f"; goes to {move.to_school}" if served and move else "; not placed"),
                    involved=(teacher.teacher_id,),
                )
            )
        return rows


RULE = NewTeacherBundle()
