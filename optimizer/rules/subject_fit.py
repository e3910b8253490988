"""subject_fit: a teacher fills a post in a subject and school stage they are qualified for.

A classroom teacher's post is a subject among their main and additional subjects, at a school
whose stage they teach (primary / junior; nine-year schools have both). A principal or
vice-principal fills the same leadership post. Elastic mode lets a teacher fill a post in a
shortage subject they are not qualified for (转岗) at `weight` per move.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from optimizer.plan import Plan, RuleRow
from optimizer.rules.base import GateRule, gate_build, gate_check
from optimizer.scenario import Scenario, School, Teacher, stage_fits

if TYPE_CHECKING:
    from optimizer.model.builder import ModelBuilder


class SubjectFit(GateRule):
    id = "subject_fit"
    title_zh = "学科学段对口"
    title_en = "subject fit"

    def allows_school(self, scenario: Scenario, teacher: Teacher, to_school: School) -> bool:
        return stage_fits(teacher.stage, to_school.stage)

    def allows(self, scenario: Scenario, teacher: Teacher, to_school: School, post: str) -> bool:
        if not self.allows_school(scenario, teacher, to_school):
            return False
        if teacher.is_principal:
            return post == teacher.role
        return post in teacher.subjects

    def build(self, builder: ModelBuilder) -> None:
        gate_build(
            self,
            builder,
            "教师 {teacher} 不具备 {to_school} {post} 岗位的学科或学段资格",
            "teacher {teacher} is not qualified for the {post} post at {to_school} (subject or stage)",
        )

    def check(self, scenario: Scenario, plan: Plan) -> list[RuleRow]:
        return gate_check(
            self,
            scenario,
            plan,
            "所有交流教师均在其任教学科和学段的岗位上",
            "every moving teacher fills a post in a subject and stage they are qualified for",
            "教师 {teacher} 不具备 {to_school} {post} 岗位的学科或学段资格",
            "teacher {teacher} is not qualified for the {post} post at {to_school}",
        )


RULE = SubjectFit()
