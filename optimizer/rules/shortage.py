"""shortage: fill each receiving school's shortage per subject (required − current headcount).

Source: 000, 001, 003. Shortage subjects (紧缺学科: music, PE, art, English, IT, science,
psychology) weigh more: one unfilled post costs weight × priority (priority 1 when not listed).
Hard mode requires every shortage of every receiving school to be filled.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from optimizer.instance import Instance
from optimizer.outcome import Outcome
from optimizer.plan import Plan, RuleRow
from optimizer.rules.base import Rule, row
from optimizer.scenario import Scenario
from optimizer.subjects import SUBJECT_NAMES_ZH

if TYPE_CHECKING:
    from optimizer.model.builder import ModelBuilder


class Shortage(Rule):
    id = "shortage"
    title_zh = "学科缺员补充"
    title_en = "subject shortage"

    def posts(self, scenario: Scenario) -> list[tuple[str, str, int, int]]:
        """(school, subject, required, shortage before moves) at every receiving school."""
        result = []
        for (school_id, subject), required in sorted(scenario.demand.items()):
            school = scenario.school_by_id[school_id]
            short = scenario.shortage(school_id, subject)
            if short > 0 and scenario.is_receiving(school):
                result.append((school_id, subject, required, short))
        return result

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
                builder.subject_after(school_id, subject),
                required,
                max_shortfall=required,
                weight=self.unit_weight(scenario, subject),
            )

    def check(self, scenario: Scenario, plan: Plan) -> list[RuleRow]:
        outcome = Outcome(scenario, plan)
        rows = []
        for school_id, subject, required, short in self.posts(scenario):
            after = outcome.subject_after(school_id, subject)
            remaining = max(0, required - after)
            arrivals = tuple(
                t.teacher_id for t, m in outcome.moves if m.to_school == school_id and m.subject == subject
            )
            name_zh = SUBJECT_NAMES_ZH.get(subject, subject)
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
                    f"{len(arrivals)} 人后{f'仍缺 {remaining} 人' if remaining else '已补足'}",
                    en=f"{school_id} {subject}: {required} required, {short} short before, "
                    f"{len(arrivals)} arriving; " + (f"still {remaining} short" if remaining else "filled"),
                    involved=arrivals,
                    weight=self.unit_weight(scenario, subject),
                )
            )
        return rows


RULE = Shortage()
