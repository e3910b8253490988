"""term: a rotation lasts `term_years` (1-3), each move between `min_term` and `max_term`; a teacher's
`requested_term` (支教 for one year; the one rural year a senior title needs) is honoured when it is
within them. Teachers whose term ends this year free their post at the receiving school and return
to the sending school. Source: national 2014 opinion, 001.

The return is applied before planning (Scenario.home_school), so this rule adds no constraint; it
stamps the term on every candidate move and reports the terms and the returns it assumed.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from optimizer.params import Param
from optimizer.plan import Move, Plan, RuleRow
from optimizer.policy import Policy
from optimizer.rules.base import Rule, row
from optimizer.scenario import ROTATION_TERM, Scenario, Teacher

if TYPE_CHECKING:
    from optimizer.model.builder import ModelBuilder


RULE_ID = "term"


def term_years(policy: Policy) -> int:
    """The term a move gets unless the teacher asks for another: `term_years` of this rule."""
    return int(policy.rule(RULE_ID)["term_years"])


def term_range(policy: Policy) -> tuple[int, int]:
    params = policy.rule(RULE_ID)
    return int(params["min_term"]), int(params["max_term"])


def default_term(policy: Policy) -> int:
    """The term of a move nobody asked another term for: `term_years` within min..max."""
    low, high = term_range(policy)
    return min(high, max(low, term_years(policy)))


def term_of(policy: Policy, teacher: Teacher) -> int:
    """The teacher's requested term when the policy allows it, else the default term."""
    low, high = term_range(policy)
    if teacher.requested_term is not None and low <= teacher.requested_term <= high:
        return teacher.requested_term
    return default_term(policy)


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
        Param("min_term", 1, "integer", "最短期限", "Shortest term", "年", "years", minimum=1, maximum=3),
        Param("max_term", 3, "integer", "最长期限", "Longest term", "年", "years", minimum=1, maximum=3),
    )

    def build(self, builder: ModelBuilder) -> None:
        """No constraint (returns are settled in the scenario): every move gets its term."""
        policy, teachers = builder.scenario.policy, builder.scenario.teacher_by_id
        builder.term_years = [term_of(policy, teachers[c.teacher_id]) for c in builder.candidates]

    def accepts(self, policy: Policy, teacher: Teacher, move: Move) -> bool:
        """A term within min_term..max_term, and the one the teacher asked for when it is allowed
        (a plan made by hand may give a one-year term nobody asked for, if the range allows it)."""
        low, high = term_range(policy)
        asked = teacher.requested_term
        if asked is not None and low <= asked <= high:
            return move.term_years == asked
        return low <= move.term_years <= high

    def check(self, scenario: Scenario, plan: Plan) -> list[RuleRow]:
        policy = scenario.policy
        low, high = term_range(policy)
        term = default_term(policy)
        wrong = tuple(
            m.teacher_id
            for m in plan.moves
            if not self.accepts(policy, scenario.teacher_by_id[m.teacher_id], m)
        )
        requested = sum(
            scenario.teacher_by_id[m.teacher_id].requested_term == m.term_years != term for m in plan.moves
        )
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
                zh=f"交流期限 {term} 年(允许 {low}-{high} 年)"
                + (f";{requested} 人按本人申请的期限" if requested else "")
                + (f";{len(wrong)} 人期限不符(超出范围或未按申请)" if wrong else ""),
                en=f"rotation term {term} years ({low}-{high} allowed)"
                + (f"; {requested} moves at the term the teacher asked for" if requested else "")
                + (
                    f"; {len(wrong)} moves with a term outside the range or not the one asked for"
                    if wrong
                    else ""
                ),
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
