"""Candidate moves: the (teacher, destination, post) triples the model may choose.

Variables exist only for candidates, so the model grows with the eligible pool and the
receiving schools, not with teachers × schools. The gate rules decide: a triple refused by a hard
gate rule is left out, unless it is a pinned move (then it stays in, and the refusing rule forbids
it under its own instance, so a clash with the pin shows up as a conflict); a triple refused only
by elastic gate rules stays in and pays their weight.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Protocol

from optimizer.scenario import Scenario, School, Teacher


class Gate(Protocol):
    """What candidate generation asks of a gate rule (`optimizer.rules.base.GateRule` has it)."""

    id: str

    def allows_school(self, scenario: Scenario, teacher: Teacher, to_school: School) -> bool: ...

    def allows(self, scenario: Scenario, teacher: Teacher, to_school: School, post: str) -> bool: ...


@dataclass(frozen=True)
class Candidate:
    index: int
    teacher_id: str
    from_school: str
    to_school: str
    post: str
    refused_by: tuple[str, ...]
    pinned: bool


def posts_at(
    scenario: Scenario, teacher: Teacher, school: School, subjects: tuple[str, ...] | None = None
) -> list[str]:
    """Posts the teacher could fill at `school`: the role for leaders, else demanded subjects.

    Subjects the teacher is qualified for (`subjects`, when the caller has them at hand) come
    first; when subject_fit is elastic, subjects in shortage there are offered too (at the rule's
    cost).
    """
    if teacher.is_principal:
        return [teacher.role]
    subjects = teacher.subjects if subjects is None else subjects
    demanded = [s for s in subjects if scenario.demand.get((school.school_id, s), 0) > 0]
    if not scenario.policy.is_hard("subject_fit"):
        demanded += [
            subject
            for (school_id, subject) in scenario.demand
            if school_id == school.school_id
            and subject not in demanded
            and scenario.shortage(school_id, subject) > 0
        ]
    return demanded


def may_leave(scenario: Scenario, teacher: Teacher) -> bool:
    """A cheap pre-filter: teachers who can have no candidate at all are skipped early."""
    eligibility = scenario.eligibility[teacher.teacher_id]
    if eligibility.eligible or teacher.teacher_id in scenario.pin_by_teacher:
        return True
    if scenario.owes_rural_service(teacher):
        return True
    relaxable = eligibility.reason in ("too_few_years", "too_few_terms", "cooldown")
    return relaxable and not scenario.policy.is_hard("eligibility")


def enumerate_candidates(scenario: Scenario, gates: Sequence[Gate]) -> list[Candidate]:
    schools_by_region: dict[str, list[School]] = {}
    for school in scenario.schools:
        schools_by_region.setdefault(school.region, []).append(school)
    # With subject_fit hard, a classroom teacher can only go where one of their subjects is in
    # demand: looking only there skips most (teacher, school) pairs of a large county.
    demanding: dict[tuple[str, str], set[str]] = {}
    for (school_id, subject), required in scenario.demand.items():
        if required > 0:
            demanding.setdefault((scenario.school_by_id[school_id].region, subject), set()).add(school_id)
    narrow = scenario.policy.is_hard("subject_fit")
    hard_gates = [g for g in gates if scenario.policy.is_hard(g.id)]
    elastic_gates = [g for g in gates if not scenario.policy.is_hard(g.id)]
    pins_hard = scenario.policy.is_hard("pins")
    candidates: list[Candidate] = []
    for teacher in scenario.teachers:
        if not may_leave(scenario, teacher):
            continue
        home = scenario.home_school(teacher)
        pin = scenario.pin_by_teacher.get(teacher.teacher_id)
        pinned_to = pin.school_id if pin is not None and pin.action == "move_to" else None
        if pinned_to is not None and pins_hard:
            destinations: Iterable[School] = [scenario.school_by_id[pinned_to]]
        else:
            region = scenario.school_by_id[home].region
            destinations = schools_by_region[region]
            if narrow and not teacher.is_principal:
                wanted = set().union(*(demanding.get((region, s), set()) for s in teacher.subjects))
                wanted.add(pinned_to or home)
                destinations = [school for school in destinations if school.school_id in wanted]
        subjects = teacher.subjects
        for school in destinations:
            if school.school_id == home:
                continue
            is_pinned = school.school_id == pinned_to
            # A hard refusal drops the move unless pinned: the first one ends the checks.
            if not is_pinned and not all(g.allows_school(scenario, teacher, school) for g in hard_gates):
                continue
            posts = posts_at(scenario, teacher, school, subjects)
            if is_pinned and not posts:
                posts = [teacher.role if teacher.is_principal else teacher.subject]
            for post in posts:
                if not is_pinned and not all(g.allows(scenario, teacher, school, post) for g in hard_gates):
                    continue
                checked = gates if is_pinned else elastic_gates
                refused = tuple(g.id for g in checked if not g.allows(scenario, teacher, school, post))
                candidates.append(
                    Candidate(
                        index=len(candidates),
                        teacher_id=teacher.teacher_id,
                        from_school=home,
                        to_school=school.school_id,
                        post=post,
                        refused_by=refused,
                        pinned=is_pinned,
                    )
                )
    return candidates
