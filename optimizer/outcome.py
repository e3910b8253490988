"""The state of every school once a plan is carried out: the checker's counterpart of the model.

`ModelBuilder` expresses the same quantities as linear expressions over the plan's variables;
rules compute report rows from these plain counts, so the two must agree and tests check it.
Rotation moves are `moves`, `arrivals` and `departures`; headcounts and posts after the plan also
count exchanges and hires, and `covered` adds the shares of posts taught by 走教.
"""

from __future__ import annotations

from collections import Counter, defaultdict
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

    @cached_property
    def hires_at(self) -> Counter[str]:
        counts: Counter[str] = Counter()
        for hire in self.plan.hires:
            counts[hire.school_id] += hire.posts
        return counts

    @cached_property
    def _headcount_delta(self) -> Counter[str]:
        delta: Counter[str] = Counter()
        delta.update(self.arrivals)
        delta.subtract(self.departures)
        delta.update(self.hires_at)
        for move in self.plan.exchanges:
            delta[move.to_school] += 1
            delta[move.from_school] -= 1
        return delta

    def headcount_after(self, school_id: str) -> int:
        """Staff after the moves, exchanges and hires (走教 teachers stay on their home staff)."""
        return self.scenario.headcount(school_id) + self._headcount_delta[school_id]

    @cached_property
    def _subject_delta(self) -> Counter[tuple[str, str]]:
        by_id = self.scenario.teacher_by_id
        delta: Counter[tuple[str, str]] = Counter()
        for move in (*self.plan.moves, *self.plan.exchanges):
            teacher = by_id[move.teacher_id]
            delta[(move.to_school, move.subject)] += 1
            if teacher.role == "teacher":
                delta[(move.from_school, teacher.subject)] -= 1
        for hire in self.plan.hires:
            delta[(hire.school_id, hire.subject)] += hire.posts
        return delta

    def subject_after(self, school_id: str, subject: str) -> int:
        """Whole teachers of `subject` at the school after moves, exchanges and hires."""
        return (
            self.scenario.subject_headcount[(school_id, subject)] + self._subject_delta[(school_id, subject)]
        )

    @cached_property
    def _shares(self) -> dict[tuple[str, str], float]:
        """Shares of posts taught by 走教: added where taught, taken from the teacher's home post."""
        by_id = self.scenario.teacher_by_id
        shares: dict[tuple[str, str], float] = defaultdict(float)
        for assignment in self.plan.itinerant:
            shares[(assignment.school_id, assignment.subject)] += assignment.share
            home_subject = by_id[assignment.teacher_id].subject
            shares[(assignment.home_school, home_subject)] -= assignment.share
        return shares

    def covered(self, school_id: str, subject: str) -> float:
        """Posts of `subject` the school has taught after the plan, 走教 shares included."""
        return round(self.subject_after(school_id, subject) + self._shares.get((school_id, subject), 0.0), 6)

    def school_after(self, teacher: Teacher) -> str:
        move = self.plan.move_of(teacher.teacher_id) or self.plan.exchange_by_teacher.get(teacher.teacher_id)
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
