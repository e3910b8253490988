"""principal_rotation: principals and vice-principals with ≥ `principal_terms` consecutive terms
at one school rotate between urban and rural schools, and per region the share of rural
principals aged ≤ `young_age` is at least `young_rural_share` (rounded up). Source: 000.

Each leader due to rotate is one instance (a move anywhere counts). The young-principal share
counts principals and vice-principals (含副校长, seed 000) at rural schools after the moves.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from optimizer.instance import Instance
from optimizer.outcome import Outcome
from optimizer.params import Param, mode_param, weight_param
from optimizer.plan import Move, Plan, RuleRow
from optimizer.policy import Indicator, as_fraction, ceil_share
from optimizer.rules.base import Rule, row, teacher_moves_row
from optimizer.rules.eligibility import is_eligible
from optimizer.rules.rotation_quota import pct
from optimizer.scenario import PRINCIPAL_ROLES, Scenario, Teacher

if TYPE_CHECKING:
    from optimizer.model.builder import LinearExpr, ModelBuilder
    from optimizer.model.candidates import Candidate

YOUNG_SHARE = "young_rural_principal_share"


class PrincipalRotation(Rule):
    id = "principal_rotation"
    title_zh = "校长轮岗"
    title_en = "principal rotation"
    indicators = (
        Indicator(
            YOUNG_SHARE,
            "乡村学校年轻校长(含副校长)占比",
            "share of young rural principals and vice-principals",
        ),
    )
    params = (
        mode_param("elastic"),
        weight_param(200),
        Param(
            "young_rural_share", 0.50, "fraction", "乡村年轻校长占比不低于", "Young rural principals at least"
        ),
        Param("young_age", 45, "integer", "“年轻”指年龄不超过", "Young means aged at most", "岁", "years"),
    )

    def serves(self, scenario: Scenario, teacher: Teacher, move: Move) -> bool:
        return teacher.teacher_id in scenario.derived(self.id, self.due_ids)

    def due_ids(self, scenario: Scenario) -> set[str]:
        return {t.teacher_id for t in self.due(scenario)}

    def due(self, scenario: Scenario) -> list[Teacher]:
        """Leaders who have served the required terms and are eligible."""
        terms = int(scenario.policy.rule("eligibility")["principal_terms"])
        return [
            t
            for t in scenario.teachers
            if t.is_principal and t.terms_at_school >= terms and is_eligible(scenario, t)
        ]

    def is_young(self, scenario: Scenario, teacher: Teacher) -> bool:
        return scenario.age(teacher) <= int(scenario.policy.rule(self.id)["young_age"])

    def rural_ids(self, scenario: Scenario, region: str) -> set[str]:
        return {s.school_id for s in scenario.schools if s.region == region and s.area == "rural"}

    def due_instance(self, teacher: Teacher, school_id: str) -> Instance:
        return Instance(
            self.id,
            "teacher",
            teacher.teacher_id,
            1,
            "moves",
            f"{school_id} {teacher.teacher_id} 已连任 {teacher.terms_at_school} 届,应交流",
            f"{teacher.teacher_id} at {school_id} has served {teacher.terms_at_school} terms "
            "and should rotate",
        )

    def young_instance(self, scenario: Scenario, region: str) -> Instance:
        params = scenario.policy.rule(self.id)
        share, age = params["young_rural_share"], params["young_age"]
        return Instance(
            self.id,
            "region",
            region,
            share,
            "share",
            f"{region}:乡村学校 {age} 岁及以下校长(含副校长)占比不低于 {pct(share)}",
            f"{region}: at least {pct(share)} of rural principals and vice-principals are aged "
            f"{age} or younger",
        )

    def build(self, builder: ModelBuilder) -> None:
        scenario = builder.scenario
        for teacher in self.due(scenario):
            builder.at_least(
                self.due_instance(teacher, scenario.home_school(teacher)),
                builder.moved(teacher.teacher_id),
                1,
            )
        fraction = as_fraction(scenario.policy.rule(self.id)["young_rural_share"])
        for region, (young_after, all_after, most) in self.share_terms(YOUNG_SHARE, builder).items():
            builder.at_least(
                self.young_instance(scenario, region),
                fraction.denominator * young_after - fraction.numerator * all_after,
                0,
                unit=fraction.denominator,
                max_shortfall=most,
            )

    def share_terms(
        self, indicator: str, builder: ModelBuilder
    ) -> dict[str, tuple[LinearExpr, LinearExpr, int]]:
        """Young leaders and all leaders of each region's rural schools after the moves."""
        if indicator != YOUNG_SHARE:
            raise KeyError(indicator)
        scenario = builder.scenario
        terms = {}
        for region in scenario.regions:
            rural = self.rural_ids(scenario, region)
            principals = [t for school_id in rural for t in scenario.staff_at[school_id] if t.is_principal]
            arriving = [
                c
                for c in builder.candidates
                if c.post in PRINCIPAL_ROLES and c.to_school in rural and c.from_school not in rural
            ]
            leaving = [
                c
                for c in builder.candidates
                if c.post in PRINCIPAL_ROLES and c.from_school in rural and c.to_school not in rural
            ]
            if not principals and not arriving:
                continue

            def young(indices: list[Candidate]) -> list[int]:
                return [
                    c.index for c in indices if self.is_young(scenario, scenario.teacher_by_id[c.teacher_id])
                ]

            young_before = sum(self.is_young(scenario, t) for t in principals)
            young_after = young_before + builder.total(young(arriving)) - builder.total(young(leaving))
            all_after = (
                len(principals)
                + builder.total(c.index for c in arriving)
                - builder.total(c.index for c in leaving)
            )
            terms[region] = (young_after, all_after, len(principals) + len(arriving))
        return terms

    def share(self, indicator: str, scenario: Scenario, outcome: Outcome) -> dict[str, tuple[int, int]]:
        if indicator != YOUNG_SHARE:
            raise KeyError(indicator)
        counts = {}
        for region in scenario.regions:
            leaders = self.rural_leaders_after(scenario, outcome, region)
            if leaders:
                counts[region] = (sum(self.is_young(scenario, t) for t in leaders), len(leaders))
        return counts

    def share_suppliers(self, indicator: str, scenario: Scenario, region: str) -> list[Teacher]:
        """Young principals and vice-principals of the region's other schools."""
        if indicator != YOUNG_SHARE:
            raise KeyError(indicator)
        rural = self.rural_ids(scenario, region)
        return [
            t
            for t in scenario.teachers
            if t.is_principal
            and self.is_young(scenario, t)
            and scenario.home_school(t) not in rural
            and scenario.region_of(t) == region
        ]

    def rural_leaders_after(self, scenario: Scenario, outcome: Outcome, region: str) -> list[Teacher]:
        return [
            t
            for school_id in sorted(self.rural_ids(scenario, region))
            for t in outcome.staff_after[school_id]
            if t.is_principal
        ]

    def check(self, scenario: Scenario, plan: Plan) -> list[RuleRow]:
        outcome = Outcome(scenario, plan)
        rows = []
        for teacher in self.due(scenario):
            instance = self.due_instance(teacher, scenario.home_school(teacher))
            rows.append(teacher_moves_row(self.id, scenario, plan, instance, teacher.teacher_id))
        params = scenario.policy.rule(self.id)
        for region in scenario.regions:
            principals = self.rural_leaders_after(scenario, outcome, region)
            if not principals:
                continue
            young = tuple(t.teacher_id for t in principals if self.is_young(scenario, t))
            required = ceil_share(params["young_rural_share"], len(principals))
            missing = max(0, required - len(young))
            rows.append(
                row(
                    self.id,
                    scenario,
                    "region",
                    region,
                    target=required,
                    achieved=len(young),
                    shortfall=missing,
                    zh=f"{region}:乡村学校校长(含副校长){len(principals)} 人,{params['young_age']} 岁及以下 "
                    f"{len(young)} 人(应至少 {required} 人,{pct(params['young_rural_share'])})",
                    en=f"{region}: {len(young)} of {len(principals)} rural principals and vice-principals "
                    "are aged "
                    f"{params['young_age']} or younger (at least {required}, "
                    f"{pct(params['young_rural_share'])})",
                    involved=young,
                )
            )
        return rows


RULE = PrincipalRotation()
