"""Every school before and after a plan: the numbers HR shows to explain what the plan did to it.

Counts come from `Outcome`, the same arithmetic the rules check, so a school's table and the rule
report never disagree. Values are plain frozen dataclasses, ready for JSON, Excel or explanations.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from optimizer.outcome import Outcome
from optimizer.plan import Plan
from optimizer.scenario import Scenario
from optimizer.subjects import SUBJECTS


@dataclass(frozen=True)
class SubjectBalance:
    """Classroom teachers of one subject (by the post they fill) against the school's demand."""

    subject: str
    required: int
    before: int
    after: int

    @property
    def shortage_before(self) -> int:
        return max(0, self.required - self.before)

    @property
    def shortage_after(self) -> int:
        return max(0, self.required - self.after)

    def to_dict(self) -> dict[str, Any]:
        return {
            "subject": self.subject,
            "required": self.required,
            "before": self.before,
            "after": self.after,
            "shortage_before": self.shortage_before,
            "shortage_after": self.shortage_after,
        }


@dataclass(frozen=True)
class SchoolBalance:
    """One school before and after the plan. Headcounts include principals; `moves_out` and
    `moves_in` are teacher ids."""

    school_id: str
    name: str
    region: str
    area: str
    is_weak: bool
    establishment: int
    headcount_before: int
    headcount_after: int
    backbone_before: int
    backbone_after: int
    degree_before: int
    degree_after: int
    subjects: tuple[SubjectBalance, ...]
    moves_out: tuple[str, ...]
    moves_in: tuple[str, ...]

    def to_dict(self) -> dict[str, Any]:
        return {
            "school_id": self.school_id,
            "name": self.name,
            "region": self.region,
            "area": self.area,
            "is_weak": self.is_weak,
            "establishment": self.establishment,
            "headcount_before": self.headcount_before,
            "headcount_after": self.headcount_after,
            "backbone_before": self.backbone_before,
            "backbone_after": self.backbone_after,
            "degree_before": self.degree_before,
            "degree_after": self.degree_after,
            "subjects": [s.to_dict() for s in self.subjects],
            "moves_out": list(self.moves_out),
            "moves_in": list(self.moves_in),
        }


def school_balance(scenario: Scenario, plan: Plan) -> list[SchoolBalance]:
    """Every school in scenario order; subjects are those demanded or taught there, in SUBJECTS order."""
    outcome = Outcome(scenario, plan)
    balances = []
    for school in scenario.schools:
        school_id = school.school_id
        before = scenario.staff_at[school_id]
        after = outcome.staff_after[school_id]
        subjects = tuple(
            SubjectBalance(
                subject=subject,
                required=scenario.demand.get((school_id, subject), 0),
                before=scenario.subject_headcount[(school_id, subject)],
                after=outcome.subject_after(school_id, subject),
            )
            for subject in SUBJECTS
        )
        subjects = tuple(
            s for s in subjects if (school_id, s.subject) in scenario.demand or s.before or s.after
        )
        balances.append(
            SchoolBalance(
                school_id=school_id,
                name=school.name,
                region=school.region,
                area=school.area,
                is_weak=school.is_weak,
                establishment=school.establishment,
                headcount_before=len(before),
                headcount_after=outcome.headcount_after(school_id),
                backbone_before=sum(t.is_backbone for t in before),
                backbone_after=sum(t.is_backbone for t in after),
                degree_before=sum(t.has_degree for t in before),
                degree_after=sum(t.has_degree for t in after),
                subjects=subjects,
                moves_out=tuple(t.teacher_id for t, m in outcome.moves if m.from_school == school_id),
                moves_in=tuple(t.teacher_id for t, m in outcome.moves if m.to_school == school_id),
            )
        )
    return balances
