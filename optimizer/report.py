"""The checker: every rule's check on a finished plan, and the summary counts.

It needs no solver, so it verifies any plan, a hand-made one from HR included. A plan that
breaks a hard rule shows it as a `violated` row with mode `hard`.
"""

from __future__ import annotations

from dataclasses import replace

from optimizer.outcome import Outcome
from optimizer.plan import Move, Plan, RuleRow, Summary
from optimizer.rules import all_rules, figures
from optimizer.scenario import Scenario


def check_plan(scenario: Scenario, plan: Plan) -> list[RuleRow]:
    return [row for rule in all_rules() for row in rule.check(scenario, plan)]


def plan_cost(report: list[RuleRow] | tuple[RuleRow, ...]) -> float:
    """The objective value of a plan as the checker computes it (cost units)."""
    return sum(r.cost for r in report)


def hard_violations(report: list[RuleRow] | tuple[RuleRow, ...]) -> list[RuleRow]:
    return [r for r in report if r.mode == "hard" and r.status == "violated"]


def summarize(
    scenario: Scenario,
    plan: Plan,
    report: list[RuleRow] | tuple[RuleRow, ...],
    *,
    status: str,
    objective: float | None,
    bound: float | None,
    gap: float | None,
    solve_seconds: float,
    build_seconds: float,
    variables: int = 0,
) -> Summary:
    """The summary's figures: the solve's, the plan's, and those the rules state (`Rule.figures`)."""
    outcome = Outcome(scenario, plan)
    return Summary(
        status=status,
        objective=objective,
        bound=bound,
        gap=gap,
        solve_seconds=round(solve_seconds, 3),
        build_seconds=round(build_seconds, 3),
        rotating=len(plan.moves),
        backbone_rotating=sum(t.is_backbone for t, _ in outcome.moves),
        variables=variables,
        hard_violations=len(hard_violations(report)),
        **figures(scenario, outcome),  # type: ignore[arg-type]
    )


def with_reasons(scenario: Scenario, plan: Plan) -> Plan:
    """The plan with each move's, exchange's and hire's `reason`: the ids of the rules it serves,
    `;`-separated, decisive ones (an HR decision) first, then in the registry's order."""
    rules = sorted(all_rules(), key=lambda rule: not rule.decisive)

    def reasoned(move: Move) -> Move:
        teacher = scenario.teacher_by_id[move.teacher_id]
        return replace(move, reason=";".join(r.id for r in rules if r.serves(scenario, teacher, move)))

    return replace(
        plan,
        moves=tuple(reasoned(move) for move in plan.moves),
        exchanges=tuple(reasoned(move) for move in plan.exchanges),
        hires=tuple(
            replace(hire, reason=";".join(r.id for r in rules if r.serves_hire(scenario, hire)))
            for hire in plan.hires
        ),
    )
