"""leadership: every school that has a principal before the plan has one after. A leader leaves only
where a successor is there: the principal who stays, a principal or vice-principal who arrives, a
vice-principal of the school named acting principal, or a reserve leader (后备干部, `reserve_leader`
in teachers.csv) of the school or arriving. Source: 000, 004.

`leaders_after` names the principal of every such school after the plan (leaders.csv), preferring
the principal who stays, then one who arrives, then an acting vice-principal, then a reserve leader.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from optimizer.instance import Instance
from optimizer.model.builder import linear_sum
from optimizer.outcome import Outcome
from optimizer.params import mode_param, weight_param
from optimizer.plan import LEADER_HOW_NAMES_ZH, Leader, Plan, RuleRow
from optimizer.rules.base import Rule, row
from optimizer.scenario import Scenario, Teacher

if TYPE_CHECKING:
    from optimizer.model.builder import ModelBuilder

RULE_ID = "leadership"


def can_lead(teacher: Teacher) -> bool:
    """A principal, a vice-principal or a reserve leader may head a school."""
    return teacher.is_principal or teacher.reserve_leader


def headed_schools(scenario: Scenario) -> list[str]:
    """Schools with a principal before the plan, in school order."""
    return [
        s.school_id
        for s in scenario.schools
        if any(t.role == "principal" for t in scenario.staff_at[s.school_id])
    ]


def leader_of(scenario: Scenario, outcome: Outcome, school_id: str) -> Leader | None:
    """Who heads the school after the plan, by the order of preference; None if nobody can."""
    staying = [t for t in scenario.staff_at[school_id] if outcome.school_after(t) == school_id]
    arriving = [t for t in outcome.staff_after[school_id] if scenario.home_school(t) != school_id]
    choices = (
        ("stays", [t for t in staying if t.role == "principal"]),
        ("arrives", [t for t in arriving if t.role == "principal"]),
        ("arrives", [t for t in arriving if t.role == "vice_principal"]),
        ("acting", [t for t in staying if t.role == "vice_principal"]),
        ("reserve", [t for t in (*staying, *arriving) if t.reserve_leader and not t.is_principal]),
    )
    for how, found in choices:
        if found:
            return Leader(school_id, min(t.teacher_id for t in found), how)
    return None


def leaders_after(scenario: Scenario, plan: Plan) -> list[Leader]:
    """The head of every school that had a principal, after the plan (leaders.csv)."""
    outcome = Outcome(scenario, plan)
    found = (leader_of(scenario, outcome, school_id) for school_id in headed_schools(scenario))
    return [leader for leader in found if leader is not None]


class Leadership(Rule):
    id = RULE_ID
    title_zh = "校长岗位不空缺"
    title_en = "leadership continuity"
    params = (mode_param("hard"), weight_param(500))

    def instance(self, school_id: str) -> Instance:
        return Instance(
            self.id,
            "school",
            school_id,
            1,
            "principal",
            f"{school_id}:交流后须有 1 名校长(留任、调入、副校长主持工作或后备干部接任)",
            f"{school_id}: has 1 principal after the plan (staying, arriving, an acting vice-principal "
            "or a reserve leader)",
        )

    def build(self, builder: ModelBuilder) -> None:
        scenario = builder.scenario
        crossing = builder.crossing(can_lead)
        for school_id in headed_schools(scenario):
            leaders_here = [t for t in scenario.staff_at[school_id] if can_lead(t)]
            arriving, _ = crossing.get(school_id, ([], []))
            leaving = [t for t in leaders_here if builder.could_go(t.teacher_id)]
            if not leaving:
                continue
            successors = (
                len(leaders_here)
                - linear_sum(builder.moved(t.teacher_id) + builder.exchanged(t.teacher_id) for t in leaving)
                + linear_sum(arriving)
            )
            builder.at_least(self.instance(school_id), successors, 1, max_shortfall=1)

    def check(self, scenario: Scenario, plan: Plan) -> list[RuleRow]:
        outcome = Outcome(scenario, plan)
        rows = []
        for school_id in headed_schools(scenario):
            leader = leader_of(scenario, outcome, school_id)
            instance = self.instance(school_id)
            rows.append(
                row(
                    self.id,
                    scenario,
                    "school",
                    school_id,
                    target=1,
                    achieved=int(leader is not None),
                    shortfall=int(leader is None),
                    zh=instance.sentence_zh
                    + (
                        f";{LEADER_HOW_NAMES_ZH[leader.how]}:{leader.teacher_id}"
                        if leader
                        else ";交流后无人主持工作(0 人)"
                    ),
                    en=instance.sentence_en
                    + (
                        f"; {leader.how}: {leader.teacher_id}"
                        if leader
                        else "; nobody heads it after the plan"
                    ),
                    involved=(leader.teacher_id,) if leader else (),
                )
            )
        return rows

    def figures(self, scenario: Scenario, outcome: Outcome) -> dict[str, float]:
        headed = headed_schools(scenario)
        kept = sum(leader_of(scenario, outcome, school_id) is not None for school_id in headed)
        return {"schools_with_principal_before": len(headed), "schools_with_principal_after": kept}


RULE = Leadership()
