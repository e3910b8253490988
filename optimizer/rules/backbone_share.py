"""backbone_share: backbone teachers (骨干教师) among those rotating ≥ share, per region.

Source: 001. The minimum rounds up: 20 % of 16 rotating → at least 4 backbone teachers.
Every move out of a school of the region counts, leaders included.
"""

from __future__ import annotations

from fractions import Fraction
from typing import TYPE_CHECKING

from optimizer.instance import Change, Instance
from optimizer.outcome import Outcome
from optimizer.params import Param, mode_param, weight_param
from optimizer.plan import Move, Plan, RuleRow
from optimizer.policy import Policy, as_fraction, ceil_share
from optimizer.rules.base import Rule, floor_decimal, row
from optimizer.rules.rotation_quota import pct
from optimizer.scenario import Scenario, Teacher

if TYPE_CHECKING:
    from optimizer.model.builder import ModelBuilder


class BackboneShare(Rule):
    id = "backbone_share"
    title_zh = "骨干教师比例"
    title_en = "backbone share"
    params = (
        mode_param("hard"),
        weight_param(1000),
        Param("share", 0.20, "fraction", "交流教师中骨干占比不低于", "Backbone share of rotating at least"),
    )

    def targets(self, policy: Policy) -> dict[str, float]:
        return {"backbone_share": float(policy.rule(self.id)["share"])}

    def serves(self, scenario: Scenario, teacher: Teacher, move: Move) -> bool:
        return teacher.is_backbone

    def build(self, builder: ModelBuilder) -> None:
        scenario = builder.scenario
        share = scenario.policy.rule(self.id)["share"]
        fraction = as_fraction(share)
        for region in scenario.regions:
            indices = [
                c.index for c in builder.candidates if scenario.school_by_id[c.from_school].region == region
            ]
            backbone = [
                i for i in indices if scenario.teacher_by_id[builder.candidates[i].teacher_id].is_backbone
            ]
            instance = Instance(
                self.id,
                "region",
                region,
                float(share),
                "share",
                f"{region}:交流教师中骨干教师比例不低于 {pct(share)}",
                f"{region}: backbone teachers are at least {pct(share)} of those rotating",
            )
            movers = len({builder.candidates[i].teacher_id for i in indices})
            builder.at_least(
                instance,
                fraction.denominator * builder.total(backbone) - fraction.numerator * builder.total(indices),
                0,
                unit=fraction.denominator,
                max_shortfall=movers,
            )

    def check(self, scenario: Scenario, plan: Plan) -> list[RuleRow]:
        outcome = Outcome(scenario, plan)
        share = scenario.policy.rule(self.id)["share"]
        rows = []
        for region in scenario.regions:
            moves = outcome.moves_from_region(region)
            rotating = len(moves)
            backbone = tuple(t.teacher_id for t, _ in moves if t.is_backbone)
            required = ceil_share(share, rotating)
            shortfall = max(0, required - len(backbone))
            verb_zh, verb_en = ("低于", "below") if shortfall else ("达到", "meeting")
            rows.append(
                row(
                    self.id,
                    scenario,
                    "region",
                    region,
                    target=required,
                    achieved=len(backbone),
                    shortfall=shortfall,
                    zh=f"{region}:交流 {rotating} 人中骨干教师 {len(backbone)} 人,{verb_zh} "
                    f"{pct(share)}(应至少 {required} 人)",
                    en=f"{region}: {len(backbone)} backbone teachers among {rotating} rotating, "
                    f"{verb_en} {pct(share)} (at least {required})",
                    involved=backbone,
                    applicable=rotating > 0,
                )
            )
        return rows

    def relax(self, scenario: Scenario, instances: list[Instance], witness: Plan) -> Change | None:
        """Lower the share to the witness plan's backbone share (rounded down to 4 decimals)."""
        outcome = Outcome(scenario, witness)
        shares = []
        for instance in instances:
            moves = outcome.moves_from_region(instance.key)
            if moves:
                shares.append(Fraction(sum(t.is_backbone for t, _ in moves), len(moves)))
        if not shares:
            return None
        old, new = scenario.policy.rule(self.id)["share"], floor_decimal(min(shares))
        return Change(
            overrides=(f"{self.id}.share={new}",),
            sentence_zh=f"将交流教师中骨干教师比例要求由 {pct(old)} 降至 {pct(new)}",
            sentence_en=f"lower backbone_share.share from {pct(old)} to {pct(new)}",
        )


RULE = BackboneShare()
