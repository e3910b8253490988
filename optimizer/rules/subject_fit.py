"""subject_fit: a teacher fills a post in a subject and school stage they are qualified for.

A classroom teacher's post is a subject among their main and additional subjects, at a school
whose stage they teach (primary / junior; nine-year schools have both). A principal or
vice-principal fills the same leadership post. Elastic mode lets a teacher fill a post in a
shortage subject they are not qualified for (转岗) at `weight` per move.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from optimizer.params import mode_param, weight_param
from optimizer.plan import Plan, RuleRow
from optimizer.policy import Policy
from optimizer.rules.base import GateRule, gate_build, gate_check
from optimizer.scenario import Scenario, School, Teacher, stage_fits

if TYPE_CHECKING:
    from optimizer.model.builder import ModelBuilder


class SubjectFit(GateRule):
    id = "subject_fit"
    title_zh = "学科学段对口"
    title_en = "subject fit"
    params = (mode_param("hard"), weight_param(1000))

    def allows_school(self, scenario: Scenario, teacher: Teacher, to_school: School) -> bool:
        return stage_fits(teacher.stage, to_school.stage)

    def allows(self, scenario: Scenario, teacher: Teacher, to_school: School, post: str) -> bool:
        qualified = post == teacher.role if teacher.is_principal else post in teacher.subjects
        return qualified and self.allows_school(scenario, teacher, to_school)

    def destinations(self, scenario: Scenario, teacher: Teacher, schools: list[School]) -> list[School]:
        """With the rule hard, a classroom teacher can only go where one of their subjects is in
        demand: looking only there skips most (teacher, school) pairs of a large county."""
        schools = super().destinations(scenario, teacher, schools)
        if teacher.is_principal or not scenario.policy.is_hard(self.id) or not schools:
            return schools
        region = schools[0].region
        by_subject = scenario.derived(self.id, self._demanding)
        wanted = set().union(*(by_subject.get((region, s), set()) for s in teacher.subjects))
        wanted.add(scenario.pinned_school(teacher) or scenario.home_school(teacher))
        return [school for school in schools if school.school_id in wanted]

    @staticmethod
    def _demanding(scenario: Scenario) -> dict[tuple[str, str], set[str]]:
        """(region, subject) -> the schools demanding that subject."""
        demanding: dict[tuple[str, str], set[str]] = {}
        for (school_id, subject), required in scenario.demand.items():
            if required > 0:
                region = scenario.school_by_id[school_id].region
                demanding.setdefault((region, subject), set()).add(school_id)
        return demanding

    def opens_posts(self, policy: Policy) -> bool:
        return not policy.is_hard(self.id)

    def extra_posts(self, scenario: Scenario, teacher: Teacher, school: School) -> list[str]:
        """With the rule elastic, subjects in shortage at `school` are offered to anyone (at the
        rule's cost)."""
        if teacher.is_principal:
            return []
        return [
            subject
            for (school_id, subject) in scenario.demand
            if school_id == school.school_id and scenario.shortage(school_id, subject) > 0
        ]

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
