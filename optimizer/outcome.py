"""The state of every school once a plan is carried out: the checker's counterpart of the model.

`ModelBuilder` expresses the same quantities as linear expressions over the move variables;
rules compute report rows from these plain counts, so the two must agree and tests check it.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from functools import cached_property

from optimizer.plan import Move, Plan
from optimizer.scenario import Scenario, Teacher


@dataclass(frozen=True)
class Outcome:
    scenario: Scenario
    plan: Plan

    @cached_property
    def moves(self) -> tuple[tuple[Teacher, Move], ...]:
        by_id = self.scenario.teacher_by_id
        return tuple((by_id[m.teacher_id], m) for m in self.plan.moves)

    @cached_property
    def departures(self) -> Counter[str]:
        return Counter(m.from_school for _, m in self.moves)

    @cached_property
    def arrivals(self) -> Counter[str]:
        return Counter(m.to_school for _, m in self.moves)

    def headcount_after(self, school_id: str) -> int:
        return self.scenario.headcount(school_id) + self.arrivals[school_id] - self.departures[school_id]

    @cached_property
    def _subject_delta(self) -> Counter[tuple[str, str]]:
        delta: Counter[tuple[str, str]] = Counter()
        for teacher, move in self.moves:
            delta[(move.to_school, move.subject)] += 1
            if teacher.role == "teacher":
                delta[(move.from_school, teacher.subject)] -= 1
        return delta

    def subject_after(self, school_id: str, subject: str) -> int:
        return (
            self.scenario.subject_headcount[(school_id, subject)] + self._subject_delta[(school_id, subject)]
        )

    def school_after(self, teacher: Teacher) -> str:
        move = self.plan.move_of(teacher.teacher_id)
        return move.to_school if move else self.scenario.home_school(teacher)

    @cached_property
    def staff_after(self) -> dict[str, tuple[Teacher, ...]]:
        staff: dict[str, list[Teacher]] = {s.school_id: [] for s in self.scenario.schools}
        for teacher in self.scenario.teachers:
            staff[self.school_after(teacher)].append(teacher)
        return {school_id: tuple(members) for school_id, members in staff.items()}

    def moves_from_region(self, region: str) -> list[tuple[Teacher, Move]]:
        schools = self.scenario.school_by_id
        return [(t, m) for t, m in self.moves if schools[m.from_school].region == region]
