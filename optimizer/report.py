"""The checker: every rule's check on a finished plan, and the summary counts.

It needs no solver, so it verifies any plan, a hand-made one from HR included. A plan that
breaks a hard rule shows it as a `violated` row with mode `hard`.
"""

from __future__ import annotations

from dataclasses import replace

from optimizer.outcome import Outcome
from optimizer.plan import Plan, RuleRow, Summary
from optimizer.rules import all_rules
from optimizer.rules.principal_rotation import RULE as PRINCIPAL_ROTATION
from optimizer.rules.shortage import RULE as SHORTAGE
from optimizer.rules.title_priority import RULE as TITLE_PRIORITY
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
    outcome = Outcome(scenario, plan)
    posts = SHORTAGE.posts(scenario)
    total = sum(short for _, _, _, short in posts)
    left = {
        (school_id, subject): max(0, required - outcome.subject_after(school_id, subject))
        for school_id, subject, required, _ in posts
    }
    remaining = sum(left.values())
    weighted_total = sum(SHORTAGE.unit_weight(scenario, subject) * short for _, subject, _, short in posts)
    weighted_left = sum(SHORTAGE.unit_weight(scenario, subject) * n for (_, subject), n in left.items())
    return Summary(
        status=status,
        objective=objective,
        bound=bound,
        gap=gap,
        solve_seconds=round(solve_seconds, 3),
        build_seconds=round(build_seconds, 3),
        eligible=sum(scenario.is_eligible(t) for t in scenario.teachers),
        rotating=len(plan.moves),
        backbone_rotating=sum(t.is_backbone for t, _ in outcome.moves),
        shortage_filled=max(0, total - remaining),
        shortage_total=total,
        shortage_weighted_filled=max(0.0, weighted_total - weighted_left),
        shortage_weighted_total=weighted_total,
        variables=variables,
        hard_violations=len(hard_violations(report)),
    )


def with_reasons(scenario: Scenario, plan: Plan) -> Plan:
    """The plan with each move's `reason`: the rule ids the move serves, `;`-separated."""
    outcome = Outcome(scenario, plan)
    due_leaders = {t.teacher_id for t in PRINCIPAL_ROTATION.due(scenario)}
    title_due = {t.teacher_id for t in TITLE_PRIORITY.due(scenario)}
    moves = []
    for teacher, move in outcome.moves:
        reasons = []
        pin = scenario.pin_by_teacher.get(teacher.teacher_id)
        if pin is not None and pin.action == "move_to":
            reasons.append("pins")
        if scenario.is_sending(scenario.school_by_id[move.from_school]):
            reasons.append("rotation_quota")
        if teacher.is_backbone:
            reasons.append("backbone_share")
        if scenario.shortage(move.to_school, move.subject) > 0:
            reasons.append("shortage")
        if teacher.teacher_id in due_leaders:
            reasons.append("principal_rotation")
        if scenario.owes_rural_service(teacher):
            reasons.append("new_teacher_bundle")
        if teacher.teacher_id in title_due:
            reasons.append("title_priority")
        if teacher.volunteer or move.to_school in teacher.preferred_schools:
            reasons.append("preferences")
        moves.append(replace(move, reason=";".join(reasons)))
    return Plan(tuple(moves))
