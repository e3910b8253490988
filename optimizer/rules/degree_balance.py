"""degree_balance: per region, the urban share of teachers with a bachelor's degree or higher
divided by the rural share stays ≤ `ratio_max`. Source: 000.

With ratio_max = p/q the rule reads q·U_b·R_n ≤ p·R_b·U_n over the counts after the moves
(U urban, R rural; _b degree holders, _n everyone). Written around the counts before the moves
(U_b = U_b0 + Δ, ...) it is a constant, four terms linear in the moves, and two products of
changes.

- Hard mode is exact: the products are kept (CP-SAT multiplication constraints).
- Elastic mode is a first-order estimate: the products of changes are dropped, which keeps the
  model linear and its bound tight (with the products, the LP bound of a binding rule collapses).
  The shortfall is the estimated excess in rural degree holders missing (excess ÷ p·U_n0, rounded
  up); the report also states the exact ratio after the moves.
"""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction
from math import ceil
from typing import TYPE_CHECKING

from optimizer.instance import Change, Instance
from optimizer.model.builder import linear_sum
from optimizer.outcome import Outcome
from optimizer.params import Param, mode_param, weight_param
from optimizer.plan import Plan, RuleRow
from optimizer.policy import Indicator, Policy, as_fraction
from optimizer.rules.base import Rule, ceil_decimal, row
from optimizer.scenario import Scenario, Teacher

if TYPE_CHECKING:
    from collections.abc import Hashable

    from ortools.sat.python import cp_model

    from optimizer.model.builder import LinearExpr, ModelBuilder

    # (region, area) → the moves and exchanges arriving there and leaving (`crossing`).
    Crossing = dict[Hashable, tuple[list[cp_model.IntVar], list[cp_model.IntVar]]]

RURAL_DEGREE_SHARE = "rural_degree_share"


@dataclass(frozen=True)
class Counts:
    """Headcount and degree holders of one area of a region."""

    everyone: int
    holders: int


def max_product(a: tuple[int, int], b: tuple[int, int]) -> int:
    """The largest x·y for x in range a, y in range b (a corner)."""
    return max(x * y for x in a for y in b)


