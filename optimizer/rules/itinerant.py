"""itinerant: 走教 — a teacher also teaches part of a post at up to `max_schools` other schools of the
same 学区 (`district` in schools.csv) within `max_km`, in the subjects the policy lists.

Source: 000 (乡村学区内教师"走教"制度), 003, 004. `subjects` maps each subject 走教 may cover to the
share of a post one assignment counts for (default 0.5 in music, PE, art, psychology, IT, science).
The share is taken from the teacher's own post at home, so 走教 helps where the home school has
the subject beyond its demand. A teacher who rotates or goes on exchange does not 走教; a teacher
teaches away at most one post in all. Each assignment costs `assignment_weight` (the travel). Off
for schools without a district. These limits always hold (the rule has no elastic mode): they say
what 走教 is, and a plan made by hand that breaks one breaks a hard rule.
"""

from __future__ import annotations

from math import ceil
from typing import TYPE_CHECKING

from optimizer.instance import Change, Instance
from optimizer.model.builder import POST_UNITS, linear_sum
from optimizer.outcome import Outcome
from optimizer.params import Param, weight_param
from optimizer.plan import ItinerantAssignment, Plan, RuleRow
from optimizer.rules.base import Rule, row
from optimizer.scenario import Scenario, School, Teacher, stage_fits
from optimizer.subjects import SUBJECT_NAMES_ZH, SUBJECTS

if TYPE_CHECKING:
    from optimizer.model.builder import ModelBuilder

RULE_ID = "itinerant"
DEFAULT_SHARE = 0.5
"""The share of a post one assignment counts for, in a subject the default table does not list."""


