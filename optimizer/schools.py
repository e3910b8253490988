"""Every school before and after a plan: the numbers HR shows to explain what the plan did to it.

Counts come from `Outcome`, the same arithmetic the rules check, so a school's table and the rule
report never disagree. Values are plain frozen dataclasses (`dataclasses.asdict` is their JSON),
ready for JSON, Excel or explanations.
"""

from __future__ import annotations

from dataclasses import dataclass

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
    shortage_before: int
    """max(0, required − before)."""
    shortage_after: int
    """max(0, required − after)."""


@dataclass(frozen=True)
class SchoolBalance:
    """One school before and after the plan. Headcounts include principals."""

    school_id: str
    name: str
    region: str
    area: str
    is_weak: bool
    establishment: int
    """编制 headcount."""
    headcount_before: int
    headcount_after: int
    backbone_before: int
    backbone_after: int
    degree_before: int
    """Staff with a bachelor's degree or higher."""
    degree_after: int
    subjects: tuple[SubjectBalance, ...]
    moves_out: tuple[str, ...]
    """Teacher ids leaving."""
    moves_in: tuple[str, ...]
    """Teacher ids arriving."""


def school_balance(scenario: Scenario, plan: Plan) -> list[SchoolBalance]:
    """Every school in scenario order; subjects are those demanded or taught there, in SUBJECTS order."""
    outcome = Outcome(scenario, plan)
    balances = []
    for school in scenario.schools:
        school_id = school.school_id
        before = scenario.staff_at[school_id]
        after = outcome.staff_after[school_id]
        subjects = tuple(
            _subject_balance(
                subject,
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


def _subject_balance(subject: str, required: int, before: int, after: int) -> SubjectBalance:
    return SubjectBalance(
        subject, required, before, after, max(0, required - before), max(0, required - after)
    )
