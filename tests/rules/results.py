"""What the rule tests read from a solve: the report rows of one rule, the moves, and the rules a
hand-made plan breaks.

Every rule has its own test file: a tiny scenario where the rule binds and the plan honours it, and
one where the rule is elastic and broken and the report shows the exact shortfall. Every solve goes
through `tests.tiny.solve_checked`, which asserts that the checker agrees with the solver.
"""

from __future__ import annotations

from optimizer.plan import Move, Plan, RuleRow
from optimizer.report import check_plan
from optimizer.result import Result
from optimizer.scenario import Pin
from tests.tiny import scenario, school, teacher


def rows(result: Result, rule: str) -> list[RuleRow]:
    return [r for r in result.report if r.rule == rule]


def only_row(result: Result, rule: str, key: str) -> RuleRow:
    found = [r for r in rows(result, rule) if r.key == key]
    assert len(found) == 1, [r.key for r in rows(result, rule)]
    return found[0]


def destinations(result: Result) -> dict[str, str]:
    return {m.teacher_id: m.to_school for m in result.plan.moves}


def rules_broken_by(move: Move) -> set[str]:
    """The rules the checker finds violated by a plan of this one move, made by hand (no solver) in
    a county of two urban schools and a rural one: NEW has 1 year at U1, OK is pinned to stay."""
    schools = [school("U1"), school("U2", lat=30.1), school("R1", "rural", lat=30.2)]
    teachers = [teacher("NEW", "U1", years_at_school=1), teacher("OK", "U1")]
    sc = scenario(schools, teachers, {("R1", "math"): 1}, pins=[Pin("OK", "stay")])
    report = check_plan(sc, Plan((move,)))
    return {r.rule for r in report if r.status == "violated"}
