"""staffing_balance: after the moves no school ends above its establishment (编制) + tolerance,
and no understaffed school loses headcount. Source: 001, 004 (县管校聘).

A school already above the band may not grow; a school below the band may only grow. A school
within the band may fall below it when it sends teachers: posts vacated by rotation are filled by
returns and recruitment, which this plan does not decide.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from optimizer.instance import Change, Instance
from optimizer.outcome import Outcome
from optimizer.params import Param, mode_param, weight_param
from optimizer.plan import Plan, RuleRow
from optimizer.rules.base import Rule, row
from optimizer.scenario import Scenario, School

if TYPE_CHECKING:
    from optimizer.model.builder import ModelBuilder


class StaffingBalance(Rule):
    id = "staffing_balance"
    title_zh = "编制平衡"
    title_en = "staffing balance"
    params = (
        mode_param("elastic"),
        weight_param(50),
        Param("tolerance", 0, "integer", "编制允许偏差", "Tolerance", "人", "staff"),
    )

    def bounds(self, scenario: Scenario, school: School) -> tuple[int | None, int]:
        """(lowest allowed headcount or None, highest allowed headcount) after the moves."""
        tolerance = int(scenario.policy.rule(self.id)["tolerance"])
        before = scenario.headcount(school.school_id)
        upper = max(school.establishment + tolerance, before)
        lower = before if before < school.establishment - tolerance else None
        return lower, upper

    def instances(self, scenario: Scenario, school: School) -> tuple[Instance | None, Instance]:
        lower, upper = self.bounds(scenario, school)
        school_id, est = school.school_id, school.establishment
        before = scenario.headcount(school_id)
        high = Instance(
            self.id,
            "school",
            f"{school_id}/upper",
            upper,
            "teachers",
            f"{school_id}:编制 {est} 人,现有 {before} 人,交流后不超过 {upper} 人",
            f"{school_id}: establishment {est}, {before} now, at most {upper} after the moves",
        )
        low = (
            None
            if lower is None
            else Instance(
                self.id,
                "school",
                f"{school_id}/lower",
                lower,
                "teachers",
                f"{school_id}:缺编学校(编制 {est} 人,现有 {before} 人)交流后不得减员",
                f"{school_id}: understaffed (establishment {est}, {before} now), may not lose staff",
            )
        )
        return low, high

    def build(self, builder: ModelBuilder) -> None:
        for school in builder.scenario.schools:
            school_id = school.school_id
            arriving, leaving = builder.into.get(school_id, []), builder.out_of.get(school_id, [])
            if not arriving and not leaving:
                continue
            low, high = self.instances(builder.scenario, school)
            after = builder.headcount_after(school_id)
            if arriving:
                builder.at_most(high, after, int(high.target or 0), max_excess=len(arriving))
            if low is not None and leaving:
                builder.at_least(low, after, int(low.target or 0), max_shortfall=len(leaving))

    def check(self, scenario: Scenario, plan: Plan) -> list[RuleRow]:
        outcome = Outcome(scenario, plan)
        rows = []
        for school in scenario.schools:
            school_id = school.school_id
            arrived, left = outcome.arrivals[school_id], outcome.departures[school_id]
            if not arrived and not left:
                continue
            low, high = self.instances(scenario, school)
            after = outcome.headcount_after(school_id)
            involved = tuple(
                t.teacher_id for t, m in outcome.moves if school_id in (m.from_school, m.to_school)
            )
            if arrived:
                upper = int(high.target or 0)
                excess = max(0, after - upper)
                rows.append(
                    row(
                        self.id,
                        scenario,
                        "school",
                        f"{school_id}/upper",
                        target=upper,
                        achieved=after,
                        shortfall=excess,
                        zh=high.sentence_zh + f";实际 {after} 人" + (f",超出 {excess} 人" if excess else ""),
                        en=high.sentence_en + f"; {after} after" + (f", {excess} over" if excess else ""),
                        involved=involved,
                    )
                )
            if low is not None and left:
                lower = int(low.target or 0)
                deficit = max(0, lower - after)
                rows.append(
                    row(
                        self.id,
                        scenario,
                        "school",
                        f"{school_id}/lower",
                        target=lower,
                        achieved=after,
                        shortfall=deficit,
                        zh=low.sentence_zh + f";交流后 {after} 人",
                        en=low.sentence_en + f"; {after} after",
                        involved=involved,
                    )
                )
        return rows

    def relax(self, scenario: Scenario, instances: list[Instance], witness: Plan) -> Change | None:
        """Widen the tolerance to the largest excess above establishment in the witness plan
        (a wider band also drops the no-loss rule for schools no longer below it)."""
        if any(i.key.endswith("/lower") for i in instances):
            return None
        outcome = Outcome(scenario, witness)
        over = max(
            outcome.headcount_after(key) - scenario.school_by_id[key].establishment
            for key in (i.key.split("/", 1)[0] for i in instances)
        )
        old = int(scenario.policy.rule(self.id)["tolerance"])
        return Change(
            overrides=(f"{self.id}.tolerance={max(old, over)}",),
            sentence_zh=f"将编制容差由 ±{old} 放宽至 ±{max(old, over)} 人",
            sentence_en=f"widen staffing_balance.tolerance from ±{old} to ±{max(old, over)}",
        )


RULE = StaffingBalance()
