"""Candidate moves: the (teacher, destination, post) triples the model may choose.

Variables exist only for candidates, so the model grows with the eligible pool and the
receiving schools, not with teachers × schools. The gate rules decide: a triple refused by a hard
gate rule is left out, unless it is a pinned move (then it stays in, and the refusing rule forbids
it under its own instance, so a clash with the pin shows up as a conflict); a triple refused only
by elastic gate rules stays in and pays their weight.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol

from optimizer.policy import Policy
from optimizer.scenario import Scenario, School, Teacher


class Gate(Protocol):
    """What candidate generation asks of a gate rule (`optimizer.rules.base.GateRule` has it)."""

    id: str

    def allows_school(self, scenario: Scenario, teacher: Teacher, to_school: School) -> bool: ...

    def allows(self, scenario: Scenario, teacher: Teacher, to_school: School, post: str) -> bool: ...

    def may_leave(self, scenario: Scenario, teacher: Teacher) -> bool: ...

    def destinations(self, scenario: Scenario, teacher: Teacher, schools: list[School]) -> list[School]: ...

    refuses_moves: bool

    post_blind: bool

    def opens_posts(self, policy: Policy) -> bool: ...

    def extra_posts(self, scenario: Scenario, teacher: Teacher, school: School) -> list[str]: ...


@dataclass(frozen=True)
class Candidate:
    index: int
    teacher_id: str
    from_school: str
    to_school: str
    post: str
    refused_by: tuple[str, ...]
    pinned: bool


def post_openers(scenario: Scenario, gates: Sequence[Gate]) -> list[Gate]:
    """The gates that open posts beyond a teacher's own subjects under this scenario's policy."""
    return [g for g in gates if g.opens_posts(scenario.policy)]


def posts_at(
    scenario: Scenario,
    openers: Sequence[Gate],
    teacher: Teacher,
    school: School,
    subjects: tuple[str, ...] | None = None,
) -> list[str]:
    """Posts the teacher could fill at `school`: the role for leaders, else demanded subjects.

    Subjects the teacher is qualified for (`subjects`, when the caller has them at hand) come
    first, then the posts the `openers` (see `post_openers`) open beyond them, at their cost.
    """
    if teacher.is_principal:
        return [teacher.role]
    subjects = teacher.subjects if subjects is None else subjects
    demanded = [s for s in subjects if scenario.demand.get((school.school_id, s), 0) > 0]
    for gate in openers:
        demanded += [post for post in gate.extra_posts(scenario, teacher, school) if post not in demanded]
    return demanded


def enumerate_candidates(scenario: Scenario, gates: Sequence[Gate]) -> list[Candidate]:
    schools_by_region: dict[str, list[School]] = {}
    for school in scenario.schools:
        schools_by_region.setdefault(school.region, []).append(school)
    refusing = [g for g in gates if g.refuses_moves]
    # A post-blind gate's answer for a school holds for its every post: asked once per school.
    hard_post_gates = [g for g in refusing if scenario.policy.is_hard(g.id) and not g.post_blind]
    elastic_gates = [g for g in refusing if not scenario.policy.is_hard(g.id)]
    openers = post_openers(scenario, gates)
    candidates: list[Candidate] = []
    for teacher in scenario.teachers:
        if not all(g.may_leave(scenario, teacher) for g in gates):
            continue
        home = scenario.home_school(teacher)
        pinned_to = scenario.pinned_school(teacher)
        # Each gate narrows the region's schools in bulk; a hard gate keeps only the schools it
        # allows (and a pinned one).
        destinations = schools_by_region[scenario.school_by_id[home].region]
        for gate in gates:
            destinations = gate.destinations(scenario, teacher, destinations)
        subjects = teacher.subjects
        for school in destinations:
            if school.school_id == home:
                continue
            is_pinned = school.school_id == pinned_to
            posts = posts_at(scenario, openers, teacher, school, subjects)
            if is_pinned and not posts:
                posts = [teacher.role if teacher.is_principal else teacher.subject]
            checked = refusing if is_pinned else elastic_gates
            refused_school = {
                g.id for g in checked if g.post_blind and not g.allows_school(scenario, teacher, school)
            }
            for post in posts:
                allowed = (g.allows(scenario, teacher, school, post) for g in hard_post_gates)
                if not is_pinned and not all(allowed):
                    continue
                refused = tuple(
                    g.id
                    for g in checked
                    if g.id in refused_school
                    or not (g.post_blind or g.allows(scenario, teacher, school, post))
                )
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
