"""rotation_quota: teachers rotating this year ≥ rate × eligible teachers of sending schools.

Source: 001 (每年交流轮岗教师的比例不低于符合交流条件教师总数的10%). Scope `region` counts per
region, `school` per sending school, `city` once over every region of the scenario (a city-wide
quota: it couples the regions, which are then planned together). The minimum rounds up (10 % of
143 → 15). Every departure from a sending school counts, pinned ones included.
"""

from __future__ import annotations

from fractions import Fraction
from typing import TYPE_CHECKING

from optimizer.instance import Change, Instance
from optimizer.model.builder import linear_sum
from optimizer.outcome import Outcome
from optimizer.params import Option, Param, mode_param, weight_param
from optimizer.plan import Move, Plan, RuleRow
from optimizer.policy import Indicator, Policy, ceil_share
from optimizer.rules.base import Rule, floor_decimal, row
from optimizer.rules.eligibility import is_eligible
from optimizer.scenario import Scenario, School, Teacher

if TYPE_CHECKING:
    from optimizer.model.builder import LinearExpr, ModelBuilder


RULE_ID = "rotation_quota"
ROTATION_SHARE = "rotation_share"
ROTATION_CYCLE_YEARS = "rotation_cycle_years"
"""001's "every eligible teacher in turn": a cycle of N years is a rotation share of 1/N a year."""
CITY_KEY = "全市"
"""The key of the city-wide quota instance (scope `city`)."""


def is_sending(scenario: Scenario, school: School) -> bool:
    """Sending schools: those in `sending_areas` (urban, town) that are not weak."""
    return school.area in scenario.policy.rule(RULE_ID)["sending_areas"] and not school.is_weak


def rotation_minimum(policy: Policy, eligible: int) -> int:
    """How many of `eligible` teachers must rotate: the rate, rounded up."""
    return ceil_share(policy.rule(RULE_ID)["rate"], eligible)


def pct(fraction: float) -> str:
    return f"{fraction * 100:g}%"


