"""eligibility: only teachers who have served long enough and are not exempt may be moved out.

Source: national 2014 opinion (6 years at one school), 000 (principals after 2 terms).
Exceptions: a pinned move (HR decided it), and a new teacher or funded graduate who owes rural
service going to a rural school (new_teacher_bundle). Elastic mode relaxes only the years / terms
and cooldown conditions at `weight` per move; flagged exemptions, near-retirement teachers and
teachers on rotation are never candidates unless pinned.
"""

from __future__ import annotations

from collections import Counter
from typing import TYPE_CHECKING

from optimizer.instance import Instance
from optimizer.outcome import Outcome
from optimizer.params import Option, Param, mode_param, weight_param
from optimizer.plan import Plan, RuleRow
from optimizer.policy import Policy
from optimizer.rules.base import GateRule, gate_check, row
from optimizer.scenario import Scenario, School, Standing, Teacher

if TYPE_CHECKING:
    from optimizer.model.builder import ModelBuilder

REASON_ZH = {
    "too_few_years": "任教年限不足",
    "too_few_terms": "任职届数不足",
    "cooldown": "近年已交流",
    "near_retirement": "临近退休",
    "exempt": "特殊情况免交流",
    "on_rotation": "正在交流",
    "returning": "期满返回",
}
REASON_EN = {
    "too_few_years": "with too few years",
    "too_few_terms": "with too few terms",
    "cooldown": "rotated recently",
    "near_retirement": "near retirement",
    "exempt": "exempt",
    "on_rotation": "on rotation",
    "returning": "returning",
}


ID = "eligibility"
RELAXABLE = ("too_few_years", "too_few_terms", "cooldown")
"""Reasons elastic mode may override at the rule's weight; the others never yield a candidate."""


def retirement_age(policy: Policy, gender: str) -> int:
    return int(policy.rule(ID)["retirement_age"][gender])


def exempt_from_age(policy: Policy, gender: str) -> int:
    """The age from which a teacher near retirement is exempt from rotating."""
    return retirement_age(policy, gender) - int(policy.rule(ID)["retirement_exempt_years"])


def standing(scenario: Scenario, teacher: Teacher) -> Standing:
    """Whether `teacher` may be moved out this year, and why (computed once per scenario)."""
    return scenario.derived(ID, _standings)[teacher.teacher_id]


def _standings(scenario: Scenario) -> dict[str, Standing]:
    return {t.teacher_id: _standing_of(scenario, t) for t in scenario.teachers}


def is_eligible(scenario: Scenario, teacher: Teacher) -> bool:
    return standing(scenario, teacher).eligible


def _standing_of(scenario: Scenario, teacher: Teacher) -> Standing:
    """Eligibility of one teacher under this rule's parameters; `reason` is a stable code."""
    params = scenario.policy.rule(ID)
    year = scenario.policy.year
    if teacher.on_rotation_from and not scenario.returns_this_year(teacher):
        return Standing(
            False,
            "on_rotation",
            f"正在交流轮岗(派出学校 {teacher.on_rotation_from})",
            f"currently on rotation from {teacher.on_rotation_from}",
        )
    if scenario.returns_this_year(teacher):
        return Standing(
            False,
            "returning",
            "本年度轮岗期满返回原校",
            "returns to the sending school this year at the end of the term",
        )
    if teacher.exempt_reason:
        return Standing(
            False,
            "exempt",
            f"免于交流:{teacher.exempt_reason}",
            f"exempt: {teacher.exempt_reason}",
        )
    retirement_age = int(params["retirement_age"][teacher.gender])
    exempt_from = retirement_age - int(params["retirement_exempt_years"])
    age = scenario.age(teacher)
    if age >= exempt_from:
        return Standing(
            False,
            "near_retirement",
            f"年龄 {age} 岁,距退休年龄 {retirement_age} 岁不足 {params['retirement_exempt_years']} 年",
            f"age {age}, within {params['retirement_exempt_years']} years of retirement age {retirement_age}",
        )
    cooldown = int(params["cooldown_years"])
    if teacher.last_rotated_year is not None and year - teacher.last_rotated_year < cooldown:
        return Standing(
            False,
            "cooldown",
            f"{teacher.last_rotated_year} 年已交流,未满 {cooldown} 年",
            f"rotated in {teacher.last_rotated_year}, less than {cooldown} years ago",
        )
    if teacher.is_principal:
        terms = int(params["principal_terms"])
        if teacher.terms_at_school < terms:
            return Standing(
                False,
                "too_few_terms",
                f"在本校任职 {teacher.terms_at_school} 届,未满 {terms} 届",
                f"{teacher.terms_at_school} terms at this school, fewer than {terms}",
            )
        return Standing(
            True,
            "eligible",
            f"在本校任职 {teacher.terms_at_school} 届",
            f"{teacher.terms_at_school} terms at this school",
        )
    min_years = int(params["min_years_at_school"])
    if teacher.years_at_school < min_years:
        return Standing(
            False,
            "too_few_years",
            f"在本校任教 {teacher.years_at_school} 年,未满 {min_years} 年",
            f"{teacher.years_at_school} years at this school, fewer than {min_years}",
        )
    return Standing(
        True,
        "eligible",
        f"在本校任教 {teacher.years_at_school} 年",
        f"{teacher.years_at_school} years at this school",
    )


