"""Roll a county forward one year: next year's scenario from this year's and its plan (SPEC
"Years, not one year").

The next scenario lists every teacher as of the start of year Y+1, the way HR would have written
the bundle by hand, so that the loader's history checks (`optimizer.history`) agree with it:

- Returns: a teacher whose term ends in Y (`Scenario.returns_this_year`) went back to the sending
  school in Y and is there at Y+1, no longer on rotation; the stint of the history ends in Y (as
  does the running stint of a teacher on rotation whom the plan moves on: a pinned move).
- Moves: a teacher the plan moves (a rotation or an exchange) sits at the receiving school at Y+1
  with `on_rotation_from` the sending school and `last_rotated_year` Y, and the history gains the
  stint (Y .. Y + the move's term; an exchange lasts one year). A teacher is listed at the
  receiving school up to and including the year they are due back, when the scenario of that
  year sends them home, as it does for year Y.
- Years at school count the consecutive years at the school where the teacher is listed (the
  2014 opinion's "在同一所学校连续任教"): a stayer's grow by one; a mover starts at 1 at the
  receiving school (year Y served there), a teacher back home in Y at 1 at home. A rotation breaks
  the count, so a teacher who comes back waits `min_years_at_school` again before rotating.
- Principals and vice-principals count terms of LEADER_TERM_YEARS at the school, the one begun
  included (as the generator draws them): a stayer begins a new term every LEADER_TERM_YEARS
  years, a leader who moves begins the first term at the receiving school.
- Rural and weak years, and the years a 公费师范生 owes, follow the year just served (at the
  receiving school for a mover, else at home); 走教 changes none of them. Every column the
  history decides is then taken from it (`optimizer.history.derived_teacher`), as the loader
  does: a 公费师范生's agreement left blank is filled in, for one.
- Leaders: who heads each school after the plan (`leaders_after`): an acting vice-principal, an
  arriving vice-principal or a reserve leader (后备干部) becomes its principal. A school whose
  principal retires is headed by its vice-principal, else its reserve leader, when it has one.
- Retirement: a teacher who reaches the retirement age (`retirement_age`) at Y+1 leaves, with
  their history rows (history.csv describes the county's teachers); a spouse left behind is no
  longer linked.
- Hires: each post of a Hire becomes a new teacher (see `hired_teachers`) in the first contract
  period (聘期) of 新教师城乡捆绑. Other teachers keep their `new_teacher_period`: the policy sets
  no period length, so HR moves a teacher into the second period.
- Pins were this year's decisions and are dropped; schools, demand and the rest of the policy
  stay; ages follow from `birth_year` and the policy's year.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import replace

from optimizer.history import derived_teacher
from optimizer.outcome import Outcome
from optimizer.plan import Hire, Leader, Move, Plan
from optimizer.rules import leaders_after, retirement_age
from optimizer.scenario import Scenario, Stint, Teacher

LEADER_TERM_YEARS = 3
"""A principal's or vice-principal's term (任期) at one school, in years."""
NEW_HIRE_AGE = 23
"""The age of a new hire in the year hired: a bachelor's graduate (本科, about 22) after the
recruitment exam; HR corrects `birth_year` in teachers.csv when it knows better."""
NEW_HIRE_GENDER = "F"
"""Recruits to compulsory education are mostly women; HR corrects `gender` when it knows better
(it sets the retirement age)."""
NEW_HIRE_PERIOD = 1
"""A new hire is in the first contract period (聘期) of 新教师城乡捆绑 (`new_teacher_bundle`)."""
HIRE_STAGE = {"primary": "primary", "junior": "junior", "nine_year": "both"}
"""A hire teaches the receiving school's stage; a nine-year school's hire either stage."""


def advance(scenario: Scenario, plan: Plan) -> Scenario:
    """Next year's scenario once `plan` is carried out in `scenario`'s year (module docstring).
    The plan is taken as it is: `rotation check` says whether it keeps the rules."""
    year = scenario.policy.year
    outcome = Outcome(scenario, plan)
    moves = {m.teacher_id: m for m in (*plan.moves, *plan.exchanges)}
    heads = leaders_after(scenario, plan)
    promoted = {leader.teacher_id for leader in heads if leader.how != "stays"}
    served = [
        _served_year(scenario, outcome, t, moves.get(t.teacher_id), promoted) for t in scenario.teachers
    ]
    staying = [t for t in served if year + 1 - t.birth_year < retirement_age(scenario.policy, t.gender)]
    staying = _successors(staying, _retired_heads(served, staying, heads))
    staying = _unlinked_spouses(staying)
    kept = {t.teacher_id for t in staying}
    hired = hired_teachers(scenario, plan.hires, taken={t.teacher_id for t in scenario.teachers})
    history = [_ended(scenario, stint, set(moves)) for stint in scenario.history if stint.teacher_id in kept]
    history += [_stint(move, year) for move in (*plan.moves, *plan.exchanges) if move.teacher_id in kept]
    history += [
        Stint(a.teacher_id, a.home_school, a.school_id, year, year + 1, "itinerant")
        for a in plan.itinerant
        if a.teacher_id in kept
    ]
    own: dict[str, list[Stint]] = {}
    for stint in history:
        own.setdefault(stint.teacher_id, []).append(stint)
    staying = [
        derived_teacher(t, own.get(t.teacher_id, ()), scenario.school_by_id, year + 1) for t in staying
    ]
    return replace(
        scenario,
        teachers=(*staying, *hired),
        pins=(),
        policy=replace(scenario.policy, year=year + 1),
        history=tuple(history),
        warnings=(),
    )


def hired_teachers(scenario: Scenario, hires: Iterable[Hire], taken: set[str]) -> list[Teacher]:
    """Each post of each hire as a new teacher of year Y+1, having served year Y at the school:
    id `H<Y>-<n>` (the first numbers no teacher has), the hire's subject, the school's stage,
    a bachelor's degree, NEW_HIRE_AGE in Y, NEW_HIRE_GENDER, first contract period."""
    year = scenario.policy.year
    teachers = []
    number = 0
    for hire in hires:
        school = scenario.school_by_id[hire.school_id]
        for _ in range(hire.posts):
            number += 1
            while f"H{year}-{number:04d}" in taken:
                number += 1
            teachers.append(
                Teacher(
                    teacher_id=f"H{year}-{number:04d}",
                    school_id=school.school_id,
                    subject=hire.subject,
                    stage=HIRE_STAGE[school.stage],
                    gender=NEW_HIRE_GENDER,
                    birth_year=year - NEW_HIRE_AGE,
                    years_at_school=1,
                    is_backbone=False,
                    degree="bachelor",
                    rural_years=int(scenario.is_rural(school)),
                    weak_years=int(school.is_weak),
                    new_teacher_period=NEW_HIRE_PERIOD,
                )
            )
    return teachers


