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
from optimizer.plan import Plan, RuleRow
from optimizer.rules.base import GateRule, gate_check, row
from optimizer.scenario import Scenario, School, Teacher

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


class Eligibility(GateRule):
    id = "eligibility"
    title_zh = "交流条件"
    title_en = "eligibility"

    def allows(self, scenario: Scenario, teacher: Teacher, to_school: School, post: str) -> bool:
        return self.allows_school(scenario, teacher, to_school)

    def allows_school(self, scenario: Scenario, teacher: Teacher, to_school: School) -> bool:
        if scenario.is_eligible(teacher):
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
            why = scenario.eligibility[teacher_id]
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
                scenario.eligibility[t.teacher_id].reason
                for t in scenario.teachers
                if scenario.region_of(t) == region
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
