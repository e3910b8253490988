"""The immutable scenario: teachers, schools, demand, pins and policy of one planning year.

Loaders in `optimizer.io` build it after validation; everything downstream (model, checker,
report) reads it and never changes it. Derived facts that several rules need (ages, the
headcount at the start of the year, eligibility) live here so each is computed one way.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cached_property
from math import asin, cos, radians, sin, sqrt
from typing import Any, TypeVar

from optimizer.errors import Problem
from optimizer.policy import Policy
from optimizer.subjects import SUBJECT_NAMES_ZH, SUBJECTS, subject_code  # noqa: F401  (re-exported)

TEACHER_STAGES = ("primary", "junior", "both")
SCHOOL_STAGES = ("primary", "junior", "nine_year")
AREAS = ("urban", "town", "rural")
DEGREES = ("associate", "bachelor", "master", "doctor")
ROLES = ("teacher", "vice_principal", "principal")
PRINCIPAL_ROLES = ("vice_principal", "principal")
PIN_ACTIONS = ("move_to", "stay")
STINT_KINDS = ("rotation", "support", "itinerant", "exchange")
"""history.csv `kind`: 交流轮岗, 支教, 走教, 跟岗."""
T = TypeVar("T")
ROTATION_TERM = "rotation_term_years"
"""The policy's rotation term, by its SPEC meaning: whichever rule declares it (see Param.meaning)."""


def stage_fits(teacher_stage: str, school_stage: str) -> bool:
    """A primary teacher may teach in primary and nine-year schools, junior likewise; both anywhere."""
    return teacher_stage == "both" or school_stage == "nine_year" or teacher_stage == school_stage


def distance_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle distance in kilometres."""
    dlat, dlon = radians(lat2 - lat1), radians(lon2 - lon1)
    a = sin(dlat / 2) ** 2 + cos(radians(lat1)) * cos(radians(lat2)) * sin(dlon / 2) ** 2
    return 2 * 6371.0 * asin(sqrt(a))


@dataclass(frozen=True)
class Teacher:
    """One teacher, principal or vice-principal as of the start of the plan year."""

    teacher_id: str
    school_id: str
    subject: str
    stage: str
    gender: str
    birth_year: int
    years_at_school: int
    is_backbone: bool
    degree: str
    role: str = "teacher"
    name: str = ""
    other_subjects: tuple[str, ...] = ()
    title: str = ""
    terms_at_school: int = 0
    rural_years: int = 0
    weak_years: int = 0
    new_teacher_period: int = 0
    funded_graduate_owed_years: int = 0
    funded_graduate_years: int = 0
    """公费师范生: the rural service years the agreement requires in all (0: unknown or none);
    with history.csv the years owed are this total less the rural years served (optimizer.history)."""
    exempt_reason: str = ""
    volunteer: bool = False
    preferred_schools: tuple[str, ...] = ()
    plans_senior_title: bool = False
    spouse_id: str | None = None
    last_rotated_year: int | None = None
    on_rotation_from: str | None = None
    home_lat: float | None = None
    home_lon: float | None = None
    reserve_leader: bool = False
    """后备干部: may be named principal where a school's principal leaves (rule `leadership`)."""
    requested_term: int | None = None
    """The term (years) the teacher asks for, honoured when the policy allows it (rule `term`)."""

    @cached_property
    def subjects(self) -> tuple[str, ...]:
        """Main subject first, then the additional ones."""
        return (self.subject, *(s for s in self.other_subjects if s != self.subject))

    @property
    def is_principal(self) -> bool:
        return self.role in PRINCIPAL_ROLES

    @property
    def has_degree(self) -> bool:
        """Bachelor's degree or higher (本科及以上)."""
        return self.degree in ("bachelor", "master", "doctor")


@dataclass(frozen=True)
class School:
    school_id: str
    name: str
    region: str
    area: str
    is_weak: bool
    stage: str
    establishment: int
    max_incoming: int | None = None
    lat: float | None = None
    lon: float | None = None
    district: str = ""
    """The 学区 (school district) the school belongs to; 走教 stays inside one (rule `itinerant`)."""


