"""shortage: fill each receiving school's shortage per subject (required − current headcount).

Source: 000, 001, 003. Shortage subjects (紧缺学科: music, PE, art, English, IT, science,
psychology) weigh more: one unfilled post costs weight × priority (priority 1 when not listed).
Hard mode requires every shortage of every receiving school to be filled. A post counts filled
when it is taught whole: by a teacher who moves or comes on exchange, a hire, or 走教 shares that
add up to a post (`Outcome.covered`); a part of a post left open counts as a post short.
"""

from __future__ import annotations

from collections.abc import Mapping
from math import ceil
from typing import TYPE_CHECKING

from optimizer.instance import Instance
from optimizer.model.builder import POST_UNITS
from optimizer.outcome import Outcome
from optimizer.params import Param, mode_param, weight_param
from optimizer.plan import Hire, Move, Plan, RuleRow
from optimizer.policy import Policy
from optimizer.rules.base import Rule, row
from optimizer.rules.direction import is_receiving
from optimizer.scenario import Scenario, Teacher
from optimizer.subjects import SUBJECT_NAMES_ZH

if TYPE_CHECKING:
    from optimizer.model.builder import ModelBuilder


RULE_ID = "shortage"


def posts_short(required: int, covered: float) -> int:
    """Posts still short when `covered` of `required` are taught (a part left open is a post)."""
    return ceil(round(max(0.0, required - covered), 6))


def subject_priorities(policy: Policy) -> Mapping[str, float]:
    """Subject → priority of an unfilled post (subjects not listed count 1)."""
    return policy.rule(RULE_ID)["priority"]


class Shortage(Rule):
    id = RULE_ID
    title_zh = "学科缺员补充"
    title_en = "subject shortage"
    params = (
        mode_param("elastic"),
        weight_param(100),
        Param(
            "priority",
            {"music": 3, "pe": 3, "art": 3, "english": 2, "it": 2, "science": 2, "psychology": 2},
            "subject_table",
            "学科优先级(缺一个岗位的代价 = 权重 × 优先级)",
            "Subject priority (an unfilled post costs weight × priority)",
            hint_zh="未列出的学科优先级为 1",
            hint_en="subjects not listed have priority 1",
        ),
    )

    def serves(self, scenario: Scenario, teacher: Teacher, move: Move) -> bool:
        return scenario.shortage(move.to_school, move.subject) > 0

    def serves_hire(self, scenario: Scenario, hire: Hire) -> bool:
        school = scenario.school_by_id[hire.school_id]
        return scenario.shortage(hire.school_id, hire.subject) > 0 and is_receiving(scenario, school)

    def posts(self, scenario: Scenario) -> list[tuple[str, str, int, int]]:
        """(school, subject, required, shortage before moves) at every receiving school."""
        result = []
        for (school_id, subject), required in sorted(scenario.demand.items()):
            school = scenario.school_by_id[school_id]
            short = scenario.shortage(school_id, subject)
            if short > 0 and is_receiving(scenario, school):
                result.append((school_id, subject, required, short))
        return result

    def figures(self, scenario: Scenario, outcome: Outcome) -> dict[str, float]:
        """Shortage posts before the plan and filled by it, also weighted by subject priority."""
        posts = self.posts(scenario)
        total = sum(short for _, _, _, short in posts)
        left = {
            (school_id, subject): posts_short(required, outcome.covered(school_id, subject))
            for school_id, subject, required, _ in posts
        }
        weighted_total = sum(self.unit_weight(scenario, subject) * short for _, subject, _, short in posts)
        weighted_left = sum(self.unit_weight(scenario, subject) * n for (_, subject), n in left.items())
        return {
            "shortage_filled": max(0, total - sum(left.values())),
            "shortage_total": total,
            "shortage_weighted_filled": max(0.0, weighted_total - weighted_left),
            "shortage_weighted_total": weighted_total,
        }

    def unit_weight(self, scenario: Scenario, subject: str) -> float:
        priority = scenario.policy.rule(self.id)["priority"].get(subject, 1)
        return scenario.policy.weight(self.id) * float(priority)

    def build(self, builder: ModelBuilder) -> None:
        scenario = builder.scenario
        for school_id, subject, required, short in self.posts(scenario):
            instance = Instance(
                self.id,
                "subject",
                f"{school_id}/{subject}",
                required,
                "teachers",
                f"{school_id} {SUBJECT_NAMES_ZH.get(subject, subject)}:需 {required} 人,"
                f"现缺 {short} 人,须补足",
                f"{school_id} {subject}: {required} required, {short} short, to be filled",
            )
            builder.at_least(
                instance,
                builder.covered(school_id, subject),
                POST_UNITS * required,
                unit=POST_UNITS,
                max_shortfall=required,
                weight=self.unit_weight(scenario, subject),
            )

    def check(self, scenario: Scenario, plan: Plan) -> list[RuleRow]:
        outcome = Outcome(scenario, plan)
        rows = []
        for school_id, subject, required, short in self.posts(scenario):
            after = outcome.covered(school_id, subject)
            remaining = posts_short(required, after)
            arrivals = tuple(
                m.teacher_id
                for m in (*plan.moves, *plan.exchanges)
                if m.to_school == school_id and m.subject == subject
            )
            name_zh = SUBJECT_NAMES_ZH.get(subject, subject)
            hired = sum(h.posts for h in plan.hires if (h.school_id, h.subject) == (school_id, subject))
            hired_zh, hired_en = (f"、招聘 {hired} 人", f", {hired} hired") if hired else ("", "")
            rows.append(
                row(
                    self.id,
                    scenario,
                    "subject",
                    f"{school_id}/{subject}",
                    target=required,
                    achieved=after,
                    shortfall=remaining,
                    zh=f"{school_id} {name_zh}:需 {required} 人,原缺 {short} 人,调入 "
                    f"{len(arrivals)} 人{hired_zh}后{f'仍缺 {remaining} 人' if remaining else '已补足'}",
                    en=f"{school_id} {subject}: {required} required, {short} short before, "
                    f"{len(arrivals)} arriving{hired_en}; "
                    + (f"still {remaining} short" if remaining else "filled"),
                    involved=arrivals,
                    weight=self.unit_weight(scenario, subject),
                )
            )
        return rows


RULE = Shortage()