class Eligibility(GateRule):
    id = ID
    title_zh = "交流条件"
    title_en = "eligibility"
    params = (
        mode_param("hard"),
        weight_param(1000),
        Param("min_years_at_school", 6, "integer", "在校连续任教满", "Years at the school", "年", "years"),
        Param("principal_terms", 2, "integer", "校长连任满", "Principal terms", "届", "terms"),
        Param(
            "retirement_age",
            {"M": 60, "F": 55},
            "integer_table",
            "退休年龄",
            "Retirement age",
            "岁",
            "years",
            minimum=40,
            maximum=75,
            options=(
                Option("M", "退休年龄(男)", "Retirement age (men)"),
                Option("F", "退休年龄(女)", "Retirement age (women)"),
            ),
        ),
        Param(
            "retirement_exempt_years",
            5,
            "integer",
            "距退休不足(年)者免于交流",
            "Exempt within (years) of retirement",
            "年",
            "years",
        ),
        Param("cooldown_years", 3, "integer", "交流后间隔", "Cool-down after a rotation", "年", "years"),
    )

    post_blind = True

    def allows(self, scenario: Scenario, teacher: Teacher, to_school: School, post: str) -> bool:
        return self.allows_school(scenario, teacher, to_school)

    def figures(self, scenario: Scenario, outcome: Outcome) -> dict[str, float]:
        return {"eligible": sum(is_eligible(scenario, t) for t in scenario.teachers)}

    def may_leave(self, scenario: Scenario, teacher: Teacher) -> bool:
        why = standing(scenario, teacher)
        if why.eligible or teacher.teacher_id in scenario.pin_by_teacher:
            return True
        if scenario.owes_rural_service(teacher):
            return True
        return why.reason in RELAXABLE and not scenario.policy.is_hard(self.id)

    def destinations(self, scenario: Scenario, teacher: Teacher, schools: list[School]) -> list[School]:
        if is_eligible(scenario, teacher):
            return schools
        return super().destinations(scenario, teacher, schools)

    def allows_school(self, scenario: Scenario, teacher: Teacher, to_school: School) -> bool:
        if is_eligible(scenario, teacher):
            return True
        pin = scenario.pin_by_teacher.get(teacher.teacher_id)
        if pin is not None and pin.action == "move_to" and pin.school_id == to_school.school_id:
            return True
        return scenario.owes_rural_service(teacher) and scenario.is_rural(to_school)

    def build(self, builder: ModelBuilder) -> None:
        scenario = builder.scenario
        for candidate in builder.candidates:
            if self.id not in candidate.refused_by:
                continue
            teacher_id = candidate.teacher_id
            why = standing(scenario, scenario.teacher_by_id[teacher_id])
            builder.forbid(
                Instance(
                    self.id,
                    "move",
                    f"{teacher_id}->{candidate.to_school}/{candidate.post}",
                    0,
                    "moves",
                    f"教师 {teacher_id} 不符合交流条件({why.detail_zh}),不得派出",
                    f"teacher {teacher_id} is not eligible ({why.detail_en}) and may not move",
                ),
                [candidate.index],
            )

    def check(self, scenario: Scenario, plan: Plan) -> list[RuleRow]:
        rows = gate_check(
            self,
            scenario,
            plan,
            "所有交流教师均符合交流条件(或为人事指定、新教师城乡捆绑)",
            "every moving teacher is eligible (or pinned by HR, or owes rural service)",
            "教师 {teacher} 不符合交流条件,却被安排至 {to_school}",
            "teacher {teacher} is not eligible but is moved to {to_school}",
        )
        for region in scenario.regions:
            reasons = Counter(
                standing(scenario, t).reason for t in scenario.teachers if scenario.region_of(t) == region
            )
            eligible = reasons.pop("eligible", 0)
            exempt_zh = "、".join(f"{REASON_ZH[r]} {n} 人" for r, n in sorted(reasons.items()))
            exempt_en = ", ".join(f"{n} {REASON_EN[r]}" for r, n in sorted(reasons.items()))
            rows.append(
                row(
                    self.id,
                    scenario,
                    "region",
                    region,
                    target=None,
                    achieved=eligible,
                    shortfall=0,
                    zh=f"{region}:符合交流条件 {eligible} 人;不符合或免于交流:{exempt_zh or '无'}",
                    en=f"{region}: {eligible} eligible; not eligible or exempt: {exempt_en or 'none'}",
                )
            )
        return rows


RULE = Eligibility()