@dataclass(frozen=True)
class Pin:
    """An HR decision: `move_to` a school, or `stay`."""

    teacher_id: str
    action: str
    school_id: str | None = None


@dataclass(frozen=True)
class Stint:
    """One row of history.csv: a teacher served at `to_school`, sent from `from_school`, in the
    school years `start_year` .. `end_year - 1`. `end_year` is the year the teacher is back (or
    due back) at `from_school`; None while the stint has no set end."""

    teacher_id: str
    from_school: str
    to_school: str
    start_year: int
    end_year: int | None
    kind: str = "rotation"

    def served_until(self, year: int) -> int:
        """Years of this stint served before `year` (the plan year): none for a stint not begun."""
        end = year if self.end_year is None else min(self.end_year, year)
        return max(0, end - self.start_year)


@dataclass(frozen=True)
class Standing:
    """Whether a teacher may be moved out this year and why; `reason` is a stable code."""

    eligible: bool
    reason: str
    detail_zh: str
    detail_en: str


@dataclass(frozen=True)
class Scenario:
    """A validated scenario. `demand` maps (school_id, subject) to the teachers required."""

    teachers: tuple[Teacher, ...]
    schools: tuple[School, ...]
    demand: dict[tuple[str, str], int]
    pins: tuple[Pin, ...]
    policy: Policy
    name: str = ""
    history: tuple[Stint, ...] = ()
    """Past and current stints (history.csv), oldest first; empty when the bundle has none."""
    source: str = field(default="", compare=False)
    warnings: tuple[Problem, ...] = field(default=(), compare=False)
    """What the loader skipped and said so (an unknown column), for the caller to show."""

    @cached_property
    def teacher_by_id(self) -> dict[str, Teacher]:
        return {t.teacher_id: t for t in self.teachers}

    @cached_property
    def school_by_id(self) -> dict[str, School]:
        return {s.school_id: s for s in self.schools}

    @cached_property
    def regions(self) -> tuple[str, ...]:
        return tuple(sorted({s.region for s in self.schools}))

    @cached_property
    def pin_by_teacher(self) -> dict[str, Pin]:
        return {p.teacher_id: p for p in self.pins}

    def pinned_school(self, teacher: Teacher) -> str | None:
        """The school HR pinned the teacher to (a `move_to` pin), if any."""
        pin = self.pin_by_teacher.get(teacher.teacher_id)
        return pin.school_id if pin is not None and pin.action == "move_to" else None

    def age(self, teacher: Teacher) -> int:
        return self.policy.year - teacher.birth_year

    def returns_this_year(self, teacher: Teacher) -> bool:
        """A teacher on rotation whose term ends this year goes back to the sending school: in
        the year the history's stint ends (an exchange's one year, a one-year 支教), else the
        policy's term after `last_rotated_year`."""
        if not teacher.on_rotation_from:
            return False
        due_back = self._due_back.get(teacher.teacher_id)
        if due_back is not None:
            return self.policy.year >= due_back
        if teacher.last_rotated_year is None:
            return False
        term_years = int(self.policy.meaning(ROTATION_TERM))
        return self.policy.year - teacher.last_rotated_year >= term_years

    @cached_property
    def _due_back(self) -> dict[str, int]:
        """teacher -> `end_year` of the latest begun stint at the teacher's school from the school
        they are on rotation from, where the history gives one."""
        latest: dict[str, tuple[int, int]] = {}
        for stint in self.history:
            teacher = self.teacher_by_id.get(stint.teacher_id)
            if (
                teacher is None
                or stint.end_year is None
                or stint.start_year > self.policy.year
                or (stint.from_school, stint.to_school) != (teacher.on_rotation_from, teacher.school_id)
            ):
                continue
            found = latest.get(stint.teacher_id)
            if found is None or stint.start_year >= found[0]:
                latest[stint.teacher_id] = (stint.start_year, stint.end_year)
        return {teacher_id: end_year for teacher_id, (_, end_year) in latest.items()}

    def home_school(self, teacher: Teacher) -> str:
        """The school a teacher belongs to once this year's returns are done (worked out once
        per teacher of the scenario: it is asked for every candidate move)."""
        home = self._home_of.get(teacher.teacher_id)
        return self._home_after_returns(teacher) if home is None else home

    @cached_property
    def _home_of(self) -> dict[str, str]:
        return {t.teacher_id: self._home_after_returns(t) for t in self.teachers}

    def _home_after_returns(self, teacher: Teacher) -> str:
        if self.returns_this_year(teacher) and teacher.on_rotation_from is not None:
            return teacher.on_rotation_from
        return teacher.school_id

    def region_of(self, teacher: Teacher) -> str:
        return self.school_by_id[self.home_school(teacher)].region

    @cached_property
    def staff_at(self) -> dict[str, tuple[Teacher, ...]]:
        """Staff of every school after this year's returns, before any move."""
        staff: dict[str, list[Teacher]] = {s.school_id: [] for s in self.schools}
        for teacher in self.teachers:
            staff[self.home_school(teacher)].append(teacher)
        return {school_id: tuple(members) for school_id, members in staff.items()}

    @cached_property
    def subject_headcount(self) -> Counter[tuple[str, str]]:
        """(school, subject) -> classroom teachers (role `teacher`) by main subject, before moves."""
        counts: Counter[tuple[str, str]] = Counter()
        for school_id, members in self.staff_at.items():
            for teacher in members:
                if teacher.role == "teacher":
                    counts[(school_id, teacher.subject)] += 1
        return counts

    @cached_property
    def _subjects_demanded(self) -> dict[str, tuple[str, ...]]:
        subjects: dict[str, list[str]] = {s.school_id: [] for s in self.schools}
        for (school_id, subject), required in sorted(self.demand.items()):
            if required > 0:
                subjects[school_id].append(subject)
        return {school_id: tuple(found) for school_id, found in subjects.items()}

    def subjects_demanded(self, school_id: str) -> tuple[str, ...]:
        """The subjects the school requires teachers of (`demand.csv`), in code order."""
        return self._subjects_demanded[school_id]

    def shortage(self, school_id: str, subject: str) -> int:
        required = self.demand.get((school_id, subject), 0)
        return max(0, required - self.subject_headcount[(school_id, subject)])

    def is_rural(self, school: School) -> bool:
        return school.area == "rural"

    def headcount(self, school_id: str) -> int:
        return len(self.staff_at[school_id])

    @cached_property
    def _derived(self) -> dict[str, Any]:
        return {}

    def derived(self, key: str, compute: Callable[[Scenario], T]) -> T:
        """A fact a rule derives once per scenario (who is eligible ...), kept under `key` (its
        rule id) by the rule that owns it, so the scenario stays free of rule logic."""
        found = self._derived.get(key)
        if found is None:
            found = self._derived[key] = compute(self)
        return found

    def owes_rural_service(self, teacher: Teacher) -> bool:
        """新教师城乡捆绑 / 公费师范生: must serve in a rural school and is not in one now."""
        school = self.school_by_id[self.home_school(teacher)]
        if self.is_rural(school) or teacher.on_rotation_from:
            return False
        if teacher.exempt_reason:
            return False
        new_teacher_due = teacher.new_teacher_period == 2 and teacher.rural_years == 0
        return new_teacher_due or teacher.funded_graduate_owed_years > 0

    def km_between_schools(self, school_a: str, school_b: str) -> float | None:
        a, b = self.school_by_id[school_a], self.school_by_id[school_b]
        if a.lat is None or a.lon is None or b.lat is None or b.lon is None:
            return None
        return distance_km(a.lat, a.lon, b.lat, b.lon)

    def commute_km(self, teacher: Teacher, school_id: str) -> float | None:
        """From the teacher's home if known, else from the current school."""
        school = self.school_by_id[school_id]
        if school.lat is None or school.lon is None:
            return None
        if teacher.home_lat is not None and teacher.home_lon is not None:
            return distance_km(teacher.home_lat, teacher.home_lon, school.lat, school.lon)
        return self.km_between_schools(self.home_school(teacher), school_id)
