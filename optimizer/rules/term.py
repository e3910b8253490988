"""term: a rotation lasts `term_years` (1-3); teachers whose term ends this year free their post at
the receiving school and return to the sending school. Source: national 2014 opinion.

The return is applied before planning (Scenario.home_school), so this rule adds no constraint; it
stamps the term on every candidate move and reports the terms and the returns it assumed.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from optimizer.params import Param
from optimizer.plan import Plan, RuleRow
from optimizer.policy import Policy
from optimizer.rules.base import Rule, row
from optimizer.scenario import ROTATION_TERM, Scenario

if TYPE_CHECKING:
    from optimizer.model.builder import ModelBuilder


RULE_ID = "term"


def term_years(policy: Policy) -> int:
    """The term a move gets: `term_years` of this rule."""
    return int(policy.rule(RULE_ID)["term_years"])


class Term(Rule):
    id = RULE_ID
    title_zh = "交流期限"
    title_en = "rotation term"
    params = (
        Param(
            "term_years",
            3,
            "integer",
            "交流期限",
            "Term",
            "年",
            "years",
            minimum=1,
            maximum=3,
            meaning=ROTATION_TERM,
        ),
    )

    def build(self, builder: ModelBuilder) -> None:
        """No constraint (returns are settled in the scenario): every move gets the term."""
        builder.term_years = [term_years(builder.scenario.policy)] * len(builder.candidates)

    def check(self, scenario: Scenario, plan: Plan) -> list[RuleRow]:
        term = term_years(scenario.policy)
        wrong = tuple(m.teacher_id for m in plan.moves if m.term_years != term)
        rows = [
            row(
                self.id,
                scenario,
                "plan",
                "all",
                target=term,
                achieved=term,
                shortfall=len(wrong),
                involved=wrong,
                zh=f"交流期限 {term} 年" + (f";{len(wrong)} 人期限不符" if wrong else ""),
                en=f"rotation term {term} years"
                + (f"; {len(wrong)} moves with another term" if wrong else ""),
            )
        ]
        for region in scenario.regions:
            returning = tuple(
                t.teacher_id
                for t in scenario.teachers
                if scenario.returns_this_year(t) and scenario.region_of(t) == region
            )
            rows.append(
                row(
                    self.id,
                    scenario,
                    "region",
                    region,
                    target=None,
                    achieved=len(returning),
                    shortfall=0,
                    involved=returning,
                    applicable=bool(returning),
                    zh=f"{region}:本年轮岗期满返回原校 {len(returning)} 人",
                    en=f"{region}: {len(returning)} teachers return to their sending school this year",
                )
            )
        return rows


RULE = Term()