class Itinerant(Rule):
    id = RULE_ID
    title_zh = "学区走教"
    title_en = "itinerant teaching (走教)"
    params = (
        Param(
            "subjects",
            {"music": 0.5, "pe": 0.5, "art": 0.5, "psychology": 0.5, "it": 0.5, "science": 0.5},
            "subject_table",
            "可走教学科及每处计入的岗位份额",
            "Subjects open to 走教, with the share of a post each assignment counts",
            hint_zh="份额 0..1;未列出的学科不走教",
            hint_en="shares 0..1; subjects not listed are not taught by 走教",
        ),
        Param(
            "max_schools", 2, "integer", "每人走教学校不超过", "Schools per teacher at most", "所", "schools"
        ),
        Param("max_km", 15, "positive", "走教距离不超过", "Within", "公里", "km"),
        weight_param(2, "assignment_weight", "每处走教的代价", "Cost per assignment"),
    )

    def shares(self, scenario: Scenario) -> dict[str, float]:
        table = scenario.policy.rule(self.id)["subjects"]
        return {subject: min(1.0, float(share)) for subject, share in table.items() if float(share) > 0}

    def reachable(self, scenario: Scenario, home: School, school: School) -> bool:
        """Another school of the same district and region, within `max_km` when both are located."""
        if not home.district or school.district != home.district or school.region != home.region:
            return False
        if school.school_id == home.school_id:
            return False
        km = scenario.km_between_schools(home.school_id, school.school_id)
        return km is None or km <= float(scenario.policy.rule(self.id)["max_km"])

    def breaches(self, scenario: Scenario, assignment: ItinerantAssignment) -> list[tuple[str, str]]:
        """What is wrong with one assignment (zh, en); empty when it is allowed."""
        teacher = scenario.teacher_by_id[assignment.teacher_id]
        home = scenario.school_by_id[scenario.home_school(teacher)]
        school = scenario.school_by_id[assignment.school_id]
        share = self.shares(scenario).get(assignment.subject)
        found = []
        if assignment.home_school != home.school_id:
            found.append(("原单位不符", "home school is not the teacher's"))
        if not self.reachable(scenario, home, school):
            found.append(("不在同一学区或超出走教距离", "not in the same district or too far"))
        if share is None:
            found.append(("该学科不走教", "subject not open to 走教"))
        elif abs(share - assignment.share) > 1e-6:
            found.append((f"份额应为 {share:g}", f"share should be {share:g}"))
        if assignment.subject not in teacher.subjects or not stage_fits(teacher.stage, school.stage):
            found.append(("不具备该学科或学段资格", "not qualified for the subject or stage"))
        return found

    def build(self, builder: ModelBuilder) -> None:
        scenario = builder.scenario
        shares = self.shares(scenario)
        if not shares:
            return
        params = scenario.policy.rule(self.id)
        max_schools = int(params["max_schools"])
        by_district: dict[tuple[str, str], list[School]] = {}
        for school in scenario.schools:
            if school.district:
                by_district.setdefault((school.region, school.district), []).append(school)
        for teacher in scenario.teachers:
            if teacher.role != "teacher" or teacher.exempt_reason:
                continue
            home = scenario.school_by_id[scenario.home_school(teacher)]
            if not home.district or not self.spares(scenario, home, teacher):
                continue
            assignments = []
            for school in by_district[(home.region, home.district)]:
                if not self.reachable(scenario, home, school) or not stage_fits(teacher.stage, school.stage):
                    continue
                for subject in teacher.subjects:
                    if subject in shares and self.could_use(builder, school, subject):
                        share = shares[subject]
                        variable = builder.add_itinerant(
                            teacher.teacher_id, home.school_id, school.school_id, subject, share
                        )
                        assignments.append((variable, share))
            if not assignments:
                continue
            away = 1 - builder.moved(teacher.teacher_id) - builder.exchanged(teacher.teacher_id)
            builder.model.add(linear_sum((v for v, _ in assignments)) <= max_schools * away)
            units = linear_sum((round(share * POST_UNITS) * v for v, share in assignments))
            builder.model.add(units <= POST_UNITS)
            builder.add_cost(float(params["assignment_weight"]), linear_sum((v for v, _ in assignments)))

    def spares(self, scenario: Scenario, home: School, teacher: Teacher) -> bool:
        """The home school has the teacher's subject beyond its demand: some of their time is free."""
        key = (home.school_id, teacher.subject)
        return scenario.subject_headcount[key] > scenario.demand.get(key, 0)

    def could_use(self, builder: ModelBuilder, school: School, subject: str) -> bool:
        """The school demands the subject and could lack some of it after the plan."""
        key = (school.school_id, subject)
        required = builder.scenario.demand.get(key, 0)
        before = builder.scenario.subject_headcount[key]
        return required > 0 and required > before - builder.could_leave(school.school_id, subject)

    def widen(self, scenario: Scenario, instances: list[Instance]) -> Change | None:
        """走教 allowed where it could cover a post the conflict cannot: the post's subject taught
        by 走教 (at its default share, else half a post) and `max_km` raised to reach the nearest
        school of the same 学区 with a qualified teacher to spare. None when 走教 is already
        allowed there or no such teacher exists."""
        shares = self.shares(scenario)
        max_km = float(scenario.policy.rule(self.id)["max_km"])
        added: dict[str, float] = {}
        reach = max_km
        districts: list[str] = []
        for school_id, subject in _posts(scenario, instances):
            school = scenario.school_by_id[school_id]
            distances = self.spare_teachers_km(scenario, school, subject)
            if not distances or (subject in shares and min(distances) <= max_km):
                continue
            if subject not in shares:
                added[subject] = float(self.params[0].default.get(subject, DEFAULT_SHARE))
            reach = max(reach, float(ceil(min(distances))))
            districts += [school.district] if school.district not in districts else []
        if not districts:
            return None
        overrides, zh, en = [], [], []
        if added:
            table = {**scenario.policy.rule(self.id)["subjects"], **added}
            cells = ", ".join(f'"{subject}" = {share:g}' for subject, share in table.items())
            overrides.append(f"{self.id}.subjects={{ {cells} }}")
            zh += [
                f"{SUBJECT_NAMES_ZH.get(x, x)}纳入走教学科(每处计 {share:g} 个岗位)"
                for x, share in added.items()
            ]
            en += [f"{x} taught by 走教 ({share:g} post each)" for x, share in added.items()]
        if reach > max_km:
            overrides.append(f"{self.id}.max_km={reach:g}")
            zh.append(f"走教距离放宽至 {reach:g} 公里")
            en.append(f"within {reach:g} km")
        return Change(
            overrides=tuple(overrides),
            sentence_zh=f"允许学区 {'、'.join(districts)} 内走教:" + ";".join(zh),
            sentence_en=f"allow 走教 in 学区 {', '.join(districts)}: " + "; ".join(en),
        )

    def spare_teachers_km(self, scenario: Scenario, school: School, subject: str) -> list[float]:
        """How far `school` is from each school of its 学区 that has a teacher of `subject` with
        time to spare (0 where a school has no location)."""
        found = []
        for home in scenario.schools:
            if not home.district or home.district != school.district or home.region != school.region:
                continue
            if home.school_id == school.school_id:
                continue
            if any(
                t.role == "teacher"
                and not t.exempt_reason
                and subject in t.subjects
                and stage_fits(t.stage, school.stage)
                and self.spares(scenario, home, t)
                for t in scenario.staff_at[home.school_id]
            ):
                found.append(scenario.km_between_schools(home.school_id, school.school_id) or 0.0)
        return found

    def check(self, scenario: Scenario, plan: Plan) -> list[RuleRow]:
        max_schools = int(scenario.policy.rule(self.id)["max_schools"])
        by_teacher: dict[str, list[ItinerantAssignment]] = {}
        for assignment in plan.itinerant:
            by_teacher.setdefault(assignment.teacher_id, []).append(assignment)
        rows = []
        for teacher_id, assignments in sorted(by_teacher.items()):
            problems = [b for a in assignments for b in self.breaches(scenario, a)]
            if plan.move_of(teacher_id) or teacher_id in plan.exchange_by_teacher:
                problems.append(("同时交流或跟岗", "also rotates or goes on exchange"))
            too_many = max(0, len(assignments) - max_schools)
            away = sum(a.share for a in assignments)
            if away > 1 + 1e-6:
                problems.append((f"走教合计 {away:g} 个岗位,超过 1", f"{away:g} posts away in all, above 1"))
            where = "、".join(
                f"{a.school_id} {SUBJECT_NAMES_ZH.get(a.subject, a.subject)}" for a in assignments
            )
            where_en = ", ".join(f"{a.school_id} {a.subject}" for a in assignments)
            breaks = too_many + len(problems)
            cost = float(scenario.policy.rule(self.id)["assignment_weight"]) * len(assignments)
            rows.append(
                row(
                    self.id,
                    scenario,
                    "teacher",
                    teacher_id,
                    target=max_schools,
                    achieved=len(assignments),
                    shortfall=breaks,
                    zh=f"{teacher_id} 走教 {len(assignments)} 所学校({where})"
                    + "".join(f";{zh}" for zh, _ in problems),
                    en=f"{teacher_id} teaches at {len(assignments)} other schools ({where_en})"
                    + "".join(f"; {en}" for _, en in problems),
                    involved=(teacher_id, *(a.school_id for a in assignments)),
                    cost=cost,
                )
            )
        return rows

    def figures(self, scenario: Scenario, outcome: Outcome) -> dict[str, float]:
        return {"itinerant_assignments": len(outcome.plan.itinerant)}


def _posts(scenario: Scenario, instances: list[Instance]) -> list[tuple[str, str]]:
    """The (school, subject) posts among `instances`: those of a subject keyed by one (a
    shortage, a post to keep covered)."""
    posts = []
    for instance in instances:
        school_id, _, subject = instance.key.partition("/")
        if instance.scope == "subject" and school_id in scenario.school_by_id and subject in SUBJECTS:
            posts.append((school_id, subject))
    return posts


RULE = Itinerant()