def _served_year(
    scenario: Scenario, outcome: Outcome, teacher: Teacher, move: Move | None, promoted: set[str]
) -> Teacher:
    """The teacher at the start of Y+1, having served year Y where the plan put them."""
    year = scenario.policy.year
    school = scenario.school_by_id[outcome.school_after(teacher)]
    rural = scenario.is_rural(school)
    grown = replace(
        teacher,
        rural_years=teacher.rural_years + int(rural),
        weak_years=teacher.weak_years + int(school.is_weak),
        funded_graduate_owed_years=max(0, teacher.funded_graduate_owed_years - int(rural)),
        role="principal" if teacher.teacher_id in promoted else teacher.role,
        reserve_leader=teacher.reserve_leader and teacher.teacher_id not in promoted,
    )
    if move is not None:
        return replace(
            grown,
            school_id=move.to_school,
            on_rotation_from=move.from_school,
            last_rotated_year=year,
            years_at_school=1,
            terms_at_school=1 if grown.is_principal else 0,
        )
    if scenario.returns_this_year(teacher):
        return replace(
            grown,
            school_id=scenario.home_school(teacher),
            on_rotation_from=None,
            years_at_school=1,
            terms_at_school=1 if grown.is_principal else 0,
        )
    years = teacher.years_at_school + 1
    return replace(grown, years_at_school=years, terms_at_school=_terms(teacher, grown, years))


def _terms(before: Teacher, after: Teacher, years: int) -> int:
    """A staying leader's terms at the school once `years` are served: a new term begins every
    LEADER_TERM_YEARS years; a teacher named principal this year begins the first."""
    if not after.is_principal:
        return before.terms_at_school
    if not before.is_principal:
        return 1
    begins = years > 1 and (years - 1) % LEADER_TERM_YEARS == 0
    return max(1, before.terms_at_school + int(begins))


def _retired_heads(
    served: Sequence[Teacher], staying: Sequence[Teacher], heads: Sequence[Leader]
) -> list[str]:
    """Schools whose head after the plan retires at Y+1."""
    kept = {t.teacher_id for t in staying}
    gone = {t.teacher_id for t in served} - kept
    return [leader.school_id for leader in heads if leader.teacher_id in gone]


def _successors(teachers: list[Teacher], schools: Iterable[str]) -> list[Teacher]:
    """At each school whose head retires and that keeps no principal: its vice-principal (the
    smallest id), else its reserve leader, becomes principal."""
    named: dict[str, str] = {}
    for school_id in schools:
        here = [t for t in teachers if t.school_id == school_id]
        if any(t.role == "principal" for t in here):
            continue
        for found in (
            [t for t in here if t.role == "vice_principal"],
            [t for t in here if t.reserve_leader],
        ):
            if found:
                named[min(t.teacher_id for t in found)] = school_id
                break
    return [
        replace(t, role="principal", reserve_leader=False, terms_at_school=max(1, t.terms_at_school))
        if t.teacher_id in named
        else t
        for t in teachers
    ]


def _unlinked_spouses(teachers: list[Teacher]) -> list[Teacher]:
    """A teacher whose spouse left the county (retired) is no longer linked to them."""
    present = {t.teacher_id for t in teachers}
    return [
        t if t.spouse_id is None or t.spouse_id in present else replace(t, spouse_id=None) for t in teachers
    ]


def _ended(scenario: Scenario, stint: Stint, moving: set[str]) -> Stint:
    """A stint still running at Y ends in Y when its teacher returns in Y or the plan moves them
    on (a pinned move): the next stint begins in Y."""
    teacher = scenario.teacher_by_id.get(stint.teacher_id)
    if teacher is None or not (scenario.returns_this_year(teacher) or teacher.teacher_id in moving):
        return stint
    running = stint.to_school == teacher.school_id and stint.from_school == teacher.on_rotation_from
    year = scenario.policy.year
    if running and stint.start_year < year and (stint.end_year is None or stint.end_year > year):
        return replace(stint, end_year=year)
    return stint


def _stint(move: Move, year: int) -> Stint:
    """A move as a history row: from Y until the year the teacher is due back."""
    return Stint(move.teacher_id, move.from_school, move.to_school, year, year + move.term_years, move.kind)
