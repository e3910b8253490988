"""Plans side by side, and what changed between a plan and its re-plan.

`compare_plans` puts the figures planners weigh against each other (rotating count, backbone
share, shortage filled by subject, rural staffing, unmet posts over the county with the hires,
exchanges, 走教 and heads that staff them, rules violated, objective) next to each other
and counts the moves any two plans share. Each plan is judged against its own scenario, so
variants of one county (a higher quota, a merged school) compare fairly. `diff_plans` lists the
moves a re-plan added, dropped or redirected, the same notion of change the re-plan's cost uses.

The values are plain records, derived figures included, so `dataclasses.asdict` is their JSON.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from itertools import combinations
from typing import NamedTuple

from optimizer.outcome import Outcome
from optimizer.plan import Move, Plan, Summary
from optimizer.report import check_plan
from optimizer.rules import figures, shortage_posts, targets
from optimizer.scenario import Scenario


class PlanEntry(NamedTuple):
    """One plan to compare: a label for the reader, its scenario (with the policy it was solved
    under), the plan and its summary."""

    label: str
    scenario: Scenario
    plan: Plan
    summary: Summary


@dataclass(frozen=True)
class SubjectShortage:
    """Unfilled posts of one subject, summed over the receiving schools, before and after."""

    subject: str
    before: int
    """Unfilled posts at receiving schools before the plan."""
    after: int
    filled: int
    """before − after."""


@dataclass(frozen=True)
class RuralStaffing:
    """Rural schools together: headcount against establishment (编制), and how many stay short."""

    schools: int
    establishment: int
    """编制 summed over the rural schools."""
    headcount_before: int
    headcount_after: int
    understaffed_after: int
    """Rural schools below their establishment after the plan."""


@dataclass(frozen=True)
class CountyStaffing:
    """Every school's demand before and after the plan, and what staffs it (the summary's figures)."""

    unmet_before: float
    """Posts demanded and not taught, over every school and subject, before the plan."""
    unmet_after: float
    filled: float
    """Of the posts unmet before, those the plan fills (走教 shares count)."""
    still_open: float
    """Of the posts unmet before, those still unmet after the plan."""
    created: float
    """Posts taught before and unmet after: vacancies the plan opens."""
    hires: int
    hire_budget: int
    exchanges: int
    itinerant_assignments: int
    """走教 assignments."""
    schools_with_principal_before: int
    schools_with_principal_after: int


@dataclass(frozen=True)
class RuleViolations:
    """The violated instances of one rule: how many and their summed shortfall (rule's unit)."""

    rule: str
    mode: str
    """hard or elastic"""
    count: int
    """Violated instances of the rule."""
    shortfall: float
    """Their summed shortfall, in the rule's unit."""


@dataclass(frozen=True)
class PlanFigures:
    """What planners weigh of one plan, judged against its own scenario."""

    label: str
    status: str
    objective: float | None
    eligible: int
    rotating: int
    backbone_rotating: int
    backbone_share: float
    """backbone_rotating / rotating (4 decimals), 0 without moves."""
    shortage_filled: int
    shortage_total: int
    shortage_by_subject: tuple[SubjectShortage, ...]
    rural: RuralStaffing
    county: CountyStaffing
    hard_violations: int
    """Violated instances of hard rules."""
    elastic_violations: int
    violations: tuple[RuleViolations, ...]
    targets: dict[str, float]
    """Targets the rules set on these figures (`backbone_share` ...), from the plan's policy."""


@dataclass(frozen=True)
class Overlap:
    """Moves two plans share (same teacher to the same school) and their Jaccard index."""

    first: str
    """A plan's label."""
    second: str
    common: int
    """Moves in both: the same teacher to the same school."""
    only_first: int
    only_second: int
    jaccard: float
    """common / moves in either (4 decimals); 1 when both are empty."""


@dataclass(frozen=True)
class Comparison:
    plans: tuple[PlanFigures, ...]
    """In the order given."""
    overlaps: tuple[Overlap, ...]
    """Every pair of plans."""


def compare_plans(entries: list[PlanEntry]) -> Comparison:
    """Every plan's figures in the given order, and the overlap of every pair."""
    plans = tuple(_figures(entry) for entry in entries)
    overlaps = tuple(_overlap(a, b) for a, b in combinations(entries, 2))
    return Comparison(plans, overlaps)


def _figures(entry: PlanEntry) -> PlanFigures:
    scenario, plan, summary = entry.scenario, entry.plan, entry.summary
    outcome = Outcome(scenario, plan)
    before: Counter[str] = Counter()
    after: Counter[str] = Counter()
    for school_id, subject, required, short in shortage_posts(scenario):
        before[subject] += short
        after[subject] += max(0, required - outcome.subject_after(school_id, subject))
    rural = [s for s in scenario.schools if scenario.is_rural(s)]
    violated: dict[tuple[str, str], list[float]] = {}
    for row in check_plan(scenario, plan):
        if row.status == "violated":
            violated.setdefault((row.rule, row.mode), []).append(row.shortfall)
    violations = tuple(
        RuleViolations(rule, mode, len(shortfalls), round(float(sum(shortfalls)), 4))
        for (rule, mode), shortfalls in violated.items()
    )
    rotating = len(plan.moves)
    backbone_rotating = sum(teacher.is_backbone for teacher, _ in outcome.moves)
    stated = figures(scenario, outcome)
    return PlanFigures(
        label=entry.label,
        status=summary.status,
        objective=summary.objective,
        eligible=summary.eligible,
        rotating=rotating,
        backbone_rotating=backbone_rotating,
        backbone_share=round(backbone_rotating / rotating, 4) if rotating else 0.0,
        shortage_filled=summary.shortage_filled,
        shortage_total=summary.shortage_total,
        shortage_by_subject=tuple(
            SubjectShortage(s, before[s], after[s], before[s] - after[s]) for s in sorted(before)
        ),
        rural=RuralStaffing(
            schools=len(rural),
            establishment=sum(s.establishment for s in rural),
            headcount_before=sum(scenario.headcount(s.school_id) for s in rural),
            headcount_after=sum(outcome.headcount_after(s.school_id) for s in rural),
            understaffed_after=sum(outcome.headcount_after(s.school_id) < s.establishment for s in rural),
        ),
        county=CountyStaffing(
            unmet_before=stated["unmet_before"],
            unmet_after=stated["unmet_after"],
            filled=stated["vacancies_filled"],
            still_open=stated["vacancies_open"],
            created=stated["vacancies_created"],
            hires=int(stated["hires"]),
            hire_budget=int(stated["hire_budget"]),
            exchanges=int(stated["exchanges"]),
            itinerant_assignments=int(stated["itinerant_assignments"]),
            schools_with_principal_before=int(stated["schools_with_principal_before"]),
            schools_with_principal_after=int(stated["schools_with_principal_after"]),
        ),
        hard_violations=sum(v.count for v in violations if v.mode == "hard"),
        elastic_violations=sum(v.count for v in violations if v.mode == "elastic"),
        violations=violations,
        targets=targets(scenario.policy),
    )


def _destinations(plan: Plan) -> set[tuple[str, str]]:
    return {(m.teacher_id, m.to_school) for m in plan.moves}


def _overlap(a: PlanEntry, b: PlanEntry) -> Overlap:
    first, second = _destinations(a.plan), _destinations(b.plan)
    common, union = len(first & second), len(first | second)
    jaccard = round(common / union, 4) if union else 1.0
    return Overlap(a.label, b.label, common, len(first) - common, len(second) - common, jaccard)


@dataclass(frozen=True)
class Redirect:
    """A teacher who moves in both plans, to another school or post."""

    teacher_id: str
    before: Move
    after: Move


@dataclass(frozen=True)
class PlanDiff:
    """A new plan against an old one. A move is redirected when the teacher moves in both plans
    but to another school or post; `unchanged` counts moves identical in destination and post."""

    added: tuple[Move, ...]
    """Moves only in the new plan."""
    removed: tuple[Move, ...]
    """Moves only in the old plan."""
    redirected: tuple[Redirect, ...]
    unchanged: int
    changed: int
    """added + removed + redirected."""


def diff_plans(old: Plan, new: Plan) -> PlanDiff:
    """Added and redirected in the new plan's order, removed in the old plan's order."""
    added, redirected, unchanged = [], [], 0
    for move in new.moves:
        before = old.move_of(move.teacher_id)
        if before is None:
            added.append(move)
        elif (before.to_school, before.subject) != (move.to_school, move.subject):
            redirected.append(Redirect(move.teacher_id, before, move))
        else:
            unchanged += 1
    removed = tuple(m for m in old.moves if new.move_of(m.teacher_id) is None)
    changed = len(added) + len(removed) + len(redirected)
    return PlanDiff(tuple(added), removed, tuple(redirected), unchanged, changed)