class DegreeBalance(Rule):
    id = "degree_balance"
    title_zh = "学历结构均衡"
    title_en = "degree balance"
    params = (
        mode_param("elastic"),
        weight_param(200),
        Param(
            "ratio_max",
            1.05,
            "positive",
            "城乡本科占比之比不超过",
            "Urban / rural degree-share ratio at most",
        ),
    )

    indicators = (
        Indicator(
            RURAL_DEGREE_SHARE,
            "乡村学校本科及以上学历教师占比",
            "share of rural teachers with a bachelor's degree or higher",
        ),
    )

    def share(self, indicator: str, scenario: Scenario, outcome: Outcome) -> dict[str, tuple[int, int]]:
        """Degree holders and everyone at each region's rural schools after the moves (new hires
        count from next year, when they are on the staff list)."""
        if indicator != RURAL_DEGREE_SHARE:
            raise KeyError(indicator)
        counts = {}
        for region in scenario.regions:
            rural = self.counts(scenario, outcome.staff_after, region, "rural")
            if rural.everyone:
                counts[region] = (rural.holders, rural.everyone)
        return counts

    def share_terms(
        self, indicator: str, builder: ModelBuilder
    ) -> dict[str, tuple[LinearExpr, LinearExpr, int]]:
        if indicator != RURAL_DEGREE_SHARE:
            raise KeyError(indicator)
        scenario = builder.scenario
        crossings = self.crossings(builder)
        terms = {}
        for region in scenario.regions:
            rural = self.counts(scenario, scenario.staff_at, region, "rural")
            (d_n, d_b), (n_range, _) = self.changes(crossings, (region, "rural"))
            if rural.everyone + n_range[1] > 0:
                terms[region] = (rural.holders + d_b, rural.everyone + d_n, rural.everyone + n_range[1])
        return terms

    def share_suppliers(self, indicator: str, scenario: Scenario, region: str) -> list[Teacher]:
        """Degree holders of the region's urban and town schools."""
        if indicator != RURAL_DEGREE_SHARE:
            raise KeyError(indicator)
        return [
            t
            for s in scenario.schools
            if s.region == region and s.area != "rural"
            for t in scenario.staff_at[s.school_id]
            if t.has_degree
        ]

    def crossings(self, builder: ModelBuilder) -> tuple[Crossing, Crossing]:
        """Everyone's and degree holders' moves and exchanges into and out of each (region, area)."""
        scenario = builder.scenario

        def area_of(school_id: str) -> tuple[str, str]:
            school = scenario.school_by_id[school_id]
            return school.region, school.area

        return (
            builder.crossing(lambda t: True, area_of),
            builder.crossing(lambda t: t.has_degree, area_of),
        )

    def targets(self, policy: Policy) -> dict[str, float]:
        """Rural degree share at least the urban share divided by this ratio."""
        return {"rural_degree_share_ratio_max": float(policy.rule(self.id)["ratio_max"])}

    def ratio(self, scenario: Scenario) -> tuple[int, int]:
        """(p, q) with ratio_max = p/q."""
        fraction = as_fraction(scenario.policy.rule(self.id)["ratio_max"])
        return fraction.numerator, fraction.denominator

    def counts(self, scenario: Scenario, staff_at: dict, region: str, area: str) -> Counts:
        members: list[Teacher] = [
            t
            for s in scenario.schools
            if s.region == region and s.area == area
            for t in staff_at[s.school_id]
        ]
        return Counts(len(members), sum(t.has_degree for t in members))

    def excess(
        self,
        scenario: Scenario,
        urban: Counts,
        rural: Counts,
        change: tuple[int, int, int, int] | None = None,
    ) -> int:
        """q·U_b·R_n − p·R_b·U_n, exactly when `change` is None; else to first order in the changes
        (ΔU_n, ΔU_b, ΔR_n, ΔR_b) of the counts given."""
        p, q = self.ratio(scenario)
        value = q * urban.holders * rural.everyone - p * rural.holders * urban.everyone
        if change is None:
            return value
        du_n, du_b, dr_n, dr_b = change
        return (
            value
            + q * urban.holders * dr_n
            + q * rural.everyone * du_b
            - p * rural.holders * du_n
            - p * urban.everyone * dr_b
        )

    def unit(self, scenario: Scenario, urban_before: Counts) -> int:
        """About how much one more rural degree holder lowers the excess."""
        return self.ratio(scenario)[0] * urban_before.everyone

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

    def build(self, builder: ModelBuilder) -> None:
        scenario = builder.scenario
        p, q = self.ratio(scenario)
        exact = scenario.policy.is_hard(self.id)
        crossings = self.crossings(builder)
        for region in scenario.regions:
            urban = self.counts(scenario, scenario.staff_at, region, "urban")
            rural = self.counts(scenario, scenario.staff_at, region, "rural")
            if urban.everyone == 0 or rural.everyone == 0:
                continue
            (du_n, du_b), (un_range, ub_range) = self.changes(crossings, (region, "urban"))
            (dr_n, dr_b), (rn_range, rb_range) = self.changes(crossings, (region, "rural"))
            products: LinearExpr = 0
            if exact:
                # Bounded variables stand for the changes, whose products CP-SAT needs (elastic
                # mode keeps plain sums: one dense row in the model, not five).
                du_n, du_b = builder.int_var(*un_range, du_n), builder.int_var(*ub_range, du_b)
                dr_n, dr_b = builder.int_var(*rn_range, dr_n), builder.int_var(*rb_range, dr_b)
                products = q * builder.product(du_b, dr_n) - p * builder.product(dr_b, du_n)
            excess = self.excess(scenario, urban, rural) + (
                q * urban.holders * dr_n
                + q * rural.everyone * du_b
                - p * rural.holders * du_n
                - p * urban.everyone * dr_b
            )
            # The largest value the expression can take over the changes' ranges: the elastic
            # excess must be allowed to reach it, or the model forbids plans the checker accepts.
            worst = (
                self.excess(scenario, urban, rural)
                + q * urban.holders * rn_range[1]
                + q * rural.everyone * ub_range[1]
                + p * rural.holders * -un_range[0]
                + p * urban.everyone * -rb_range[0]
            )
            if exact:
                excess += products
                worst += q * max_product(ub_range, rn_range) + p * max_product(
                    rb_range, (-un_range[1], -un_range[0])
                )
            unit = self.unit(scenario, urban)
            builder.at_most(
                self.instance(scenario, region),
                excess,
                0,
                max_excess=ceil(max(0, worst) / unit) + 1,
                unit=unit,
            )

    def changes(
        self, crossings: tuple[Crossing, Crossing], area: tuple[str, str]
    ) -> tuple[tuple[LinearExpr, LinearExpr], tuple[tuple[int, int], tuple[int, int]]]:
        """(headcount change, degree-holder change) of a (region, area), sums over the candidate
        moves and exchanges (`crossings`: everyone's, degree holders'), and the (low, high) range
        of each."""
        everyone, holders = crossings
        arrive, leave = everyone.get(area, ([], []))
        degree_in, degree_out = holders.get(area, ([], []))
        headcount = linear_sum(arrive) - linear_sum(leave)
        degreed = linear_sum(degree_in) - linear_sum(degree_out)
        ranges = ((-len(leave), len(arrive)), (-len(degree_out), len(degree_in)))
        return (headcount, degreed), ranges

    def check(self, scenario: Scenario, plan: Plan) -> list[RuleRow]:
        outcome = Outcome(scenario, plan)
        ratio_max = scenario.policy.rule(self.id)["ratio_max"]
        exact = scenario.policy.is_hard(self.id)
        rows = []
        for region in scenario.regions:
            urban_before = self.counts(scenario, scenario.staff_at, region, "urban")
            rural_before = self.counts(scenario, scenario.staff_at, region, "rural")
            urban = self.counts(scenario, outcome.staff_after, region, "urban")
            rural = self.counts(scenario, outcome.staff_after, region, "rural")
            if not (urban_before.everyone and rural_before.everyone and urban.everyone and rural.everyone):
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
            change = (
                urban.everyone - urban_before.everyone,
                urban.holders - urban_before.holders,
                rural.everyone - rural_before.everyone,
                rural.holders - rural_before.holders,
            )
            excess = self.excess(
                scenario,
                *((urban, rural) if exact else (urban_before, rural_before)),
                change=None if exact else change,
            )
            missing = ceil(max(0, excess) / self.unit(scenario, urban_before))
            urban_share, rural_share = urban.holders / urban.everyone, rural.holders / rural.everyone
            achieved = round(urban_share / rural_share, 4) if rural_share else None
            ratio_text = f"{achieved:.3f}" if achieved is not None else "∞"
            how_zh = "" if exact else "(一阶估计)"
            how_en = "" if exact else " (first-order estimate)"
            rows.append(
                row(
                    self.id,
                    scenario,
                    "region",
                    region,
                    target=ratio_max,
                    achieved=achieved,
                    shortfall=missing,
                    zh=f"{region}:城区本科及以上占比 {urban_share:.1%},乡村 {rural_share:.1%},"
                    f"之比 {ratio_text}(上限 {ratio_max:g})"
                    + (f",约缺乡村本科及以上教师 {missing} 名{how_zh}" if missing else ""),
                    en=f"{region}: urban degree share {urban_share:.1%}, rural {rural_share:.1%}, ratio "
                    f"{ratio_text} (at most {ratio_max:g})"
                    + (f"; about {missing} rural degree holders missing{how_en}" if missing else ""),
                )
            )
        return rows

    def relax(self, scenario: Scenario, instances: list[Instance], witness: Plan) -> Change | None:
        """Raise ratio_max to the witness plan's exact ratio (rounded up to 4 decimals)."""
        outcome = Outcome(scenario, witness)
        ratios = []
        for instance in instances:
            urban = self.counts(scenario, outcome.staff_after, instance.key, "urban")
            rural = self.counts(scenario, outcome.staff_after, instance.key, "rural")
            if not rural.holders:
                return None
            ratios.append(Fraction(urban.holders * rural.everyone, urban.everyone * rural.holders))
        old, new = scenario.policy.rule(self.id)["ratio_max"], ceil_decimal(max(ratios))
        return Change(
            overrides=(f"{self.id}.ratio_max={new}",),
            sentence_zh=f"将城乡学历占比之比上限由 {old:g} 放宽至 {new:g}",
            sentence_en=f"raise degree_balance.ratio_max from {old:g} to {new:g}",
        )


RULE = DegreeBalance()
