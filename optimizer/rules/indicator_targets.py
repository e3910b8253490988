"""indicator_targets: each `[targets.<indicator>]` of policy.toml whose year has come holds in every region:
the indicator's share after the plan is at least its value. Sources: 000 (by 2027 at least half
of rural principals aged 45 or under, rural teachers generally with a bachelor's degree), 001.

The rule that counts an indicator (`Rule.indicators`) gives its two counts as model expressions
(`share_terms`) and after a plan (`share`); this rule only holds them to the value. A roadmap
(`optimizer.roadmap`) plans the years before a target's year so that it can be met when it falls
due; in a single year's plan a target whose year has not come is not in force.
"""

from __future__ import annotations

from collections import Counter
from typing import TYPE_CHECKING

from optimizer.instance import Change, Instance
from optimizer.outcome import Outcome
from optimizer.params import mode_param, weight_param
from optimizer.plan import Plan, RuleRow
from optimizer.policy import TARGETS, Policy, Target, as_fraction, ceil_share
from optimizer.rules.base import Rule, floor_decimal, indicator_owner, row
from optimizer.rules.eligibility import REASON_EN, REASON_ZH, standing
from optimizer.rules.rotation_quota import pct
from optimizer.scenario import Scenario

if TYPE_CHECKING:
    from optimizer.model.builder import ModelBuilder

ID = "indicator_targets"


def label(indicator: str) -> tuple[str, str]:
    """The indicator's zh and en names."""
    found = next(i for i in indicator_owner(indicator).indicators if i.name == indicator)
    return found.label_zh, found.label_en


def elastic(policy: Policy) -> Policy:
    """The policy with targets costed rather than required: a roadmap year whose target cannot be
    met is still planned, as close to it as the rules allow."""
    return policy.with_overrides([f"{ID}.mode=elastic"])


class IndicatorTargets(Rule):
    id = ID
    title_zh = "规划目标"
    title_en = "roadmap targets"
    params = (mode_param("hard"), weight_param(1000))

    def instance(self, scenario: Scenario, target: Target, region: str) -> Instance:
        zh, en = label(target.indicator)
        held_zh, held_en = self.held_back(scenario, target.indicator, region)
        return Instance(
            self.id,
            "region",
            f"{region}:{target.indicator}",
            target.value,
            "share",
            f"{region}:{zh}不低于 {pct(target.value)}({target.year} 年目标){held_zh}",
            f"{region}: {en} at least {pct(target.value)} (target for {target.year}){held_en}",
        )

    def held_back(self, scenario: Scenario, indicator: str, region: str) -> tuple[str, str]:
        """Who would raise the indicator by moving but may not this year, counted by the
        eligibility reason: what stops a target that cannot be met (zh, en; empty if nobody)."""
        suppliers = indicator_owner(indicator).share_suppliers(indicator, scenario, region)
        reasons = Counter(s.reason for t in suppliers if not (s := standing(scenario, t)).eligible)
        if not reasons:
            return "", ""
        blocked = sum(reasons.values())
        ordered = reasons.most_common()
        zh = "、".join(f"{REASON_ZH[reason]} {count} 人" for reason, count in ordered)
        en = ", ".join(f"{count} {REASON_EN[reason]}" for reason, count in ordered)
        return (
            f";能提高该指标的 {len(suppliers)} 人中 {blocked} 人本年不能交流({zh})",
            f"; of the {len(suppliers)} who would raise it, {blocked} may not rotate this year ({en})",
        )

    def build(self, builder: ModelBuilder) -> None:
        for target in builder.scenario.policy.targets_due():
            fraction = as_fraction(target.value)
            terms = indicator_owner(target.indicator).share_terms(target.indicator, builder)
            for region, (meeting, members, most) in terms.items():
                builder.at_least(
                    self.instance(builder.scenario, target, region),
                    fraction.denominator * meeting - fraction.numerator * members,
                    0,
                    unit=fraction.denominator,
                    max_shortfall=most,
                )

    def check(self, scenario: Scenario, plan: Plan) -> list[RuleRow]:
        outcome = Outcome(scenario, plan)
        rows = []
        for target in scenario.policy.targets_due():
            zh, en = label(target.indicator)
            counts = indicator_owner(target.indicator).share(target.indicator, scenario, outcome)
            for region, (meeting, members) in counts.items():
                required = ceil_share(target.value, members)
                rows.append(
                    row(
                        self.id,
                        scenario,
                        "region",
                        f"{region}:{target.indicator}",
                        target=required,
                        achieved=meeting,
                        shortfall=max(0, required - meeting),
                        zh=f"{region}:{zh} {meeting}/{members}(应至少 {required},"
                        f"{target.year} 年目标 {pct(target.value)})",
                        en=f"{region}: {en} {meeting} of {members} (at least {required}, "
                        f"{pct(target.value)} by {target.year})",
                    )
                )
        return rows

    def relax(self, scenario: Scenario, instances: list[Instance], witness: Plan) -> Change | None:
        """Lower each broken target to the share the witness plan reaches in its worst region."""
        outcome = Outcome(scenario, witness)
        by_indicator = {t.indicator: t for t in scenario.policy.targets}
        lowered: dict[str, float] = {}
        for instance in instances:
            region, indicator = instance.key.rsplit(":", 1)
            meeting, members = indicator_owner(indicator).share(indicator, scenario, outcome)[region]
            reached = floor_decimal(meeting / members)
            lowered[indicator] = min(lowered.get(indicator, reached), reached)
        overrides = tuple(f"{TARGETS}.{name}.value={value}" for name, value in sorted(lowered.items()))
        zh = "、".join(
            f"{label(name)[0]}目标由 {pct(by_indicator[name].value)} 降至 {pct(value)}"
            for name, value in sorted(lowered.items())
        )
        en = "; ".join(
            f"lower the {label(name)[1]} target from {pct(by_indicator[name].value)} to {pct(value)}"
            for name, value in sorted(lowered.items())
        )
        return Change(overrides=overrides, sentence_zh=zh, sentence_en=en)


RULE = IndicatorTargets()
