"""Plans side by side, and what changed between a plan and its re-plan.

`compare_plans` puts the figures planners weigh against each other (rotating count, backbone
share, shortage filled by subject, rural staffing, rules violated, objective) next to each other
and counts the moves any two plans share. Each plan is judged against its own scenario, so
variants of one county (a higher quota, a merged school) compare fairly. `diff_plans` lists the
moves a re-plan added, dropped or redirected, the same notion of change the re-plan's cost uses.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import asdict, dataclass
from itertools import combinations
from typing import Any, NamedTuple

from optimizer.outcome import Outcome
from optimizer.plan import Move, Plan, Summary
from optimizer.report import check_plan
from optimizer.rules import shortage_posts
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
    after: int

    def to_dict(self) -> dict[str, Any]:
        return {**asdict(self), "filled": self.before - self.after}


@dataclass(frozen=True)
class RuralStaffing:
    """Rural schools together: headcount against establishment (编制), and how many stay short."""

    schools: int
    establishment: int
    headcount_before: int
    headcount_after: int
    understaffed_after: int

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True)
class RuleViolations:
    """The violated instances of one rule: how many and their summed shortfall (rule's unit)."""

    rule: str
    mode: str
    count: int
    shortfall: float

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True)
class PlanFigures:
    label: str
    status: str
    objective: float | None
    eligible: int
    rotating: int
    backbone_rotating: int
    shortage_filled: int
    shortage_total: int
    shortage_by_subject: tuple[SubjectShortage, ...]
    rural: RuralStaffing
    violations: tuple[RuleViolations, ...]

    @property
    def backbone_share(self) -> float:
        return round(self.backbone_rotating / self.rotating, 4) if self.rotating else 0.0

    def to_dict(self) -> dict[str, Any]:
        return {
            "label": self.label,
            "status": self.status,
            "objective": self.objective,
            "eligible": self.eligible,
            "rotating": self.rotating,
            "backbone_rotating": self.backbone_rotating,
            "backbone_share": self.backbone_share,
            "shortage_filled": self.shortage_filled,
            "shortage_total": self.shortage_total,
            "shortage_by_subject": [s.to_dict() for s in self.shortage_by_subject],
            "rural": self.rural.to_dict(),
            "hard_violations": sum(v.count for v in self.violations if v.mode == "hard"),
            "elastic_violations": sum(v.count for v in self.violations if v.mode == "elastic"),
            "violations": [v.to_dict() for v in self.violations],
        }


@dataclass(frozen=True)
class Overlap:
    """Moves two plans share (same teacher to the same school) and their Jaccard index."""

    first: str
    second: str
    common: int
    only_first: int
    only_second: int

    @property
    def jaccard(self) -> float:
        union = self.common + self.only_first + self.only_second
        return round(self.common / union, 4) if union else 1.0

    def to_dict(self) -> dict[str, Any]:
        return {**asdict(self), "jaccard": self.jaccard}


@dataclass(frozen=True)
class Comparison:
    plans: tuple[PlanFigures, ...]
    overlaps: tuple[Overlap, ...]

    def to_dict(self) -> dict[str, Any]:
        return {
            "plans": [p.to_dict() for p in self.plans],
            "overlaps": [o.to_dict() for o in self.overlaps],
        }


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
    return PlanFigures(
        label=entry.label,
        status=summary.status,
        objective=summary.objective,
        eligible=summary.eligible,
        rotating=len(plan.moves),
        backbone_rotating=sum(teacher.is_backbone for teacher, _ in outcome.moves),
        shortage_filled=summary.shortage_filled,
        shortage_total=summary.shortage_total,
        shortage_by_subject=tuple(SubjectShortage(s, before[s], after[s]) for s in sorted(before)),
        rural=RuralStaffing(
            schools=len(rural),
            establishment=sum(s.establishment for s in rural),
            headcount_before=sum(scenario.headcount(s.school_id) for s in rural),
            headcount_after=sum(outcome.headcount_after(s.school_id) for s in rural),
            understaffed_after=sum(outcome.headcount_after(s.school_id) < s.establishment for s in rural),
        ),
        violations=tuple(
            RuleViolations(rule, mode, len(shortfalls), round(float(sum(shortfalls)), 4))
            for (rule, mode), shortfalls in violated.items()
        ),
    )


def _destinations(plan: Plan) -> set[tuple[str, str]]:
    return {(m.teacher_id, m.to_school) for m in plan.moves}


def _overlap(a: PlanEntry, b: PlanEntry) -> Overlap:
    first, second = _destinations(a.plan), _destinations(b.plan)
    common = len(first & second)
    return Overlap(a.label, b.label, common, len(first) - common, len(second) - common)


@dataclass(frozen=True)
class PlanDiff:
    """A new plan against an old one. A move is redirected when the teacher moves in both plans
    but to another school or post; `unchanged` counts moves identical in destination and post."""

    added: tuple[Move, ...]
    removed: tuple[Move, ...]
    redirected: tuple[tuple[Move, Move], ...]
    unchanged: int

    @property
    def changed(self) -> int:
        return len(self.added) + len(self.removed) + len(self.redirected)

    def to_dict(self) -> dict[str, Any]:
        return {
            "added": [asdict(m) for m in self.added],
            "removed": [asdict(m) for m in self.removed],
            "redirected": [
                {"teacher_id": new.teacher_id, "before": asdict(old), "after": asdict(new)}
                for old, new in self.redirected
            ],
            "unchanged": self.unchanged,
            "changed": self.changed,
        }


def diff_plans(old: Plan, new: Plan) -> PlanDiff:
    """Added and redirected in the new plan's order, removed in the old plan's order."""
    added, redirected, unchanged = [], [], 0
    for move in new.moves:
        before = old.move_of(move.teacher_id)
        if before is None:
            added.append(move)
        elif (before.to_school, before.subject) != (move.to_school, move.subject):
            redirected.append((before, move))
        else:
            unchanged += 1
    removed = tuple(m for m in old.moves if new.move_of(m.teacher_id) is None)
    return PlanDiff(tuple(added), removed, tuple(redirected), unchanged)