class RotationQuota(Rule):
    id = RULE_ID
    title_zh = "交流比例"
    title_en = "rotation quota"
    params = (
        mode_param("hard"),
        weight_param(1000),
        Param("rate", 0.10, "fraction", "交流比例不低于", "Rotation rate at least"),
        Param(
            "scope",
            "region",
            "choice",
            "比例计算范围",
            "Counted per",
            options=(
                Option("region", "按区域", "per region"),
                Option("school", "按学校", "per school"),
                Option("city", "全市统一", "city-wide"),
            ),
            hint_zh="按区域、按派出学校或全市统一计算",
            hint_en="per region, per sending school, or once across the city",
        ),
        Param("sending_areas", ["urban", "town"], "areas", "派出学校所在区域", "Sending areas"),
    )

    indicators = (
        Indicator(
            ROTATION_SHARE,
            "派出学校符合条件教师的交流比例",
            "share of the sending schools' eligible teachers who rotate",
        ),
        Indicator(
            ROTATION_CYCLE_YEARS,
            "交流轮换周期（年）：所有符合条件教师轮换一遍所需年数，不超过",
            "rotation cycle in years (for every eligible teacher to take a turn), at most",
            cycle_of=ROTATION_SHARE,
        ),
    )

    def serves(self, scenario: Scenario, teacher: Teacher, move: Move) -> bool:
        return is_sending(scenario, scenario.school_by_id[move.from_school])

    def share(self, indicator: str, scenario: Scenario, outcome: Outcome) -> dict[str, tuple[int, int]]:
        """Per region: teachers leaving its sending schools this year, and their eligible teachers."""
        if indicator != ROTATION_SHARE:
            raise KeyError(indicator)
        counts = {}
        for region, schools, eligible in self.regions(scenario):
            ids = {s.school_id for s in schools}
            counts[region] = (sum(1 for _, m in outcome.moves if m.from_school in ids), eligible)
        return counts

    def share_terms(
        self, indicator: str, builder: ModelBuilder
    ) -> dict[str, tuple[LinearExpr, LinearExpr, int]]:
        if indicator != ROTATION_SHARE:
            raise KeyError(indicator)
        return {
            region: (linear_sum(builder.departures(s.school_id) for s in schools), eligible, eligible)
            for region, schools, eligible in self.regions(builder.scenario)
        }

    def regions(self, scenario: Scenario) -> list[tuple[str, list[School], int]]:
        """(region, its sending schools, their eligible teachers) for regions with eligible ones."""
        found = []
        for region in scenario.regions:
            schools = [s for s in scenario.schools if s.region == region and is_sending(scenario, s)]
            eligible = sum(is_eligible(scenario, t) for s in schools for t in scenario.staff_at[s.school_id])
            if eligible:
                found.append((region, schools, eligible))
        return found

    def groups(self, scenario: Scenario) -> list[tuple[str, str, list[School], int]]:
        """(scope, key, sending schools, eligible teachers) for every quota instance."""
        sending = [s for s in scenario.schools if is_sending(scenario, s)]
        eligible = {
            s.school_id: sum(is_eligible(scenario, t) for t in scenario.staff_at[s.school_id])
            for s in sending
        }
        scope = scenario.policy.rule(self.id)["scope"]
        if scope == "school":
            return [("school", s.school_id, [s], eligible[s.school_id]) for s in sending]
        if scope == "city":
            return [("city", CITY_KEY, sending, sum(eligible.values()))]
        groups = []
        for region in scenario.regions:
            schools = [s for s in sending if s.region == region]
            groups.append(("region", region, schools, sum(eligible[s.school_id] for s in schools)))
        return groups

    def couples_regions(self, policy: Policy) -> tuple[str, str] | None:
        """Why regions under this policy cannot be planned apart (zh, en), or None."""
        if policy.rule(self.id)["scope"] != "city":
            return None
        return (
            "rotation_quota.scope = city:交流比例按全市统计,各区县须统一规划",
            "rotation_quota.scope = city: the quota counts across all regions, so they are planned together",
        )

    def instance(self, scenario: Scenario, scope: str, key: str, eligible: int) -> Instance:
        rate = scenario.policy.rule(self.id)["rate"]
        required = ceil_share(rate, eligible)
        return Instance(
            self.id,
            scope,
            key,
            required,
            "teachers",
            f"{key}:交流轮岗人数不少于符合条件教师 {eligible} 人的 {pct(rate)}(至少 {required} 人)",
            f"{key}: at least {pct(rate)} of {eligible} eligible teachers rotate (at least {required})",
        )

    def build(self, builder: ModelBuilder) -> None:
        for scope, key, schools, eligible in self.groups(builder.scenario):
            instance = self.instance(builder.scenario, scope, key, eligible)
            rotating = linear_sum(builder.departures(s.school_id) for s in schools)
            builder.at_least(instance, rotating, int(instance.target or 0))

    def check(self, scenario: Scenario, plan: Plan) -> list[RuleRow]:
        outcome = Outcome(scenario, plan)
        rate = scenario.policy.rule(self.id)["rate"]
        rows = []
        for scope, key, schools, eligible in self.groups(scenario):
            required = ceil_share(rate, eligible)
            ids = {s.school_id for s in schools}
            movers = tuple(t.teacher_id for t, m in outcome.moves if m.from_school in ids)
            rotating = len(movers)
            shortfall = max(0, required - rotating)
            if shortfall:
                zh = (
                    f"{key}:交流轮岗 {rotating} 人,低于符合条件教师 {eligible} 人的 {pct(rate)}"
                    f"(应至少 {required} 人)"
                )
                en = (
                    f"{key}: {rotating} teachers rotate; {pct(rate)} of {eligible} eligible "
                    f"requires at least {required}"
                )
            else:
                zh = (
                    f"{key}:交流轮岗 {rotating} 人,达到符合条件教师 {eligible} 人的 {pct(rate)}"
                    f"(至少 {required} 人)"
                )
                en = (
                    f"{key}: {rotating} teachers rotate, meeting {pct(rate)} of {eligible} "
                    f"eligible (at least {required})"
                )
            rows.append(
                row(
                    self.id,
                    scenario,
                    scope,
                    key,
                    target=required,
                    achieved=rotating,
                    shortfall=shortfall,
                    zh=zh,
                    en=en,
                    involved=movers,
                    applicable=eligible > 0,
                )
            )
        return rows

    def relax(self, scenario: Scenario, instances: list[Instance], witness: Plan) -> Change | None:
        """Lower the rate to what the witness plan rotates (rounded down to 4 decimals)."""
        outcome = Outcome(scenario, witness)
        keys = {i.key for i in instances}
        rates = []
        for _, key, schools, eligible in self.groups(scenario):
            if key in keys and eligible:
                ids = {s.school_id for s in schools}
                rotating = sum(1 for _, m in outcome.moves if m.from_school in ids)
                rates.append(Fraction(rotating, eligible))
        if not rates:
            return None
        old, new = scenario.policy.rule(self.id)["rate"], floor_decimal(min(rates))
        return Change(
            overrides=(f"{self.id}.rate={new}",),
            sentence_zh=f"将交流比例由 {pct(old)} 降至 {pct(new)}",
            sentence_en=f"lower rotation_quota.rate from {pct(old)} to {pct(new)}",
        )


RULE = RotationQuota()
