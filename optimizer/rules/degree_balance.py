"""degree_balance: per region, the urban share of teachers with a bachelor's degree or higher
divided by the rural share stays ≤ `ratio_max`. Source: 000.

Exact in both modes: with ratio_max = p/q the rule is q·U_b·R_n ≤ p·R_b·U_n over the headcounts
after the moves (U urban, R rural, _b degree holders, _n all), two products CP-SAT handles
exactly. Elastic shortfall is counted in rural degree holders missing: the excess of the left
side over the right, divided by p·U_n before the moves (one more rural degree holder lowers the
excess by about that much), rounded up.
"""

from __future__ import annotations

from math import ceil
from typing import TYPE_CHECKING

from optimizer.outcome import Outcome
from optimizer.plan import Plan, RuleRow
from optimizer.policy import as_fraction
from optimizer.rules.base import Instance, row
from optimizer.scenario import Scenario, Teacher

if TYPE_CHECKING:
    from optimizer.model.builder import ModelBuilder

AREA_ZH = {"urban": "城区", "rural": "乡村"}


class DegreeBalance:
    id = "degree_balance"
    title_zh = "学历结构均衡"
    title_en = "degree balance"

    def counts(self, members: list[Teacher]) -> tuple[int, int]:
        """(all, degree holders)."""
        return len(members), sum(t.has_degree for t in members)

    def staff(self, scenario: Scenario, staff_at: dict, region: str, area: str) -> list[Teacher]:
        return [
            t
            for s in scenario.schools
            if s.region == region and s.area == area
            for t in staff_at[s.school_id]
        ]

    def excess(self, scenario: Scenario, urban: tuple[int, int], rural: tuple[int, int]) -> int:
        """q·U_b·R_n − p·R_b·U_n (positive when the ratio is above the maximum)."""
        ratio = as_fraction(scenario.policy.rule(self.id)["ratio_max"])
        return ratio.denominator * urban[1] * rural[0] - ratio.numerator * rural[1] * urban[0]

    def unit(self, scenario: Scenario, urban_before: int) -> int:
        return as_fraction(scenario.policy.rule(self.id)["ratio_max"]).numerator * urban_before

    def instance(self, scenario: Scenario, region: str) -> Instance:
        ratio_max = scenario.policy.rule(self.id)["ratio_max"]
        return Instance(
            self.id,
            "region",
            region,
            ratio_max,
            "ratio",
            f"{region}:城区本科及以上学历教师占比与乡村占比之比不高于 {ratio_max:g}",
            f"{region}: the urban share of teachers with a bachelor's degree or higher is at most "
            f"{ratio_max:g} × the rural share",
        )

    def side(self, builder: ModelBuilder, region: str, area: str) -> tuple[int, int, object, object]:
        """(headcount now, upper bound of n, n after, degree holders after) for one area."""
        scenario, model = builder.scenario, builder.model
        ids = {s.school_id for s in scenario.schools if s.region == region and s.area == area}
        everyone, holders = self.counts(self.staff(scenario, scenario.staff_at, region, area))
        arrive = [c for c in builder.candidates if c.to_school in ids and c.from_school not in ids]
        leave = [c for c in builder.candidates if c.from_school in ids and c.to_school not in ids]

        def degree(candidates: list) -> list[int]:
            return [c.index for c in candidates if scenario.teacher_by_id[c.teacher_id].has_degree]

        n_max, b_max = everyone + len(arrive), holders + len(degree(arrive))
        n = model.NewIntVar(max(0, everyone - len(leave)), n_max, f"n[{region},{area}]")
        b = model.NewIntVar(max(0, holders - len(degree(leave))), b_max, f"b[{region},{area}]")
        model.Add(
            n == everyone + builder.total(c.index for c in arrive) - builder.total(c.index for c in leave)
        )
        model.Add(b == holders + builder.total(degree(arrive)) - builder.total(degree(leave)))
        return everyone, n_max * b_max, n, b

    def build(self, builder: ModelBuilder) -> None:
        scenario, model = builder.scenario, builder.model
        ratio = as_fraction(scenario.policy.rule(self.id)["ratio_max"])
        for region in scenario.regions:
            urban_before, urban_max, urban_n, urban_b = self.side(builder, region, "urban")
            rural_before, rural_max, rural_n, rural_b = self.side(builder, region, "rural")
            if urban_before == 0 or rural_before == 0:
                continue
            product_max = max(urban_max, rural_max) ** 2
            left = model.NewIntVar(0, product_max, f"ub_rn[{region}]")
            right = model.NewIntVar(0, product_max, f"rb_un[{region}]")
            model.AddMultiplicationEquality(left, [urban_b, rural_n])
            model.AddMultiplicationEquality(right, [rural_b, urban_n])
            unit = self.unit(scenario, urban_before)
            builder.at_most(
                self.instance(scenario, region),
                ratio.denominator * left - ratio.numerator * right,
                0,
                max_excess=ceil(ratio.denominator * product_max / unit) + 1,
                unit=unit,
            )

    def check(self, scenario: Scenario, plan: Plan) -> list[RuleRow]:
        outcome = Outcome(scenario, plan)
        ratio_max = scenario.policy.rule(self.id)["ratio_max"]
        rows = []
        for region in scenario.regions:
            urban_before, _ = self.counts(self.staff(scenario, scenario.staff_at, region, "urban"))
            urban = self.counts(self.staff(scenario, outcome.staff_after, region, "urban"))
            rural = self.counts(self.staff(scenario, outcome.staff_after, region, "rural"))
            if urban_before == 0 or not rural[0] or not urban[0]:
                rows.append(
                    row(
                        self.id,
                        scenario,
                        "region",
                        region,
                        target=ratio_max,
                        achieved=None,
                        shortfall=0,
                        applicable=False,
                        zh=f"{region}:无城区或乡村学校,不适用",
                        en=f"{region}: no urban or no rural schools",
                    )
                )
                continue
            urban_share, rural_share = urban[1] / urban[0], rural[1] / rural[0]
            achieved = urban_share / rural_share if rural_share else float("inf")
            missing = ceil(max(0, self.excess(scenario, urban, rural)) / self.unit(scenario, urban_before))
            rows.append(
                row(
                    self.id,
                    scenario,
                    "region",
                    region,
                    target=ratio_max,
                    achieved=round(achieved, 4) if rural_share else None,
                    shortfall=missing,
                    zh=f"{region}:城区本科及以上占比 {urban_share:.1%},乡村 {rural_share:.1%},"
                    f"之比 {achieved:.3f}(上限 {ratio_max:g})"
                    + (f",约缺乡村本科及以上教师 {missing} 名" if missing else ""),
                    en=f"{region}: urban degree share {urban_share:.1%}, rural {rural_share:.1%}, ratio "
                    f"{achieved:.3f} (at most {ratio_max:g})"
                    + (f"; about {missing} rural degree holders missing" if missing else ""),
                )
            )
        return rows


RULE = DegreeBalance()
